"""Each province's approved annual report at national scale (`seed_demo --size national`), what the ministry reads.

Runs after the province's generated data (apps' scale modules run in INSTALLED_APPS order, national last). The
report's figures are the province's real figures, computed by reports.figures over its generated data and stored
with the report (`Report.figures`), so the national roll-up adds up what is in the database. Its file is NOT the
Decree 30 PDF: building 34 of them would take longer than generating the data; every province's report points to
one small placeholder PDF saying so (PLACEHOLDER), and the event of its approval says the same. Each province gets
its department's agency settings (names only, no bank account), so `build_report --unit CODE` builds its real report.
"""

import hashlib
from pathlib import Path

from django.utils import timezone
from weasyprint import HTML

from portal.demo import DEMO_YEAR
from portal.models import Agency
from reports.builds import reports_root, write_atomically
from reports.demo import annual_cycle
from reports.figures import figures_for
from reports.models import Programme, Report, ReportEvent, ReportKind, ReportStatus

PLACEHOLDER = "Bản giữ chỗ: số liệu sinh tự động cho đo hiệu năng; báo cáo PDF đầy đủ chưa được lập."
_placeholder_pdf: list[bytes] = []


def seed(context):
    if context.size != "national":
        return
    province = context.data["province"]
    _agency(province)
    cycle = annual_cycle(Programme.objects.get(code="CTMTQG-2026"), province)
    same = Report.objects.filter(cycle=cycle, unit=province, period_start=cycle.period_start)
    if same.filter(status=ReportStatus.FINAL).exists():
        return
    figures = figures_for(
        unit=province, period_start=cycle.period_start, period_end=cycle.period_end, cycle=cycle
    ).as_dict()
    content = placeholder_pdf()
    name = Path(str(DEMO_YEAR)) / f"bao-cao-{province.code}-quy-mo-lon.pdf"
    write_atomically(reports_root() / name, content, prefix=".building-national-seed-")
    now = timezone.now()
    report = Report.objects.create(
        cycle=cycle,
        unit=province,
        kind=ReportKind.ANNUAL,
        period_start=cycle.period_start,
        period_end=cycle.period_end,
        version=same.count() + 1,
        status=ReportStatus.FINAL,
        progress=100,
        file_name=str(name),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        attempts=1,
        figures=figures,
        built_at=now,
        approved_at=now,
    )
    ReportEvent.objects.create(
        report=report,
        action="approve",
        from_status=ReportStatus.DRAFT,
        to_status=ReportStatus.FINAL,
        reason=PLACEHOLDER,
    )


def _agency(province):
    """The province's department, for its own report builds (the demo province has its own from portal.demo)."""
    place = province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    if not Agency.objects.filter(province=province).exists():
        Agency.objects.create(
            province=province,
            parent_agency_name=f"ỦY BAN NHÂN DÂN {province.name.upper()}",
            department_name="SỞ Y TẾ",
            department_abbreviation="SYT",
            fund_name=f"Quỹ Bảo trợ trẻ em {province.name.lower()}",
            place_name=place,
            signer_authority="KT. GIÁM ĐỐC",
            signer_title="PHÓ GIÁM ĐỐC",
            signer_name="(dữ liệu quy mô lớn)",
            recipients="- UBND tỉnh (để báo cáo);\n- Bộ Y tế (để báo cáo);\n- Lưu: VT.",
        )


def placeholder_pdf() -> bytes:
    """One small page, rendered once per run."""
    if not _placeholder_pdf:
        _placeholder_pdf.append(HTML(string=f"<p>{PLACEHOLDER}</p>").write_pdf())
    return _placeholder_pdf[0]
