"""A commune officer registers a child with a warm-clothing need on the quick flow; staff verify it. A family gets
its copy of a child's record from the commune, then the department anonymises the record on its request."""

import pytest
from playwright.sync_api import expect

from needs.models import Child
from tests.browser.conftest import log_in, log_out
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_registers_a_need_and_staff_verify_it(page, demo):
    log_in(page, "commune")
    page.get_by_role("link", name="Đăng ký trẻ", exact=True).click()
    page.get_by_label("Họ và tên").fill("Lục Thị Thơm")
    page.get_by_label("Nữ").check()
    page.get_by_label("Ngày sinh").fill("11/02/2017")
    page.get_by_label("Dân tộc").select_option(label="Tày")
    page.get_by_label("Xã").select_option(label="Xã Bằng Thành")
    page.get_by_label("Họ tên người giám hộ").fill("Lục Văn Khánh")
    page.get_by_label("Người giám hộ đồng ý").check()
    page.get_by_label("Loại hỗ trợ").select_option(label="Đồ ấm")
    expect(page.get_by_label("Cỡ quần áo")).to_be_visible()
    page.get_by_label("Đơn giá dự kiến (đồng)").fill("380000")
    page.get_by_label("Lý do, căn cứ").fill("Nhà trên núi cao, trẻ chưa có áo ấm cho mùa đông.")
    page.get_by_role("button", name="Lưu và gửi thẩm định").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu hồ sơ trẻ Lục Thị Thơm")
    expect(page.locator("main")).to_contain_text("Đã gửi")
    number = page.locator("h1").inner_text().split(":")[0].rsplit(" ", 1)[-1]
    log_out(page)

    log_in(page, "staff")
    page.get_by_role("link", name="Thẩm định", exact=True).click()
    page.get_by_label("Tìm theo tên trẻ, tập thể hoặc số").fill("luc thi thom")
    page.get_by_role("button", name="Lọc").click()
    row = page.locator("tbody tr", has_text="Lục Thị Thơm")
    expect(row).to_have_count(1)
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Xác nhận thẩm định").click()
    expect(page.locator(".messages")).to_contain_text("1 nhu cầu")
    page.goto(f"/needs/{number}/")
    expect(page.locator("main")).to_contain_text("Đã thẩm định")
    expect(page.locator(".history")).to_contain_text("Nông Văn Thắng")


def test_a_family_gets_its_copy_of_the_record_then_has_it_anonymised(page, demo, tmp_path):
    child = Child.objects.filter(commune__name="Xã Bằng Thành", merged_into=None).order_by("code").first()
    log_in(page, "commune")
    page.goto(f"/children/{child.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="In phiếu thông tin cho gia đình (PDF)").click()
    copy = tmp_path / download.value.suggested_filename
    download.value.save_as(copy)
    assert child.full_name in pdf_text(copy)
    expect(page.get_by_role("link", name="Ẩn danh theo yêu cầu")).to_have_count(0)  # the department's decision
    log_out(page)

    log_in(page, "staff")
    page.goto(f"/children/{child.pk}/")
    page.get_by_role("link", name="Ẩn danh theo yêu cầu").click()
    page.get_by_label("Lý do ẩn danh").fill("Người giám hộ yêu cầu xóa thông tin, đơn ngày 28/11/2026")
    page.get_by_label("Gõ lại mã hồ sơ để xác nhận").fill(child.code)
    page.get_by_role("button", name="Ẩn danh hồ sơ").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã ẩn danh hồ sơ {child.code}")
    expect(page.locator("h1")).to_contain_text("Đã ẩn danh")
    expect(page.locator("main")).not_to_contain_text(child.full_name)
    expect(page.locator("main")).not_to_contain_text(child.guardian_name)
