"""Workbooks made with openpyxl the way officers fill the import template."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADERS = [
    "Họ và tên trẻ (*)",
    "Giới tính (*)",
    "Ngày sinh (*)",
    "Dân tộc (*)",
    "Xã (*)",
    "Thôn/bản",
    "Loại hỗ trợ (*)",
    "Số lượng",
    "Đơn giá dự kiến (đồng) (*)",
    "Mùa/đợt",
    "Lý do, căn cứ (*)",
]


def row(name="Giàng Thị Mỷ", sex="Nữ", birth="14/03/2018", group="Mông", commune="Xã Bằng Thành", village="",
        category="Đồ ấm", quantity=1, cost="250.000", season="W2026", why="Nhà nghèo, mùa đông lạnh"):  # fmt: skip
    return [name, sex, birth, group, commune, village, category, quantity, cost, season, why]


def workbook_bytes(rows, headers=HEADERS, sheet="DanhSach", merge=None) -> bytes:
    book = Workbook()
    sheet_ = book.active
    sheet_.title = sheet
    if headers is not None:
        sheet_.append(headers)
    for values in rows:
        sheet_.append(values)
    if merge:
        sheet_.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="danh-sach.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def many_rows(count: int, commune="Xã Bằng Thành") -> list[list]:
    """Distinct children, one warm-clothing need each."""
    start = dt.date(2012, 1, 1)
    return [
        row(name=f"Hoàng Văn Thắng {n}", sex="Nam", birth=start + dt.timedelta(days=n % 3000), commune=commune)
        for n in range(count)
    ]
