"""The report as a Decree 30/2020/NĐ-CP document (PDF) — context built from the figures module only."""

from __future__ import annotations

from django.utils import timezone, translation

from portal.models import Agency, UnitLevel
from portal.pdf import render_pdf
from reports import charts
from reports.figures import DEFINITIONS, Figures, figures_for
from reports.models import Report, ReportKind

NEED_SERIES = [
    ("registered", "Đăng ký"),
    ("verified", "Đã thẩm định"),
    ("funded", "Đủ tài trợ"),
    ("delivered", "Đã trao"),
]
MONEY_SERIES = [("received", "Tiếp nhận"), ("allocated", "Phân bổ"), ("delivered", "Đã trao (quy đổi)")]


def report_subject(report: Report) -> str:
    """'Kết quả vận động, hỗ trợ trẻ em … năm 2026' — what the title BÁO CÁO is about."""
    subject = "Kết quả vận động, hỗ trợ trẻ em vùng dân tộc thiểu số và miền núi"
    cycle = report.cycle
    if report.kind == ReportKind.ANNUAL and (report.period_start, report.period_end) == (
        cycle.period_start,
        cycle.period_end,
    ):
        subject += f" năm {cycle.year}"
    elif report.kind == ReportKind.SEMI_ANNUAL:
        subject += f" 6 tháng {'đầu' if report.period_end.month <= 6 else 'cuối'} năm {report.period_end.year}"
    else:
        subject += f" từ ngày {report.period_start:%d/%m/%Y} đến ngày {report.period_end:%d/%m/%Y}"
    if report.unit.level == UnitLevel.COMMUNE:
        subject += f" trên địa bàn {report.unit.name}"
    return subject


def report_figures(report: Report) -> Figures:
    return figures_for(
        unit=report.unit, period_start=report.period_start, period_end=report.period_end, cycle=report.cycle
    )


def report_context(report: Report, figures: Figures) -> dict:
    agency = Agency.objects.get(province_id=report.cycle.province_id)
    needs_by_category = figures.needs_by_category()
    active_communes = [row for row in figures.children_by_commune() if figures.is_active(row["key"])]
    return {
        # The shared Decree 30 header and closing read these five names.
        "agency": agency,
        "number": report.number,
        "symbol": f"BC-{agency.department_abbreviation}",
        "issued_on": timezone.localdate(),
        "recipients": [line for line in agency.recipients.splitlines() if line.strip()],
        "report": report,
        "cycle": report.cycle,
        "subject": report_subject(report),
        "figures": figures,
        "resources": figures.resources,
        "children_by_category": figures.children_by_category(),
        "children_by_commune": active_communes,
        "quiet_communes": figures.quiet_communes(),
        "children_by_sex": figures.children_by_sex(),
        "children_by_age_band": figures.children_by_age_band(),
        "children_by_ethnic_group": figures.children_by_ethnic_group(),
        "needs_by_category": needs_by_category,
        "needs_total": figures.needs_total(),
        "needs_chart": charts.grouped_bars(needs_by_category, NEED_SERIES, title="Nhu cầu theo loại hỗ trợ"),
        "money_chart": charts.monthly_columns(figures.by_month, MONEY_SERIES, title="Nguồn lực theo tháng"),
        "plan": figures.plan,
        "donors": figures.donors,
        "totals": figures.totals(),
        "definitions": list(DEFINITIONS.values()),
    }


def report_pdf(report: Report, *, figures: Figures | None = None, progress=lambda percent: None) -> bytes:
    """The PDF bytes of a report; official documents are in Vietnamese whatever the requester's language."""
    with translation.override("vi"):
        figures = figures or report_figures(report)
        progress(40)
        context = report_context(report, figures)
        progress(60)
        return render_pdf("reports/pdf/report.html", context)
