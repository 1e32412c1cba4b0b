"""Administrative units (Decision 19/2025/QĐ-TTg codes), villages, commune classifications, ethnic groups."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.scoping import ScopedQuerySet

REFORM_DATE = dt.date(2025, 7, 1)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    DISTRICT = "district", _("Huyện (trước 7/2025)")
    COMMUNE = "commune", _("Xã/phường/đặc khu")


class UnitQuerySet(ScopedQuerySet):
    def current(self, on: dt.date | None = None):
        on = on or dt.date.today()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def communes(self):
        return self.filter(level=UnitLevel.COMMUNE)


class AdministrativeUnit(models.Model):
    """An official unit. Merged units keep their rows and point at their successor (`merged_into`)."""

    code = models.CharField(_("mã"), max_length=5, help_text=_("2 chữ số cho tỉnh, 3 cho huyện, 5 cho xã."))
    name = models.CharField(_("tên"), max_length=120)
    division_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name=_("tỉnh (cùng thời kỳ)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tỉnh mà đơn vị thuộc về trong thời kỳ hiệu lực của nó."),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sáp nhập vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )

    objects = UnitQuerySet.as_manager()
    scope_unit_path = "id"
    # Bulk loads from the data package write no history rows; edits by people (merges, names) do.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "name"]
        constraints = [
            # A successor may keep its predecessor's code, so a code is unique per level and start date,
            # and among the units in force.
            models.UniqueConstraint(fields=["level", "code", "valid_from"], name="unit_code_per_period"),
            models.UniqueConstraint(
                fields=["level", "code"], condition=Q(valid_to__isnull=True), name="unit_code_current"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
        ]
        indexes = [models.Index(fields=["province", "level"])]

    def __str__(self):
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def successor(self) -> "AdministrativeUnit":
        """The unit in force that this one rolls up to (itself when it was never merged)."""
        unit = self
        while unit.merged_into_id is not None:
            unit = unit.merged_into
        return unit

    def classification_on(self, on: dt.date | None = None):
        on = on or dt.date.today()
        return (
            self.classifications.filter(period_start__lte=on)
            .filter(Q(period_end__isnull=True) | Q(period_end__gte=on))
            .order_by("-period_start")
            .first()
        )


class EthnicRegion(models.TextChoices):
    I = "I", _("Khu vực I")  # noqa: E741 - the official name of the region class
    II = "II", _("Khu vực II")
    III = "III", _("Khu vực III")


class CommuneClassification(models.Model):
    """The programme flags of a commune for the period a decision gives them (e.g. 861/QĐ-TTg, 2021–2025)."""

    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("xã"),
        on_delete=models.CASCADE,
        related_name="classifications",
        limit_choices_to={"level": UnitLevel.COMMUNE},
    )
    period_start = models.DateField(_("áp dụng từ"))
    period_end = models.DateField(_("áp dụng đến"), null=True, blank=True)
    decision = models.CharField(_("căn cứ quyết định"), max_length=120)
    extremely_disadvantaged = models.BooleanField(_("xã đặc biệt khó khăn (ĐBKK)"), default=False)
    ethnic_region = models.CharField(
        _("khu vực vùng dân tộc thiểu số"), max_length=3, choices=EthnicRegion.choices, blank=True
    )
    mountainous = models.BooleanField(_("miền núi"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "commune"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân loại xã")
        verbose_name_plural = _("phân loại xã")
        ordering = ["commune", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "period_start"], name="classification_once_per_period"),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="classification_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.commune} ({self.decision})"


class Village(models.Model):
    """A thôn/bản. Villages are not in the national code list, so commune officers keep them."""

    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("xã"),
        on_delete=models.PROTECT,
        related_name="villages",
        limit_choices_to={"level": UnitLevel.COMMUNE},
    )
    name = models.CharField(_("tên thôn/bản"), max_length=120)
    active = models.BooleanField(_("còn sử dụng"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "commune"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thôn/bản")
        verbose_name_plural = _("thôn/bản")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="village_name_per_commune")]

    def __str__(self):
        return self.name


class EthnicGroup(models.Model):
    """One of the 54 groups of the statistics office's official list, with its code."""

    code = models.CharField(_("mã"), max_length=2, unique=True)
    name = models.CharField(_("tên dân tộc"), max_length=60, unique=True)
    code_list = models.CharField(_("danh mục"), max_length=80, default="1019/QĐ-TCTK (2008)")

    class Meta:
        verbose_name = _("dân tộc")
        verbose_name_plural = _("dân tộc")
        ordering = ["code"]

    def __str__(self):
        return self.name
