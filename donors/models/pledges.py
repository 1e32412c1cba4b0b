"""Pledges (promises), receipts (money and goods actually received) and direct sponsorships.

A pledge never counts as money in; only receipts do, and a pledge's received total is always the sum of its
receipts, computed by the database (see donors.selectors), never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from needs.models import AgeBand, Category, ClothingSize
from portal.models.events import Event
from portal.scoping import ScopedQuerySet


class PledgeKind(models.TextChoices):
    CASH = "cash", _("Tiền")
    IN_KIND = "in_kind", _("Hiện vật")


class PledgeStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xác nhận")
    PLEDGED = "pledged", _("Đã cam kết")
    PARTLY_RECEIVED = "partly_received", _("Đã nhận một phần")
    RECEIVED = "received", _("Đã nhận đủ")
    CANCELLED = "cancelled", _("Đã hủy")
    LAPSED = "lapsed", _("Quá hạn, không thực hiện")


# Statuses under which money or goods may still be received against a pledge.
RECEIVABLE_STATUSES = (PledgeStatus.PLEDGED, PledgeStatus.PARTLY_RECEIVED, PledgeStatus.RECEIVED)


class Pledge(models.Model):
    donor = models.ForeignKey(
        "donors.Donor", verbose_name=_("nhà tài trợ"), on_delete=models.PROTECT, related_name="pledges"
    )
    campaign = models.ForeignKey(
        "donors.Campaign",
        verbose_name=_("đợt vận động"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    kind = models.CharField(_("hình thức"), max_length=10, choices=PledgeKind.choices)
    amount = models.BigIntegerField(
        _("giá trị cam kết (đồng)"), help_text=_("Với hiện vật: tổng giá trị các mặt hàng.")
    )
    pledged_on = models.DateField(_("ngày cam kết"))
    receive_by = models.DateField(
        _("hạn chuyển/giao"), null=True, blank=True, help_text=_("Quá hạn mà chưa nhận gì thì cam kết hết hiệu lực.")
    )
    # Earmarks: empty means "any".
    earmark_categories = models.JSONField(_("chỉ dùng cho loại hỗ trợ"), default=list, blank=True)
    earmark_communes = models.ManyToManyField(
        "portal.AdministrativeUnit",
        verbose_name=_("chỉ dùng cho xã"),
        blank=True,
        related_name="+",
        limit_choices_to={"level": "commune"},
    )
    earmark_age_bands = models.JSONField(_("chỉ dùng cho độ tuổi"), default=list, blank=True)
    spend_by = models.DateField(_("phải sử dụng trước ngày"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=PledgeStatus.choices, default=PledgeStatus.PLEDGED, db_index=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    # The pledge that collects a campaign's gifts sent with its transfer code by people who never pledged: one per
    # campaign, created with the first such gift; its amount grows with what arrives (donors.statements.services).
    # db_default: rows written by COPY (the benchmark generator) name no such column.
    anonymous_gifts = models.BooleanField(
        _("nhận quà tặng vô danh của đợt vận động"), default=False, db_default=False, editable=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "donor__province"
    scope_owner_path = "donor__members"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cam kết tài trợ")
        verbose_name_plural = _("cam kết tài trợ")
        ordering = ["-pledged_on", "-id"]
        indexes = [models.Index(fields=["donor", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_amount_positive"),
            models.UniqueConstraint(
                fields=["campaign"], condition=Q(anonymous_gifts=True), name="one_anonymous_gifts_pledge_per_campaign"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.donor}"


class PledgeItem(models.Model):
    """One line of goods in an in-kind pledge: category, item, size or age band, quantity and unit value."""

    pledge = models.ForeignKey(Pledge, verbose_name=_("cam kết"), on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("loại hỗ trợ"), max_length=20, choices=Category.choices)
    description = models.CharField(_("mặt hàng"), max_length=200)
    clothing_size = models.CharField(_("cỡ"), max_length=5, choices=ClothingSize.choices, blank=True)
    age_band = models.CharField(_("độ tuổi"), max_length=5, choices=AgeBand.choices, blank=True)
    quantity = models.PositiveIntegerField(_("số lượng"))
    unit_value = models.BigIntegerField(_("đơn giá (đồng)"))
    value = models.GeneratedField(
        expression=F("quantity") * F("unit_value"),
        output_field=models.BigIntegerField(verbose_name=_("thành tiền (đồng)")),
        db_persist=True,
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "pledge__donor__province"
    scope_owner_path = "pledge__donor__members"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mặt hàng cam kết")
        verbose_name_plural = _("mặt hàng cam kết")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="pledge_item_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_value__gte=0), name="pledge_item_unit_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.description} × {self.quantity}"


class PledgeEvent(Event):
    """One status change of a pledge: who, when, why."""

    pledge = models.ForeignKey(Pledge, verbose_name=_("cam kết"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=20)
    from_status = models.CharField(_("từ trạng thái"), max_length=20, choices=PledgeStatus.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=20, choices=PledgeStatus.choices)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "pledge__donor__province"
    scope_owner_path = "pledge__donor__members"

    class Meta:
        verbose_name = _("bước xử lý cam kết")
        verbose_name_plural = _("các bước xử lý cam kết")
        ordering = ["pledge", "at", "id"]

    def __str__(self):
        return f"{self.pledge_id}: {self.from_status} → {self.to_status}"


class ReceiptKind(models.TextChoices):
    MONEY = "money", _("Tiền")
    GOODS = "goods", _("Hiện vật")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Chuyển khoản")
    CASH = "cash", _("Tiền mặt")
    OTHER = "other", _("Khác")


# Receipts the public ledger lists: money, not cancelled.
LEDGER_ROWS = Q(cancelled_at__isnull=True, kind="money")


class ReceiptQuerySet(ScopedQuerySet):
    def counted(self):
        """Receipts that count as received: every one but those cancelled."""
        return self.filter(cancelled_at__isnull=True)


class CountedReceiptManager(models.Manager.from_queryset(ReceiptQuerySet)):
    """The default manager: a cancelled receipt no longer counts as received anywhere (totals, pledges' status,
    the ledger, reports, donor pages). Its row stays, with who cancelled it and why (Receipt.all_objects)."""

    def get_queryset(self):
        return super().get_queryset().counted()


class Receipt(models.Model):
    """Money or goods actually received against a pledge. `amount` is the value in đồng for both kinds.

    A receipt typed wrong is corrected (its amount changes, the history keeps the old one) or cancelled with a
    reason (donors.services.receipt_correct / receipt_cancel), never deleted.
    """

    pledge = models.ForeignKey(Pledge, verbose_name=_("cam kết"), on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(_("loại"), max_length=10, choices=ReceiptKind.choices)
    received_on = models.DateField(_("ngày nhận"))
    amount = models.BigIntegerField(_("giá trị (đồng)"))
    method = models.CharField(_("hình thức nhận"), max_length=20, choices=PaymentMethod.choices, blank=True)
    bank_reference = models.CharField(_("số chứng từ, mã giao dịch"), max_length=80, blank=True)
    item = models.ForeignKey(
        PledgeItem,
        verbose_name=_("mặt hàng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    quantity = models.PositiveIntegerField(_("số lượng"), null=True, blank=True)
    unit_value = models.BigIntegerField(_("đơn giá (đồng)"), null=True, blank=True)
    beyond_pledge_confirmed = models.BooleanField(
        _("xác nhận nhận vượt cam kết"),
        default=False,
        help_text=_("Đánh dấu khi nhà tài trợ chuyển/giao nhiều hơn đã cam kết và cán bộ đã kiểm tra."),
    )
    note = models.CharField(_("ghi chú"), max_length=250, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người hủy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # db_default: rows written by COPY (the benchmark generator) or raw SQL name no cancellation either.
    cancel_reason = models.CharField(_("lý do hủy"), max_length=250, blank=True, default="", db_default="")

    objects = CountedReceiptManager()
    all_objects = ReceiptQuerySet.as_manager()
    scope_unit_path = "pledge__donor__province"
    scope_owner_path = "pledge__donor__members"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khoản tiếp nhận")
        verbose_name_plural = _("các khoản tiếp nhận")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["pledge", "received_on"]),
            models.Index(fields=["received_on"]),
            # The public ledger (allocations.ledger): money received, newest first, or found by its amount.
            models.Index(fields=["-received_on", "-id"], condition=LEDGER_ROWS, name="receipt_ledger_newest"),
            models.Index(fields=["amount"], condition=LEDGER_ROWS, name="receipt_ledger_amount"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            models.CheckConstraint(
                condition=(
                    Q(kind="money", item__isnull=True, quantity__isnull=True, unit_value__isnull=True)
                    | Q(kind="goods", item__isnull=False, quantity__gt=0, amount=F("quantity") * F("unit_value"))
                ),
                name="receipt_money_or_valued_goods",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True, cancel_reason="")
                | Q(cancelled_at__isnull=False) & ~Q(cancel_reason=""),
                name="receipt_cancel_has_reason",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.amount}"


class SponsorshipStatus(models.TextChoices):
    ACTIVE = "active", _("Đang đỡ đầu")
    ENDED = "ended", _("Đã kết thúc")


class Sponsorship(models.Model):
    """Direct sponsorship (đỡ đầu trực tiếp): a donor supports a named child monthly for a period.

    The donor sees who the child is only while the child's consent to share it is recorded
    (needs.Child.consents_to(ConsentPurpose.SHARE_WITH_SPONSOR)).
    """

    donor = models.ForeignKey(
        "donors.Donor", verbose_name=_("nhà tài trợ"), on_delete=models.PROTECT, related_name="sponsorships"
    )
    child = models.ForeignKey(
        "needs.Child", verbose_name=_("trẻ em"), on_delete=models.PROTECT, related_name="sponsorships"
    )
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    monthly_amount = models.BigIntegerField(_("số tiền mỗi tháng (đồng)"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SponsorshipStatus.choices, default=SponsorshipStatus.ACTIVE
    )
    note = models.CharField(_("ghi chú"), max_length=250, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "child__commune"
    scope_owner_path = "donor__members"
    child_code_path = "child__code"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đỡ đầu trực tiếp")
        verbose_name_plural = _("đỡ đầu trực tiếp")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_amount__gt=0), name="sponsorship_amount_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="sponsorship_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.donor_id} → {self.child_id}"
