"""Is this upload a real .xlsx we can read, with the expected header? Checked before any row is looked at.

Every refusal is a `SpreadsheetError` whose message tells a commune officer what to do about it.
"""

import io
import re
import zipfile
from xml.etree import ElementTree

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from portal.spreadsheets.cells import is_empty
from portal.spreadsheets.columns import Column, header_key, header_text
from portal.text import nfc

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: Excel 97–2003, or a password-protected .xlsx
ZIP_SIGNATURE = b"PK\x03\x04"
ROW_KEY = "_row"  # the Excel row number each data row came from, so the preview names the row people see
IGNORED_HEADERS = {header_key("STT"), header_key("Số thứ tự"), header_key("No.")}
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def max_bytes() -> int:
    return getattr(settings, "SPREADSHEET_MAX_BYTES", 10 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "SPREADSHEET_MAX_ROWS", 20_000)


class SpreadsheetError(Exception):
    """The file cannot be imported as a whole; `messages` say why, in the user's language."""

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = [str(message) for message in messages]


def read_upload(upload) -> bytes:
    """The uploaded file's bytes, refused when larger than the limit before it is read."""
    if upload.size > max_bytes():
        raise SpreadsheetError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(max)s MB. Hãy chia danh sách thành nhiều tệp.")
            % {"size": round(upload.size / 1024 / 1024, 1), "max": max_bytes() // 1024 // 1024}
        )
    data = upload.read()
    if not data:
        raise SpreadsheetError(_("Tệp rỗng (0 byte)."))
    return data


def read_dataset(data: bytes, *, columns: list[Column], sheet_name: str) -> tablib.Dataset:
    """The data rows of the list sheet as a tablib Dataset keyed by column key, with ROW_KEY first.

    Refuses legacy or password-protected files, other zip documents, macros, merged header cells, unknown or
    missing columns, a sheet without data rows and more rows than the limit.
    """
    archive = _open_xlsx(data)
    name, path = _choose_sheet(archive, sheet_name)
    _refuse_merged_header(archive.read(path))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = book[name].iter_rows(values_only=True)
        header = next(rows, None)
        keys = _map_header(header, columns)
        dataset = tablib.Dataset(headers=[ROW_KEY, *(key for key in keys if key)])
        for number, values in enumerate(rows, start=2):
            # Text in NFC from here on (portal.text): every importer reads its cells from this dataset.
            cells = [
                nfc(value) if isinstance(value, str) else value for key, value in zip(keys, values, strict=False) if key
            ]
            if all(is_empty(value) for value in cells):
                continue
            if len(dataset) >= max_rows():
                raise SpreadsheetError(
                    _("Tệp có hơn %(max)s dòng dữ liệu. Hãy chia danh sách thành nhiều tệp.")
                    % {"max": f"{max_rows():,}".replace(",", ".")}
                )
            cells += [None] * (len(dataset.headers) - 1 - len(cells))
            dataset.append([number, *cells])
        book.close()
    except SpreadsheetError:
        raise
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        raise SpreadsheetError(_("Không đọc được tệp (tệp bị hỏng?): %(error)s") % {"error": error}) from error
    if not len(dataset):
        raise SpreadsheetError(_("Tệp chỉ có dòng tiêu đề, chưa có dòng dữ liệu nào."))
    return dataset


def check_xlsx(data: bytes) -> None:
    """Refuse what is not a plain .xlsx (legacy, password-protected, macros, another zip, a zip bomb)."""
    _open_xlsx(data)


def _open_xlsx(data: bytes) -> zipfile.ZipFile:
    if data.startswith(OLE_SIGNATURE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise SpreadsheetError(
                _(
                    "Tệp đang được đặt mật khẩu. Hãy mở tệp, bỏ mật khẩu "
                    "(Tệp → Thông tin → Bảo vệ sổ làm việc) rồi lưu lại."
                )
            )
        raise SpreadsheetError(
            _("Đây là tệp Excel 97–2003 (.xls). Hãy mở tệp và lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”.")
        )
    not_xlsx = SpreadsheetError(
        _("Tệp không phải là tệp Excel .xlsx (có thể là tệp CSV hoặc tệp khác được đổi tên). Hãy dùng tệp mẫu.")
    )
    if not data.startswith(ZIP_SIGNATURE):
        raise not_xlsx
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise not_xlsx from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_xlsx
    if "xl/vbaProject.bin" in names:
        raise SpreadsheetError(
            _("Tệp có chứa macro. Hãy lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)” không có macro.")
        )
    if unpacked > 20 * max_bytes():
        raise SpreadsheetError(_("Nội dung tệp quá lớn khi giải nén. Hãy chia danh sách thành nhiều tệp."))
    return archive


def _choose_sheet(archive: zipfile.ZipFile, sheet_name: str) -> tuple[str, str]:
    """The sheet named like the template's list sheet, else the first visible sheet: (name, path in the zip)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 - bounded size, no DTD
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ElementTree.ParseError):
        raise SpreadsheetError(_("Không đọc được tệp (tệp bị hỏng?).")) from None
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.findall("rel:Relationship", _NS)}
    sheets = []
    for sheet in workbook.findall("main:sheets/main:sheet", _NS):
        target = targets.get(sheet.get(_R_ID), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        sheets.append((sheet.get("name"), path, sheet.get("state", "visible")))
    if not sheets:
        raise SpreadsheetError(_("Tệp không có trang tính nào."))
    for name, path, _state in sheets:
        if header_key(name) == header_key(sheet_name):
            return name, path
    visible = [(name, path) for name, path, state in sheets if state == "visible"]
    return (visible or [sheets[0][:2]])[0]


def _refuse_merged_header(sheet_xml: bytes) -> None:
    tail = sheet_xml[sheet_xml.rfind(b"</sheetData>") :]  # merged ranges are listed after the cells
    for match in _MERGE.finditer(tail):
        if int(match.group(2)) <= 1:
            start, end = match.group(1).decode(), (match.group(3) or match.group(1)).decode()
            raise SpreadsheetError(
                _("Dòng tiêu đề có ô gộp (%(range)s). Hãy bỏ gộp ô để mỗi cột có một tiêu đề riêng như tệp mẫu.")
                % {"range": f"{start}1:{end}{int(match.group(4) or 1)}"}
            )


def _map_header(header, columns: list[Column]) -> list[str | None]:
    """For each header cell, the column key it names (None for an ignored column); refuses unknown or missing ones."""
    if header is None or all(is_empty(cell) for cell in header):
        raise SpreadsheetError(_("Tệp trống: không có dòng tiêu đề. Hãy dùng tệp mẫu."))
    by_header = {header_key(column.header): column for column in columns}
    keys, unknown, seen = [], [], set()
    for cell in header:
        if is_empty(cell) or header_key(cell) in IGNORED_HEADERS:
            keys.append(None)
            continue
        column = by_header.get(header_key(cell))
        if column is None:
            unknown.append(str(cell).strip())
            keys.append(None)
        elif column.key in seen:
            raise SpreadsheetError(_("Cột “%(header)s” xuất hiện hai lần.") % {"header": str(cell).strip()})
        else:
            seen.add(column.key)
            keys.append(column.key)
    errors = []
    if unknown:
        errors.append(_("Cột không có trong mẫu: %(columns)s.") % {"columns": ", ".join(f"“{h}”" for h in unknown)})
    missing = [header_text(column) for column in columns if column.required and column.key not in seen]
    if missing:
        errors.append(_("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(f"“{h}”" for h in missing)})
    if errors:
        errors.append(_("Hãy tải tệp mẫu mới nhất và chép dữ liệu vào đúng cột."))
        raise SpreadsheetError(*errors)
    return keys
