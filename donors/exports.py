"""Excel exports of the donor registry's figures.

Until the shared spreadsheet module (portal/spreadsheets.py, branch needs-excel) lands, this writes with openpyxl
directly and neutralises anything a spreadsheet would run as a formula.
"""

import datetime as dt
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe-like quote; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_response(*, title: str, header: list[str], rows, filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def commendation_xlsx(ranking, *, start: dt.date, end: dt.date, user) -> HttpResponse:
    """Donors ranked by value received in the period, to propose for commendation (khen thưởng)."""
    header = [
        _("Thứ hạng"),
        _("Nhà tài trợ"),
        _("Loại"),
        _("Mã số thuế"),
        _("Quốc gia"),
        _("Không công khai tên"),
        _("Giá trị đã tiếp nhận (đồng)"),
    ]
    rows = (
        [
            rank,
            donor.name,
            donor.get_type_display(),
            donor.tax_code,
            donor.country,
            _("Có") if donor.anonymous_publicly else "",
            donor.received_total,
        ]
        for rank, donor in enumerate(ranking.iterator(), start=1)
    )
    return xlsx_response(
        title=_("Khen thưởng"),
        header=header,
        rows=rows,
        filename=f"khen-thuong-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
    )
