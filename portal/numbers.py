"""Whole numbers as Vietnamese users type them: "1.000" is one thousand, never one.

Django's IntegerField strips a trailing ".000" before reading a number (so "1.000" would be 1), and a browser's
number box reads the dot as a decimal point: counts (quantities, children, meals, days) are typed in a text box
and read here, with the same grouping rules as đồng (portal.money.parse_vnd).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.text import nfc

_PLAIN = re.compile(r"^\d+$")
_DOTTED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_SPACED = re.compile(r"^\d{1,3}(?: \d{3})+$")
# Commas group thousands only in English; with two groups or more it cannot be a decimal comma.
_COMMAS = re.compile(r"^\d{1,3}(?:,\d{3}){2,}$")
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " "})


def read_grouped(cleaned: str) -> int | None:
    """Digits, optionally grouped by thousands with dots, spaces or (two or more) commas → the number; anything
    else (a decimal, "10,5", "10.00", "10,000") → None, for the caller to refuse with its own words."""
    if _PLAIN.match(cleaned) or _DOTTED.match(cleaned) or _SPACED.match(cleaned) or _COMMAS.match(cleaned):
        return int(re.sub(r"[., ]", "", cleaned))
    return None


class CountInput(forms.TextInput):
    """A text box for a count, never `type=number`."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


class CountFormField(forms.IntegerField):
    """A form field for a whole number (quantities, children, meals, days) read with read_grouped."""

    widget = CountInput

    def widget_attrs(self, widget):
        return {}  # no min/max/step: those belong to number boxes; the field still checks its bounds

    def to_python(self, value):
        if value in self.empty_values:
            return None
        typed = " ".join(nfc(str(value)).translate(SPACES).split())
        number = read_grouped(typed)
        if number is None:
            raise ValidationError(
                _("“%(value)s” không phải là số nguyên; ghi bằng chữ số, ví dụ 1.000 hoặc 1000."),
                code="invalid",
                params={"value": typed},
            )
        return number
