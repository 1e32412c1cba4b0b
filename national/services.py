"""Writes of the national app: the ministry requests a roll-up; a worker builds it (reports.builds)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from national.models import Ministry, NationalReport
from national.selectors import approved_figures, require_national
from reports import builds
from reports.models import Programme, ReportStatus
from reports.services import ReportError


def rollup_request(*, user, year: int, programme: Programme | None) -> NationalReport:
    """A new version of the year's national roll-up, queued; call rollup_enqueue after the transaction."""
    require_national(user)
    if programme is None:
        raise ReportError(_("Năm %(year)s không thuộc chương trình nào.") % {"year": year})
    if not Ministry.objects.exists():
        raise ReportError(_("Chưa khai báo thông tin Bộ (tên cơ quan, người ký): hãy báo quản trị hệ thống."))
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)  # one version number at a time
        same = NationalReport.objects.filter(programme=programme, year=year)
        version = (same.aggregate(v=Max("version"))["v"] or 0) + 1
        report = NationalReport.objects.create(programme=programme, year=year, version=version, requested_by=user)
        NationalReport.record_event(report.pk, action="request", to_status=ReportStatus.QUEUED, actor=user)
    return report


def rollup_enqueue(report: NationalReport) -> bool:
    """Hand the build to a worker; False when the broker does not answer (the row stays queued for later)."""
    from national.tasks import build_rollup

    return builds.build_enqueue(build_rollup, report.pk)


def rollup_build(*, report_id: int) -> NationalReport | None:
    """Claim and build one queued roll-up in this process."""
    return builds.build_now(NationalReport, pk=report_id, build=rollup_build_attempt)


def rollup_build_attempt(*, pk: int, attempt: int) -> NationalReport | None:
    """Build a claimed roll-up: the provinces' approved figures as they are stored now, added up, written as a PDF
    and a workbook, and stored with them; None when this attempt was taken over meanwhile."""
    from national.documents import rollup_pdf, rollup_snapshot, rollup_workbook

    report = NationalReport.objects.select_related("programme").get(pk=pk)
    progress = builds.build_progress(NationalReport, pk=pk, attempt=attempt)
    with translation.override("vi"):  # an official document, whatever the requester's language
        snapshot = rollup_snapshot(approved_figures(year=report.year, programme=report.programme))
        progress(30)
        pdf = rollup_pdf(report, snapshot, issued_on=timezone.localdate())
        progress(80)
        workbook = rollup_workbook(snapshot)
    stem = Path(report.build_directory()) / f"tong-hop-toan-quoc-{report.year}-v{report.version}-{pk}"
    retry = f"-{attempt}" if attempt > 1 else ""  # an attempt taken over must not overwrite the winner's files
    files = {"file": (Path(f"{stem}{retry}.pdf"), pdf), "workbook": (Path(f"{stem}{retry}.xlsx"), workbook)}
    if not builds.build_store(NationalReport, pk=pk, attempt=attempt, files=files, figures=snapshot):
        return None
    report.refresh_from_db()
    return report


def rollup_path(report: NationalReport, *, workbook: bool = False) -> Path:
    return builds.reports_root() / (report.workbook_name if workbook else report.file_name)
