from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MinValueValidator
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donors.models import (
    Appeal,
    AppealKind,
    Campaign,
    CampaignKind,
    Donor,
    DonorContact,
    DonorType,
    PaymentMethod,
    Pledge,
    PledgeItem,
    PledgeKind,
    PledgeStatus,
    ReceiptKind,
    Sponsorship,
)
from donors.rules import appeal_window_problems, pledge_date_problems
from donors.services import receipt_far_below_pledge
from needs.models import AgeBand, Category, Child
from portal.dates import DayField
from portal.models import AdministrativeUnit, UnitLevel
from portal.money import VndFormField
from portal.numbers import CountFormField
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.text import collated
from portal.uploads import CheckedFileField


def _provinces_managed_by(user):
    return AdministrativeUnit.objects.visible_to(user, Perm.MANAGE_DONORS).filter(level=UnitLevel.PROVINCE)


class DonorForm(forms.ModelForm):
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây là một nhà tài trợ khác, vẫn lưu"), required=False
    )

    class Meta:
        model = Donor
        fields = ["province", "type", "name", "tax_code", "country", "address", "email", "phone"]
        fields += ["anonymous_publicly", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = _provinces_managed_by(user)
        self.fields["province"].empty_label = None


class DonorSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên hoặc mã số thuế"), required=False)
    type = forms.ChoiceField(label=_("Loại"), choices=[("", _("Tất cả")), *DonorType.choices], required=False)


class DonorContactForm(forms.ModelForm):
    class Meta:
        model = DonorContact
        fields = ["full_name", "position", "phone", "email"]


class DonorAccountForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), help_text=_("Thư hướng dẫn đặt mật khẩu sẽ gửi tới địa chỉ này."))
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return username


class PledgeForm(forms.ModelForm):
    earmark_categories = forms.MultipleChoiceField(
        label=_("Chỉ dùng cho loại hỗ trợ"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Để trống: dùng cho mọi loại."),
    )
    earmark_age_bands = forms.MultipleChoiceField(
        label=_("Chỉ dùng cho độ tuổi"),
        choices=AgeBand.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Để trống: mọi độ tuổi."),
    )

    class Meta:
        model = Pledge
        fields = ["donor", "campaign", "kind", "amount", "pledged_on", "receive_by", "earmark_categories"]
        fields += ["earmark_communes", "earmark_age_bands", "spend_by", "note"]
        field_classes = {"amount": VndFormField, "pledged_on": DayField, "receive_by": DayField, "spend_by": DayField}
        widgets = {
            "earmark_communes": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, donor=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        if scope.has_perm(Perm.MANAGE_DONORS):
            donors = Donor.objects.visible_to(user, Perm.MANAGE_DONORS)
        else:
            donors = Donor.objects.filter(members=user)
        self.fields["donor"].queryset = donors.order_by(collated("name"), "pk")
        self.fields["donor"].empty_label = None if donors.count() == 1 else "—"
        if donor is not None:
            self.fields["donor"].initial = donor.pk
        provinces = donors.values("province")
        self.fields["campaign"].queryset = Campaign.objects.filter(province__in=provinces).order_by("-start_date")
        self.fields["earmark_communes"].queryset = (
            AdministrativeUnit.objects.communes()
            .current()
            .filter(province__in=provinces)
            .order_by(collated("name"), "pk")
        )
        self.fields["earmark_communes"].required = False
        self.fields["amount"].required = False
        self.fields["amount"].validators.append(MinValueValidator(1))
        self.fields["amount"].help_text = _("Với tiền mặt/chuyển khoản. Với hiện vật, giá trị tính từ các mặt hàng.")
        self.fields["pledged_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == PledgeKind.CASH and not cleaned.get("amount"):
            self.add_error("amount", _("Nhập số tiền cam kết (đồng)."))
        if cleaned.get("kind") == PledgeKind.IN_KIND:
            cleaned["amount"] = None  # the service values the pledge from its items
        # The service checks them too; checked here as well so the page says it before the items are read.
        for field, problem in pledge_date_problems(cleaned.get("pledged_on"), cleaned.get("receive_by")).items():
            self.add_error(field, problem)
        return cleaned


PledgeItemFormSet = inlineformset_factory(
    Pledge,
    PledgeItem,
    fields=["category", "description", "clothing_size", "age_band", "quantity", "unit_value"],
    field_classes={"unit_value": VndFormField, "quantity": CountFormField},
    extra=3,
    can_delete=False,
)


class PledgeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Tất cả")), *PledgeStatus.choices], required=False
    )


class ReceiptForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=ReceiptKind.choices)
    received_on = DayField(label=_("Ngày nhận"))
    amount = VndFormField(label=_("Số tiền (đồng)"), min_value=1, required=False)
    method = forms.ChoiceField(label=_("Hình thức nhận"), choices=[("", "—"), *PaymentMethod.choices], required=False)
    bank_reference = forms.CharField(label=_("Số chứng từ, mã giao dịch"), max_length=80, required=False)
    item = forms.ModelChoiceField(label=_("Mặt hàng"), queryset=PledgeItem.objects.none(), required=False)
    quantity = CountFormField(label=_("Số lượng"), min_value=1, required=False)
    unit_value = VndFormField(
        label=_("Đơn giá (đồng)"), min_value=0, required=False, help_text=_("Để trống: theo đơn giá đã cam kết.")
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=250, required=False)
    confirm_beyond_pledge = forms.BooleanField(label=_("Xác nhận nhận vượt giá trị đã cam kết"), required=False)
    confirm_small_amount = forms.BooleanField(label=_("Tôi đã kiểm tra: số tiền này đúng, vẫn lưu"), required=False)

    def __init__(self, *args, pledge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = pledge.items.all()
        self.fields["received_on"].initial = timezone.localdate()
        if pledge.kind == PledgeKind.IN_KIND:
            self.fields["kind"].initial = ReceiptKind.GOODS
        _ask_small_amount_only_when_needed(self, pledge)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ReceiptKind.MONEY and not cleaned.get("amount"):
            self.add_error("amount", _("Nhập số tiền đã nhận (đồng)."))
        if cleaned.get("kind") == ReceiptKind.GOODS:
            if not cleaned.get("item"):
                self.add_error("item", _("Chọn mặt hàng đã cam kết."))
            if not cleaned.get("quantity"):
                self.add_error("quantity", _("Nhập số lượng đã nhận."))
        return cleaned


def _ask_small_amount_only_when_needed(form, pledge) -> None:
    """The "far below the pledge" tick is shown only when what was typed calls for it (the service's rule)."""
    amount = None
    if form.is_bound and form.data.get("kind", ReceiptKind.MONEY) == ReceiptKind.MONEY:
        try:
            amount = form.fields["amount"].clean(form.data.get("amount"))
        except forms.ValidationError:
            amount = None
    if not receipt_far_below_pledge(pledged=pledge.amount, amount=amount):
        del form.fields["confirm_small_amount"]


class ReceiptCorrectionForm(forms.Form):
    amount = VndFormField(label=_("Số tiền đúng (đồng)"), min_value=1, required=False)
    quantity = CountFormField(label=_("Số lượng đúng"), min_value=1, required=False)
    reason = forms.CharField(label=_("Lý do sửa"), max_length=250, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_beyond_pledge = forms.BooleanField(label=_("Xác nhận nhận vượt giá trị đã cam kết"), required=False)
    confirm_small_amount = forms.BooleanField(label=_("Tôi đã kiểm tra: số tiền này đúng, vẫn lưu"), required=False)

    def __init__(self, *args, receipt, **kwargs):
        super().__init__(*args, **kwargs)
        if receipt.kind == ReceiptKind.GOODS:
            del self.fields["amount"]
            del self.fields["confirm_small_amount"]
            self.fields["quantity"].required = True
            self.fields["quantity"].initial = receipt.quantity
        else:
            del self.fields["quantity"]
            self.fields["amount"].required = True
            self.fields["amount"].initial = receipt.amount
            _ask_small_amount_only_when_needed(self, receipt.pledge)


class ReceiptCancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), max_length=250, widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["province", "kind", "name", "start_date", "end_date", "description"]
        field_classes = {"start_date": DayField, "end_date": DayField}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = _provinces_managed_by(user)
        self.fields["province"].empty_label = None
        # An appeal is opened on its own page, with its documents and communes (AppealForm).
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0] != CampaignKind.APPEAL]


class AppealForm(forms.Form):
    """Open an appeal (Decree 93/2021/NĐ-CP): its campaign, communes, account, criteria and first document."""

    province = forms.ModelChoiceField(label=_("Tỉnh/thành phố"), queryset=AdministrativeUnit.objects.none())
    kind = forms.ChoiceField(label=_("Loại cuộc vận động"), choices=AppealKind.choices)
    name = forms.CharField(label=_("Tên cuộc vận động"), max_length=200)
    decision_reference = forms.CharField(
        label=_("Số, ký hiệu văn bản phát động"), max_length=80, help_text=_("Ví dụ: 125/QĐ-UBND.")
    )
    start_date = DayField(label=_("Bắt đầu tiếp nhận"))
    end_date = DayField(
        label=_("Kết thúc tiếp nhận"), help_text=_("Tối đa 90 ngày kể từ ngày bắt đầu, tính cả hai ngày.")
    )
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    communes = forms.ModelMultipleChoiceField(
        label=_("Xã bị ảnh hưởng"),
        queryset=AdministrativeUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Tiền của cuộc vận động chỉ dùng ở các xã này, trừ khi cán bộ cho phép kèm lý do."),
    )
    child_code = forms.CharField(
        label=_("Mã hồ sơ trẻ"),
        required=False,
        max_length=20,
        help_text=_("Với cuộc vận động cho một trẻ mắc bệnh hiểm nghèo, ví dụ 08134-00027."),
    )
    bank_bin = forms.CharField(label=_("Mã ngân hàng (BIN) của tài khoản riêng"), required=False, max_length=6)
    bank_account_number = forms.CharField(
        label=_("Số tài khoản riêng"),
        required=False,
        max_length=19,
        help_text=_("Để trống: nhận vào tài khoản tiếp nhận của Sở, nội dung chuyển khoản ghi mã của cuộc vận động."),
    )
    bank_account_name = forms.CharField(label=_("Tên tài khoản riêng"), required=False, max_length=70)
    beneficiary_criteria = forms.CharField(
        label=_("Tiêu chí lựa chọn đối tượng hỗ trợ"), widget=forms.Textarea(attrs={"rows": 3})
    )
    support_levels = forms.CharField(label=_("Mức hỗ trợ"), widget=forms.Textarea(attrs={"rows": 3}))
    document_title = forms.CharField(
        label=_("Tên văn bản phát động"), max_length=200, help_text=_("Ví dụ: Quyết định phát động cuộc vận động.")
    )
    document = CheckedFileField(label=_("Tệp văn bản"))
    identity_removed = forms.BooleanField(
        label=_("Văn bản đã che thông tin nhận diện trẻ (được công khai)"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        provinces = _provinces_managed_by(user)
        self.fields["province"].queryset = provinces
        self.fields["province"].empty_label = None
        self.fields["communes"].queryset = (
            AdministrativeUnit.objects.communes().current().filter(province__in=provinces).order_by(collated("name"))
        )

    def clean_child_code(self):
        code = self.cleaned_data["child_code"].strip()
        if not code:
            return None
        child = Child.objects.visible_to(self.user).filter(code=code).first()
        if child is None:
            raise forms.ValidationError(_("Không tìm thấy trẻ có mã hồ sơ này."))
        return child

    def clean(self):
        data = super().clean()
        for field, message in appeal_window_problems(data.get("start_date"), data.get("end_date")).items():
            self.add_error(field, message)
        return data

    def instances(self) -> tuple[Campaign, Appeal, list]:
        data = self.cleaned_data
        campaign = Campaign(
            province=data["province"],
            kind=CampaignKind.APPEAL,
            name=data["name"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            description=data["description"],
        )
        appeal = Appeal(
            kind=data["kind"],
            decision_reference=data["decision_reference"],
            child=data["child_code"],
            bank_bin=data["bank_bin"],
            bank_account_number=data["bank_account_number"],
            bank_account_name=data["bank_account_name"],
            beneficiary_criteria=data["beneficiary_criteria"],
            support_levels=data["support_levels"],
        )
        return campaign, appeal, list(data["communes"])


class AppealDocumentForm(forms.Form):
    title = forms.CharField(label=_("Tên văn bản"), max_length=200)
    file = CheckedFileField(label=_("Tệp"))
    identity_removed = forms.BooleanField(label=_("Đã che thông tin nhận diện trẻ"), required=False)


class AppealReleaseForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Xã"), queryset=AdministrativeUnit.objects.none())
    reason = forms.CharField(label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, appeal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = (
            AdministrativeUnit.objects.communes()
            .current()
            .filter(province_id=appeal.campaign.province_id)
            .exclude(pk__in=appeal.communes.all())
            .exclude(pk__in=appeal.releases.values("commune_id"))
            .order_by(collated("name"))
        )


class SponsorshipForm(forms.ModelForm):
    child_code = forms.CharField(label=_("Mã hồ sơ trẻ"), max_length=24)

    class Meta:
        model = Sponsorship
        fields = ["donor", "start_date", "end_date", "monthly_amount", "note"]
        field_classes = {"monthly_amount": VndFormField, "start_date": DayField, "end_date": DayField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["donor"].queryset = Donor.objects.visible_to(user, Perm.MANAGE_DONORS).order_by(
            collated("name"), "pk"
        )

    def clean_child_code(self):
        code = self.cleaned_data["child_code"].strip()
        child = Child.objects.visible_to(self.user, Perm.MANAGE_DONORS).active().filter(code__iexact=code).first()
        if child is None:
            raise forms.ValidationError(_("Không tìm thấy trẻ có mã này trong phạm vi của bạn."))
        self.instance.child = child
        return code


class CommendationForm(forms.Form):
    start = DayField(label=_("Từ ngày"))
    end = DayField(label=_("Đến ngày"))
    type = forms.ChoiceField(label=_("Loại"), choices=[("", _("Tất cả")), *DonorType.choices], required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned
