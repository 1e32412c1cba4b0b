"""Bank statements of the province's charity account, their lines, and how each credit line was accounted for.

Money received comes from the bank: a statement line matched to a pledge creates the receipt (or confirms one
typed by hand), and a receipt typed by hand stays "not yet seen on a statement" until a line confirms it. Every
credit line is stored once per account (`key`, see donors.statements.parsing.line_key), so a statement uploaded
twice, or two statements that overlap, never count a transfer twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.scoping import ScopedQuerySet


class DateFormat(models.TextChoices):
    DAY_FIRST = "dmy", _("ngày/tháng/năm (25/12/2026, 25-12-2026)")
    YEAR_FIRST = "ymd", _("năm-tháng-ngày (2026-12-25)")


class NumberFormat(models.TextChoices):
    DOTS = "dots", _("dấu chấm tách hàng nghìn (1.000.000)")
    COMMAS = "commas", _("dấu phẩy tách hàng nghìn (1,000,000)")


class StatementFormat(models.Model):
    """How one bank's export reads: which column holds what (by the header's text), on which row the header is,
    how dates and amounts are written. Saved per province and bank, and offered again at the next upload."""

    province = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
    )
    name = models.CharField(_("tên mẫu sao kê (ngân hàng)"), max_length=80)
    header_row = models.PositiveSmallIntegerField(_("dòng tiêu đề"), default=1)
    date_column = models.CharField(_("cột ngày giao dịch"), max_length=120)
    credit_column = models.CharField(_("cột số tiền ghi có (tiền vào)"), max_length=120)
    debit_column = models.CharField(_("cột số tiền ghi nợ (tiền ra)"), max_length=120, blank=True)
    description_column = models.CharField(_("cột nội dung, diễn giải"), max_length=120)
    reference_column = models.CharField(_("cột số tham chiếu, mã giao dịch"), max_length=120, blank=True)
    balance_column = models.CharField(_("cột số dư"), max_length=120, blank=True)
    date_format = models.CharField(
        _("cách ghi ngày"), max_length=3, choices=DateFormat.choices, default=DateFormat.DAY_FIRST
    )
    number_format = models.CharField(
        _("cách ghi số tiền"), max_length=6, choices=NumberFormat.choices, default=NumberFormat.DOTS
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "province"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mẫu sao kê ngân hàng")
        verbose_name_plural = _("mẫu sao kê ngân hàng")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="statement_format_name_once_per_province"),
            models.CheckConstraint(condition=Q(header_row__gte=1), name="statement_format_header_row_positive"),
        ]

    def __str__(self):
        return self.name


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Chờ kiểm tra cột")
    QUEUED = "queued", _("Đang chờ nhập")
    RUNNING = "running", _("Đang nhập")
    DONE = "done", _("Đã nhập")
    FAILED = "failed", _("Không nhập được")


class StatementImport(models.Model):
    """One uploaded statement file: the mapping it was read with, and what importing it did."""

    province = models.ForeignKey(
        "portal.AdministrativeUnit", verbose_name=_("tỉnh/thành phố"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.CharField(_("tài khoản"), max_length=30)  # "<BIN>:<number>" of the agency's account
    format = models.ForeignKey(
        StatementFormat, verbose_name=_("mẫu sao kê"), null=True, blank=True, on_delete=models.SET_NULL
    )
    mapping = models.JSONField(_("cách đọc các cột"), default=dict)  # the mapping used, kept as it was
    file = models.FileField(_("tệp"), upload_to="statements/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    counts = models.JSONField(_("kết quả"), default=dict)
    errors = models.JSONField(_("lỗi"), default=list)
    first_day = models.DateField(_("từ ngày"), null=True, blank=True)
    last_day = models.DateField(_("đến ngày"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("nhập xong lúc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "province"

    class Meta:
        verbose_name = _("sao kê đã tải lên")
        verbose_name_plural = _("sao kê đã tải lên")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.original_name


class LineStatus(models.TextChoices):
    UNMATCHED = "unmatched", _("Chờ đối chiếu")
    MATCHED = "matched", _("Đã khớp")
    NOT_DONATION = "not_donation", _("Không phải tiền tài trợ")
    RETURNED = "returned", _("Đã trả lại người chuyển")


MARKED_STATUSES = (LineStatus.NOT_DONATION, LineStatus.RETURNED)


class Suggestion(models.TextChoices):
    UNKNOWN_CODE = "unknown_code", _("Mã chuyển khoản không ứng với cam kết, đợt vận động nào của tỉnh.")
    NOT_RECEIVABLE = "not_receivable", _("Cam kết theo mã chưa được xác nhận, đã hủy hoặc hết hiệu lực.")
    BEYOND_PLEDGE = "beyond_pledge", _("Số tiền vượt giá trị còn lại của cam kết: cán bộ kiểm tra rồi xác nhận.")


class StatementLine(models.Model):
    """One credit (money in) of the account, stored once whatever number of statements carried it."""

    province = models.ForeignKey(
        "portal.AdministrativeUnit", verbose_name=_("tỉnh/thành phố"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.CharField(_("tài khoản"), max_length=30)
    key = models.CharField(_("khóa chống trùng"), max_length=80)
    statement = models.ForeignKey(
        StatementImport, verbose_name=_("sao kê"), on_delete=models.PROTECT, related_name="lines"
    )
    row = models.PositiveIntegerField(_("dòng trong tệp"))
    booked_on = models.DateField(_("ngày giao dịch"), db_index=True)
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    description = models.TextField(_("nội dung"))
    bank_reference = models.CharField(_("số tham chiếu"), max_length=80, blank=True)
    balance = models.BigIntegerField(_("số dư sau giao dịch (đồng)"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=LineStatus.choices, default=LineStatus.UNMATCHED, db_index=True
    )
    reason = models.CharField(_("lý do"), max_length=250, blank=True)
    # Why automatic matching left a line carrying a code in the queue, and the pledge the code names.
    suggestion = models.CharField(_("lý do chưa tự khớp"), max_length=20, choices=Suggestion.choices, blank=True)
    suggested_pledge = models.ForeignKey(
        "donors.Pledge",
        verbose_name=_("cam kết theo mã chuyển khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    auto = models.BooleanField(_("tự động khớp"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xử lý"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "province"
    history = HistoricalRecords(excluded_fields=["key", "row"])

    class Meta:
        verbose_name = _("dòng sao kê")
        verbose_name_plural = _("dòng sao kê")
        ordering = ["booked_on", "id"]
        indexes = [models.Index(fields=["province", "status", "booked_on"])]
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="statement_line_once_per_account"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="statement_line_credit_positive"),
            models.CheckConstraint(
                condition=~Q(status__in=MARKED_STATUSES) | ~Q(reason=""), name="statement_line_mark_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.booked_on:%d/%m/%Y} {self.amount} {self.description[:40]}"


class StatementMatch(models.Model):
    """One part of a matched line: the receipt it created or confirmed. A line matched whole has one part; a line
    split across pledges has one per pledge, and the parts add up to the line to the đồng.

    The database keeps a line from being matched twice: parts are numbered from 1 per line (a second matching
    of the same line collides on part 1), and a receipt is confirmed by one part at most."""

    line = models.ForeignKey(
        StatementLine, verbose_name=_("dòng sao kê"), on_delete=models.PROTECT, related_name="parts"
    )
    part = models.PositiveSmallIntegerField(_("phần"))
    receipt = models.OneToOneField(
        "donors.Receipt", verbose_name=_("khoản tiếp nhận"), on_delete=models.PROTECT, related_name="statement_match"
    )
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    confirmed_existing = models.BooleanField(_("xác nhận khoản đã nhập tay"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "line__province"

    class Meta:
        verbose_name = _("phần đối chiếu")
        verbose_name_plural = _("phần đối chiếu")
        ordering = ["line", "part"]
        constraints = [
            models.UniqueConstraint(fields=["line", "part"], name="statement_match_part_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="statement_match_amount_positive"),
            models.CheckConstraint(condition=Q(part__gte=1), name="statement_match_part_from_one"),
        ]

    def __str__(self):
        return f"{self.line_id}/{self.part} → {self.receipt_id}"
