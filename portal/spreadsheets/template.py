"""The downloadable import template: the list sheet, an instructions sheet and drop-down lists.

Drop-down values live on a hidden sheet behind workbook-level names, so a list of a few hundred villages works
in every Excel version (an inline list is limited to 255 characters) and the officer sees only what is theirs.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from portal.spreadsheets.columns import DATE, Column, header_text
from portal.spreadsheets.upload import max_rows

LISTS_SHEET = "DanhMuc"
HEADER_FILL = PatternFill("solid", fgColor="F1EFF2")
REQUIRED_FONT = Font(bold=True, color="B3261E")


def template_workbook(
    *,
    sheet_name: str,
    columns: list[Column],
    lists: dict[str, list[str]],
    instructions: list[str],
) -> bytes:
    """`lists` maps a column's `choices` name to the values offered in its drop-down list."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(sheet_name)
    rows = max_rows() + 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=header_text(column))
        header.font = REQUIRED_FONT if column.required else Font(bold=True)
        header.fill = HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = column.width
        if column.kind == DATE:
            # Text, so "03/04/2018" is read as 3 April whatever the computer's date settings are.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    hidden = book.create_sheet(LISTS_SHEET)
    hidden.sheet_state = "hidden"
    for index, (name, values) in enumerate(lists.items(), start=1):
        hidden.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            hidden.cell(row=row, column=index, value=str(value))
        if values:
            letter = get_column_letter(index)
            reference = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
            book.defined_names[name] = DefinedName(name, attr_text=reference)
    for index, column in enumerate(columns, start=1):
        if column.choices and lists.get(column.choices):
            validation = DataValidation(
                type="list",
                formula1=f"={column.choices}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Giá trị không có trong danh sách"),
                error=_("Hãy chọn một giá trị trong danh sách thả xuống."),
            )
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{rows}")
            sheet.add_data_validation(validation)

    guide = book.create_sheet(_("Hướng dẫn"))
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 12
    guide.column_dimensions["C"].width = 90
    row = 1
    for line in instructions:
        guide.cell(row=row, column=1, value=str(line))
        row += 1
    row += 1
    for col, title in enumerate((_("Cột"), _("Bắt buộc"), _("Cách ghi")), start=1):
        guide.cell(row=row, column=col, value=title).font = Font(bold=True)
    for column in columns:
        row += 1
        guide.cell(row=row, column=1, value=str(column.header))
        guide.cell(row=row, column=2, value=_("Có") if column.required else "")
        guide.cell(row=row, column=3, value=str(column.help)).alignment = Alignment(wrap_text=True)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
