"""Writes of the reports app: cycles (dates, texts), communes' confirmations, report builds and approvals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import AdministrativeUnit, UnitLevel
from portal.permissions import Perm
from portal.scoping import scope_for
from reports import builds
from reports.builds import reports_root
from reports.checklists import approval_checklist, confirmation_checklist, final_reports_stating, reopen_checklist
from reports.figures import commune_snapshot
from reports.models import (
    CommuneConfirmation,
    ConfirmationEvent,
    ConfirmationStatus,
    CycleKind,
    Programme,
    Report,
    ReportEvent,
    ReportingCycle,
    ReportKind,
    ReportStatus,
)
from reports.selectors import PUBLIC_DISCLOSURES_KEY


class ReportError(Exception):
    """An action the current state does not allow; views and the API show its message."""


class AcknowledgementRequired(ReportError):
    """The checklist of a confirmation, approval or reopening has warnings the user has not acknowledged."""


def _require(user, perm: str, unit_id: int | None) -> None:
    if user is not None and not scope_for(user).allows(perm, unit_id):
        raise PermissionDenied


# --- Cycles and confirmations -----------------------------------------------------------------------------


CYCLE_DATES = ("period_start", "period_end", "confirm_by", "due_on")


def cycle_create(
    *,
    user,
    province: AdministrativeUnit,
    programme: Programme,
    year: int,
    period_start: dt.date,
    period_end: dt.date,
    confirm_by: dt.date,
    due_on: dt.date,
    kind: str = CycleKind.ANNUAL,
) -> ReportingCycle:
    """Department staff open a province's reporting cycle for a year: one annual cycle and one Decree 03/2026
    disclosure cycle per programme, province and year."""
    _require(user, Perm.PREPARE_REPORTS, province.pk)
    if province.level != UnitLevel.PROVINCE:
        raise ReportError(_("Kỳ báo cáo chỉ mở cho tỉnh, thành phố."))
    cycle = ReportingCycle(
        programme=programme,
        province=province,
        kind=kind,
        year=year,
        period_start=period_start,
        period_end=period_end,
        confirm_by=confirm_by,
        due_on=due_on,
    )
    if not programme.start_year <= year <= programme.end_year:
        raise ValidationError(
            {
                "year": _("Năm %(year)s nằm ngoài thời gian của chương trình (%(start)s–%(end)s).")
                % {"year": year, "start": programme.start_year, "end": programme.end_year}
            }
        )
    taken = ValidationError({"year": _("Tỉnh đã có kỳ báo cáo năm %(year)s của chương trình này.") % {"year": year}})
    if ReportingCycle.objects.filter(programme=programme, province=province, year=year, kind=kind).exists():
        raise taken
    cycle.full_clean()
    cycle._history_user = user
    try:
        with transaction.atomic():
            cycle.save()
    except IntegrityError as error:  # the same cycle opened by someone else a moment ago
        raise taken from error
    return cycle


def cycle_update_dates(
    *, cycle: ReportingCycle, user, period_start: dt.date, period_end: dt.date, confirm_by: dt.date, due_on: dt.date
) -> int:
    """Staff move a cycle's dates, until a report of the cycle is approved as final: from then on the dates are
    those the approved report states, and changing them would make it wrong.

    Communes that confirmed figures for the old period confirm again: their confirmations are reopened, with the
    change as the reason. Returns how many were reopened.
    """
    _require(user, Perm.PREPARE_REPORTS, cycle.province_id)
    with transaction.atomic():
        cycle = ReportingCycle.objects.select_for_update().select_related("programme").get(pk=cycle.pk)
        if Report.objects.filter(cycle=cycle, status=ReportStatus.FINAL).exists():
            raise ReportError(_("Kỳ báo cáo đã có báo cáo chính thức nên không sửa được các mốc thời gian."))
        old_period = (cycle.period_start, cycle.period_end)
        cycle.period_start, cycle.period_end, cycle.confirm_by, cycle.due_on = (
            period_start,
            period_end,
            confirm_by,
            due_on,
        )
        cycle.full_clean()
        cycle._history_user = user
        cycle.save(update_fields=CYCLE_DATES)
        if old_period == (period_start, period_end):
            return 0
        reason = _("Kỳ báo cáo đổi từ %(old)s sang %(new)s; số liệu đã xác nhận tính theo kỳ cũ.") % {
            "old": _period_text(*old_period),
            "new": _period_text(period_start, period_end),
        }
        return _confirmations_reopen(cycle.confirmations.filter(status=ConfirmationStatus.CONFIRMED), user, reason)


def _period_text(start: dt.date, end: dt.date) -> str:
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"


def _confirmations_reopen(confirmations, user, reason: str) -> int:
    reopened = list(confirmations.select_for_update().order_by("pk"))
    for confirmation in reopened:  # at most a province's communes; each keeps its history row, the event the why
        confirmation.status = ConfirmationStatus.REOPENED
        confirmation.save(update_fields=["status"])
    ConfirmationEvent.objects.bulk_create(
        ConfirmationEvent(confirmation=c, action=ConfirmationStatus.REOPENED, actor=user, reason=reason)
        for c in reopened
    )
    return len(reopened)


def cycle_update_texts(*, cycle: ReportingCycle, user, difficulties: str, proposals: str) -> ReportingCycle:
    """Staff write sections II (difficulties) and III (proposals) of the cycle's report."""
    _require(user, Perm.PREPARE_REPORTS, cycle.province_id)
    with transaction.atomic():
        cycle = ReportingCycle.objects.select_for_update().get(pk=cycle.pk)
        cycle.difficulties, cycle.proposals = difficulties.strip(), proposals.strip()
        cycle.full_clean()
        cycle.save(update_fields=["difficulties", "proposals"])
    return cycle


def confirmation_confirm(
    *, cycle: ReportingCycle, commune: AdministrativeUnit, user, acknowledged: str = ""
) -> CommuneConfirmation:
    """The commune officer confirms the commune's figures: they are stored as they are now and locked.

    While the confirmation checklist is not empty (zero totals, needs not verified or not sent), the officer must
    have acknowledged exactly its warnings: `acknowledged` is the checklist's fingerprint the page showed. The
    warnings acknowledged are kept in the confirmation's event.
    """
    _require(user, Perm.CONFIRM_FIGURES, commune.pk)
    if commune.level != UnitLevel.COMMUNE or commune.province_id != cycle.province_id:
        raise ReportError(_("Xã này không thuộc tỉnh của kỳ báo cáo."))
    with transaction.atomic():
        confirmation, _created = CommuneConfirmation.objects.select_for_update().get_or_create(
            cycle=cycle, commune=commune, defaults={"status": ConfirmationStatus.REOPENED}
        )
        if confirmation.status == ConfirmationStatus.CONFIRMED:
            raise ReportError(_("Số liệu của xã đã được xác nhận và đang khóa."))
        checklist = confirmation_checklist(cycle=cycle, commune=commune)
        refusal = checklist.refusal(acknowledged)
        if refusal:
            raise AcknowledgementRequired(refusal)
        confirmation.snapshot = commune_snapshot(
            commune=commune, period_start=cycle.period_start, period_end=cycle.period_end
        )
        confirmation.status = ConfirmationStatus.CONFIRMED
        confirmation.confirmed_by = user
        confirmation.confirmed_at = timezone.now()
        confirmation.save()
        ConfirmationEvent.objects.create(
            confirmation=confirmation,
            action=ConfirmationStatus.CONFIRMED,
            actor=user,
            reason=_acknowledgement(checklist, _("Xác nhận dù còn cảnh báo:")),
        )
    return confirmation


def confirmation_reopen(
    *, confirmation: CommuneConfirmation, user, reason: str, acknowledged: str = ""
) -> CommuneConfirmation:
    """Department staff unlock a commune's confirmed figures, saying why; the commune confirms again later.

    When a final report states these figures, it will no longer match them: staff must have acknowledged that
    warning (the reopen checklist's fingerprint), and each such final report records that it no longer matches.
    """
    _require(user, Perm.PREPARE_REPORTS, confirmation.cycle.province_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại số liệu.")})
    with transaction.atomic():
        # The cycle first, as report_approve locks it: no report is approved final while this one checks.
        ReportingCycle.objects.select_for_update().get(pk=confirmation.cycle_id)
        checklist = reopen_checklist(confirmation=confirmation)
        refusal = checklist.refusal(acknowledged)
        if refusal:
            raise AcknowledgementRequired(refusal)
        locked = CommuneConfirmation.objects.filter(pk=confirmation.pk, status=ConfirmationStatus.CONFIRMED)
        if not _confirmations_reopen(locked, user, reason.strip()):
            raise ReportError(_("Số liệu của xã chưa được xác nhận."))
        for report in final_reports_stating(confirmation=confirmation):
            ReportEvent.objects.create(
                report=report,
                action="outdated",
                from_status=ReportStatus.FINAL,
                to_status=ReportStatus.FINAL,
                actor=user,
                reason=_(
                    "Số liệu của %(commune)s được mở lại sau khi báo cáo được phê duyệt (lý do: %(reason)s). Bản "
                    "chính thức không còn khớp với số liệu của xã."
                )
                % {"commune": confirmation.commune.name, "reason": reason.strip()},
            )
    confirmation.refresh_from_db()
    return confirmation


def _acknowledgement(checklist, heading: str) -> str:
    """The warnings a user acknowledged, for the event of what they did; empty when there were none."""
    return f"{heading}\n{checklist.summary()}" if checklist else ""


# --- Report builds ------------------------------------------------------------------------------------------


def report_request(
    *,
    user,
    cycle: ReportingCycle,
    unit: AdministrativeUnit,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    kind: str = ReportKind.ANNUAL,
) -> Report:
    """A new version of the report, queued; call report_enqueue after the transaction to hand it to a worker.

    A disclosure cycle's report is the province's disclosure of the cycle's period, whatever was asked.
    `user` is None only for the build_report command, run by the operator on the server.
    """
    if cycle.is_disclosure:
        kind, unit, period_start, period_end = ReportKind.DISCLOSURE, cycle.province, None, None
    elif kind == ReportKind.DISCLOSURE:
        raise ReportError(_("Bản công khai theo Nghị định 03/2026 được lập từ kỳ công khai của nó."))
    _require(user, Perm.PREPARE_REPORTS, unit.pk)
    period_start = period_start or cycle.period_start
    period_end = period_end or cycle.period_end
    if unit.pk != cycle.province_id and unit.province_id != cycle.province_id:
        raise ReportError(_("Đơn vị không thuộc tỉnh của kỳ báo cáo."))
    with transaction.atomic():
        ReportingCycle.objects.select_for_update().get(pk=cycle.pk)  # one version number at a time
        same = Report.objects.filter(cycle=cycle, unit=unit, period_start=period_start, period_end=period_end)
        version = (same.aggregate(v=Max("version"))["v"] or 0) + 1
        report = Report(
            cycle=cycle,
            unit=unit,
            kind=kind,
            period_start=period_start,
            period_end=period_end,
            version=version,
            requested_by=user,
        )
        report.full_clean()
        report.save()
        ReportEvent.objects.create(report=report, action="request", to_status=ReportStatus.QUEUED, actor=user)
    return report


def report_enqueue(report: Report) -> bool:
    """Hand the build to a worker; False when the broker does not answer (the row stays queued for later)."""
    from reports.tasks import build_report

    return builds.build_enqueue(build_report, report.pk)


def report_path(report: Report) -> Path:
    return reports_root() / report.file_name


def report_claim(*, report_id: int, task_id: str = "") -> int | None:
    """Claim a report for one build attempt (reports.builds.build_claim)."""
    return builds.build_claim(Report, pk=report_id, task_id=task_id)


def report_recover_stale() -> int:
    """Take back the report builds whose worker died (reports.builds.build_recover_stale)."""
    return builds.build_recover_stale(Report)


def report_build(*, report_id: int) -> Report | None:
    """Claim and build one queued report in this process (the build_report command with --sync).

    Returns None when another attempt holds it or it was built already; an error fails the build.
    """
    return builds.build_now(Report, pk=report_id, build=report_build_attempt)


def report_build_attempt(*, pk: int, attempt: int) -> Report | None:
    """report_build_claimed, called the way the build machinery calls a model's build (reports.builds)."""
    return report_build_claimed(report_id=pk, attempt=attempt)


def report_build_claimed(*, report_id: int, attempt: int) -> Report | None:
    """Build a report claimed by `report_claim`; returns None when this attempt was taken over meanwhile.

    The figures the PDF states are stored with it (`Report.figures`), so an approved report keeps the figures it
    was approved with whatever communes reopen later: the ministry reads those. A failure leaves no file and never
    touches the previous versions.
    """
    from reports.documents import report_document

    report = Report.objects.select_related("cycle__programme", "cycle__province", "unit").get(pk=report_id)
    progress = builds.build_progress(Report, pk=report_id, attempt=attempt)
    content, figures = report_document(report, progress=progress)
    progress(90)
    files = {"file": (_file_name(report, attempt), content)}
    if not builds.build_store(Report, pk=report_id, attempt=attempt, files=files, figures=figures):
        return None
    report.refresh_from_db()
    return report


def _file_name(report: Report, attempt: int) -> Path:
    # A retry writes its own file: an attempt taken over while still running must not overwrite the one that won.
    retry = f"-{attempt}" if attempt > 1 else ""
    prefix = "cong-khai" if report.kind == ReportKind.DISCLOSURE else "bao-cao"
    return Path(report.build_directory()) / (
        f"{prefix}-{report.unit.code}-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}"
        f"-v{report.version}-{report.pk}{retry}.pdf"
    )


def report_release(*, report_id: int, attempt: int, error: str, retrying: bool) -> str | None:
    """After a failed attempt (reports.builds.build_release)."""
    return builds.build_release(Report, pk=report_id, attempt=attempt, error=error, retrying=retrying)


def report_approve(*, report: Report, user, acknowledged: str = "") -> Report:
    """Leadership approve a draft as the final report; the previous final version is superseded, never changed.

    While the approval checklist is not empty (communes not confirmed, zero totals, needs not verified, an
    out-of-date PDF), leadership must have acknowledged exactly its warnings: `acknowledged` is the fingerprint
    of the checklist the page showed. The warnings acknowledged are kept in the approval's event.
    """
    _require(user, Perm.APPROVE_REPORTS, report.unit_id)
    with transaction.atomic():
        # The cycle first, as report_request and cycle_update_dates lock it: its dates cannot move meanwhile.
        ReportingCycle.objects.select_for_update().get(pk=report.cycle_id)
        report = Report.objects.select_for_update().select_related("cycle", "unit").get(pk=report.pk)
        if report.status != ReportStatus.DRAFT:
            raise ReportError(_("Chỉ phê duyệt được bản dự thảo đã lập xong."))
        checklist = approval_checklist(report=report)
        refusal = checklist.refusal(acknowledged)
        if refusal:
            raise AcknowledgementRequired(refusal)
        previous = Report.objects.select_for_update().filter(
            cycle=report.cycle_id,
            unit=report.unit_id,
            period_start=report.period_start,
            period_end=report.period_end,
            status=ReportStatus.FINAL,
        )
        for old in previous:
            Report.objects.filter(pk=old.pk).update(status=ReportStatus.SUPERSEDED)
            ReportEvent.objects.create(
                report=old,
                action="supersede",
                from_status=ReportStatus.FINAL,
                to_status=ReportStatus.SUPERSEDED,
                actor=user,
                reason=_("Thay thế bởi phiên bản %(version)s") % {"version": report.version},
            )
        report.status = ReportStatus.FINAL
        report.approved_by = user
        report.approved_at = timezone.now()
        report.save(update_fields=["status", "approved_by", "approved_at"])
        ReportEvent.objects.create(
            report=report,
            action="approve",
            from_status=ReportStatus.DRAFT,
            to_status=ReportStatus.FINAL,
            actor=user,
            reason=_acknowledgement(checklist, _("Phê duyệt dù còn cảnh báo:")),
        )
        if report.kind == ReportKind.DISCLOSURE:  # published now: the transparency page's list is out of date
            cache.delete(PUBLIC_DISCLOSURES_KEY)
            # Again once committed: a page read meanwhile may have cached the list without it.
            transaction.on_commit(lambda: cache.delete(PUBLIC_DISCLOSURES_KEY))
    return report
