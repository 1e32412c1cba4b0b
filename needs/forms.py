"""Forms for children and needs. They parse and keep what was typed; the services validate and save."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from needs import selectors, services
from needs.models import (
    Child,
    ChildConsent,
    ConsentGiver,
    Need,
    NeedStatus,
    SpecialCircumstance,
)
from needs.models.children import CHILD_CONSENT_AGE
from needs.rules import birth_date_problem, village_problem
from needs.seasons import season_choices
from needs.workflow import GUARDS
from portal.choices import EthnicGroupSelect, VillageChoiceField
from portal.dates import DayField
from portal.models import AdministrativeUnit, EthnicGroup, PartnerOrganisation, Village
from portal.money import VndFormField
from portal.numbers import CountFormField
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.text import collated
from portal.uploads import CheckedFileField


class _ServiceValidatedForm(forms.ModelForm):
    """ModelForm for labels and widgets only: the service runs full_clean on the real object, once."""

    def _post_clean(self):
        pass


def _communes_for(user, perm):
    return AdministrativeUnit.objects.communes().current().visible_to(user, perm).order_by(collated("name"), "pk")


def _villages_for(user, perm):
    return Village.objects.visible_to(user, perm).filter(active=True)


def _village_choices(villages):
    """Villages under their commune, both in Vietnamese order (VillageSelect groups them by commune)."""
    return villages.select_related("commune").order_by(collated("commune__name"), "commune_id", collated("name"), "pk")


class ChildForm(_ServiceValidatedForm):
    special_circumstances = forms.MultipleChoiceField(
        label=_("Hoàn cảnh đặc biệt (Điều 10 Luật Trẻ em)"),
        choices=SpecialCircumstance.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    birth_date = DayField(label=_("Ngày sinh"))
    village = VillageChoiceField(label=_("Thôn/bản"), queryset=Village.objects.none(), required=False)

    class Meta:
        model = Child
        fields = [
            "full_name",
            "sex",
            "birth_date",
            "ethnic_group",
            "commune",
            "village",
            "school_name",
            "school_level",
            "special_circumstances",
            "guardian_name",
            "guardian_phone",
            "notes",
        ]
        widgets = {
            "sex": forms.RadioSelect,
            "ethnic_group": EthnicGroupSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "guardian_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = _communes_for(user, Perm.REGISTER_NEEDS)
        self.fields["commune"].queryset = communes
        # Staff who verify may correct a record too, so they choose among their province's villages.
        villages = _villages_for(user, Perm.REGISTER_NEEDS) | _villages_for(user, Perm.VERIFY_NEEDS)
        self.fields["ethnic_group"].queryset = EthnicGroup.objects.order_by(collated("name"), "pk")
        self.fields["ethnic_group"].widget.common_ids = selectors.ethnic_groups_common(user=user)
        self.fields["sex"].choices = self.fields["sex"].choices[1:]  # radio buttons need no blank
        if self.instance.pk:
            del self.fields["commune"]  # a record stays in the commune that registered it
            villages = villages.filter(commune_id=self.instance.commune_id)
            self.fields["village"].widget.follows = None
        self.fields["village"].queryset = _village_choices(villages)
        if not self.instance.pk and not self.is_bound and len(communes) == 1:
            self.initial.setdefault("commune", communes[0].pk)

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_birth_date(self):
        # The service checks it too; checked here as well so the page says it before the duplicate search.
        birth = self.cleaned_data["birth_date"]
        problem = birth_date_problem(birth) if not self.instance.pk or birth != self.instance.birth_date else None
        if problem:
            raise forms.ValidationError(problem)
        return birth

    def clean(self):
        data = super().clean()
        commune = data.get("commune") or (self.instance.commune if self.instance.pk else None)
        if problem := village_problem(data.get("village"), commune.pk if commune else None):
            self.add_error("village", problem)
        return data


class QuickChildForm(ChildForm):
    """The child part of the one-page registration, with the consents asked at the same visit."""

    guardian_consents = forms.BooleanField(
        label=_("Người giám hộ đồng ý cho thu thập, xử lý thông tin của trẻ để hỗ trợ"), required=False
    )
    child_consents = forms.BooleanField(label=_("Trẻ (từ đủ 7 tuổi) cũng đồng ý"), required=False)
    not_a_duplicate = forms.BooleanField(
        label=_("Tôi đã xem các hồ sơ có thể trùng ở trên; đây là một trẻ khác"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("guardian_consents") and not data.get("guardian_name"):
            self.add_error("guardian_name", _("Ghi họ tên người giám hộ đã đồng ý."))
        return data


class NeedForm(_ServiceValidatedForm):
    season = forms.ChoiceField(label=_("Mùa/đợt"), required=False)
    confirm_low_unit_cost = forms.BooleanField(label=_("Tôi đã kiểm tra: đơn giá này đúng, vẫn lưu"), required=False)
    needed_by = DayField(label=_("Cần trước ngày"), required=False)
    village = VillageChoiceField(label=_("Thôn/bản"), queryset=Village.objects.none(), required=False)
    commune = forms.ModelChoiceField(label=_("Xã"), queryset=AdministrativeUnit.objects.none())

    class Meta:
        model = Need
        fields = [
            "commune",
            "village",
            "facility_name",
            "beneficiary_count",
            "age_band",
            "category",
            "description",
            "clothing_size",
            "care_type",
            "meals_per_day",
            "days",
            "quantity",
            "unit_cost",
            "season",
            "needed_by",
            "priority",
            "justification",
            "duplicate_override_reason",
        ]
        field_classes = {
            "unit_cost": VndFormField,
            **dict.fromkeys(("beneficiary_count", "meals_per_day", "days", "quantity"), CountFormField),
        }
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "clothing_size": _("Để trống: đề xuất theo tuổi của trẻ; sửa được sau."),
            "quantity": _("Với bữa ăn: để trống, tính bằng số bữa × số ngày × số trẻ."),
            "unit_cost": _("Số đồng, ví dụ 250.000 hoặc 250000."),
        }

    def __init__(self, *args, user, group: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["season"].choices = [("", _("Tự động theo ngày cần")), *season_choices(today)]
        self.fields["quantity"].required = False
        self.fields["quantity"].initial = 1
        self.fields["justification"].help_text = _("Vì sao trẻ/tập thể cần hỗ trợ này.")
        if group and not self.instance.pk:
            self.fields["commune"].queryset = _communes_for(user, Perm.REGISTER_NEEDS) | _communes_for(
                user, Perm.VERIFY_NEEDS
            )
            self.fields["village"].queryset = _village_choices(
                _villages_for(user, Perm.REGISTER_NEEDS) | _villages_for(user, Perm.VERIFY_NEEDS)
            )
            self.fields["facility_name"].required = True
        else:
            del self.fields["commune"]
            del self.fields["village"]
            if not group:
                del self.fields["facility_name"]
                del self.fields["beneficiary_count"]
                del self.fields["age_band"]
        if not scope_for(user).has_perm(Perm.VERIFY_NEEDS):
            del self.fields["duplicate_override_reason"]
        if not self._typed_amount_needs_confirmation():
            del self.fields["confirm_low_unit_cost"]  # asked only when the typed unit cost is suspiciously low

    def _typed_amount_needs_confirmation(self) -> bool:
        if not self.is_bound:
            return False
        try:
            unit_cost = self.fields["unit_cost"].clean(self.data.get(self.add_prefix("unit_cost")))
        except forms.ValidationError:
            return False
        return services.unit_cost_needs_confirmation(unit_cost)

    def clean(self):
        data = super().clean()
        commune = data.get("commune")
        if problem := village_problem(data.get("village"), commune.pk if commune else None):
            self.add_error("village", problem)
        return data

    def service_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("commune", "duplicate_override_reason")
        }


class ConsentForm(_ServiceValidatedForm):
    given_on = DayField(label=_("Ngày đồng ý"))

    class Meta:
        model = ChildConsent
        fields = ["given_by", "giver_name", "purpose", "given_on", "note"]

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        self.initial.setdefault("given_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        given_on = data.get("given_on")
        if data.get("given_by") == ConsentGiver.CHILD and given_on and self.child.age(given_on) < CHILD_CONSENT_AGE:
            self.add_error("given_by", _("Trẻ dưới 7 tuổi: chỉ cần sự đồng ý của người giám hộ."))
        return data


class ShareForm(forms.Form):
    """Share a child with a partner organisation, recording the guardian's consent (and the child's from 7)."""

    partner = forms.ModelChoiceField(label=_("Tổ chức phối hợp"), queryset=PartnerOrganisation.objects.none())
    giver_name = forms.CharField(label=_("Họ tên người giám hộ đồng ý"), max_length=120)
    given_on = DayField(label=_("Ngày đồng ý"))
    child_agrees = forms.BooleanField(label=_("Trẻ (từ đủ 7 tuổi) cũng đồng ý"), required=False)

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = PartnerOrganisation.objects.filter(
            province_id=child.commune.province_id
        ).order_by(collated("name"))
        self.initial.setdefault("given_on", timezone.localdate())
        self.initial.setdefault("giver_name", child.guardian_name)


class AttachmentForm(forms.Form):
    file = CheckedFileField(label=_("Ảnh hoặc tài liệu"))


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(action, guard.label) for action, guard in GUARDS.items()])
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BulkActionForm(forms.Form):
    """One workflow action on the ticked needs, or on every draft of one Excel import (`whole_import`).

    The department's queue offers verify/return; the commune's lists offer submit/withdraw. `queryset` is what the
    page may act on (already scoped), so a number from elsewhere is refused like any invalid choice.
    """

    needs = forms.ModelMultipleChoiceField(
        queryset=Need.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    whole_import = forms.IntegerField(required=False, widget=forms.HiddenInput)
    action = forms.ChoiceField()
    reason = forms.CharField(label=_("Lý do (bắt buộc khi trả lại hoặc rút)"), required=False, max_length=500)
    error_targets = {"needs": "id_needs"}  # the ticks are drawn in the lists' table (needs/_need_table.html)

    def __init__(self, *args, queryset, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = queryset
        self.fields["needs"].queryset = queryset
        self.fields["action"].choices = [(action, GUARDS[action].label) for action in actions]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action and GUARDS[action].reason_required and not data.get("reason", "").strip():
            self.add_error("reason", _("Cần ghi lý do để “%(action)s”.") % {"action": GUARDS[action].label})
        if not data.get("needs") and not data.get("whole_import"):
            self.add_error("needs", _("Chưa chọn nhu cầu nào."))
        return data

    def import_drafts(self, import_id: int):
        """The drafts one Excel import created, among the needs this form may act on."""
        return self.queryset.filter(import_record_id=import_id, status=NeedStatus.DRAFT)

    def need_ids(self) -> list[int]:
        """The needs to act on: those ticked, or the drafts of the named import."""
        if self.cleaned_data.get("whole_import"):
            return list(self.import_drafts(self.cleaned_data["whole_import"]).values_list("pk", flat=True))
        return [need.pk for need in self.cleaned_data["needs"]]


class MergeForm(forms.Form):
    other_code = forms.CharField(label=_("Mã hồ sơ trùng (sẽ gộp vào hồ sơ này)"), max_length=24)
    reason = forms.CharField(label=_("Lý do gộp"), max_length=250)


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do ẩn danh"),
        max_length=250,
        help_text=_("Ví dụ: người giám hộ yêu cầu xóa thông tin, đơn ngày 20/11/2026."),
    )
    confirm_code = forms.CharField(
        label=_("Gõ lại mã hồ sơ để xác nhận"), max_length=24, help_text=_("Việc ẩn danh không thể hoàn tác.")
    )

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child

    def clean_confirm_code(self):
        code = self.cleaned_data["confirm_code"].strip()
        if code.upper() != self.child.code.upper():
            raise forms.ValidationError(_("Mã hồ sơ không khớp."))
        return code
