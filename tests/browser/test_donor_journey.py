"""Staff register a donor, record a pledge and the money received; the donor's own person logs in and sees it.

The pledge is recorded for the company the demo user `donor` speaks for (Công ty Cổ phần Chè Tân Cương Xanh):
in practice a known donor phones the department, staff record the pledge and later the bank transfer, and the
donor checks it on their home page. The newly registered donor shows the registry's form and duplicate warning;
the donor user must not see it.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = "Công ty Cổ phần Chè Tân Cương Xanh"


def menu(page):
    return page.get_by_role("navigation", name="Điều hướng chính")


def test_staff_record_a_pledge_and_money_and_the_donor_sees_it(page, demo):
    log_in(page, "staff")
    menu(page).get_by_role("link", name="Nhà tài trợ", exact=True).click()
    page.get_by_role("link", name="Thêm nhà tài trợ").click()
    page.get_by_label("Loại nhà tài trợ").select_option("company")
    page.get_by_label("Tên nhà tài trợ").fill("Công ty TNHH Mây Núi Bắc Kạn")
    page.get_by_label("Mã số thuế").fill("4700999888")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nhà tài trợ Công ty TNHH Mây Núi Bắc Kạn")

    # A pledge for an existing donor, found without typing the diacritics.
    menu(page).get_by_role("link", name="Nhà tài trợ", exact=True).click()
    page.get_by_label("Tìm theo tên hoặc mã số thuế").fill("che tan cuong")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name=COMPANY).click()
    page.get_by_role("link", name="Ghi nhận cam kết").click()
    page.locator("#id_kind").select_option("cash")
    page.get_by_label("Giá trị cam kết (đồng)").fill("25000000")
    page.get_by_role("button", name="Gửi cam kết").click()
    expect(page.locator(".stats")).to_contain_text("Đã cam kết")

    page.get_by_role("link", name="Ghi nhận tiền, hiện vật đã nhận").click()
    page.get_by_label("Số tiền (đồng)").fill("25000000")
    page.get_by_label("Hình thức nhận").select_option("bank_transfer")
    page.get_by_label("Số chứng từ, mã giao dịch").fill("FT26327XYZ")
    page.get_by_role("button", name="Lưu khoản tiếp nhận").click()
    expect(page.locator(".stats")).to_contain_text("Đã nhận đủ")
    expect(page.locator(".stats")).to_contain_text("25.000.000")
    pledge_url = page.url
    log_out(page)

    log_in(page, "donor")
    panel = page.locator("section", has_text="Cam kết của quý vị")
    expect(panel).to_contain_text("25.000.000\u00a0đ")
    expect(panel).to_contain_text("Đã nhận đủ")
    expect(page.locator("main")).not_to_contain_text("Mây Núi Bắc Kạn")
    page.goto(pledge_url)
    expect(page.locator("main")).to_contain_text("FT26327XYZ")
    expect(page.get_by_role("link", name="Tải PDF")).to_be_visible()
    expect(page.get_by_role("link", name="Ghi nhận tiền, hiện vật đã nhận")).to_have_count(0)
