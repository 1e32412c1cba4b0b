"""Needs: support one child or a group/facility needs, with its workflow events and attachments."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from needs.models.children import AgeBand
from needs.seasons import season_label
from portal.models.events import Event
from portal.scoping import ScopedQuerySet
from portal.versioning import Versioned


class Category(models.TextChoices):
    HEALTHCARE = "healthcare", _("Khám, chữa bệnh")
    NUTRITION = "nutrition", _("Bữa ăn dinh dưỡng")
    WARM_CLOTHING = "warm_clothing", _("Đồ ấm")
    PLAY = "play", _("Đồ dùng vui chơi, công trình phúc lợi")
    EDUCATION = "education", _("Học bổng, sách vở, đồ dùng học tập")


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Trả lại để sửa")
    VERIFIED = "verified", _("Đã thẩm định")
    OPEN = "open", _("Đang kêu gọi")
    PARTLY_FUNDED = "partly_funded", _("Đã tài trợ một phần")
    FUNDED = "funded", _("Đã đủ tài trợ")
    DELIVERED = "delivered", _("Đã trao")
    CLOSED = "closed", _("Đã đóng")
    CANCELLED = "cancelled", _("Đã hủy")


# Statuses in which a need may still receive allocations.
FUNDABLE_STATUSES = (NeedStatus.VERIFIED, NeedStatus.OPEN, NeedStatus.PARTLY_FUNDED)


class Priority(models.IntegerChoices):
    """The value is the weight the matching assistant gives to a đồng of this need."""

    LOW = 1, _("Thấp")
    NORMAL = 2, _("Trung bình")
    HIGH = 3, _("Cao")


class ClothingSize(models.TextChoices):
    """Children's clothing sizes by age, as shops in the mountain districts sell them."""

    AGE_2_3 = "2-3", _("Cỡ 2–3 tuổi")
    AGE_4_5 = "4-5", _("Cỡ 4–5 tuổi")
    AGE_6_7 = "6-7", _("Cỡ 6–7 tuổi")
    AGE_8_9 = "8-9", _("Cỡ 8–9 tuổi")
    AGE_10_11 = "10-11", _("Cỡ 10–11 tuổi")
    AGE_12_13 = "12-13", _("Cỡ 12–13 tuổi")
    AGE_14_15 = "14-15", _("Cỡ 14–15 tuổi")
    AGE_16_17 = "16-17", _("Cỡ 16–17 tuổi")

    @classmethod
    def for_age(cls, years: int) -> "ClothingSize":
        for size in cls:
            if years <= int(size.value.split("-")[1]):
                return size
        return cls.AGE_16_17


class CareType(models.TextChoices):
    CHECK_UP = "check_up", _("Khám sức khỏe")
    TREATMENT = "treatment", _("Điều trị")


class NeedQuerySet(ScopedQuerySet):
    def fundable(self):
        return self.filter(status__in=FUNDABLE_STATUSES)


class Need(Versioned):
    """What one child, or a group/facility with a beneficiary count, needs; costs are integer đồng."""

    child = models.ForeignKey(
        "needs.Child",
        verbose_name=_("trẻ em"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
    )
    commune = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("xã"),
        on_delete=models.PROTECT,
        related_name="needs",
        limit_choices_to={"level": "commune"},
        db_index=False,  # led by (commune, status, category) and (commune, created_at) below
    )
    village = models.ForeignKey(
        "portal.Village", verbose_name=_("thôn/bản"), null=True, blank=True, on_delete=models.PROTECT
    )
    facility_name = models.CharField(
        _("tập thể/cơ sở"),
        max_length=160,
        blank=True,
        help_text=_("Với nhu cầu tập thể: trường, điểm trường, nhà văn hóa thôn…"),
    )
    beneficiary_count = models.PositiveIntegerField(_("số trẻ được hưởng"), default=1)
    age_band = models.CharField(
        _("độ tuổi"),
        max_length=5,
        choices=AgeBand.choices,
        blank=True,
        help_text=_("Với nhu cầu tập thể: độ tuổi của các trẻ được hưởng, để nhận tài trợ chỉ định theo độ tuổi."),
    )
    category = models.CharField(_("loại hỗ trợ"), max_length=20, choices=Category.choices)
    description = models.CharField(_("mô tả"), max_length=200, blank=True)
    # Category-specific details.
    clothing_size = models.CharField(_("cỡ quần áo"), max_length=5, choices=ClothingSize.choices, blank=True)
    care_type = models.CharField(_("hình thức khám chữa bệnh"), max_length=10, choices=CareType.choices, blank=True)
    meals_per_day = models.PositiveSmallIntegerField(_("số bữa mỗi ngày"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("số ngày"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("số lượng"))
    unit_cost = models.BigIntegerField(_("đơn giá dự kiến (đồng)"))
    estimated_cost = models.GeneratedField(
        expression=F("quantity") * F("unit_cost"),
        output_field=models.BigIntegerField(verbose_name=_("kinh phí dự kiến (đồng)")),
        db_persist=True,
    )
    season = models.CharField(_("mùa/đợt"), max_length=8, help_text=_("Ví dụ: mùa đông 2026–2027."))
    needed_by = models.DateField(_("cần trước ngày"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("mức ưu tiên"), choices=Priority.choices, default=Priority.NORMAL)
    justification = models.TextField(_("lý do, căn cứ"))
    # Not indexed alone: (status, category, season) and (status, created_at) lead with it, and every index on
    # status is rewritten when a need moves (an accepted provincial plan moves 68,000 at once).
    status = models.CharField(_("trạng thái"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.DRAFT)
    duplicate_override_reason = models.CharField(
        _("lý do chấp nhận trùng"),
        max_length=250,
        blank=True,
        help_text=_("Chỉ cán bộ Sở: vì sao trẻ được hỗ trợ cùng loại hai lần trong một mùa."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The Excel list a need came from, so the officer can act on "all drafts of this import" at once.
    import_record = models.ForeignKey(
        "portal.ImportRecord",
        verbose_name=_("nhập từ tệp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = NeedQuerySet.as_manager()
    scope_unit_path = "commune"
    child_code_path = "child__code"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhu cầu")
        verbose_name_plural = _("nhu cầu")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["commune", "status", "category"]),
            models.Index(fields=["status", "category", "season"]),
            models.Index(fields=["season"]),
            # Lists are newest first: these let a filtered page stop after its first rows.
            models.Index(fields=["-created_at", "-id"], name="need_newest"),
            models.Index(fields=["commune", "-created_at"], name="need_commune_newest"),
            models.Index(fields=["status", "-created_at"], name="need_status_newest"),
            models.Index(fields=["priority", "status"], name="need_priority_status"),
        ]
        constraints = [
            # No duplicate support: one need per child, category and season unless staff recorded why.
            models.UniqueConstraint(
                fields=["child", "category", "season"],
                condition=Q(child__isnull=False, duplicate_override_reason="") & ~Q(status="cancelled"),
                name="need_once_per_child_category_season",
                violation_error_message=_("Trẻ này đã có nhu cầu cùng loại trong mùa này."),
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="need_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="need_unit_cost_not_negative"),
            models.CheckConstraint(condition=Q(beneficiary_count__gt=0), name="need_beneficiaries_positive"),
            models.CheckConstraint(
                condition=Q(child__isnull=False, beneficiary_count=1) | Q(child__isnull=True) & ~Q(facility_name=""),
                name="need_for_one_child_or_a_named_group",
            ),
            # A child's age band comes from the birth date; only a group states one.
            models.CheckConstraint(condition=Q(child__isnull=True) | Q(age_band=""), name="need_age_band_for_groups"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_category_display()}"

    @property
    def is_group(self) -> bool:
        return self.child_id is None

    @property
    def season_label(self) -> str:
        return season_label(self.season)


class NeedEvent(Event):
    """One workflow transition: who moved the need from which status to which, when and why."""

    need = models.ForeignKey(Need, verbose_name=_("nhu cầu"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=20)
    from_status = models.CharField(_("từ trạng thái"), max_length=20, choices=NeedStatus.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=20, choices=NeedStatus.choices)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "need__commune"

    class Meta:
        verbose_name = _("bước xử lý nhu cầu")
        verbose_name_plural = _("các bước xử lý nhu cầu")
        ordering = ["need", "at", "id"]

    def __str__(self):
        return f"{self.need_id}: {self.from_status} → {self.to_status}"


class NeedAttachment(models.Model):
    """A photo or document that supports a need; type and size are checked on upload."""

    need = models.ForeignKey(Need, verbose_name=_("nhu cầu"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to="needs/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "need__commune"
    child_code_path = "need__child__code"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["need", "uploaded_at"]

    def __str__(self):
        return self.original_name
