"""The shared Excel mechanism: what uploads are refused and why, typed cells, formula-safe exports, templates."""

import datetime as dt
import io
import zipfile

from msoffcrypto.format.ooxml import OOXMLFile
import pytest
from openpyxl import Workbook, load_workbook

from portal.spreadsheets.cells import DateWidget, IntegerWidget
from portal.spreadsheets.columns import DATE, MONEY, Column
from portal.spreadsheets.exporting import ExportColumn, workbook_bytes
from portal.spreadsheets.template import LISTS_SHEET, template_workbook
from portal.spreadsheets.upload import ROW_KEY, SpreadsheetError, read_dataset, read_upload
from tests.needs.excel_files import upload
from tests.needs.excel_files import workbook_bytes as sheet_bytes

COLUMNS = [
    Column("name", "Họ và tên", required=True),
    Column("birth", "Ngày sinh", required=True, kind=DATE),
    Column("cost", "Đơn giá (đồng)", kind=MONEY),
]
HEADER = ["Họ và tên (*)", "Ngày sinh (*)", "Đơn giá (đồng)"]


def read(data: bytes):
    return read_dataset(data, columns=COLUMNS, sheet_name="DanhSach")


def refusal(data: bytes) -> str:
    with pytest.raises(SpreadsheetError) as raised:
        read(data)
    return " ".join(raised.value.messages)


def test_it_reads_rows_with_their_excel_row_numbers_skipping_blank_lines():
    data = sheet_bytes([["Lò Văn A", "01/02/2017", 1], [None, None, None], ["Lò Thị B", "02/03/2016", 2]], HEADER)
    dataset = read(data)
    assert dataset.headers == [ROW_KEY, "name", "birth", "cost"]
    assert dataset.get_col(0) == [2, 4]


def test_it_matches_headers_without_diacritics_or_case_and_ignores_a_number_column():
    data = sheet_bytes([[1, "Lò Văn A", "01/02/2017"]], ["STT", "HO VA TEN", "ngày sinh"])
    assert read(data)[0][1:3] == ("Lò Văn A", "01/02/2017")


def test_it_refuses_a_legacy_xls_file():
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024 + "Workbook".encode("utf-16-le")
    assert "97–2003" in refusal(legacy)


def test_it_refuses_a_password_protected_file():
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(sheet_bytes([["A", "01/01/2018"]], HEADER))).encrypt(
        "mat-khau", encrypted
    )
    assert "mật khẩu" in refusal(encrypted.getvalue())


def test_it_refuses_a_csv_renamed_to_xlsx():
    assert "không phải là tệp Excel .xlsx" in refusal("Họ và tên,Ngày sinh\nA,01/01/2018\n".encode())


def test_it_refuses_another_zip_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "không phải là tệp Excel .xlsx" in refusal(buffer.getvalue())


def test_it_refuses_an_empty_workbook_and_a_header_without_rows():
    assert "không có dòng tiêu đề" in refusal(sheet_bytes([], headers=None))
    assert "chưa có dòng dữ liệu" in refusal(sheet_bytes([], HEADER))


def test_it_refuses_a_header_with_merged_cells():
    data = sheet_bytes([["A", "01/01/2018", 1]], HEADER, merge="A1:B1")
    assert "ô gộp (A1:B1)" in refusal(data)


def test_it_names_unknown_and_missing_columns():
    message = refusal(sheet_bytes([["A", 1]], ["Họ và tên", "Số nhà"]))
    assert "Cột không có trong mẫu: “Số nhà”" in message
    assert "Thiếu cột bắt buộc: “Ngày sinh (*)”" in message


def test_it_refuses_more_rows_than_the_limit(settings):
    settings.SPREADSHEET_MAX_ROWS = 3
    assert "hơn 3 dòng" in refusal(sheet_bytes([["A", "01/01/2018"]] * 4, HEADER))


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.SPREADSHEET_MAX_BYTES = 1024 * 1024
    with pytest.raises(SpreadsheetError, match="Tệp quá lớn"):
        read_upload(upload(b"x" * (1024 * 1024 + 1)))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14/03/2018", dt.date(2018, 3, 14)),
        ("4/3/2018", dt.date(2018, 3, 4)),
        ("14-03-2018", dt.date(2018, 3, 14)),
        ("2018-03-14", dt.date(2018, 3, 14)),
        (dt.datetime(2018, 3, 14), dt.date(2018, 3, 14)),
        (43173, dt.date(2018, 3, 14)),
        ("", None),
    ],
)
def test_it_reads_dates_as_vietnamese_users_type_them_and_real_excel_dates(typed, expected):
    assert DateWidget().clean(typed) == expected


@pytest.mark.parametrize("typed", ["31/02/2018", "14/03/18", "03/14/2018x", "hôm qua"])
def test_it_refuses_impossible_or_unreadable_dates(typed):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is checked by the import tests
        DateWidget().clean(typed)


@pytest.mark.parametrize(("typed", "expected"), [("1.250.000", 1250000), ("1,250,000", 1250000), (250000.0, 250000), ("250000 đ", 250000)])
def test_it_reads_money_written_with_thousand_separators(typed, expected):
    assert IntegerWidget().clean(typed) == expected


def test_it_refuses_fractions_of_a_dong():
    with pytest.raises(ValueError, match="số nguyên"):
        IntegerWidget().clean("1250,5")


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://evil.example","bấm")', "+84912345678", "-1+1", "@SUM(A1)", "\t=1", "\r=1"])
def test_it_writes_text_that_looks_like_a_formula_as_text(dangerous):
    content, count = workbook_bytes(
        sheet_title="Thu", columns=[ExportColumn("Tên", lambda value: value)], rows=[dangerous]
    )
    cell = load_workbook(io.BytesIO(content)).active["A2"]
    assert count == 1
    assert cell.data_type == "s"
    assert cell.value.strip() == dangerous.strip()  # XML keeps a leading tab; a CR comes back as a line feed
    assert cell.quotePrefix


def test_it_writes_dates_as_dates_and_money_as_whole_numbers():
    columns = [ExportColumn("Ngày", lambda row: row[0], DATE), ExportColumn("Tiền", lambda row: row[1], MONEY)]
    content, _count = workbook_bytes(sheet_title="Thu", columns=columns, rows=[(dt.date(2026, 11, 30), 1250000)])
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[1]] == ["Ngày", "Tiền"]
    assert sheet["A2"].value == dt.datetime(2026, 11, 30)
    assert sheet["A2"].number_format == "DD/MM/YYYY"
    assert sheet["B2"].value == 1250000
    assert sheet["B2"].number_format == "#,##0"


def test_it_builds_a_template_with_drop_downs_from_a_hidden_sheet():
    columns = [*COLUMNS, Column("commune", "Xã", choices="ds_xa")]
    content = template_workbook(
        sheet_name="DanhSach", columns=columns, lists={"ds_xa": ["Xã A", "Xã B"]}, instructions=["Hướng dẫn"]
    )
    book = load_workbook(io.BytesIO(content))
    sheet = book["DanhSach"]
    assert [cell.value for cell in sheet[1]] == [*HEADER, "Xã"]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == "=ds_xa"
    assert str(validation.sqref).startswith("D2:D")
    assert book.defined_names["ds_xa"].attr_text == f"'{LISTS_SHEET}'!$A$2:$A$3"
    # The template itself is accepted by the reader once a row is filled in.
    sheet.append(["Lò Văn A", "01/02/2017", None, "Xã A"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(read_dataset(buffer.getvalue(), columns=columns, sheet_name="DanhSach")) == 1


def test_it_reads_the_list_sheet_even_when_another_sheet_is_active():
    book = Workbook()
    book.active.title = "Ghi chú"
    book.active.append(["Không phải danh sách"])
    listed = book.create_sheet("DanhSach")
    listed.append(HEADER)
    listed.append(["Lò Văn A", "01/02/2017"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(read(buffer.getvalue())) == 1
