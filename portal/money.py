"""Money is integer đồng everywhere: how it is written for people, read from what they type, and said in words.

`parse_vnd` is the one reader of typed amounts — forms (VndFormField), the API (portal.money_api.VndSerializerField),
the Excel importers (portal.spreadsheets.cells.VndWidget) and the allocation plan page all call it.

Vietnamese write a dot between thousands and a comma before decimals, so `10.000.000` is ten million. Django's and
DRF's IntegerField read such text as a decimal: they drop a trailing ".000" and store `10.000` as 10, and a browser's
`type=number` field does the same, which is how ten million đồng became 10 đ (issue 14). An amount that could be
read two ways (`10,5`, `10.00`, `10,000`) is refused with a message instead of guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal.numbers import SPACES, read_grouped
from portal.text import nfc, vietnamese_d

# A province's money never comes near a million billion đồng; beyond that a typing slip is far more likely.
MAX_VND = 10**15 - 1

_SUFFIX = re.compile(r"\s*(?:đồng|đ|vnđ|vnd|dong)\.?$", re.IGNORECASE)


def format_vnd(amount) -> str:
    if amount is None or amount == "":
        return ""
    amount = int(amount)
    return f"{'-' if amount < 0 else ''}{group_digits(abs(amount))}\u00a0đ"


def group_digits(amount: int) -> str:
    """10000000 → '10.000.000' (what a money field shows, without the đ)."""
    return f"{amount:,}".replace(",", ".")


def _refuse(message, typed, code):
    raise ValidationError(message, code=code, params={"value": typed})


def parse_vnd(value) -> int:
    """What was typed → integer đồng, or ValidationError saying how to write it.

    Accepted: 10000000, "10000000", "10.000.000", "10.000.000 đ" (also đồng, VND), "10 000 000", "10,000,000"
    and an Excel number that is whole. Refused: decimals and anything ambiguous ("10,5", "10.00", "10,000"),
    negative amounts, text.
    """
    if isinstance(value, bool):
        _refuse(_("“%(value)s” không phải là số tiền."), value, "invalid")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        if value != int(value):
            _refuse(_("“%(value)s”: số tiền là số nguyên đồng, không có phần lẻ."), value, "decimal")
        number = int(value)
    else:
        typed = " ".join(nfc(str(value)).translate(SPACES).split())
        cleaned = _SUFFIX.sub("", vietnamese_d(typed)).strip()
        if not cleaned:
            _refuse(_("Nhập số tiền (đồng), ví dụ 10.000.000."), typed, "required")
        if cleaned.startswith("-"):
            _refuse(_("“%(value)s”: số tiền không được âm."), typed, "negative")
        number = read_grouped(cleaned)
        if number is None:
            if "," in cleaned:
                _refuse(
                    _(
                        "“%(value)s” có dấu phẩy nên có thể hiểu hai cách. Số tiền là số nguyên đồng: ghi hàng nghìn "
                        "bằng dấu chấm, ví dụ 10.000.000."
                    ),
                    typed,
                    "ambiguous",
                )
            elif "." in cleaned:
                _refuse(
                    _(
                        "“%(value)s”: dấu chấm chỉ dùng để tách hàng nghìn (mỗi nhóm đủ 3 chữ số), "
                        "ví dụ 10.000.000 hoặc 10000000."
                    ),
                    typed,
                    "ambiguous",
                )
            else:
                _refuse(
                    _("“%(value)s” không phải là số tiền; ghi bằng chữ số, có thể dùng dấu chấm, ví dụ 10.000.000."),
                    typed,
                    "invalid",
                )
    if number < 0:
        _refuse(_("“%(value)s”: số tiền không được âm."), value, "negative")
    if number > MAX_VND:
        _refuse(_("“%(value)s”: số tiền quá lớn, hãy kiểm tra lại."), value, "too_large")
    return number


# --- In words ---------------------------------------------------------------------------------------------

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_SCALES = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ"]


def _hundreds(n: int, *, full: bool) -> list[str]:
    """One group of three digits. `full`: a group after a larger one says its zero hundreds ("không trăm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")  # 105: một trăm linh năm
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")  # 21: hai mươi mốt (but 11: mười một)
        elif units == 4 and tens >= 2:
            words.append("tư")  # 24: hai mươi tư (but 14: mười bốn)
        elif units == 5 and tens >= 1:
            words.append("lăm")  # 15, 25: mười lăm, hai mươi lăm (but 105: một trăm linh năm)
        else:
            words.append(_DIGITS[units])
    return words


def number_in_words(n: int) -> str:
    """12_345 → 'mười hai nghìn ba trăm bốn mươi lăm' (the reading used on Vietnamese receipts and invoices)."""
    n = int(n)
    if n == 0:
        return _DIGITS[0]
    if n < 0:
        return "âm " + number_in_words(-n)
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    if len(groups) > len(_SCALES):
        raise ValueError("number too large to read")
    words = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            continue  # 1.000.500: một triệu năm trăm — an empty group is not read
        words += _hundreds(group, full=bool(words))
        if _SCALES[index]:
            words.append(_SCALES[index])
    return " ".join(words)


def vnd_in_words(amount: int) -> str:
    """10_000_000 → 'mười triệu đồng'."""
    return f"{number_in_words(amount)} đồng"


def vnd_preview(amount: int) -> str:
    """What a money field shows it will save: '10.000.000 đ — mười triệu đồng'."""
    return f"{format_vnd(amount)} — {vnd_in_words(amount)}"


# --- Fields -----------------------------------------------------------------------------------------------


class VndInput(forms.TextInput):
    """A text box for đồng, never `type=number` (a browser reads "10.000" there as ten).

    Under it an <output> says what will be saved, in figures and in words: the server fills it when the form
    comes back (so it works without JavaScript), and static/js/money.js updates it while typing.
    """

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "data-money": "", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return group_digits(value)
        return super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        field_id = attrs.get("id") or f"id_{name}"
        output_id = f"{field_id}_saved"
        attrs["aria-describedby"] = " ".join(filter(None, [attrs.get("aria-describedby"), output_id]))
        box = super().render(name, value, attrs, renderer)
        preview = ""
        if value not in (None, ""):
            try:
                preview = _("Sẽ lưu: %(amount)s") % {"amount": vnd_preview(parse_vnd(value))}
            except ValidationError:
                preview = ""
        # The script comes with the field, so only pages with a đồng field load it (it runs once however many).
        return format_html(
            '{}<output class="money-saved" id="{}" for="{}" aria-live="polite" data-label="{}">{}</output>'
            '<script src="{}" defer></script>',
            box,
            output_id,
            field_id,
            _("Sẽ lưu: %(amount)s"),
            preview,
            static("js/money.js"),
        )


class VndFormField(forms.IntegerField):
    """A form field for đồng that reads what people type with parse_vnd."""

    widget = VndInput

    def __init__(self, *, max_value=None, min_value=None, step_size=None, **kwargs):
        kwargs.pop("localize", None)
        super().__init__(max_value=max_value, min_value=min_value, step_size=step_size, **kwargs)

    def widget_attrs(self, widget):
        return {}  # no min/max/step: those belong to number fields

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_vnd(value)
