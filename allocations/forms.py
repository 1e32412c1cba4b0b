from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import DayField
from portal.money import VndFormField, format_vnd
from portal.numbers import CountFormField
from portal.uploads import CheckedFileField


class ReceiptChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, receipt):
        left = receipt.balance.remaining if hasattr(receipt, "balance") else receipt.amount
        what = receipt.item.description if receipt.item_id else receipt.get_kind_display()
        return f"#{receipt.pk} {receipt.pledge.donor.name} — {what} — {_('còn')} {format_vnd(left)}"


class NeedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, need):
        left = need.balance.remaining if hasattr(need, "balance") else need.estimated_cost
        who = need.child.code if need.child_id else need.facility_name
        return (
            f"#{need.pk} {need.get_category_display()} — {need.commune.name} — {who} — {_('thiếu')} {format_vnd(left)}"
        )


class AllocationForm(forms.Form):
    receipt = ReceiptChoiceField(label=_("Khoản tiếp nhận"), queryset=None)
    need = NeedChoiceField(label=_("Nhu cầu"), queryset=None)
    amount = VndFormField(label=_("Số tiền (đồng)"), min_value=1, required=False)
    quantity = CountFormField(label=_("Số lượng hiện vật"), min_value=1, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, receipts, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].queryset = receipts
        self.fields["need"].queryset = needs

    def clean(self):
        data = super().clean()
        receipt = data.get("receipt")
        if receipt is not None:
            if receipt.kind == "goods" and not data.get("quantity"):
                self.add_error("quantity", _("Hiện vật phân bổ theo số lượng."))
            if receipt.kind == "money" and not data.get("amount"):
                self.add_error("amount", _("Nhập số tiền phân bổ."))
        return data


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy bỏ"), widget=forms.Textarea(attrs={"rows": 2}))


class DeliveryForm(forms.Form):
    delivered_on = DayField(label=_("Ngày trao"), initial=timezone.localdate)
    quantity = CountFormField(label=_("Số lượng đã trao"), min_value=1)
    children_reached = CountFormField(label=_("Số trẻ được nhận"), min_value=0)
    handed_over_by = forms.CharField(label=_("Người trao"), max_length=160)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = CheckedFileField(label=_("Minh chứng (ảnh, danh sách ký nhận)"), required=False)
    shows_children = forms.BooleanField(
        label=_("Ảnh có hình trẻ em"),
        required=False,
        initial=True,
        help_text=_("Ảnh có trẻ em chỉ hiện cho nhà tài trợ khi trẻ và người giám hộ đã đồng ý."),
    )


class DistributionForm(forms.Form):
    """The head of a distribution list; the needs on it are picked in the table below it (see the view)."""

    distributed_on = DayField(label=_("Ngày cấp phát"), initial=timezone.localdate)
    title = forms.CharField(label=_("Tên đợt cấp phát"), max_length=160, initial=_("Cấp phát hỗ trợ cho trẻ em"))
    place = forms.CharField(label=_("Địa điểm"), max_length=160, required=False)


HANDED_OVER_CHOICES = [("yes", _("Đã trao")), ("no", _("Chưa trao"))]


class DistributionRecordForm(forms.Form):
    """What happened on the day, one row per line, planned quantities as the default: recording a list where
    everyone came is one upload and one click."""

    handed_over_by = forms.CharField(label=_("Người trao"), max_length=160)
    scan = CheckedFileField(label=_("Bản quét danh sách đã ký nhận"))

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            need = line.need
            self.fields[f"handed_{line.pk}"] = forms.ChoiceField(
                label=_("Kết quả"), choices=HANDED_OVER_CHOICES, initial="yes", widget=forms.RadioSelect
            )
            self.fields[f"quantity_{line.pk}"] = CountFormField(
                label=_("Số lượng đã trao"), min_value=0, max_value=line.planned_quantity, required=False,
                initial=line.planned_quantity,
            )  # fmt: skip
            if need.is_group:
                self.fields[f"children_{line.pk}"] = CountFormField(
                    label=_("Số trẻ được nhận"), min_value=0, max_value=need.beneficiary_count, required=False,
                    initial=need.beneficiary_count,
                )  # fmt: skip
            self.fields[f"reason_{line.pk}"] = forms.CharField(
                label=_("Lý do chưa trao"), max_length=250, required=False
            )

    def clean(self):
        data = super().clean()
        for line in self.lines:
            if data.get(f"handed_{line.pk}") == "no":
                if not (data.get(f"reason_{line.pk}") or "").strip():
                    self.add_error(f"reason_{line.pk}", _("Ghi lý do chưa trao."))
            elif data.get(f"handed_{line.pk}") == "yes" and not data.get(f"quantity_{line.pk}"):
                self.add_error(f"quantity_{line.pk}", _("Nhập số lượng đã trao (hoặc chọn “Chưa trao”)."))
        return data

    def outcomes(self) -> dict:
        from allocations.services import Outcome

        data = self.cleaned_data
        return {
            line.pk: Outcome(
                handed_over=data[f"handed_{line.pk}"] == "yes",
                quantity=data.get(f"quantity_{line.pk}"),
                children_reached=data.get(f"children_{line.pk}"),
                reason=data.get(f"reason_{line.pk}") or "",
            )
            for line in self.lines
        }

    def rows(self) -> list[dict]:
        """Each line with its bound fields, for the table."""
        return [
            {
                "line": line,
                "handed": self[f"handed_{line.pk}"],
                "quantity": self[f"quantity_{line.pk}"],
                "children": self[f"children_{line.pk}"] if f"children_{line.pk}" in self.fields else None,
                "reason": self[f"reason_{line.pk}"],
            }
            for line in self.lines
        ]
