"""The commune officer's day with lists, on a phone (360×740) and an old laptop (1366×768): an Excel list with a bad
row fixed by uploading the corrected file straight from the error page, then drafts sent for verification in one
step."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from needs.models import Need, NeedStatus
from portal.models import ImportRecord, ImportStatus
from tests.browser.conftest import log_in
from tests.needs.excel_files import HEADERS, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = [
    pytest.param({"width": 360, "height": 740}, id="phone"),
    pytest.param({"width": 1366, "height": 768}, id="laptop"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "DanhSach"
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file(rows, name):
    return {"name": name, "mimeType": XLSX, "buffer": workbook(rows)}


@pytest.mark.parametrize("viewport", SIZES)
def test_an_import_with_a_bad_row_is_fixed_by_uploading_the_corrected_file(page, demo, viewport):
    page.set_viewport_size(viewport)
    good = row(name="Lục Thị Thơm", birth="11/02/2017", group="Tày")
    log_in(page, "commune")
    page.goto("/needs/")
    page.get_by_role("link", name="Nhập từ Excel").click()
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(
        file([good, row(name="Lục Văn Páo", sex="Nam", birth="31/02/2016", group="Tày")], "danh-sach.xlsx")
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    expect(page.get_by_role("alert").first).to_contain_text("Có 1 dòng lỗi")
    expect(page.locator(".import-errors")).to_contain_text("Ngày “31/02/2016” không có thật")
    expect(page.locator(".import-rows")).to_contain_text("Lục Thị Thơm")  # the good row is listed too
    corrected = page.locator("#reupload")
    corrected.get_by_label("Tệp Excel (.xlsx)").set_input_files(
        file([good, row(name="Lục Văn Páo", sex="Nam", birth="28/02/2016", group="Tày")], "danh-sach-da-sua.xlsx")
    )
    corrected.get_by_role("button", name="Tải lên tệp đã sửa và kiểm tra lại").click()

    expect(page.locator("main")).to_contain_text("danh-sach-da-sua.xlsx")
    expect(page.locator(".import-rows tbody tr")).to_have_count(2)
    expect(page.locator(".import-rows")).to_contain_text("28/02/2016")
    page.get_by_role("button", name="Xác nhận nhập 2 dòng").click()

    expect(page.locator(".messages")).to_contain_text("Đã nhập “danh-sach-da-sua.xlsx”")
    expect(page.locator("main")).to_contain_text("Lục Văn Páo")
    saved = Need.objects.filter(import_record__original_name="danh-sach-da-sua.xlsx")
    assert sorted(saved.values_list("child__full_name", "status")) == [
        ("Lục Thị Thơm", NeedStatus.DRAFT),
        ("Lục Văn Páo", NeedStatus.DRAFT),
    ]
    assert ImportRecord.objects.get(original_name="danh-sach.xlsx").status == ImportStatus.CANCELLED


@pytest.mark.parametrize("viewport", SIZES)
def test_drafts_are_sent_for_verification_in_one_step(page, demo, viewport):
    page.set_viewport_size(viewport)
    log_in(page, "commune")
    page.goto("/needs/?status=draft")
    boxes = page.locator("tbody input[type=checkbox]")
    expect(boxes.first).to_be_visible()
    picked = [int(boxes.nth(i).get_attribute("value")) for i in range(3)]
    for i in range(3):
        boxes.nth(i).check()
    page.get_by_role("button", name="Gửi thẩm định", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("Gửi thẩm định: 3 nhu cầu")
    assert set(Need.objects.filter(pk__in=picked).values_list("status", flat=True)) == {NeedStatus.SUBMITTED}
    for pk in picked:
        expect(page.locator(f"#pick-{pk}")).to_have_count(0)  # no longer in the drafts list
