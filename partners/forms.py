from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from needs.models import Category
from needs.seasons import season_choices
from partners.selectors import children_by_codes
from portal.choices import VillageChoiceField
from portal.dates import DayField
from portal.models import AdministrativeUnit, PartnerOrganisation, Village
from portal.money import VndFormField
from portal.numbers import CountFormField
from portal.permissions import Perm
from portal.text import collated
from portal.uploads import CheckedFileField


class SupportForm(forms.Form):
    """Support a partner gave: to one child (record code) or to a group in a commune (village optional)."""

    partner = forms.ModelChoiceField(label=_("Tổ chức"), queryset=None, empty_label=None)
    child_code = forms.CharField(
        label=_("Mã hồ sơ của trẻ"),
        required=False,
        max_length=24,
        help_text=_("Hỗ trợ cho một trẻ: ghi mã hồ sơ do xã cấp, ví dụ 08134-00027. Hỗ trợ cho nhóm: bỏ trống."),
    )
    commune = forms.ModelChoiceField(
        label=_("Xã"), queryset=None, required=False, help_text=_("Hỗ trợ cho nhóm, điểm trường: chọn xã.")
    )
    village = VillageChoiceField(label=_("Thôn/bản"), queryset=Village.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Loại hỗ trợ"), choices=Category.choices)
    season = forms.ChoiceField(label=_("Mùa/đợt"), required=False)
    description = forms.CharField(label=_("Nội dung hỗ trợ"), max_length=250)
    value = VndFormField(label=_("Giá trị (đồng)"), min_value=0)
    quantity = CountFormField(label=_("Số lượng"), min_value=1)
    children_count = CountFormField(
        label=_("Số trẻ được nhận"), min_value=1, required=False, help_text=_("Hỗ trợ cho nhóm: số trẻ đã nhận.")
    )
    given_on = DayField(label=_("Ngày hỗ trợ"))
    evidence = CheckedFileField(label=_("Minh chứng (ảnh, biên bản)"), required=False)
    overlap_reason = forms.CharField(
        label=_("Lý do hỗ trợ trùng"),
        max_length=250,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Chỉ khi cổng báo trẻ đã được hỗ trợ cùng loại trong mùa này."),
    )

    def __init__(self, *args, user, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["partner"].queryset = PartnerOrganisation.objects.filter(pk__in=[p.pk for p in partners])
        if len(partners) == 1:
            self.fields["partner"].initial = partners[0].pk
            self.fields["partner"].widget = forms.HiddenInput()
        provinces = [partner.province_id for partner in partners]
        communes = AdministrativeUnit.objects.communes().current().filter(province_id__in=provinces)
        self.fields["commune"].queryset = communes.order_by(collated("name"), "pk")
        villages = Village.objects.visible_to(user, Perm.RECORD_PARTNER_SUPPORT).filter(
            active=True, commune__province_id__in=provinces
        )
        self.fields["village"].queryset = villages.select_related("commune").order_by(
            collated("commune__name"), "commune_id", collated("name"), "pk"
        )
        today = timezone.localdate()
        self.fields["season"].choices = [("", _("Tự động theo ngày hỗ trợ")), *season_choices(today)]
        self.initial.setdefault("given_on", today)

    def clean(self):
        data = super().clean()
        code = (data.get("child_code") or "").strip()
        data["child"] = None
        if code:
            child = children_by_codes(user=self.user, codes=[code]).get(code)
            if child is None:
                self.add_error("child_code", _("Không có trẻ mang mã hồ sơ “%(code)s” trong tỉnh.") % {"code": code})
            data["child"] = child
        elif not data.get("commune"):
            self.add_error("commune", _("Chọn xã, hoặc ghi mã hồ sơ của trẻ."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "partner": data["partner"],
            "child": data["child"],
            "commune": data.get("commune"),
            "village": data.get("village"),
            "category": data["category"],
            "season": data.get("season") or "",
            "description": data["description"],
            "value": data["value"],
            "quantity": data["quantity"],
            "children_count": data.get("children_count"),
            "given_on": data["given_on"],
            "overlap_reason": data.get("overlap_reason") or "",
        }


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ của trẻ"), max_length=24)
