"""Reading a bank statement as the bank exported it (.xlsx or .csv) with a column mapping, into credit lines.

A mapping names each column by the text of its header (several spellings separated by "|"; a header cell matches
when, folded — no diacritics, no case, spaces collapsed —, it starts with one of them, so "Ngày giao dịch (Date)"
matches "Ngày giao dịch"). The header is looked for from the mapping's `header_row` down to 40 rows further,
because banks put a varying number of lines about the account above the table. Rows without a date (totals,
signatures, blank lines) are skipped; a row with a date and an amount that cannot be read stops the import with its
row named, and nothing is saved.

What the ready mappings assume (PRESETS; the banks change their exports without notice, so staff check the
preview, adjust the mapping and save it under the bank's name):
- Vietcombank (VCB Digibiz / iBanking "Sao kê tài khoản", .xlsx): a few lines about the account, then a header
  with "Ngày giao dịch", "Số tham chiếu", "Số tiền ghi nợ", "Số tiền ghi có", "Số dư", "Nội dung chi tiết";
  dates dd/mm/yyyy (a time may follow), amounts with dots between thousands (1.000.000) or as numbers.
- BIDV (BIDV iBank / SmartBanking export, .xlsx or .csv): "Ngày giao dịch" (or "Ngày hiệu lực"), "Số tham chiếu"
  (or "Số giao dịch"), "Ghi nợ", "Ghi có", "Số dư", "Diễn giải" (or "Nội dung"); amounts with commas between
  thousands (1,000,000), dates dd/mm/yyyy.
- VietinBank (eFAST / iPay export): "Ngày giao dịch", "Mô tả giao dịch", "Ghi nợ", "Ghi có", "Số dư", "Số bút toán"
  (or "Số giao dịch"); amounts with commas (1,000,000), dates dd/mm/yyyy with a time.
- Generic: the header names above in their common spellings, dots between thousands.
Amounts are whole đồng: a decimal part must be zero ("1.000.000,00"); anything else is refused, never rounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from donors.models import DateFormat, NumberFormat
from portal.spreadsheets.upload import SpreadsheetError, check_xlsx, max_bytes
from portal.text import fold, nfc

HEADER_SEARCH_ROWS = 40
MAX_LINES = 200_000
MAX_ERRORS = 50
PREVIEW_ROWS = 8
XLSX, CSV = "xlsx", "csv"
COLUMNS = ("date", "credit", "debit", "description", "reference", "balance")
REQUIRED = ("date", "credit", "description")
COLUMN_LABELS = {
    "date": gettext_lazy("Ngày giao dịch"),
    "credit": gettext_lazy("Số tiền ghi có (tiền vào)"),
    "debit": gettext_lazy("Số tiền ghi nợ (tiền ra)"),
    "description": gettext_lazy("Nội dung, diễn giải"),
    "reference": gettext_lazy("Số tham chiếu, mã giao dịch"),
    "balance": gettext_lazy("Số dư"),
}


class StatementError(Exception):
    """The file cannot be read as a statement with this mapping; `messages` say why, for staff."""

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = [str(message) for message in messages]


@dataclass(frozen=True)
class Mapping:
    name: str
    date: str
    credit: str
    description: str
    debit: str = ""
    reference: str = ""
    balance: str = ""
    header_row: int = 1
    date_format: str = DateFormat.DAY_FIRST
    number_format: str = NumberFormat.DOTS

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Mapping:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    @classmethod
    def of(cls, statement_format) -> Mapping:
        return cls(
            name=statement_format.name,
            date=statement_format.date_column,
            credit=statement_format.credit_column,
            description=statement_format.description_column,
            debit=statement_format.debit_column,
            reference=statement_format.reference_column,
            balance=statement_format.balance_column,
            header_row=statement_format.header_row,
            date_format=statement_format.date_format,
            number_format=statement_format.number_format,
        )


PRESETS = {
    "vietcombank": Mapping(
        name="Vietcombank",
        date="Ngày giao dịch|Ngày GD|Ngày",
        credit="Số tiền ghi có|Ghi có|Credit",
        debit="Số tiền ghi nợ|Ghi nợ|Debit",
        description="Nội dung chi tiết|Mô tả|Nội dung",
        reference="Số tham chiếu|Số CT|Reference",
        balance="Số dư|Balance",
        number_format=NumberFormat.DOTS,
    ),
    "bidv": Mapping(
        name="BIDV",
        date="Ngày giao dịch|Ngày hiệu lực|Ngày",
        credit="Ghi có|Số tiền ghi có|Phát sinh có",
        debit="Ghi nợ|Số tiền ghi nợ|Phát sinh nợ",
        description="Diễn giải|Nội dung|Mô tả",
        reference="Số tham chiếu|Số giao dịch|Số bút toán",
        balance="Số dư",
        number_format=NumberFormat.COMMAS,
    ),
    "vietinbank": Mapping(
        name="VietinBank",
        date="Ngày giao dịch|Ngày hạch toán|Ngày",
        credit="Ghi có|Số tiền ghi có|Phát sinh có",
        debit="Ghi nợ|Số tiền ghi nợ|Phát sinh nợ",
        description="Mô tả giao dịch|Nội dung|Diễn giải",
        reference="Số bút toán|Số giao dịch|Số tham chiếu",
        balance="Số dư",
        number_format=NumberFormat.COMMAS,
    ),
    "generic": Mapping(
        name="Mẫu chung",
        date="Ngày giao dịch|Ngày|Date",
        credit="Số tiền ghi có|Ghi có|Tiền vào|Credit",
        debit="Số tiền ghi nợ|Ghi nợ|Tiền ra|Debit",
        description="Nội dung|Diễn giải|Mô tả|Description",
        reference="Số tham chiếu|Mã giao dịch|Số giao dịch|Reference",
        balance="Số dư|Balance",
    ),
}


@dataclass
class ParsedLine:
    row: int
    booked_on: dt.date
    amount: int  # the credit, in đồng
    description: str
    reference: str
    balance: int | None
    key: str = ""


@dataclass
class Parsed:
    lines: list[ParsedLine]  # credits only
    debits: int
    errors: list[str]


# --- The file ----------------------------------------------------------------------------------------------


def sniff_kind(data: bytes) -> str:
    """XLSX or CSV by content, never by name; anything else is refused with what to do."""
    if len(data) > max_bytes():
        raise StatementError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(max)s MB. Hãy tải sao kê theo từng tháng.")
            % {"size": round(len(data) / 1024 / 1024, 1), "max": max_bytes() // 1024 // 1024}
        )
    if not data:
        raise StatementError(_("Tệp rỗng (0 byte)."))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        try:
            check_xlsx(data)
        except SpreadsheetError as error:
            raise StatementError(*error.messages) from None
        return XLSX
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise StatementError(_("Tệp không phải sao kê dạng Excel (.xlsx) hoặc CSV."))
    _decode(data)
    return CSV


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")  # Vietnamese Windows: what an old Excel saves as "CSV"
    except UnicodeDecodeError:
        raise StatementError(_("Không đọc được chữ trong tệp CSV: hãy lưu lại dưới dạng “CSV UTF-8”.")) from None


def rows_of(data: bytes, kind: str) -> Iterator[tuple[int, tuple]]:
    """(row number as the bank's file shows it, cells) for every row of the first sheet or of the CSV."""
    if kind == XLSX:
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
            book.close()
        except StatementError:
            raise
        except Exception as error:  # openpyxl raises many kinds of error on a damaged file
            raise StatementError(_("Không đọc được tệp (tệp bị hỏng?): %(error)s") % {"error": error}) from error
        return
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from enumerate(csv.reader(io.StringIO(text), dialect), start=1)


# --- Header and cells ---------------------------------------------------------------------------------------


def _key(text) -> str:
    return " ".join(fold(str(text or "")).split())


def _names(spec: str) -> list[str]:
    return [_key(name) for name in spec.split("|") if name.strip()]


def locate_header(rows: Iterator[tuple[int, tuple]], mapping: Mapping) -> tuple[int, dict[str, int], tuple]:
    """Find the header row and the index of each mapped column; refuse when a required column is missing."""
    best = None
    for number, values in rows:
        if number < mapping.header_row:
            continue
        if number >= mapping.header_row + HEADER_SEARCH_ROWS:
            break
        found = _columns(values, mapping)
        if all(column in found for column in REQUIRED):
            return number, found, values
        if best is None or len(found) > len(best[1]):
            best = (number, found)
    missing = [str(COLUMN_LABELS[c]) for c in REQUIRED if best is None or c not in best[1]]
    raise StatementError(
        _("Không tìm thấy dòng tiêu đề có đủ các cột: %(columns)s.") % {"columns": ", ".join(missing)},
        _("Hãy chọn đúng mẫu sao kê của ngân hàng, hoặc sửa tên các cột cho khớp với tệp."),
    )


def _columns(values, mapping: Mapping) -> dict[str, int]:
    headers = [_key(value) for value in values or ()]
    found = {}
    for column in COLUMNS:
        names = _names(getattr(mapping, column))
        for name in names:  # the first spelling that a cell carries wins, so "Ngày giao dịch" beats "Ngày"
            index = next(
                (i for i, h in enumerate(headers) if h and h.startswith(name) and i not in found.values()), None
            )
            if index is not None:
                found[column] = index
                break
    return found


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s.*)?$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[\sT].*)?$")


def read_date(value, date_format: str) -> dt.date | None:
    """A statement's date cell → date; None for an empty cell; ValueError for a date that cannot be read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return from_excel(value).date()
    typed = str(value).strip()
    first, second = (_DMY, _YMD) if date_format == DateFormat.DAY_FIRST else (_YMD, _DMY)
    for pattern in (first, second):
        if match := pattern.match(typed):
            a, b, c = (int(part) for part in match.groups())
            day, month, year = (a, b, c) if pattern is _DMY else (c, b, a)
            try:
                return dt.date(year, month, day)
            except ValueError:
                break
    raise ValueError(_("“%(value)s” không phải là ngày.") % {"value": typed})


_DOTS = re.compile(r"^\d{1,3}(?:\.\d{3})*(?:,0+)?$|^\d+(?:,0+)?$")
_COMMAS = re.compile(r"^\d{1,3}(?:,\d{3})*(?:\.0+)?$|^\d+(?:\.0+)?$")
_NOISE = re.compile(r"(?i)\s|vnd|vnđ|đ|\u00a0")


def read_amount(value, number_format: str) -> int | None:
    """An amount cell → whole đồng (a sign is dropped: the column says which way money went); None when empty or
    zero-width; ValueError for anything not a whole number written in the mapping's way."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return abs(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("“%(value)s”: số tiền có phần lẻ.") % {"value": value})
        return abs(int(value))
    typed = _NOISE.sub("", nfc(str(value))).lstrip("+-").strip()
    if typed in ("", "-"):
        return None
    pattern, group, decimal = (_DOTS, ".", ",") if number_format == NumberFormat.DOTS else (_COMMAS, ",", ".")
    if not pattern.match(typed):
        example = "1.000.000" if number_format == NumberFormat.DOTS else "1,000,000"
        raise ValueError(
            _("“%(value)s” không đọc được là số tiền theo cách ghi của mẫu (ví dụ %(example)s).")
            % {"value": str(value).strip(), "example": example}
        )
    return int(typed.split(decimal)[0].replace(group, ""))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(nfc(str(value)).split())


# --- Lines -------------------------------------------------------------------------------------------------


def parse(data: bytes, kind: str, mapping: Mapping) -> Parsed:
    """Every credit line of the statement, each with its key (line_key); the debits are only counted."""
    rows = rows_of(data, kind)
    _number, columns, _header = locate_header(rows, mapping)
    lines, errors, debits = [], [], 0
    width = max(columns.values()) + 1

    def cell(values, column):
        index = columns.get(column)
        return values[index] if index is not None and index < len(values) else None

    for number, values in rows:
        if len(values) < width:
            values = tuple(values) + (None,) * (width - len(values))
        try:
            booked_on = read_date(cell(values, "date"), mapping.date_format)
        except ValueError as error:
            if read_amount_or_none(cell(values, "credit"), mapping) is None:
                continue  # a footer ("Tổng cộng", "Số dư cuối kỳ") or a note in the date column
            errors.append(_("Dòng %(row)s: %(error)s") % {"row": number, "error": error})
            continue
        if booked_on is None:
            continue
        try:
            credit = read_amount(cell(values, "credit"), mapping.number_format)
            debit = read_amount(cell(values, "debit"), mapping.number_format) if "debit" in columns else None
            balance = read_amount(cell(values, "balance"), mapping.number_format) if "balance" in columns else None
        except ValueError as error:
            errors.append(_("Dòng %(row)s: %(error)s") % {"row": number, "error": error})
            continue
        if credit:
            lines.append(
                ParsedLine(
                    row=number,
                    booked_on=booked_on,
                    amount=credit,
                    description=_text(cell(values, "description")),
                    reference=_text(cell(values, "reference"))[:80],
                    balance=balance,
                )
            )
            if len(lines) > MAX_LINES:
                raise StatementError(
                    _("Sao kê có hơn %(max)s dòng tiền vào. Hãy tải sao kê theo từng tháng.")
                    % {"max": f"{MAX_LINES:,}".replace(",", ".")}
                )
        elif debit:
            debits += 1
        if len(errors) >= MAX_ERRORS:
            break
    if not errors and not lines:
        errors.append(_("Không có dòng tiền vào (ghi có) nào trong tệp với cách đọc cột này."))
    assign_keys(lines)
    return Parsed(lines=lines, debits=debits, errors=errors)


def read_amount_or_none(value, mapping: Mapping) -> int | None:
    try:
        return read_amount(value, mapping.number_format)
    except ValueError:
        return None


def assign_keys(lines: list[ParsedLine]) -> None:
    """The key that stores a credit once per account, whatever statement brings it again.

    - The bank's transaction reference, with the day (some banks number transactions per day): "r:<day>:<ref>".
    - Without a reference, a fingerprint of the day, amount, description (folded: exports differ in diacritics
      and spacing) and the running balance after the line. Two genuine identical transfers on one day differ by
      their balance; when the bank gives no balance either, they differ by their ordinal among the identical
      lines of that day in the file (#1, #2): a later statement that covers the same day carries both again and
      keys them the same, and one that carries a third adds it as #3.
    """
    seen: Counter = Counter()
    for line in lines:
        if line.reference:
            line.key = f"r:{line.booked_on:%Y%m%d}:{_key(line.reference).replace(' ', '')}"[:80]
            continue
        body = "\x1f".join(
            [line.booked_on.isoformat(), str(line.amount), _key(line.description), str(line.balance or "")]
        )
        digest = hashlib.sha256(body.encode()).hexdigest()[:40]
        seen[digest] += 1
        line.key = f"f:{digest}#{seen[digest]}"


def preview(data: bytes, kind: str, mapping: Mapping) -> dict:
    """What the mapping step shows: the header found (or why not), and the first rows as read."""
    try:
        rows = rows_of(data, kind)
        number, columns, header = locate_header(rows, mapping)
    except StatementError as error:
        try:
            raw = [values for _n, (_number, values) in zip(range(PREVIEW_ROWS * 2), rows_of(data, kind), strict=False)]
        except StatementError:
            raw = []
        return {"errors": error.messages, "raw": [[_text(v) for v in values] for values in raw]}
    headers = [_text(value) for value in header]
    sample = []
    for row_number, values in rows:
        if len(sample) >= PREVIEW_ROWS:
            break
        shown = {}
        for column, index in columns.items():
            value = values[index] if index < len(values) else None
            try:
                if column == "date":
                    read = read_date(value, mapping.date_format)
                    shown[column] = read.strftime("%d/%m/%Y") if read else ""
                elif column in ("credit", "debit", "balance"):
                    amount = read_amount(value, mapping.number_format)
                    shown[column] = "" if amount is None else f"{amount:,}".replace(",", ".")
                else:
                    shown[column] = _text(value)
            except ValueError as error:
                shown[column] = f"⚠ {error}"
        if any(shown.values()):
            sample.append({"row": row_number, **shown})
    return {
        "header_row": number,
        "headers": [h for h in headers if h],
        "columns": {column: headers[index] for column, index in columns.items()},
        "sample": sample,
        "errors": [],
    }


def check_statement_upload(upload) -> tuple[bytes, str]:
    """The upload's bytes and kind, refused (ValidationError) when too big, empty or not an .xlsx/.csv."""
    if upload.size > max_bytes():
        raise ValidationError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(max)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "max": max_bytes() // 1024 // 1024}
        )
    data = upload.read()
    try:
        return data, sniff_kind(data)
    except StatementError as error:
        raise ValidationError(error.messages) from None
