"""Reports as Decree 30/2020/NĐ-CP documents (PDF) — context built from the figures module only.

The annual (or any period's) report reads `Figures`; the Decree 03/2026 disclosure reads the dictionary of
`disclosure_figures`, which its build stores so that the CSV and JSON published with it state the same figures.
"""

from __future__ import annotations

from django.utils import timezone, translation

from portal.models import Agency, UnitLevel
from portal.pdf import render_pdf
from reports import charts
from reports.figures import ANONYMOUS, DEFINITIONS, Figures, disclosure_figures, figures_for, reconciliation_for
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


def _document_context(report: Report) -> dict:
    """What every report's Decree 30 header and closing read: the agency, number/symbol, date and recipients."""
    agency = Agency.objects.get(province_id=report.cycle.province_id)
    return {
        "agency": agency,
        "number": report.number,
        "symbol": f"BC-{agency.department_abbreviation}",
        "issued_on": timezone.localdate(),
        "recipients": [line for line in agency.recipients.splitlines() if line.strip()],
        "report": report,
        "cycle": report.cycle,
    }


def report_context(report: Report, figures: Figures) -> dict:
    needs_by_category = figures.needs_by_category()
    active_communes = [row for row in figures.children_by_commune() if figures.is_active(row["key"])]
    return {
        **_document_context(report),
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
        "support_by_commune": support_by_commune(figures.support_map),
        "support_map": figures.support_map,
        "totals": figures.totals(),
        "definitions": list(DEFINITIONS.values()),
        # The province's money reconciled with the bank's statements (a commune's report has no account).
        "reconciliation": reconciliation_for(province=report.unit, start=report.period_start, end=report.period_end)
        if figures.is_province
        else None,
        "reconciliation_number": 5 + bool(figures.plan) + bool(figures.donors),
        "support_map_number": 5 + bool(figures.plan) + bool(figures.donors) + figures.is_province,
    }


def disclosure_subject(report: Report) -> str:
    return f"Công khai tình hình tiếp nhận và kết quả sử dụng các khoản đóng góp năm {report.period_end.year}"


def disclosure_context(report: Report, figures: dict) -> dict:
    return {
        **_document_context(report),
        "subject": disclosure_subject(report),
        "figures": figures,
        "anonymous": ANONYMOUS,
        "definitions": list(figures["definitions"].values()),
    }


def support_by_commune(support_map: dict) -> list[dict]:
    """The 3W table added up per commune, as the PDF keeps it (the workbook has every category and partner)."""
    communes: dict[int, dict] = {}
    for row in support_map.get("rows", []):
        commune = communes.setdefault(
            row["commune_id"],
            {"commune": row["commune"], "needs": 0, "allocated": 0, "partner_total": 0, "gap_categories": []},
        )
        for key in ("needs", "allocated", "partner_total"):
            commune[key] += row[key]
        if row["gap"]:
            commune["gap_categories"].append(row["category_label"])
    return list(communes.values())


def report_document(report: Report, *, progress=lambda percent: None) -> tuple[bytes, dict]:
    """The PDF bytes of a report and the figures to keep with it (a disclosure's; none for other reports).

    Official documents are in Vietnamese whatever the requester's language.
    """
    with translation.override("vi"):
        if report.kind == ReportKind.DISCLOSURE:
            kept = disclosure_figures(unit=report.unit, period_start=report.period_start, period_end=report.period_end)
            progress(40)
            return render_pdf("reports/pdf/disclosure.html", disclosure_context(report, kept)), kept
        figures = report_figures(report)
        progress(40)
        context = report_context(report, figures)
        progress(60)
        # Kept with the PDF: a final report keeps the figures it was approved with (the ministry reads them).
        return render_pdf("reports/pdf/report.html", context), figures.as_dict()
