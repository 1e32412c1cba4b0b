"""Each demo user logs in through the real login form and lands on their role's home page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOMES = {
    "commune": ("Cán bộ xã", "Xã Bằng Thành"),
    "staff": ("Cán bộ Sở", "Kỳ báo cáo năm 2026"),
    "leader": ("Lãnh đạo", "Kỳ báo cáo năm 2026"),
    "auditor": ("Kiểm tra, thanh tra", "Địa bàn phụ trách"),
    "donor": ("Đóng góp của tôi", "Cam kết của quý vị"),
}


@pytest.mark.parametrize("username", HOMES)
def test_each_demo_user_sees_their_home_page(page, demo, username):
    role_text, content = HOMES[username]
    log_in(page, username)
    expect(page.locator("main")).to_contain_text(role_text)
    expect(page.locator("main")).to_contain_text(content)
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_the_commune_officer_sees_only_their_communes(page, demo):
    log_in(page, "commune")
    page.get_by_role("link", name="Xã, phường").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("tbody")).to_contain_text("Xã Bằng Thành")
    expect(page.locator("tbody")).to_contain_text("Xã Nghiên Loan")


def test_the_officer_adds_a_village_and_a_blank_name_is_refused(page, demo):
    log_in(page, "commune")
    page.goto("/communes/01864/")
    page.get_by_role("button", name="Thêm thôn/bản").click()
    expect(page.locator(".error")).to_be_visible()
    page.get_by_label("Tên thôn/bản").fill("Thôn Khuổi Ngọa")
    page.get_by_role("button", name="Thêm thôn/bản").click()
    expect(page.locator(".messages")).to_contain_text("Đã thêm thôn/bản Thôn Khuổi Ngọa")
    expect(page.locator("main")).to_contain_text("Thôn Khuổi Ngọa")


def test_a_wrong_password_keeps_the_username_and_says_why(page, demo):
    log_in(page, "staff", password="wrong-password")
    expect(page.locator("[role=alert]")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("staff")
