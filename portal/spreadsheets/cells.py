"""django-import-export widgets that read cells the way Vietnamese officers fill them in.

Each `clean` returns a Python value or raises ValueError with a message meant for the person who typed the cell.
Lookups read from dicts prepared once per import, so reading a row never queries the database.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export.widgets import Widget
from openpyxl.utils.datetime import from_excel

from portal.dates import parse_day
from portal.money import format_vnd, parse_vnd
from portal.spreadsheets.columns import DATE, MONEY, label_key

_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    if is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or code typed into a number cell
    return " ".join(str(value).split())


def display(value, kind=None) -> str:
    """A cell as the preview shows it: a date as dd/mm/yyyy and an amount in đồng when they read as such, anything
    else as typed (the row's error then says what is wrong with it)."""
    try:
        if kind == DATE and not is_empty(value):
            return DateWidget().clean(value).strftime("%d/%m/%Y")
        if kind == MONEY and not is_empty(value):
            return format_vnd(VndWidget().clean(value))
    except ValueError:
        pass
    return text(value)


class TextWidget(Widget):
    def __init__(self, max_length: int | None = None, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        cleaned = text(value)
        if self.max_length and len(cleaned) > self.max_length:
            raise ValueError(_("Dài quá %(max)s ký tự.") % {"max": self.max_length})
        return cleaned


class DateWidget(Widget):
    """A real Excel date, or text typed as dd/mm/yyyy (also d-m-yyyy, d.m.yyyy, yyyy-mm-dd)."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            if 1 <= value < 2958466:  # an Excel serial number in a cell not formatted as a date
                return from_excel(value).date()
            raise ValueError(_("“%(value)s” không phải là ngày.") % {"value": value})
        try:
            return parse_day(str(value).strip())
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None


class IntegerWidget(Widget):
    """A whole number; "1.250.000", "1,250,000" and "1 250 000" read as one million two hundred fifty thousand."""

    def __init__(self, minimum: int = 0, **kwargs):
        self.minimum = minimum
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” không phải là số.") % {"value": value})
        if isinstance(value, int):
            number = value
        elif isinstance(value, float):
            if not value.is_integer():
                raise ValueError(_("Phải là số nguyên: “%(value)s”.") % {"value": value})
            number = int(value)
        else:
            typed = str(value).strip().removesuffix("đ").removesuffix("đồng").strip()
            if _GROUPED.match(typed):
                typed = re.sub(r"[.,\s]", "", typed)
            try:
                number = Decimal(typed.replace(",", "."))
            except InvalidOperation:
                raise ValueError(_("“%(value)s” không phải là số.") % {"value": value}) from None
            if number != number.to_integral_value():
                raise ValueError(_("Phải là số nguyên: “%(value)s”.") % {"value": value})
            number = int(number)
        if number < self.minimum:
            raise ValueError(_("Phải từ %(min)s trở lên.") % {"min": self.minimum})
        return number


class VndWidget(Widget):
    """An amount in đồng, read by portal.money.parse_vnd like every other đồng field ("10.000.000 đ" is ten
    million; "10,5" and "10.00" are refused as ambiguous)."""

    def __init__(self, minimum: int = 0, **kwargs):
        self.minimum = minimum
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        try:
            number = parse_vnd(value)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
        if number < self.minimum:
            raise ValueError(_("Phải từ %(min)s trở lên.") % {"min": self.minimum})
        return number


class LookupWidget(Widget):
    """A label (or code) from a fixed list, matched without diacritics or case against a prepared dict."""

    def __init__(self, mapping: dict, unknown_message, **kwargs):
        self.mapping = mapping
        self.unknown_message = unknown_message
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        found = self.mapping.get(label_key(text(value)))
        if found is None:
            raise ValueError(self.unknown_message % {"value": text(value)})
        return found


def choice_mapping(choices, *aliases: tuple[str, object]) -> dict:
    """{label_key: value} for Django choices, by value and by label in Vietnamese or English, plus aliases."""
    mapping = {}
    for language in ("en", "vi"):
        with translation.override(language):
            for value, label in choices:
                mapping[label_key(value)] = value
                mapping[label_key(label)] = value
    for alias, value in aliases:
        mapping[label_key(alias)] = value
    return mapping
