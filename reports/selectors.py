"""Reads of the reports app, always through the acting user's scope."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from portal.models import AdministrativeUnit, UnitLevel
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.text import collated
from reports.models import (
    BUILT_STATUSES,
    CommuneConfirmation,
    ConfirmationEvent,
    ConfirmationStatus,
    CycleKind,
    Programme,
    Report,
    ReportingCycle,
    ReportKind,
    ReportStatus,
)


def cycle_list(*, user):
    """The cycles of the user's provinces, newest first, each with `has_final`: a final report locks its dates."""
    finals = Report.objects.filter(cycle=OuterRef("pk"), status=ReportStatus.FINAL)
    return (
        ReportingCycle.objects.visible_to(user, Perm.VIEW_DASHBOARDS)
        .select_related("programme", "province")
        .annotate(has_final=Exists(finals))
        .order_by(collated("province__name"), "-year", "-pk")
    )


def cycle_final_report(*, cycle: ReportingCycle) -> Report | None:
    """The report whose approval locks the cycle's dates: the figures it states are those of these dates."""
    return (
        Report.objects.filter(cycle=cycle, status=ReportStatus.FINAL)
        .select_related("unit", "approved_by")
        .order_by("-approved_at", "-pk")
        .first()
    )


def cycle_provinces(*, user):
    """The provinces in force where the user may open reporting cycles."""
    return (
        AdministrativeUnit.objects.visible_to(user, Perm.PREPARE_REPORTS)
        .filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
        .order_by(collated("name"), "pk")
    )


def cycle_next_defaults(
    *, province: AdministrativeUnit, kind: str = CycleKind.ANNUAL, today: dt.date | None = None
) -> dict:
    """What the form to open the next cycle proposes.

    Annual: the year after the province's latest annual cycle (at the earliest this year), the programme in force
    that year, a period that continues the previous one without a gap (from 1 January when there is none) and the
    usual dates (15 November; due 30 November).
    Disclosure (Decree 03/2026): the first year after the latest disclosure cycle whose 31 March deadline has not
    passed — on 10 February 2027 the 2026 disclosure, due 31/3/2027; from 1 April 2027 the 2027 one, due 31/3/2028.
    """
    today = today or timezone.localdate()
    cycles = ReportingCycle.objects.filter(province=province, kind=kind)
    latest = cycles.order_by("-year").first()
    if kind == CycleKind.DISCLOSURE:
        earliest = today.year - 1 if today <= ReportingCycle.disclosure_dates(today.year - 1)["due_on"] else today.year
        year = max(earliest, latest.year + 1) if latest else earliest
        return {"programme": _programme_in(year), "year": year, **ReportingCycle.disclosure_dates(year)}
    year = max(today.year, latest.year + 1) if latest else today.year
    previous = cycles.filter(year=year - 1).order_by("-period_end").first()
    period_end = ReportingCycle.default_period_end(year)
    period_start = dt.date(year, 1, 1)
    if previous is not None and previous.period_end < period_end:
        period_start = previous.period_end + dt.timedelta(days=1)
    return {
        "programme": _programme_in(year),
        "year": year,
        "period_start": period_start,
        "period_end": period_end,
        "confirm_by": ReportingCycle.default_confirm_by(year),
        "due_on": ReportingCycle.default_due(year),
    }


def _programme_in(year: int) -> Programme | None:
    return Programme.objects.filter(start_year__lte=year, end_year__gte=year).order_by("-start_year").first()


def _next_due(cycles, today: dt.date) -> ReportingCycle | None:
    """Of these cycles (a province's or a user's few dozen), the one due next; once every due date passed, the
    latest one."""
    cycles = list(cycles)
    ahead = [cycle for cycle in cycles if cycle.due_on >= today]
    if ahead:
        return min(ahead, key=lambda cycle: (cycle.due_on, cycle.pk))
    return max(cycles, key=lambda cycle: (cycle.due_on, cycle.pk), default=None)


def cycles_current(cycles, today: dt.date | None = None) -> list[ReportingCycle]:
    """The current cycle of each kind among these (as cycle_current chooses it), without another query."""
    today = today or timezone.localdate()
    current = (_next_due([c for c in cycles if c.kind == kind], today) for kind in CycleKind)
    return [cycle for cycle in current if cycle is not None]


def cycle_current(*, user, kind: str = CycleKind.ANNUAL, today: dt.date | None = None) -> ReportingCycle | None:
    """The cycle of this kind whose report is due next; once every due date passed, the latest one."""
    cycles = ReportingCycle.objects.visible_to(user).filter(kind=kind).select_related("programme", "province")
    return _next_due(cycles, today or timezone.localdate())


def cycle_for_unit(*, unit: AdministrativeUnit, today: dt.date | None = None) -> ReportingCycle | None:
    """The current annual cycle of the province a unit (the province itself or one of its communes) belongs to."""
    province_id = unit.pk if unit.level == UnitLevel.PROVINCE else unit.province_id
    cycles = ReportingCycle.objects.filter(province_id=province_id, kind=CycleKind.ANNUAL)
    return _next_due(cycles.select_related("programme", "province"), today or timezone.localdate())


def report_list(*, user):
    return Report.objects.visible_to(user).select_related("unit", "cycle__programme", "requested_by", "approved_by")


def _changes_after(*, cycle, unit, period_start, period_end, after):
    """Confirmations and reopenings of the communes a report covers, made after it read its figures.

    Only a report of its cycle's period states the communes' confirmed figures; any other period reads the live
    figures, which a confirmation does not change. The arguments are values or OuterRef()s.
    """
    return ConfirmationEvent.objects.filter(
        Q(confirmation__commune_id=unit) | Q(confirmation__commune__province_id=unit),
        confirmation__cycle_id=cycle,
        confirmation__cycle__period_start=period_start,
        confirmation__cycle__period_end=period_end,
        at__gt=after,
    )


def confirmation_changes_since(*, report: Report):
    """The confirmation events that make a built report's figures out of date (see _changes_after)."""
    return _changes_after(
        cycle=report.cycle_id,
        unit=report.unit_id,
        period_start=report.period_start,
        period_end=report.period_end,
        after=report.started_at,
    )


def with_outdated(reports):
    """Annotate `outdated`: a commune the report covers confirmed or reopened its figures after the build read them,
    so the file (a final report too) no longer matches the communes' figures."""
    changes = _changes_after(
        cycle=OuterRef("cycle_id"),
        unit=OuterRef("unit_id"),
        period_start=OuterRef("period_start"),
        period_end=OuterRef("period_end"),
        after=OuterRef("started_at"),
    )
    return reports.annotate(outdated=Exists(changes))


def final_reports_outdated(*, cycle: ReportingCycle):
    """The cycle's final reports that no longer match the communes' figures (the dashboard's warning)."""
    finals = Report.objects.filter(cycle=cycle, status=ReportStatus.FINAL).select_related("unit", "approved_by")
    return [report for report in with_outdated(finals).order_by(collated("unit__name"), "pk") if report.outdated]


def report_latest(*, cycle, unit, period_start: dt.date, period_end: dt.date) -> Report | None:
    """The newest version that finished building: a failed or running build is never the latest."""
    return (
        Report.objects.filter(
            cycle=cycle, unit=unit, period_start=period_start, period_end=period_end, status__in=BUILT_STATUSES
        )
        .order_by("-version")
        .first()
    )


def completeness(*, cycle: ReportingCycle, today: dt.date | None = None) -> dict:
    """Which communes of the cycle's province confirmed their figures, on time or late, and which have not."""
    today = today or timezone.localdate()
    communes = list(
        AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, province_id=cycle.province_id, valid_to__isnull=True
        ).order_by(collated("name"), "pk")
    )
    confirmations = {
        c.commune_id: c for c in CommuneConfirmation.objects.filter(cycle=cycle).select_related("confirmed_by", "cycle")
    }
    rows = []
    for commune in communes:  # the list shown on the page, one row per commune
        confirmation = confirmations.get(commune.pk)
        confirmed = confirmation is not None and confirmation.status == ConfirmationStatus.CONFIRMED
        if confirmed:
            state = "on_time" if confirmation.on_time else "late"
        else:
            state = "overdue" if today > cycle.confirm_by else "pending"
        rows.append({"commune": commune, "confirmation": confirmation, "state": state})
    confirmed_count = sum(row["state"] in ("on_time", "late") for row in rows)
    return {
        "rows": rows,
        "total": len(rows),
        "confirmed": confirmed_count,
        "on_time": sum(row["state"] == "on_time" for row in rows),
        "late": sum(row["state"] == "late" for row in rows),
        "missing": len(rows) - confirmed_count,
        "percent": round(100 * confirmed_count / len(rows)) if rows else 0,
    }


def unit_for_figures(*, user, code: str | None) -> AdministrativeUnit:
    """The province or commune whose figures the user asks for; 404 outside their scope.

    Without a code: the user's province when they hold a province role, else their only commune.
    """
    scope = scope_for(user)
    visible = AdministrativeUnit.objects.visible_to(user, Perm.VIEW_RECORDS).filter(valid_to__isnull=True)
    visible = visible.filter(Q(level=UnitLevel.PROVINCE) | Q(level=UnitLevel.COMMUNE))
    if code:
        unit = visible.filter(code=code).first()
    else:
        unit = visible.filter(level=UnitLevel.PROVINCE).order_by("code").first()
        if unit is None:
            communes = list(visible.filter(level=UnitLevel.COMMUNE).order_by(collated("name"), "pk")[:2])
            unit = communes[0] if communes else None
    if unit is None or not scope.has_perm(Perm.VIEW_RECORDS):
        raise Http404
    return unit


def officer_communes(*, user):
    """The current communes whose figures the user confirms."""
    return (
        AdministrativeUnit.objects.visible_to(user, Perm.CONFIRM_FIGURES)
        .filter(level=UnitLevel.COMMUNE, valid_to__isnull=True)
        .order_by(collated("name"), "pk")
    )


def disclosures_published():
    """The approved disclosures, one per cycle (the final version), newest period first: what the public reads."""
    return (
        Report.objects.filter(kind=ReportKind.DISCLOSURE, status=ReportStatus.FINAL)
        .select_related("unit")
        .order_by("-period_end", collated("unit__name"), "pk")
    )


PUBLIC_DISCLOSURES_KEY = "reports:public:disclosures:v1"


def disclosures_public() -> list[dict]:
    """The transparency page's list of approved disclosures, as plain data cached like the page's figures; an
    approval clears it (services.report_approve)."""

    def rows():
        return [
            {
                "pk": report.pk,
                "year": report.period_end.year,
                "unit": report.unit.name,
                "received": report.figures.get("received", {}).get("total", 0),
                "approved_on": timezone.localdate(report.approved_at),
                "version": report.version,
            }
            for report in disclosures_published()[:20]
        ]

    return cache.get_or_set(PUBLIC_DISCLOSURES_KEY, rows, 300)
