"""Staff run the matching assistant, review and accept its plan; the commune officer records a delivery with a
photo; the donor follows their money to the communes on the trace page."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from allocations.demo import tiny_png
from donors.models import Donor, Pledge, Receipt
from tests.browser.conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_accept_the_plan_the_officer_delivers_and_the_donor_sees_where_it_went(page, demo):
    donor = Donor.objects.get(members__username="donor")
    pledge = Pledge.objects.create(donor=donor, kind="cash", amount=20_000_000, pledged_on=dt.date(2026, 11, 1))
    Receipt.objects.create(pledge=pledge, kind="money", received_on=dt.date(2026, 11, 2), amount=20_000_000)

    log_in(page, "staff")
    page.get_by_role("link", name="Phân bổ", exact=True).click()
    page.get_by_role("link", name="Trợ lý ghép nối").click()
    page.get_by_role("button", name="Chạy trợ lý ghép nối").click()
    expect(page.locator("main")).to_contain_text("Đã có phương án")
    expect(page.locator("main")).to_contain_text("Vì sao")
    first_value = page.get_by_label("Giá trị dòng 1", exact=True)
    expect(first_value).to_be_visible()
    page.get_by_role("button", name="Chấp nhận phương án").click()
    expect(page.locator(".messages")).to_contain_text("Đã chấp nhận phương án")
    expect(page.locator("main")).to_contain_text("Theo phương án của trợ lý ghép nối")
    log_out(page)

    log_in(page, "commune")
    page.get_by_role("link", name="Trao hỗ trợ").click()
    page.get_by_role("link", name="Ghi nhận trao").first.click()
    page.get_by_label("Số lượng đã trao").fill("1")
    page.get_by_label("Số trẻ được nhận").fill("1")
    page.get_by_label("Người trao").fill("Hoàng Thị Dung")
    page.get_by_label("Minh chứng (ảnh, danh sách ký nhận)").set_input_files(
        files=[{"name": "trao-qua.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận trao hỗ trợ")
    expect(page.locator("main")).to_contain_text("Hoàng Thị Dung")
    log_out(page)

    log_in(page, "donor")
    expect(page.locator("main")).to_contain_text("Nơi đóng góp đã đến")
    page.locator(f"a[href='/pledges/{pledge.pk}/trace/']").first.click()
    expect(page.locator("h1")).to_contain_text(f"Cam kết #{pledge.pk}")
    expect(page.locator(".trace")).to_contain_text("20.000.000")
    expect(page.locator("tbody")).to_contain_text("Xã")
    expect(page.locator("main")).not_to_contain_text("Chưa phân bổ khoản nào của cam kết này.")
