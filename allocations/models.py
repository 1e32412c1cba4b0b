"""The allocation ledger (part of a receipt moved to a verified need), its batches, and deliveries with evidence.

Allocations are never edited or deleted: a mistake is corrected by reversing the batch, with a reason, so the
ledger always explains every đồng.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from needs.models import Category
from needs.seasons import season_label
from portal.permissions import Perm
from portal.scoping import ScopedQuerySet
from portal.versioning import Versioned


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
    child_code_path = "need__child__code"
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
    child_code_path = "need__child__code"
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
    child_code_path = "delivery__need__child__code"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["delivery", "uploaded_at"]

    def __str__(self):
        return self.original_name


class ReceiptBalance(models.Model):
    """How much of a receipt is allocated. Kept by database triggers (migration 0002), never by Python.

    The CHECK constraints are the ledger's last line of defence: whatever path writes an allocation, the
    database refuses a row that would allocate more than was received, even under concurrent transactions
    (the trigger's `UPDATE … SET allocated = allocated + n` locks the row, so the second writer re-checks).
    """

    receipt = models.OneToOneField("donors.Receipt", primary_key=True, on_delete=models.CASCADE, related_name="balance")
    received = models.BigIntegerField(_("đã tiếp nhận (đồng)"))
    allocated = models.BigIntegerField(_("đã phân bổ (đồng)"), default=0)
    received_quantity = models.PositiveIntegerField(_("số lượng tiếp nhận"), null=True)
    allocated_quantity = models.PositiveIntegerField(_("số lượng đã phân bổ"), default=0)

    class Meta:
        verbose_name = _("số dư khoản tiếp nhận")
        verbose_name_plural = _("số dư khoản tiếp nhận")
        constraints = [
            models.CheckConstraint(
                condition=Q(allocated__gte=0, allocated__lte=models.F("received")), name="receipt_allocated_le_received"
            ),
            models.CheckConstraint(
                condition=Q(allocated_quantity=0)
                | Q(received_quantity__isnull=False, allocated_quantity__lte=models.F("received_quantity")),
                name="receipt_allocated_quantity_le_received",
            ),
        ]

    def __str__(self):
        return f"{self.receipt_id}: {self.allocated}/{self.received}"

    @property
    def remaining(self) -> int:
        return self.received - self.allocated

    @property
    def remaining_quantity(self) -> int:
        return (self.received_quantity or 0) - self.allocated_quantity


class NeedBalance(models.Model):
    """How much of a need is covered (money in đồng, goods in units valued at the need's unit cost) and
    delivered. Kept by database triggers (migration 0002); the CHECKs forbid covering or delivering more
    than the need."""

    need = models.OneToOneField("needs.Need", primary_key=True, on_delete=models.CASCADE, related_name="balance")
    quantity = models.PositiveIntegerField(_("số lượng"))
    unit_cost = models.BigIntegerField(_("đơn giá dự kiến (đồng)"))
    allocated_money = models.BigIntegerField(_("tiền đã phân bổ (đồng)"), default=0)
    allocated_quantity = models.PositiveIntegerField(_("hiện vật đã phân bổ"), default=0)
    delivered_quantity = models.PositiveIntegerField(_("số lượng đã trao"), default=0)

    class Meta:
        verbose_name = _("mức đáp ứng nhu cầu")
        verbose_name_plural = _("mức đáp ứng nhu cầu")
        constraints = [
            models.CheckConstraint(
                condition=Q(allocated_money__gte=0)
                & Q(
                    allocated_money__lte=(models.F("quantity") - models.F("allocated_quantity")) * models.F("unit_cost")
                ),
                name="need_covered_le_cost",
            ),
            models.CheckConstraint(
                condition=Q(allocated_quantity__lte=models.F("quantity")), name="need_allocated_quantity_le_quantity"
            ),
            models.CheckConstraint(
                condition=Q(delivered_quantity__lte=models.F("quantity")), name="need_delivered_le_quantity"
            ),
            # Nothing is handed over before it is paid for (goods given, or money at the need's unit cost).
            models.CheckConstraint(
                condition=Q(
                    delivered_quantity__lte=models.F("allocated_quantity")
                    + models.F("allocated_money") / Greatest(models.F("unit_cost"), 1)
                ),
                name="need_delivered_le_covered",
            ),
        ]

    def __str__(self):
        return f"{self.need_id}: {self.covered}/{self.cost}"

    @property
    def cost(self) -> int:
        return self.quantity * self.unit_cost

    @property
    def covered(self) -> int:
        """Covered value in đồng: money plus goods valued at the need's own unit cost."""
        return self.allocated_money + self.allocated_quantity * self.unit_cost

    @property
    def remaining(self) -> int:
        return self.cost - self.covered

    @property
    def covered_units(self) -> int:
        """Whole units paid for: goods given plus what the money buys at the need's unit cost."""
        if not self.unit_cost:
            return self.allocated_quantity if self.allocated_quantity else self.quantity
        return min(self.quantity, self.allocated_quantity + self.allocated_money // self.unit_cost)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tính")
    READY = "ready", _("Đã có phương án")
    FAILED = "failed", _("Lỗi")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    DISCARDED = "discarded", _("Đã bỏ")


class MatchingRun(models.Model):
    """One run of the matching assistant: its progress and the proposed plan (JSON) staff review."""

    province = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="matching_runs",
        limit_choices_to={"level": "province"},
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    result = models.JSONField(_("phương án"), default=dict, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    batch = models.OneToOneField(
        AllocationBatch,
        verbose_name=_("đợt phân bổ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matching_run",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chạy"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "province"

    class Meta:
        verbose_name = _("lượt ghép nối")
        verbose_name_plural = _("các lượt ghép nối")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="matching_progress_le_100"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class DistributionStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    PRINTED = "printed", _("Đã in, chờ ghi kết quả")
    RECORDED = "recorded", _("Đã ghi nhận trao")


class DistributionList(Versioned):
    """A distribution day (danh sách cấp phát): the funded needs of one commune handed out on one date.

    Printed for the guardians to sign, then recorded at once: every line becomes a Delivery through the ledger's
    delivery service, in one transaction. The scanned signed list names every child on it, so it stays with the
    list (for those who may see children's personal data) and is never a donor-visible DeliveryEvidence."""

    commune = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("xã"),
        on_delete=models.PROTECT,
        related_name="distribution_lists",
        limit_choices_to={"level": "commune"},
    )
    distributed_on = models.DateField(_("ngày cấp phát"))
    title = models.CharField(_("tên đợt cấp phát"), max_length=160)
    place = models.CharField(_("địa điểm"), max_length=160, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=DistributionStatus.choices, default=DistributionStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    printed_at = models.DateTimeField(_("in lúc"), null=True, blank=True)
    handed_over_by = models.CharField(_("người trao"), max_length=160, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), null=True, blank=True)
    scan = models.FileField(_("bản quét danh sách đã ký"), upload_to="distribution/%Y/%m/", blank=True)
    scan_name = models.CharField(_("tên tệp"), max_length=200, blank=True)
    scan_type = models.CharField(_("loại tệp"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "commune"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("danh sách cấp phát")
        verbose_name_plural = _("danh sách cấp phát")
        ordering = ["-distributed_on", "-id"]
        indexes = [models.Index(fields=["commune", "-distributed_on"], name="distribution_commune_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="recorded") | Q(recorded_at__isnull=False) & ~Q(scan=""),
                name="distribution_recorded_has_scan",
            )
        ]

    def __str__(self):
        return f"{self.title} {self.distributed_on:%d/%m/%Y}"


class DistributionLine(models.Model):
    """One need on a distribution list: what is planned, then what was handed over (or why not)."""

    distribution = models.ForeignKey(
        DistributionList, verbose_name=_("danh sách cấp phát"), on_delete=models.CASCADE, related_name="lines"
    )
    need = models.ForeignKey(
        "needs.Need", verbose_name=_("nhu cầu"), on_delete=models.PROTECT, related_name="distribution_lines"
    )
    planned_quantity = models.PositiveIntegerField(_("số lượng dự kiến trao"))
    handed_over = models.BooleanField(_("đã trao"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("số lượng đã trao"), null=True, blank=True)
    children_reached = models.PositiveIntegerField(_("số trẻ được nhận"), null=True, blank=True)
    reason = models.CharField(_("lý do chưa trao"), max_length=250, blank=True)
    delivery = models.OneToOneField(
        Delivery,
        verbose_name=_("lần trao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="distribution_line",
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "distribution__commune"
    child_code_path = "need__child__code"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dòng danh sách cấp phát")
        verbose_name_plural = _("các dòng danh sách cấp phát")
        ordering = ["distribution", "id"]
        constraints = [
            models.UniqueConstraint(fields=["distribution", "need"], name="distribution_need_once"),
            models.CheckConstraint(condition=Q(planned_quantity__gt=0), name="distribution_planned_positive"),
            # Not handed over needs a reason; handed over needs a delivery in the ledger.
            models.CheckConstraint(
                condition=Q(handed_over__isnull=True)
                | Q(handed_over=False) & ~Q(reason="") & Q(delivery__isnull=True)
                | Q(handed_over=True, delivery__isnull=False),
                name="distribution_line_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.distribution_id}: {self.need_id} × {self.planned_quantity}"

    @property
    def planned_value(self) -> int:
        """What the units to hand out are worth in đồng, at the need's unit cost."""
        return self.planned_quantity * self.need.unit_cost


class PartnerSupport(models.Model):
    """Support a partner organisation gave directly (not through the department): to one child, found by record
    code, or to a group in a commune (village optional). It counts against the same no-overlap rule as the
    department's allocations (allocations.rules.support_overlaps)."""

    partner = models.ForeignKey(
        "portal.PartnerOrganisation",
        verbose_name=_("tổ chức phối hợp"),
        on_delete=models.PROTECT,
        related_name="supports",
    )
    child = models.ForeignKey(
        "needs.Child",
        verbose_name=_("trẻ em"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_supports",
    )
    commune = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("xã"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "commune"},
    )
    village = models.ForeignKey(
        "portal.Village", verbose_name=_("thôn/bản"), null=True, blank=True, on_delete=models.PROTECT
    )
    category = models.CharField(_("loại hỗ trợ"), max_length=20, choices=Category.choices)
    season = models.CharField(_("mùa/đợt"), max_length=8)
    description = models.CharField(_("nội dung hỗ trợ"), max_length=250)
    value = models.BigIntegerField(_("giá trị (đồng)"))
    quantity = models.PositiveIntegerField(_("số lượng"))
    children_count = models.PositiveIntegerField(
        _("số trẻ được nhận"), help_text=_("Với hỗ trợ cho một trẻ là 1; cho một nhóm là số trẻ đã nhận.")
    )
    given_on = models.DateField(_("ngày hỗ trợ"))
    overlap_reason = models.CharField(
        _("lý do hỗ trợ trùng"),
        max_length=250,
        blank=True,
        help_text=_("Khi trẻ đã được hỗ trợ cùng loại trong mùa này: vì sao vẫn hỗ trợ."),
    )
    evidence = models.FileField(_("minh chứng"), upload_to="partner-evidence/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("tên tệp minh chứng"), max_length=200, blank=True)
    evidence_type = models.CharField(_("loại tệp minh chứng"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "commune"
    scope_owner_path = "partner__members"
    scope_owner_perm = Perm.RECORD_PARTNER_SUPPORT
    child_code_path = "child__code"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hỗ trợ của tổ chức phối hợp")
        verbose_name_plural = _("hỗ trợ của tổ chức phối hợp")
        ordering = ["-given_on", "-id"]
        indexes = [
            models.Index(fields=["child", "category", "season"]),
            models.Index(fields=["commune", "given_on"]),
            models.Index(fields=["partner", "given_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="partner_support_value_non_negative"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="partner_support_quantity_positive"),
            models.CheckConstraint(
                condition=Q(child__isnull=True) | Q(children_count=1), name="partner_support_child_counts_one"
            ),
        ]

    def __str__(self):
        return f"{self.partner_id} {self.category} {self.given_on}"

    @property
    def season_label(self) -> str:
        return season_label(self.season)
