"""The ministry that reads every province's approved figures, and the national roll-ups it builds from them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models.events import Event
from reports.models import Build, ReportStatus


class Ministry(models.Model):
    """The national agency that leads children's affairs (since 2025 the Ministry of Health): the issuing agency of
    the national roll-up. Its names are data an admin edits, like a province's Agency, with the same field names so
    the shared Decree 30 header and signature block read either."""

    parent_agency_name = models.CharField(
        _("cơ quan chủ quản"), max_length=200, blank=True, help_text=_("Để trống khi Bộ trực tiếp ban hành.")
    )
    department_name = models.CharField(_("cơ quan ban hành"), max_length=200, help_text=_("Ví dụ: BỘ Y TẾ"))
    department_abbreviation = models.CharField(
        _("chữ viết tắt của cơ quan"), max_length=20, help_text=_("Dùng trong ký hiệu văn bản, ví dụ: BYT")
    )
    place_name = models.CharField(_("địa danh ghi trên văn bản"), max_length=80, help_text=_("Ví dụ: Hà Nội"))
    signer_authority = models.CharField(
        _("quyền hạn ký"), max_length=80, blank=True, help_text=_("Ví dụ: KT. BỘ TRƯỞNG")
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=80)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120)
    recipients = models.TextField(_("nơi nhận mặc định"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    # One ministry leads children's affairs at a time: the unique flag keeps a single row.
    current = models.BooleanField(default=True, editable=False, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thông tin Bộ")
        verbose_name_plural = _("thông tin Bộ")

    def __str__(self):
        return self.department_name


class NationalReport(Build):
    """One build of the national roll-up of a programme's year: a PDF and a workbook, or a build still queued,
    running or failed (reports.builds). The figures are the provinces' approved figures added up, stored with the
    files together with which final report of which province they came from."""

    programme = models.ForeignKey(
        "reports.Programme", verbose_name=_("chương trình"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm báo cáo"))
    version = models.PositiveIntegerField(_("phiên bản"))
    workbook_name = models.CharField(_("tệp Excel"), max_length=200, blank=True)
    workbook_sha256 = models.CharField(_("mã kiểm tra SHA-256 của tệp Excel"), max_length=64, blank=True)
    figures = models.JSONField(_("số liệu tổng hợp"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["figures"])
    build_prefix = ".building-national-"  # its temporary files (reports.builds)

    class Meta:
        verbose_name = _("báo cáo tổng hợp toàn quốc")
        verbose_name_plural = _("báo cáo tổng hợp toàn quốc")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "version"], name="national_report_version_unique"),
            models.CheckConstraint(
                condition=~Q(status="draft") | (~Q(sha256="") & ~Q(file_name="") & ~Q(workbook_name="")),
                name="national_report_built_has_files",
            ),
        ]

    def __str__(self):
        return f"{self.year} v{self.version}"

    def build_directory(self) -> str:
        return str(self.year)

    @classmethod
    def record_event(cls, pk: int, **fields) -> None:
        NationalReportEvent.objects.create(report_id=pk, **fields)


class NationalReportEvent(Event):
    """A roll-up's status change: requested, built, retried, failed."""

    report = models.ForeignKey(
        NationalReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("thao tác"), max_length=20)
    from_status = models.CharField(_("từ trạng thái"), max_length=12, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=12, choices=ReportStatus.choices)

    class Meta:
        verbose_name = _("bước xử lý báo cáo tổng hợp")
        verbose_name_plural = _("các bước xử lý báo cáo tổng hợp")
        ordering = ["report", "at", "id"]

    def __str__(self):
        return f"{self.report_id}: {self.from_status} → {self.to_status}"
