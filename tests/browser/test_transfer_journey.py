"""Money in, proven by the bank: a donor pledges and sees the VietQR code, the bank's statement arrives, the receipt
appears on the donor's pledge, and anyone finds the transfer on the public ledger, on a phone without JavaScript.

The donor's representative pledges online (the demo user `donor` speaks for Công ty Cổ phần Chè Tân Cương Xanh); the
pledge page shows the QR code with the transfer code at once. Staff confirm the pledge, and later upload the charity
account's statement as Vietcombank exports it: the line whose description carries the code, mangled the way banks
mangle descriptions, becomes the receipt without anyone typing an amount. The donor then sees it received, and a
visitor finds the transfer by its code on the public ledger.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from donors.models import Pledge
from donors.transfer_codes import pledge_code
from tests.browser.conftest import log_in, log_out
from tests.donors.factories import vcb_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = "Công ty Cổ phần Chè Tân Cương Xanh"


def test_a_pledge_paid_by_transfer_is_received_from_the_statement_and_found_on_the_public_ledger(
    page, browser, live_server, demo, tmp_path
):
    log_in(page, "donor")
    page.goto("/pledges/new/")
    page.locator("#id_kind").select_option("cash")
    page.get_by_label("Giá trị cam kết (đồng)").fill("7.500.000")
    page.get_by_role("button", name="Gửi cam kết").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi cam kết")
    pledge = Pledge.objects.get(pk=int(re.search(r"/pledges/(\d+)/", page.url).group(1)))
    code = str(pledge_code(pledge))
    transfer = page.locator("section.transfer")
    expect(transfer.locator("figure.qr svg")).to_be_visible()
    expect(transfer).to_contain_text(code)
    expect(transfer).to_contain_text("7.500.000")
    expect(transfer).to_contain_text("Vietcombank")
    expect(transfer.get_by_role("button", name="Chép").first).to_be_visible()
    log_out(page)

    log_in(page, "staff")
    page.goto(f"/pledges/{pledge.pk}/")
    page.get_by_role("button", name="Xác nhận cam kết").click()
    expect(page.locator(".stats")).to_contain_text("Đã cam kết")

    today = timezone.localdate()
    statement = tmp_path / "sao-ke-vcb.xlsx"
    statement.write_bytes(
        vcb_workbook(
            [
                (
                    f"{today:%d/%m/%Y}",
                    "FT26340001",
                    "",
                    "7.500.000",
                    "907.500.000",
                    f"MBVCB.5512.{code}.CHE TAN CUONG CHUYEN TIEN",
                ),
                (
                    f"{today - dt.timedelta(days=1):%d/%m/%Y}",
                    "FT26339002",
                    "",
                    "300.000",
                    "900.000.000",
                    "UNG HO TRE EM VUNG CAO",
                ),
            ]
        )
    )
    page.goto("/statements/")
    page.get_by_label("Tệp sao kê").set_input_files(str(statement))
    vietcombank = page.locator("#id_mapping option", has_text="Vietcombank").first.text_content()
    page.get_by_label("Mẫu sao kê (ngân hàng)").select_option(label=vietcombank)
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.get_by_role("button", name="Đúng rồi: nhập sao kê").click()
    summary = page.locator("table", has_text="Tự khớp theo mã chuyển khoản")
    expect(summary.locator("tr", has_text="Tự khớp theo mã chuyển khoản")).to_contain_text("1")
    expect(summary.locator("tr", has_text="Chờ cán bộ đối chiếu")).to_contain_text("1")
    log_out(page)

    log_in(page, "donor")
    page.goto(f"/pledges/{pledge.pk}/")
    expect(page.locator(".stats")).to_contain_text("Đã nhận đủ")
    expect(page.locator("main")).to_contain_text("FT26340001")
    assert pledge.receipts.get().amount == 7_500_000

    phone = browser.new_context(
        locale="vi-VN", base_url=live_server.url, java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    visitor = phone.new_page()
    visitor.goto("/transparency/")
    visitor.get_by_role("link", name="Tra cứu từng khoản tiền đã nhận").click()
    # Typed as a bank statement shows it: lower case, glued to other words.
    visitor.get_by_label("Mã chuyển khoản, số tiền, ngày hoặc tên nhà tài trợ").fill(f"ck{code.lower()} ung ho")
    visitor.get_by_role("button", name="Tìm").click()
    rows = visitor.locator("table.ledger tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("7.500.000")
    expect(rows.first).to_contain_text(COMPANY)
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()
