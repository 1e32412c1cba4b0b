"""The figures of money and goods coming in, defined once: received, plan progress and commendation.

Every page that shows one of them — a pledge, the donor's pages, /plans/, the commendation list, the public page,
the dashboard, the annual report, its workbook and the figures API — computes it from here (allocations.figures
and reports.figures build on these). Each definition is written next to its code and shown to readers from
`NOTES` (one translatable text per figure), so what a number means reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from donors.models import PaymentMethod, Pledge, Receipt, ReceiptKind, StatementLine

NOTES = {
    # Received: only money and goods actually received count; a pledge is a promise and never does.
    "received": _(
        "Đã tiếp nhận: tiền và hiện vật thực nhận (hiện vật tính theo giá trị ghi khi nhận), theo ngày nhận; "
        "các khoản cam kết chưa nhận không được tính."
    ),
    # Plan progress: what was received toward each target of the yearly mobilisation plan (see plan_progress).
    "plan_progress": _(
        "Thực hiện kế hoạch: giá trị thực nhận trong kỳ tính cho chỉ tiêu — hiện vật theo loại hỗ trợ của hiện "
        "vật, tiền theo loại hỗ trợ và xã nhà tài trợ chỉ định; tiền không chỉ định chỉ tính cho chỉ tiêu chung. "
        "Số trẻ thực hiện là số trẻ đã được nhận hỗ trợ."
    ),
    # Statement credits: the bank's own record of money in, each transfer once whatever statements carried it.
    "statement_credits": _(
        "Tiền vào theo sao kê: các dòng ghi có trên sao kê tài khoản tiếp nhận của tỉnh, theo ngày giao dịch; mỗi "
        "giao dịch tính một lần dù có mặt trong nhiều sao kê. Dòng đã khớp tạo ra (hoặc xác nhận) khoản tiếp nhận; "
        "dòng không phải tiền tài trợ hoặc đã trả lại người chuyển được ghi rõ lý do."
    ),
    # On a statement: a money receipt that a statement line created or confirmed.
    "on_statement": _(
        "Đã thấy trên sao kê: khoản tiếp nhận bằng tiền do một dòng sao kê tạo ra hoặc xác nhận. Khoản nhập tay "
        "(chuyển khoản) chưa có dòng sao kê nào xác nhận là “chưa thấy trên sao kê”; tiền mặt không đối chiếu với "
        "sao kê."
    ),
    # Received for an appeal: what came in through the appeal's pledges (see received_for_appeal).
    "appeal_received": _(
        "Đã tiếp nhận cho cuộc vận động: tiền và hiện vật thực nhận theo các cam kết gắn với cuộc vận động "
        "(chuyển khoản ghi mã của cuộc vận động, tiền mặt, hiện vật tính theo giá trị ghi khi nhận); cam kết chưa "
        "nhận không được tính."
    ),
    # Commendation: donors ranked by what was received from them in the period.
    "commendation": _(
        "Đề xuất khen thưởng: nhà tài trợ xếp theo giá trị tiền và hiện vật thực nhận trong kỳ (không tính cam kết)."
    ),
}


def received_receipts():
    """RECEIVED: the receipts that count as money or goods received, each valued in đồng (`amount`: the money, or
    the goods at the value recorded when they came in), dated by `received_on`. Pledges never count.

    The one place that says which receipts count: every sum of "received" starts from this queryset.
    """
    return Receipt.objects.all()


def received_in(start: dt.date | None = None, end: dt.date | None = None):
    """Received receipts dated within [start, end] (either bound may be open)."""
    receipts = received_receipts()
    if start is not None:
        receipts = receipts.filter(received_on__gte=start)
    if end is not None:
        receipts = receipts.filter(received_on__lte=end)
    return receipts


def statement_credits(*, province_id: int, start: dt.date | None = None, end: dt.date | None = None):
    """STATEMENT CREDITS: the credit lines of the province's charity account booked in [start, end], each
    transfer stored once (StatementLine's key per account)."""
    lines = StatementLine.objects.filter(province_id=province_id)
    if start is not None:
        lines = lines.filter(booked_on__gte=start)
    if end is not None:
        lines = lines.filter(booked_on__lte=end)
    return lines


def awaiting_statement(receipts):
    """NOT YET SEEN ON A STATEMENT: of these receipts, those of money not handed over in cash that no statement
    line has created or confirmed (a receipt typed by hand, until its line arrives)."""
    return receipts.filter(kind=ReceiptKind.MONEY, statement_match__isnull=True).exclude(method=PaymentMethod.CASH)


def received_for_appeal(appeal):
    """RECEIVED FOR AN APPEAL: the received receipts (received_receipts) of pledges to the appeal's campaign —
    transfers carrying the appeal's code, cash and goods recorded against its pledges — whatever their date."""
    return received_receipts().filter(pledge__campaign_id=appeal.campaign_id)


def plan_progress_totals(*, province_id: int, start: dt.date, end: dt.date) -> dict[tuple[str, int | None], int]:
    """PLAN PROGRESS: đồng RECEIVED in [start, end] from donors of the province, by (category, commune) target.

    What counts toward a target (category C, commune X; a blank one means "any"):
    - only receipts (`received_in`: money and goods actually received, never pledges);
    - category: goods count toward their pledged item's category; money counts toward the categories its
      pledge is earmarked for. Unearmarked money counts only toward targets whose category is blank;
    - commune: a receipt counts toward the communes its pledge is earmarked for; an unearmarked one only toward
      targets whose commune is blank.
    A receipt earmarked for several categories or communes counts in full toward each of them (the earmark
    allows any), so per-category lines may add up to more than the province-wide line. Allocations are not
    part of this figure: the plan is a plan to mobilise resources.
    """
    rows = (
        received_in(start, end)
        .filter(pledge__donor__province_id=province_id)
        .values("pledge_id", "kind", "item__category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    pledge_ids = {row["pledge_id"] for row in rows}
    earmarks = {
        pk: (set(categories or []), set())
        for pk, categories in Pledge.objects.filter(pk__in=pledge_ids).values_list("pk", "earmark_categories")
    }
    for pledge_id, commune_id in Pledge.earmark_communes.through.objects.filter(pledge_id__in=pledge_ids).values_list(
        "pledge_id", "administrativeunit_id"
    ):
        earmarks[pledge_id][1].add(commune_id)
    totals: dict[tuple[str, int | None], int] = defaultdict(int)
    for row in rows:
        categories, communes = earmarks[row["pledge_id"]]
        if row["kind"] == ReceiptKind.GOODS:
            categories = {row["item__category"]}
        for category in {""} | categories:
            for commune in {None} | communes:
                totals[(category, commune)] += row["total"]
    return totals


def plan_year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
