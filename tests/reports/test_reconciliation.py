"""The reconciliation with the bank: its figures against the ledger rows added up here in plain Python, its page,
and the annual report's section and sheet."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from allocations.models import Allocation, AllocationBatch, BatchSource
from donors import services as donor_services
from donors.models import LineStatus, PaymentMethod, Receipt, ReceiptKind, StatementLine, StatementMatch
from donors.statements import services
from donors.transfer_codes import pledge_code
from needs.models import NeedStatus
from reports.excel import figures_workbook
from reports.figures import figures_for, reconciliation_for
from tests.donors.factories import DonorFactory, import_statement, make_pledge, receive_money, vcb_workbook
from tests.reports.factories import AgencyFactory, CycleFactory, NeedFactory, aware

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 1, 1), dt.date(2026, 11, 15)


@pytest.fixture
def ledger(personas, settings, tmp_path):
    """Donor pledges d, e (10.000.000 each, 4.000.000 typed by hand on 01/02) reconciled with one statement."""
    world = personas
    settings.MEDIA_ROOT = tmp_path
    AgencyFactory(province=world.province, bank_bin="970436", bank_account_number="0011009988776")
    d, e = (make_pledge(DonorFactory(province=world.province), actor=world.staff) for _n in range(2))
    for pledge in (d, e):
        receive_money(pledge, 4_000_000)
    lines = [
        ("01/03/2026", "FT1", "", "1.000.000", "", f"{pledge_code(d)} dot 2"),  # a new receipt, corrected later
        ("01/02/2026", "FT2", "", "4.000.000", "", f"{pledge_code(e)}"),  # confirms e's typed receipt
        ("30/12/2025", "FT0", "", "4.000.000", "", f"{pledge_code(d)}"),  # confirms d's typed receipt, a year apart
        ("02/03/2026", "FT3", "", "700.000", "", "KHONG MA"),  # waits in the queue
        ("03/03/2026", "", "", "5.000", "", "LAI TIEN GUI"),
        ("04/03/2026", "FT5", "", "300.000", "", "CHUYEN NHAM"),
    ]
    import_statement(actor=world.staff, province=world.province, data=vcb_workbook(lines))
    for description, status in (("LAI", LineStatus.NOT_DONATION), ("CHUYEN NHAM", LineStatus.RETURNED)):
        line = StatementLine.objects.get(description__startswith=description)
        services.statement_line_mark(line_id=line.pk, actor=world.staff, status=status, reason="Đã kiểm tra")
    corrected = StatementMatch.objects.get(line__bank_reference="FT1").receipt
    donor_services.receipt_correct(receipt_id=corrected.pk, actor=world.staff, amount=900_000, reason="Nhầm")
    donor_services.receipt_record(
        pledge_id=d.pk, actor=world.staff, kind=ReceiptKind.MONEY, received_on=dt.date(2026, 4, 1),
        amount=500_000, method=PaymentMethod.CASH,
    )  # fmt: skip
    receive_money(e, 250_000, on=dt.date(2026, 4, 2))  # typed, never on a statement
    need = NeedFactory(commune=world.commune_a, status=NeedStatus.OPEN, unit_cost=1_000_000)
    batch = AllocationBatch.objects.create(province=world.province, source=BatchSource.MANUAL)
    allocation = Allocation.objects.create(batch=batch, receipt=corrected, need=need, amount=600_000)
    Allocation.objects.filter(pk=allocation.pk).update(created_at=aware(dt.date(2026, 4, 10)))
    return world


def test_it_reconciles_to_the_ledger_rows_added_up_independently(ledger):
    r = reconciliation_for(province=ledger.province, start=START, end=END)
    lines = [line for line in StatementLine.objects.all() if START <= line.booked_on <= END]
    by_status = {status: sum(line.amount for line in lines if line.status == status) for status in LineStatus}
    assert {row["key"]: row["total"] for row in r["lines"]} == by_status
    assert r["credits"]["total"] == sum(line.amount for line in lines) == 6_005_000
    money = [
        receipt
        for receipt in Receipt.objects.filter(pledge__donor__province=ledger.province, kind=ReceiptKind.MONEY)
        if START <= receipt.received_on <= END
    ]
    matched = {match.receipt_id for match in StatementMatch.objects.all()}
    on_statement = sum(x.amount for x in money if x.pk in matched)
    cash = sum(x.amount for x in money if x.method == PaymentMethod.CASH)
    assert r["money_received"] == sum(x.amount for x in money)
    assert (r["on_statement"], r["cash"]) == (on_statement, cash)
    assert r["awaiting"] == r["money_received"] - on_statement - cash == 250_000
    assert r["allocated"] == 600_000
    assert r["unallocated"] == r["money_received"] - 600_000
    assert r["matched"] == 1_000_000 + 4_000_000
    # 1.000.000 matched but corrected to 900.000; d's 4.000.000 received in the period from a line of 2025.
    assert (r["amount_gap"], r["date_gap"]) == (100_000, -4_000_000)
    assert r["matched_gap"] == r["matched"] - r["on_statement"] == r["amount_gap"] + r["date_gap"]
    assert [row["amount"] for row in r["unmatched_lines"]["rows"]] == [700_000]
    assert [row["amount"] for row in r["awaiting_receipts"]["rows"]] == [250_000]


def test_the_staff_page_explains_the_differences(ledger, client):
    CycleFactory(province=ledger.province)
    client.force_login(ledger.staff)
    page = client.get("/reports/reconciliation/").content.decode()
    assert "6.005.000" in page  # credits of the period
    assert "KHONG MA" in page  # the line waiting in the queue
    assert "Chưa thấy trên sao kê" in page


def test_the_annual_report_workbook_states_the_reconciliation(ledger):
    figures = figures_for(unit=ledger.province, period_start=START, period_end=END)
    book = load_workbook(io.BytesIO(figures_workbook(figures)))
    rows = [list(row) for row in book["Đối chiếu sao kê"].iter_rows(values_only=True)]
    assert ["Tiền vào theo sao kê", 5, 6_005_000] in rows
    assert any(row[0] and "KHONG MA" in row[0] for row in rows)


def test_the_annual_report_of_a_province_states_the_reconciliation(ledger):
    from django.template.loader import render_to_string

    from reports.documents import report_context, report_figures
    from reports.models import Report

    cycle = CycleFactory(province=ledger.province)
    report = Report(cycle=cycle, unit=ledger.province, period_start=START, period_end=END, version=1)
    html = render_to_string("reports/pdf/report.html", report_context(report, report_figures(report)))
    assert "Đối chiếu với sao kê tài khoản tiếp nhận" in html
    assert "6.005.000" in html
