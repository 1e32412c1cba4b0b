from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import DayField
from portal.money import VndFormField, format_vnd
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
    quantity = forms.IntegerField(label=_("Số lượng hiện vật"), min_value=1, required=False)
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
    quantity = forms.IntegerField(label=_("Số lượng đã trao"), min_value=1)
    children_reached = forms.IntegerField(label=_("Số trẻ được nhận"), min_value=0)
    handed_over_by = forms.CharField(label=_("Người trao"), max_length=160)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = CheckedFileField(label=_("Minh chứng (ảnh, danh sách ký nhận)"), required=False)
    shows_children = forms.BooleanField(
        label=_("Ảnh có hình trẻ em"),
        required=False,
        initial=True,
        help_text=_("Ảnh có trẻ em chỉ hiện cho nhà tài trợ khi trẻ và người giám hộ đã đồng ý."),
    )
