"""What the ministry reads: each province's annual report for a year and the figures of its FINAL version.

The ministry holds no unit, so `visible_to` gives it no row of any province (no child, need, donor, report).
These selectors are the one door it has: they check `Perm.VIEW_NATIONAL` and read across provinces, and they read
only reports' stored figures (`Report.figures`, the aggregates the approved PDF states), never a live table. A
province that reopens its communes' figures after approval changes nothing here until it approves a new version.

Every query is one per page, whatever the number of provinces: 34 provinces are 34 rows, and the stored figures
are read by PostgreSQL (the headline numbers extracted from the JSON and summed in the database).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from national.models import NationalReport
from portal.models import AdministrativeUnit, UnitLevel
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.text import collated
from reports.models import Programme, Report, ReportingCycle, ReportKind, ReportStatus
from reports.selectors import with_outdated

# The headline figures a province's final report states, as stored (reports.figures.Figures.as_dict): name, path in
# the stored figures, label. They are the report's own figures, each defined once in reports.figures.
MEASURES = [
    ("received", "totals__received", _("Nguồn lực thực nhận (đồng)")),
    ("cash", "resources__cash", _("Trong đó tiền (đồng)")),
    ("in_kind", "resources__in_kind", _("Hiện vật quy đổi (đồng)")),
    ("allocated", "totals__allocated", _("Đã phân bổ (đồng)")),
    ("delivered", "totals__delivered", _("Đã trao, quy đổi (đồng)")),
    ("children", "totals__children", _("Số trẻ được hỗ trợ")),
    ("children_reached", "totals__children_reached", _("Số trẻ hưởng lợi")),
]
MONEY_MEASURES = {"received", "cash", "in_kind", "allocated", "delivered"}
# Breakdowns added up across provinces: (name, path of a stored list of rows keyed by "key", the numbers to add).
BREAKDOWNS = [
    ("by_category", "needs__by_category", ("registered", "allocated", "delivered_value", "children_reached")),
    ("by_donor_type", "resources__by_donor_type", ("cash", "in_kind", "total")),
]


STATES = {
    "final": _("Đã phê duyệt"),
    "draft": _("Mới có dự thảo"),
    "building": _("Đang lập"),
    "none": _("Chưa có báo cáo"),
}


def require_national(user) -> None:
    """The national pages exist only for the ministry (and the admin): anyone else is an outsider, 404 in views."""
    if not scope_for(user).has_perm(Perm.VIEW_NATIONAL):
        raise PermissionDenied


def national_year(year: int | None, today=None) -> tuple[int, Programme | None]:
    """The year asked for, or the latest year a province opened a cycle for (this year when none did), and the
    programme in force that year."""
    if year is None:
        latest = ReportingCycle.objects.order_by("-year").values_list("year", flat=True).first()
        year = latest or (today or timezone.localdate()).year
    programme = Programme.objects.filter(start_year__lte=year, end_year__gte=year).order_by("-start_year").first()
    return year, programme


def national_years() -> list[int]:
    return list(ReportingCycle.objects.order_by("-year").values_list("year", flat=True).distinct())


def approved_reports(*, year: int, programme: Programme | None):
    """Each province's current FINAL annual report of the year: for the province itself and its cycle's period."""
    return Report.objects.filter(
        status=ReportStatus.FINAL,
        kind=ReportKind.ANNUAL,
        cycle__year=year,
        cycle__programme=programme,
        unit_id=F("cycle__province_id"),
        period_start=F("cycle__period_start"),
        period_end=F("cycle__period_end"),
    )


def _measure(path: str):
    return Cast(KT(f"figures__{path}"), BigIntegerField())


def province_submissions(*, user, year: int, programme: Programme | None) -> list[dict]:
    """The ministry's page of submissions (see submissions)."""
    require_national(user)
    return submissions(year=year, programme=programme)


def submissions(*, year: int, programme: Programme | None) -> list[dict]:
    """Unchecked: callers check Perm.VIEW_NATIONAL (the pages) or were checked when the build was requested.

    Every province in force, in Vietnamese order, with its annual report of the year: `state` is "final" (with
    the figures it was approved with; `stored` False for a report approved before figures were stored with
    reports), "draft" (built, not approved), "building" (requested, not built) or "none"; the due date, when and
    which version was approved, and `outdated` when the province reopened figures after approval."""
    annual = Report.objects.filter(
        cycle=OuterRef("pk"),
        kind=ReportKind.ANNUAL,
        unit_id=OuterRef("province_id"),
        period_start=OuterRef("period_start"),
        period_end=OuterRef("period_end"),
    )
    cycles = {
        cycle.province_id: cycle
        for cycle in ReportingCycle.objects.filter(year=year, programme=programme).annotate(
            has_draft=Exists(annual.filter(status=ReportStatus.DRAFT)),
            building=Exists(annual.filter(status__in=(ReportStatus.QUEUED, ReportStatus.BUILDING))),
        )
    }
    finals = with_outdated(approved_reports(year=year, programme=programme)).values(
        "pk",
        "version",
        "approved_at",
        "outdated",
        province_id=F("cycle__province_id"),
        stored=ExpressionWrapper(Q(figures__isnull=False), output_field=BooleanField()),
        **{name: _measure(path) for name, path, _label in MEASURES},
    )
    finals = {row["province_id"]: row for row in finals}
    rows = []
    provinces = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
    for province in provinces.order_by(collated("name"), "pk"):
        cycle, final = cycles.get(province.pk), finals.get(province.pk)
        if final is not None:
            state = "final"
        elif cycle is not None and cycle.has_draft:
            state = "draft"
        elif cycle is not None and cycle.building:
            state = "building"
        else:
            state = "none"
        rows.append(
            {
                "province": province,
                "cycle": cycle,
                "state": state,
                "state_label": STATES[state],
                "due_on": cycle.due_on if cycle else ReportingCycle.default_due(year),
                "report": final,
                "stored": final is not None and final["stored"],
                "late": final is not None
                and cycle is not None
                and timezone.localdate(final["approved_at"]) > cycle.due_on,
            }
        )
    return rows


def national_figures(*, user, year: int, programme: Programme | None) -> dict:
    """The ministry's page of approved figures (see approved_figures)."""
    require_national(user)
    return approved_figures(year=year, programme=programme)


def approved_figures(*, year: int, programme: Programme | None) -> dict:
    """Unchecked, like submissions. The approved figures of the provinces side by side and added up: `provinces`
    (rows of MEASURES), `totals` (summed by the database over the same reports), `breakdowns` and `missing` — the
    provinces without a final report with stored figures, listed, never counted as zero."""
    rows = submissions(year=year, programme=programme)
    counted = [row for row in rows if row["stored"]]
    stored = approved_reports(year=year, programme=programme).filter(figures__isnull=False)
    totals = stored.aggregate(
        **{name: Coalesce(Sum(_measure(path)), 0, output_field=BigIntegerField()) for name, path, _l in MEASURES}
    )
    breakdowns = {}
    lists = stored.values(**{name: F(f"figures__{path}") for name, path, _numbers in BREAKDOWNS})
    for name, _path, numbers in BREAKDOWNS:
        added: dict[str, dict] = {}
        for report in lists:
            for row in report[name] or []:
                empty = {"key": row["key"], "label": row["label"], **dict.fromkeys(numbers, 0)}
                total = added.setdefault(row["key"], empty)
                for number in numbers:
                    total[number] += row.get(number, 0)
        breakdowns[name] = list(added.values())
    return {
        "year": year,
        "programme": programme,
        "provinces": counted,
        "totals": totals,
        "breakdowns": breakdowns,
        "missing": [row for row in rows if not row["stored"]],
        "submissions": rows,
        "measures": [(name, label, name in MONEY_MEASURES) for name, _path, label in MEASURES],
    }


def rollup_list(*, user, year: int, programme: Programme | None):
    require_national(user)
    return NationalReport.objects.filter(year=year, programme=programme).select_related("requested_by")


def rollup_latest(*, year: int, programme: Programme | None) -> NationalReport | None:
    """The newest roll-up of the year that finished building."""
    built = NationalReport.objects.filter(year=year, programme=programme, status=ReportStatus.DRAFT)
    return built.order_by("-version").first()


def final_report_for_ministry(*, user, pk: int) -> Report | None:
    """A province's current final annual report, the document it sent: the ministry downloads only these."""
    require_national(user)
    return (
        Report.objects.filter(
            pk=pk,
            status=ReportStatus.FINAL,
            kind=ReportKind.ANNUAL,
            unit_id=F("cycle__province_id"),
            period_start=F("cycle__period_start"),
            period_end=F("cycle__period_end"),
        )
        .select_related("unit", "cycle")
        .first()
    )
