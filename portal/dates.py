"""Dates the Vietnamese way: typed and shown as dd/mm/yyyy whatever the browser's language, parsed on the server.

One rule for reading a typed date (`parse_day`), used by every page's date field (`DayField`), the filters and the
Excel import (portal.spreadsheets.cells). A browser's `type=date` box is never used: it shows and takes mm/dd/yyyy
in an English browser, and on an old phone it is a plain text box with no hint at all.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

SHOWN = "%d/%m/%Y"
# Day first; "/" as written, "-" and "." because a phone's number pad has those and not "/".
_DAY_FIRST = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d+)$")
# Written by machines: links, bookmarks, an import's stored rows (a date and time, "2018-03-14T00:00:00").
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
PATTERN = r"\s*\d{1,2}\s*[\/.\-]\s*\d{1,2}\s*[\/.\-]\s*\d{4}\s*|\d{4}-\d{1,2}-\d{1,2}"
HINT = _("ngày/tháng/năm, ví dụ 25/12/2026")


def parse_day(typed: str) -> dt.date:
    """25/12/2026, 5/6/2026, 25-12-2026, 25.12.2026 or 2026-12-25 → a date; anything else → ValidationError.

    Two-digit years are refused (is 12/05/30 in 1930 or 2030?), and so is a month over 12 (12/25/2026 was typed
    month first), each with a message that says how to write it.
    """
    typed = " ".join(str(typed).split())
    if match := _DAY_FIRST.match(typed):
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        if len(year) != 4:
            raise ValidationError(_("Năm phải ghi đủ 4 chữ số: “%(value)s”."), code="year", params={"value": typed})
        year = int(year)
        if month > 12 and day <= 12:
            raise ValidationError(
                _("Tháng chỉ từ 1 đến 12: “%(value)s”. Ghi ngày trước, tháng sau, ví dụ 25/12/2026."),
                code="month_first",
                params={"value": typed},
            )
    elif match := _ISO.match(typed):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValidationError(
            _("“%(value)s” không phải là ngày; hãy ghi theo dạng ngày/tháng/năm, ví dụ 14/03/2018."),
            code="invalid",
            params={"value": typed},
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Ngày “%(value)s” không có thật."), code="no_such_day", params={"value": typed}
        ) from None


def show_day(value: dt.date | None) -> str:
    return value.strftime(SHOWN) if value else ""


class DayInput(forms.TextInput):
    """A text box for a date, with the way to write it said under it (a placeholder alone goes once typed in)."""

    def __init__(self, attrs=None):
        defaults = {"inputmode": "numeric", "autocomplete": "off", "placeholder": "dd/mm/yyyy", "pattern": PATTERN}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return show_day(value)
        return super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        hint_id = f"{attrs.get('id') or f'id_{name}'}_format"
        attrs["aria-describedby"] = " ".join(filter(None, [attrs.get("aria-describedby"), hint_id]))
        return format_html(
            '{}<span class="hint" id="{}">{}</span>', super().render(name, value, attrs, renderer), hint_id, HINT
        )


class DayField(forms.DateField):
    """A date typed as dd/mm/yyyy (parse_day), shown back the same way in every language."""

    widget = DayInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return parse_day(value)
