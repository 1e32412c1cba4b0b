"""Demo reporting: the two programmes, the 2026 cycle due 30/11/2026 with its texts, two communes confirmed, and the
Decree 03/2026 disclosure of 2026 (due 31/3/2027): the demo's money and support all fall in 2026, so that is the
disclosure with real figures; staff build it and leadership approve it to publish it (2025 holds no demo data)."""

import datetime as dt

from django.utils import timezone

from portal.demo import DEMO_PERIOD, DEMO_YEAR, ensure
from reports.figures import commune_snapshot
from reports.models import (
    CommuneConfirmation,
    ConfirmationEvent,
    ConfirmationStatus,
    CycleKind,
    Programme,
    ReportingCycle,
)

PROGRAMMES = [
    (
        "588-2019",
        "Đề án vận động hỗ trợ trẻ em vùng dân tộc thiểu số và miền núi, vùng đặc biệt khó khăn giai đoạn 2019–2025",
        "Quyết định 588/QĐ-TTg ngày 17/5/2019",
        2019,
        2025,
    ),
    (
        "CTMTQG-2026",
        "Chương trình mục tiêu quốc gia phát triển kinh tế – xã hội vùng đồng bào dân tộc thiểu số và miền núi "
        "giai đoạn 2026–2035",
        "Dữ liệu demo — căn cứ quyết định sẽ được cập nhật",
        2026,
        2035,
    ),
]
DIFFICULTIES = (
    "Địa bàn các xã vùng cao rộng, chia cắt; mùa mưa lũ nhiều thôn, bản bị cô lập nên việc trao hỗ trợ bị chậm.\n"
    "Một số nhà tài trợ cam kết nhưng chưa chuyển kinh phí đúng hạn; nhu cầu đồ ấm cho trẻ mầm non còn lớn."
)
PROPOSALS = (
    "Đề nghị Ủy ban nhân dân tỉnh chỉ đạo các sở, ngành tiếp tục vận động doanh nghiệp hỗ trợ bữa ăn dinh dưỡng "
    "cho trẻ mầm non và tiểu học.\n"
    "Đề nghị Bộ Y tế sớm ban hành hướng dẫn thực hiện chương trình giai đoạn 2026–2035."
)
# (commune code, confirmed at): Bằng Thành on time, Nghiên Loan after the 15/11 deadline.
CONFIRMED = [("01864", dt.datetime(2026, 11, 12, 9, 30)), ("01882", dt.datetime(2026, 11, 18, 15, 0))]


def seed(context):
    programmes = {
        code: ensure(Programme, code=code, defaults=dict(name=name, decision=decision, start_year=start, end_year=end))
        for code, name, decision, start, end in PROGRAMMES
    }
    cycle = annual_cycle(programmes["CTMTQG-2026"], context.data["province"])
    officer = context.data["users"]["commune"]
    communes = {c.code: c for c in context.data["communes"]}
    for code, at in CONFIRMED:
        commune = communes[code]
        confirmation = ensure(
            CommuneConfirmation,
            cycle=cycle,
            commune=commune,
            defaults=dict(
                status=ConfirmationStatus.CONFIRMED,
                snapshot=commune_snapshot(
                    commune=commune, period_start=cycle.period_start, period_end=cycle.period_end
                ),
                confirmed_by=officer,
                confirmed_at=timezone.make_aware(at),
            ),
        )
        if not confirmation.events.exists():
            ConfirmationEvent.objects.create(
                confirmation=confirmation, action=ConfirmationStatus.CONFIRMED, actor=officer
            )
    context.data["reporting_cycle"] = cycle
    context.data["disclosure_cycle"] = ensure(
        ReportingCycle,
        programme=programmes["CTMTQG-2026"],
        province=context.data["province"],
        year=DEMO_YEAR,
        kind=CycleKind.DISCLOSURE,
        defaults=ReportingCycle.disclosure_dates(DEMO_YEAR),
    )


def annual_cycle(programme, province) -> ReportingCycle:
    """The province's 2026 annual cycle of the demo period, with the demo's texts."""
    return ensure(
        ReportingCycle,
        programme=programme,
        province=province,
        year=DEMO_YEAR,
        kind=CycleKind.ANNUAL,
        defaults=dict(
            period_start=DEMO_PERIOD[0],
            period_end=DEMO_PERIOD[1],
            confirm_by=ReportingCycle.default_confirm_by(DEMO_YEAR),
            due_on=ReportingCycle.default_due(DEMO_YEAR),
            difficulties=DIFFICULTIES,
            proposals=PROPOSALS,
        ),
    )
