"""Programmes, reporting cycles with the communes' confirmed figures, the report archive and sent reminders."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models.events import Event
from portal.scoping import ScopedQuerySet

DEFAULT_DUE = (11, 30)  # the annual report reaches the People's Committee and the ministry before 30 November
# The demo's convention: figures counted up to 15 November, the communes' confirmation due the same day, which
# leaves two weeks to build and approve the report.
DEFAULT_PERIOD_END = (11, 15)
DEFAULT_CONFIRM_BY = (11, 15)
# Decree 03/2026/NĐ-CP: social and charity funds publish what they received and how it was used in a calendar year
# before 31 March of the next one.
DISCLOSURE_DUE = (3, 31)


class CycleKind(models.TextChoices):
    ANNUAL = "annual", _("Báo cáo năm")
    DISCLOSURE = "disclosure", _("Công khai theo Nghị định 03/2026")


class Programme(models.Model):
    """A national programme the province reports under (Decision 588/QĐ-TTg 2019–2025, the 2026–2035 programme)."""

    code = models.CharField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=250)
    decision = models.CharField(_("căn cứ quyết định"), max_length=120, blank=True)
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chương trình")
        verbose_name_plural = _("chương trình")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="programme_years_ordered")
        ]

    def __str__(self):
        return self.name


class ReportingCycle(models.Model):
    """One year of reporting for a province: the period covered, the communes' confirmation date and the due date.

    An annual cycle is the programme's report to the People's Committee (due 30 November); a disclosure cycle is the
    yearly public disclosure of Decree 03/2026 (the previous calendar year, due 31 March), whose figures no commune
    confirms (its `confirm_by` is its due date).
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("chương trình"), on_delete=models.PROTECT, related_name="cycles"
    )
    province = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="reporting_cycles",
        limit_choices_to={"level": "province"},
    )
    kind = models.CharField(_("loại kỳ"), max_length=12, choices=CycleKind.choices, default=CycleKind.ANNUAL)
    year = models.PositiveSmallIntegerField(_("năm báo cáo"))
    period_start = models.DateField(_("số liệu từ ngày"))
    period_end = models.DateField(_("số liệu đến ngày"))
    confirm_by = models.DateField(_("hạn xã xác nhận số liệu"))
    due_on = models.DateField(_("hạn gửi báo cáo"))
    difficulties = models.TextField(_("II. Khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("III. Đề xuất, kiến nghị"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "province"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "province", "year", "kind"], name="cycle_once_per_programme_year_kind"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="cycle_period_ordered"),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("confirm_by")), name="cycle_confirm_before_due"),
        ]

    def __str__(self):
        if self.kind == CycleKind.DISCLOSURE:
            return f"{self.get_kind_display()} {self.year}"
        return f"{self.programme.code} {self.year}"

    @property
    def is_disclosure(self) -> bool:
        return self.kind == CycleKind.DISCLOSURE

    def clean(self):
        """The dates in the order the work happens, each error on its own field (all of them on the dates form)."""
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("Ngày cuối của kỳ số liệu phải sau ngày đầu.")
        if self.confirm_by and self.due_on and self.confirm_by > self.due_on:
            errors["confirm_by"] = _("Hạn xã xác nhận số liệu phải trước hạn gửi báo cáo.")
        if self.period_end and self.due_on and self.due_on < self.period_end:
            errors["due_on"] = _("Hạn gửi báo cáo phải sau ngày cuối của kỳ số liệu.")
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def default_due(year: int) -> dt.date:
        return dt.date(year, *DEFAULT_DUE)

    @staticmethod
    def default_period_end(year: int) -> dt.date:
        return dt.date(year, *DEFAULT_PERIOD_END)

    @staticmethod
    def default_confirm_by(year: int) -> dt.date:
        return dt.date(year, *DEFAULT_CONFIRM_BY)

    @staticmethod
    def disclosure_dates(year: int) -> dict:
        """The disclosure of a year: the whole calendar year, due 31 March of the next one."""
        due = dt.date(year + 1, *DISCLOSURE_DUE)
        return {
            "period_start": dt.date(year, 1, 1),
            "period_end": dt.date(year, 12, 31),
            "confirm_by": due,
            "due_on": due,
        }


class ConfirmationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Đã xác nhận")
    REOPENED = "reopened", _("Đã mở lại")


class CommuneConfirmation(models.Model):
    """A commune's figures for a cycle, confirmed by its officer and locked as a snapshot until staff reopen it."""

    cycle = models.ForeignKey(
        ReportingCycle, verbose_name=_("kỳ báo cáo"), on_delete=models.CASCADE, related_name="confirmations"
    )
    commune = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("xã"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "commune"},
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=ConfirmationStatus.choices)
    snapshot = models.JSONField(_("số liệu đã xác nhận"), default=dict)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "commune"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("xác nhận số liệu của xã")
        verbose_name_plural = _("xác nhận số liệu của xã")
        ordering = ["cycle", "commune__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "commune"], name="confirmation_once_per_commune")]

    def __str__(self):
        return f"{self.cycle} {self.commune}"

    @property
    def on_time(self) -> bool:
        from django.utils import timezone

        return self.confirmed_at is not None and timezone.localdate(self.confirmed_at) <= self.cycle.confirm_by


class ConfirmationEvent(Event):
    """Who confirmed or reopened a commune's figures, when and why."""

    confirmation = models.ForeignKey(
        CommuneConfirmation, verbose_name=_("xác nhận"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("thao tác"), max_length=10, choices=ConfirmationStatus.choices)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "confirmation__commune"

    class Meta:
        verbose_name = _("bước xác nhận số liệu")
        verbose_name_plural = _("các bước xác nhận số liệu")
        ordering = ["confirmation", "at", "id"]

    def __str__(self):
        return f"{self.confirmation_id} {self.action}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ lập")
    BUILDING = "building", _("Đang lập")
    DRAFT = "draft", _("Dự thảo")
    FINAL = "final", _("Bản chính thức")
    SUPERSEDED = "superseded", _("Đã được thay thế")
    FAILED = "failed", _("Lập không thành công")


# A build that produced a file; only these can be "the latest" version of a report.
BUILT_STATUSES = (ReportStatus.DRAFT, ReportStatus.FINAL, ReportStatus.SUPERSEDED)


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("Báo cáo năm")
    SEMI_ANNUAL = "semi_annual", _("Báo cáo 6 tháng")
    AD_HOC = "ad_hoc", _("Báo cáo đột xuất")
    DISCLOSURE = "disclosure", _("Công khai tiếp nhận và sử dụng đóng góp")


class Build(models.Model):
    """What every generated document records about its build (reports.builds): status and progress, the file and its
    checksum once built, the attempts and the task holding the claim, who asked and when. A subclass names its
    temporary files (`build_prefix`), their folder (`build_directory()`) and its events (`record_event`)."""

    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file_name = models.CharField(_("tệp"), max_length=200, blank=True)
    sha256 = models.CharField(_("mã kiểm tra SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    attempts = models.PositiveSmallIntegerField(
        _("số lần lập"), default=0, help_text=_("Số lần một tiến trình đã bắt đầu lập phiên bản này.")
    )
    # The Celery task whose delivery holds the claim: the same message delivered again means that delivery died.
    task_id = models.CharField(_("mã tác vụ lập"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lập lúc"), null=True, blank=True)
    built_at = models.DateTimeField(_("lập xong lúc"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_running(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.BUILDING)

    @property
    def is_built(self) -> bool:
        return self.status in BUILT_STATUSES

    @property
    def is_retry(self) -> bool:
        """Queued or building again after an attempt that ended without a file (its worker died, or an error)."""
        return self.is_running and self.attempts > (1 if self.status == ReportStatus.BUILDING else 0)


class Report(Build):
    """One build of a report: a file with its checksum, or a build still queued, running or failed.

    Rows are never rebuilt in place: each request is a new version of (cycle, unit, period), and only a build
    that finished writes its file name and checksum, in the same UPDATE that makes it a draft.
    """

    cycle = models.ForeignKey(
        ReportingCycle, verbose_name=_("kỳ báo cáo"), on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey(
        "portal.AdministrativeUnit",
        verbose_name=_("phạm vi"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tỉnh hoặc một xã."),
    )
    kind = models.CharField(_("loại báo cáo"), max_length=12, choices=ReportKind.choices, default=ReportKind.ANNUAL)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    version = models.PositiveIntegerField(_("phiên bản"))
    number = models.CharField(_("số văn bản"), max_length=20, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    # The figures the PDF states, stored by the build that wrote it (reports.documents.report_document): a final
    # report keeps the figures it was approved with, whatever communes reopen later; a disclosure's CSV and JSON
    # publish exactly them. None before 2026-12.
    figures = models.JSONField(_("số liệu của bản đã lập"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "unit"
    history = HistoricalRecords(excluded_fields=["figures"])
    build_prefix = ".building-"  # its temporary files (reports.builds)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("kho báo cáo")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["cycle", "unit", "period_start", "period_end", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit", "period_start", "period_end", "version"], name="report_version_unique"
            ),
            # At most one final version of the same report at a time; the previous one is superseded first.
            models.UniqueConstraint(
                fields=["cycle", "unit", "period_start", "period_end"],
                condition=Q(status="final"),
                name="report_one_final",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["draft", "final", "superseded"]) | (~Q(sha256="") & ~Q(file_name="")),
                name="report_built_has_file",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period_ordered"),
        ]

    def __str__(self):
        period = f"{self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"
        return f"{self.get_kind_display()} {self.unit} {period} v{self.version}"

    @property
    def is_running(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.BUILDING)

    @property
    def is_built(self) -> bool:
        return self.status in BUILT_STATUSES

    def build_directory(self) -> str:
        return str(self.period_end.year)

    @classmethod
    def record_event(cls, pk: int, **fields) -> None:
        ReportEvent.objects.create(report_id=pk, **fields)

    @property
    def is_retry(self) -> bool:
        """Queued or building again after an attempt that ended without a file (its worker died, or an error)."""
        return self.is_running and self.attempts > (1 if self.status == ReportStatus.BUILDING else 0)


class ReportEvent(Event):
    """A report's status change: requested, built, failed, approved, superseded."""

    report = models.ForeignKey(Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=20)
    from_status = models.CharField(_("từ trạng thái"), max_length=12, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=12, choices=ReportStatus.choices)
    reason = models.TextField(_("ghi chú"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "report__unit"

    class Meta:
        verbose_name = _("bước xử lý báo cáo")
        verbose_name_plural = _("các bước xử lý báo cáo")
        ordering = ["report", "at", "id"]

    def __str__(self):
        return f"{self.report_id}: {self.from_status} → {self.to_status}"


class ReminderSent(models.Model):
    """A deadline reminder step already sent; the unique row is claimed before the e-mail goes out."""

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="reminders")
    commune = models.ForeignKey(
        "portal.AdministrativeUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(_("bước nhắc"), max_length=20)
    recipients = models.TextField(_("người nhận"), blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc hạn đã gửi")
        verbose_name_plural = _("nhắc hạn đã gửi")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "commune", "step"], nulls_distinct=False, name="reminder_once_per_step"
            )
        ]

    def __str__(self):
        return f"{self.cycle_id} {self.commune_id or '*'} {self.step}"
