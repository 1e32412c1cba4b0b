from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.dates import DayField
from portal.models import AdministrativeUnit, UnitLevel
from portal.permissions import Perm
from portal.text import collated
from reports.models import CycleKind, ReportingCycle, ReportKind


class ReportRequestForm(forms.Form):
    """Which report to build: the province or one commune, for the cycle's period or any other."""

    unit = forms.ModelChoiceField(label=_("Phạm vi"), queryset=AdministrativeUnit.objects.none(), to_field_name="code")
    # A disclosure is built from its own cycle's page.
    kind = forms.ChoiceField(
        label=_("Loại báo cáo"),
        choices=[choice for choice in ReportKind.choices if choice[0] != ReportKind.DISCLOSURE],
        initial=ReportKind.ANNUAL,
    )
    period_start = DayField(label=_("Từ ngày"), required=False, help_text=_("Để trống: theo kỳ báo cáo."))
    period_end = DayField(label=_("Đến ngày"), required=False)

    def __init__(self, *args, user, cycle: ReportingCycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["unit"].queryset = (
            AdministrativeUnit.objects.visible_to(user, Perm.PREPARE_REPORTS)
            .filter(valid_to__isnull=True)
            .filter(Q(pk=cycle.province_id) | Q(level=UnitLevel.COMMUNE, province_id=cycle.province_id))
            .order_by("-level", collated("name"), "pk")
        )
        self.fields["unit"].initial = cycle.province.code

    def clean(self):
        data = super().clean()
        start = data.get("period_start") or self.cycle.period_start
        end = data.get("period_end") or self.cycle.period_end
        if end < start:
            raise forms.ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
        data["period_start"], data["period_end"] = start, end
        return data


class CycleDatesForm(forms.ModelForm):
    """The dates of a cycle; the model's clean() says which one is out of order. A disclosure cycle has no
    communes' confirmation: its confirm_by is its due date."""

    class Meta:
        model = ReportingCycle
        fields = ["period_start", "period_end", "confirm_by", "due_on"]
        field_classes = dict.fromkeys(fields, DayField)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind == CycleKind.DISCLOSURE:
            del self.fields["confirm_by"]

    def clean(self):
        data = super().clean()
        if "confirm_by" not in self.fields:
            data["confirm_by"] = data.get("due_on")
        return data


class CycleCreateForm(CycleDatesForm):
    """A new cycle: the programme and year, then the dates. The province is the view's to set (the user's)."""

    class Meta(CycleDatesForm.Meta):
        fields = ["programme", "year", *CycleDatesForm.Meta.fields]
        help_texts = {"period_start": _("Đề xuất: tiếp nối kỳ trước, để không ngày nào nằm ngoài kỳ báo cáo.")}


class CycleTextsForm(forms.ModelForm):
    class Meta:
        model = ReportingCycle
        fields = ["difficulties", "proposals"]
        widgets = {"difficulties": forms.Textarea(attrs={"rows": 8}), "proposals": forms.Textarea(attrs={"rows": 8})}


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở lại"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(forms.Form):
    """A period to reconcile; empty, the current reporting cycle's."""

    start = DayField(label=_("Từ ngày"), required=False)
    end = DayField(label=_("Đến ngày"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError(_("Ngày kết thúc trước ngày bắt đầu."))
        return cleaned
