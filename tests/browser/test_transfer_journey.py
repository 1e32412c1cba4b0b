"""A donor pays by VietQR and later finds the transfer on the public ledger, on a phone without JavaScript.

The demo donor opens a pledge that is still partly unpaid: the QR code, the account and the transfer code are there,
with a copy button. A visitor on a 360 px phone with JavaScript off goes from the transparency page to the ledger,
types the code as it appears in a bank statement (lower case, glued to other words) and finds the transfer, with
where it went and nothing wider than the screen.
"""

import pytest
from playwright.sync_api import expect

from donors.models import Pledge, PledgeStatus
from donors.transfer_codes import pledge_code
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_donor_sees_the_qr_and_finds_the_transfer_on_the_public_ledger(page, browser, live_server, demo):
    pledge = (
        Pledge.objects.filter(donor__members__username="donor", status=PledgeStatus.PARTLY_RECEIVED, kind="cash")
        .order_by("pk")
        .first()
    )
    code = str(pledge_code(pledge))
    log_in(page, "donor")
    page.goto(f"/pledges/{pledge.pk}/")
    transfer = page.locator("section.transfer")
    expect(transfer.locator("figure.qr svg")).to_be_visible()
    expect(transfer).to_contain_text("Vietcombank")
    expect(transfer).to_contain_text(code)
    expect(transfer.get_by_role("button", name="Chép").first).to_be_visible()

    phone = browser.new_context(
        locale="vi-VN", base_url=live_server.url, java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    visitor = phone.new_page()
    visitor.goto("/transparency/")
    visitor.get_by_role("link", name="Tra cứu từng khoản tiền đã nhận").click()
    visitor.get_by_label("Mã chuyển khoản, số tiền, ngày hoặc tên nhà tài trợ").fill(f"ck {code.lower()} ung ho")
    visitor.get_by_role("button", name="Tìm").click()
    rows = visitor.locator("table.ledger tbody tr")
    expect(rows.first).to_contain_text(code)
    assert rows.count() == pledge.receipts.count()
    expect(rows.first).to_contain_text("Công ty Cổ phần Chè Tân Cương Xanh")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()
