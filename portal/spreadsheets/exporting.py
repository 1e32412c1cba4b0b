"""Workbooks people can open safely: text never runs as a formula, dates are dates, money is whole đồng.

A text cell that starts with = + - @, a tab or a carriage return would become a formula (or a DDE call) when the
file is opened, or when someone presses Enter in the cell. Such cells are written as typed text *and* marked
with Excel's "quote prefix" style, so they stay text even when edited; the value itself is left unchanged, so a
name exported and imported again is still the same name.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from portal.models import ExportLog
from portal.spreadsheets.columns import DATE, INTEGER, MONEY, TEXT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
MONEY_FORMAT = "#,##0"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F1EFF2")


@dataclass(frozen=True)
class ExportColumn:
    header: str
    value: Callable[[object], object]
    kind: str = TEXT
    width: int = 18


def cell(sheet, value, kind: str = TEXT) -> WriteOnlyCell:
    """One typed, formula-safe cell for a write-only sheet."""
    if value is None or value == "":
        return WriteOnlyCell(sheet, value=None)
    if kind == DATE:
        if isinstance(value, dt.datetime):
            value = value.date()
        written = WriteOnlyCell(sheet, value=value)
        written.number_format = DATE_FORMAT
        return written
    if kind in (MONEY, INTEGER) and isinstance(value, int):
        written = WriteOnlyCell(sheet, value=value)
        written.number_format = MONEY_FORMAT if kind == MONEY else "0"
        return written
    text = str(value)
    written = WriteOnlyCell(sheet, value=text)
    written.data_type = "s"  # never "f": openpyxl would otherwise store "=…" as a formula
    if text.startswith(FORMULA_TRIGGERS):
        written.quotePrefix = True
    return written


def workbook_bytes(*, sheet_title: str, columns: list[ExportColumn], rows: Iterable) -> tuple[bytes, int]:
    """An .xlsx with a bold, frozen Vietnamese header row and one row per object; returns (bytes, row count)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(sheet_title)[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        written = cell(sheet, str(column.header))
        written.font, written.fill = HEADER_FONT, HEADER_FILL
        header.append(written)
    sheet.append(header)
    count = 0
    for obj in rows:
        sheet.append([cell(sheet, column.value(obj), column.kind) for column in columns])
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count


def export_response(
    *, user, what: str, filters: dict, filename: str, sheet_title: str, columns: list[ExportColumn], rows: Iterable
) -> HttpResponse:
    """Build the workbook and log who exported what, with which filter and how many rows, before sending it."""
    content, count = workbook_bytes(sheet_title=sheet_title, columns=columns, rows=rows)
    ExportLog.objects.create(user=user, what=what, filters=filters, row_count=count)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # personal data: never kept by a shared proxy or the browser cache
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
