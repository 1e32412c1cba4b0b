"""The annual report on the demo province: staff find the current cycle, reopen a commune's figures and request the
build; the commune officer confirms again; leadership follow the deadline and the communes on the dashboard,
download the PDF from the archive and approve it after reading its checklist, which locks the cycle's dates. Staff
open next year's cycle."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import Programme
from tests.browser.conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DUE = dt.date(2026, 11, 30)  # the demo cycle's due date
BUILD_TIMEOUT = 120_000  # the build runs inside the request (eager tasks): WeasyPrint on a busy shared machine


def due_text(today: dt.date) -> str:
    days = (DUE - today).days
    if days > 0:
        return f"còn {days} ngày"
    return "hôm nay là hạn cuối" if days == 0 else f"đã quá hạn {-days} ngày"


def test_the_annual_report_from_request_to_approval(page, demo, tmp_path):
    log_in(page, "staff")
    page.get_by_role("link", name="Kỳ báo cáo", exact=True).click()
    current = page.locator("tbody tr", has_text="Kỳ hiện tại").filter(has_text="Báo cáo năm")
    expect(current).to_contain_text("Năm 2026")
    expect(current).to_contain_text("01/01/2026 – 15/11/2026")
    expect(current).to_contain_text("30/11/2026")

    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.locator("tbody tr", has_text="Xã Nghiên Loan").get_by_role("link", name="Mở lại").click()
    expect(page.locator(".checklist")).to_have_count(0)  # no final report states these figures yet
    page.get_by_label("Lý do mở lại").fill("Thiếu 2 trẻ ở bản Khuổi Chang")
    page.get_by_role("button", name="Mở lại").click()
    expect(page.locator(".messages")).to_contain_text("Đã mở lại số liệu của Xã Nghiên Loan")

    page.get_by_role("link", name="Kho báo cáo").click()
    page.get_by_role("button", name="Lập báo cáo").click()
    expect(page.locator("dl.facts")).to_contain_text("Dự thảo", timeout=BUILD_TIMEOUT)
    log_out(page)

    log_in(page, "commune")
    page.get_by_role("link", name="Xác nhận số liệu").click()
    commune = page.locator("section", has=page.get_by_role("heading", name="Xã Nghiên Loan — năm 2026"))
    acknowledge = commune.get_by_label("Tôi đã đọc các cảnh báo trên và vẫn xác nhận số liệu của xã.")
    if acknowledge.count():  # the checklist of the commune's figures had warnings: read, then ticked
        expect(commune.locator(".checklist")).to_be_visible()
        acknowledge.check()
    commune.get_by_role("button", name="Xác nhận số liệu").click()
    expect(page.locator(".messages")).to_contain_text("Đã xác nhận số liệu của Xã Nghiên Loan")
    expect(commune).to_contain_text("Số liệu đã khóa")
    log_out(page)

    log_in(page, "leader")
    page.get_by_role("link", name="Xem bảng điều hành").click()
    expect(page.get_by_role("region", name="Chương trình mục tiêu quốc gia")).to_contain_text(
        due_text(timezone.localdate())
    )
    completeness = page.locator("section", has=page.locator("#completeness"))
    expect(completeness.locator("tr", has_text="Xã Bằng Thành")).to_contain_text("Đã xác nhận, đúng hạn")
    expect(completeness.locator("tr", has_text="Xã Nghiên Loan")).to_contain_text("Đã xác nhận")
    expect(completeness).to_contain_text("2/")

    page.get_by_role("link", name="Kho báo cáo").click()
    expect(page.get_by_role("button", name="Lập báo cáo")).to_have_count(0)  # leadership approve, staff prepare
    page.locator("tbody tr", has_text="Dự thảo").get_by_role("link").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp PDF").click()
    path = tmp_path / "bao-cao.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    text = " ".join(text.split())
    assert "Thái Nguyên" in text
    assert "năm 2026" in text

    # Most of the demo's communes have not confirmed, and the PDF predates Nghiên Loan's new confirmation.
    checklist = page.locator(".checklist")
    expect(checklist).to_contain_text("xã chưa xác nhận số liệu")
    expect(checklist).to_contain_text("Bản PDF lập lúc")
    page.get_by_label("Tôi đã đọc các cảnh báo trên và vẫn phê duyệt báo cáo này.").check()
    page.get_by_role("button", name="Phê duyệt bản chính thức").click()
    expect(page.locator(".messages")).to_contain_text("Đã phê duyệt bản chính thức.")
    expect(page.locator("dl.facts")).to_contain_text("Bản chính thức")
    expect(page.locator("dl.facts")).to_contain_text("Lương Thị Hạnh")

    page.get_by_role("link", name="Về kho báo cáo").click()
    expect(page.locator("tbody tr", has_text="Bản chính thức")).to_have_count(1)
    page.goto("/reports/")
    page.get_by_role("link", name="Các kỳ báo cáo").click()
    page.locator("tbody tr", has_text="Báo cáo năm").get_by_role("link", name="Năm 2026").click()
    expect(page.locator("main")).to_contain_text("Các mốc thời gian đã khóa")
    expect(page.get_by_role("button", name="Lưu các mốc thời gian")).to_have_count(0)


def test_staff_open_next_years_cycle_and_move_a_date(page, demo):
    log_in(page, "staff")
    page.get_by_role("link", name="Kỳ báo cáo", exact=True).click()
    page.get_by_role("link", name="Mở kỳ báo cáo mới").click()
    year = max(timezone.localdate().year, 2027)
    expect(page.get_by_label("Năm báo cáo")).to_have_value(str(year))
    programme = Programme.objects.get(code="CTMTQG-2026")  # the programme in force, 2026–2035
    expect(page.get_by_label("Chương trình")).to_have_value(str(programme.pk))
    if year == 2027:
        expect(page.get_by_label("Số liệu từ ngày")).to_have_value("16/11/2026")  # continues the 2026 figures
    expect(page.get_by_label("Hạn gửi báo cáo")).to_have_value(f"30/11/{year}")
    page.get_by_role("button", name="Mở kỳ báo cáo").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã mở kỳ báo cáo năm {year}")

    page.get_by_label("Hạn xã xác nhận số liệu").fill(f"05/12/{year}")
    page.get_by_role("button", name="Lưu các mốc thời gian").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Hạn xã xác nhận số liệu phải trước hạn gửi báo cáo.")
    page.get_by_label("Hạn xã xác nhận số liệu").fill(f"20/11/{year}")
    page.get_by_role("button", name="Lưu các mốc thời gian").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu các mốc thời gian của kỳ báo cáo.")
    expect(page.locator("dl.facts")).to_contain_text(f"20/11/{year}")
