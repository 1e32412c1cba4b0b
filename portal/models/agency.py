"""The names a province's documents and screens show: data an admin edits, never code."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Agency(models.Model):
    province = models.OneToOneField(
        "portal.AdministrativeUnit",
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="agency",
        limit_choices_to={"level": "province", "valid_to__isnull": True},
    )
    parent_agency_name = models.CharField(
        _("cơ quan chủ quản"), max_length=200, help_text=_("Ví dụ: ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN")
    )
    department_name = models.CharField(
        _("cơ quan chủ trì công tác trẻ em"), max_length=200, help_text=_("Ví dụ: SỞ Y TẾ")
    )
    department_abbreviation = models.CharField(
        _("chữ viết tắt của cơ quan"), max_length=20, help_text=_("Dùng trong ký hiệu văn bản, ví dụ: SYT")
    )
    fund_name = models.CharField(_("quỹ bảo trợ trẻ em"), max_length=200, blank=True)
    place_name = models.CharField(_("địa danh ghi trên văn bản"), max_length=80, help_text=_("Ví dụ: Thái Nguyên"))
    signer_authority = models.CharField(
        _("quyền hạn ký"), max_length=80, blank=True, help_text=_("Ví dụ: KT. GIÁM ĐỐC")
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=80)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120)
    recipients = models.TextField(_("nơi nhận mặc định"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    # The province's charity account (tài khoản tiếp nhận): where transfers go, what VietQR codes carry and
    # whose statements staff upload. Empty until the department enters it; no QR is drawn meanwhile.
    bank_bin = models.CharField(
        _("mã ngân hàng (BIN)"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("Mã BIN gồm 6 chữ số, ví dụ 970436 (Vietcombank)."))],
        help_text=_("Mã NAPAS 6 chữ số của ngân hàng, ví dụ 970436 (Vietcombank), 970415 (VietinBank)."),
    )
    bank_account_number = models.CharField(
        _("số tài khoản tiếp nhận"),
        max_length=19,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9A-Za-z]{1,19}$", _("Số tài khoản chỉ gồm chữ số và chữ cái, tối đa 19 ký tự."))
        ],
    )
    bank_account_name = models.CharField(
        _("tên tài khoản"), max_length=70, blank=True, help_text=_("Như ngân hàng in, ví dụ: SO Y TE TINH THAI NGUYEN")
    )
    contact_address = models.CharField(_("địa chỉ"), max_length=250, blank=True)
    contact_phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    contact_email = models.EmailField(_("thư điện tử"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thông tin cơ quan")
        verbose_name_plural = _("thông tin cơ quan")

    def __str__(self):
        return f"{self.department_name} — {self.province}"
