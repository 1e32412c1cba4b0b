"""The allocation ledger (part of a receipt moved to a verified need), its batches, and deliveries with evidence.

Allocations are never edited or deleted: a mistake is corrected by reversing the batch, with a reason, so the
ledger always explains every đồng.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.scoping import ScopedQuerySet


class BatchSource(models.TextChoices):
    MANUAL = "manual", _("Phân bổ thủ công")
    MATCHING = "matching", _("Theo phương án của trợ lý ghép nối")


class BatchStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Đã chấp nhận")
    REVERSED = "reversed", _("Đã hủy bỏ")


class AllocationBatch(models.Model):
    """Allocations accepted together, and reversed together."""

    province = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="allocation_batches",
        limit_choices_to={"level": "province"},
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=BatchSource.choices)
    status = models.CharField(_("trạng thái"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.ACCEPTED)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phân bổ"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người hủy bỏ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reversed_at = models.DateTimeField(_("hủy bỏ lúc"), null=True, blank=True)
    reversal_reason = models.TextField(_("lý do hủy bỏ"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "province"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đợt phân bổ")
        verbose_name_plural = _("đợt phân bổ")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="accepted") | ~Q(reversal_reason="") & Q(reversed_at__isnull=False),
                name="batch_reversal_has_reason",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_source_display()}"


class Allocation(models.Model):
    """Part of one receipt (đồng, or items for goods) given to one need."""

    batch = models.ForeignKey(
        AllocationBatch, verbose_name=_("đợt phân bổ"), on_delete=models.PROTECT, related_name="allocations"
    )
    receipt = models.ForeignKey(
        "donors.Receipt", verbose_name=_("khoản tiếp nhận"), on_delete=models.PROTECT, related_name="allocations"
    )
    need = models.ForeignKey(
        "needs.Need", verbose_name=_("nhu cầu"), on_delete=models.PROTECT, related_name="allocations"
    )
    amount = models.BigIntegerField(_("số tiền/giá trị (đồng)"))
    quantity = models.PositiveIntegerField(_("số lượng hiện vật"), null=True, blank=True)
    active = models.BooleanField(_("còn hiệu lực"), default=True, help_text=_("Sai khi đợt phân bổ đã bị hủy bỏ."))
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "need__commune"
    scope_owner_path = "receipt__pledge__donor__members"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khoản phân bổ")
        verbose_name_plural = _("các khoản phân bổ")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["receipt", "active"]),
            models.Index(fields=["need", "active"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0), name="allocation_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.receipt_id} → {self.need_id}: {self.amount}"


class Delivery(models.Model):
    """Support handed over to the children of a need: all of it, or part (quantity)."""

    need = models.ForeignKey(
        "needs.Need", verbose_name=_("nhu cầu"), on_delete=models.PROTECT, related_name="deliveries"
    )
    delivered_on = models.DateField(_("ngày trao"))
    quantity = models.PositiveIntegerField(_("số lượng đã trao"))
    children_reached = models.PositiveIntegerField(_("số trẻ được nhận"))
    handed_over_by = models.CharField(_("người trao"), max_length=160)
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "need__commune"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lần trao hỗ trợ")
        verbose_name_plural = _("các lần trao hỗ trợ")
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["need", "delivered_on"]), models.Index(fields=["delivered_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.need_id} {self.delivered_on}"


class DeliveryEvidence(models.Model):
    """A photo or a scan of a signed list; shown to donors only if it shows no child or consent allows."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("lần trao"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("tệp"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    shows_children = models.BooleanField(_("có hình ảnh trẻ em"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "delivery__need__commune"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["delivery", "uploaded_at"]

    def __str__(self):
        return self.original_name
