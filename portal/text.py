"""Text as the portal keeps it: Unicode NFC on the way in, and folded keys for search and duplicate detection.

The same Vietnamese word reaches us in two spellings of code points: precomposed (NFC: "ế" is one code point, what
most keyboards send) or decomposed (NFD: "e" + circumflex + acute, what Unikey's "Unicode tổ hợp", some Excel files
and macOS file names send). They look the same and compare different, so every text that enters — a page's form or
query string, the admin, the API's body and query string, an Excel cell — goes through `nfc` once, at the door:
`NormalizedInputMiddleware` for pages, the admin and query strings, `portal.parsers` for API bodies,
`portal.spreadsheets.upload.read_dataset` for uploaded workbooks. Code behind those doors (forms, serializers,
services, bulk imports) can then compare and look up text as it is.
"""

import unicodedata

from django.http import QueryDict

# Letters that look like Đ/đ but are others: the Icelandic eth (U+00D0, U+00F0), left by old TCVN3/VNI font
# conversions and some keyboards, and the African D (U+0189, U+0256). Search keys read them all as d. (Written as
# escapes: no source file of the portal holds the look-alikes themselves, a test checks it.)
D_LOOKALIKES = "\u00d0\u00f0\u0189\u0256"
_TO_PLAIN_D = str.maketrans({"Đ": "D", "đ": "d", "\u00d0": "D", "\u00f0": "d", "\u0189": "D", "\u0256": "d"})
_TO_VIETNAMESE_D = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ", "\u0256": "đ"})

# A password is a secret compared byte for byte with its hash; it is never searched or shown, and one set before
# normalisation must keep opening the account, so it is kept as typed.
_KEPT_AS_TYPED = "password"


def nfc(text: str) -> str:
    """The text in Unicode NFC (precomposed): 'Nguyê\u0302\u0303n' → 'Nguyễn'."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def nfc_data(value, key: str = ""):
    """`nfc` applied to every string in parsed input (dicts' keys and values, lists, tuples); other values as they
    are. Values under a key naming a password are kept as typed."""
    if _KEPT_AS_TYPED in key:
        return value
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc(k) if isinstance(k, str) else k: nfc_data(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(nfc_data(item, key) for item in value)
    return value


def nfc_query_dict(data: QueryDict) -> QueryDict:
    """A QueryDict (request.GET, request.POST, a parsed form body) with every key and value in NFC."""
    normalized = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        normalized.setlist(nfc(key), values if _KEPT_AS_TYPED in key else [nfc(value) for value in values])
    normalized._mutable = data._mutable
    return normalized


def fold(text: str) -> str:
    """'Giàng Thị Mỷ' → 'giang thi my'; 'Đặng', also spelt with a look-alike of Đ, → 'dang'. Used for search keys
    and duplicate detection.

    Stored keys (Child.name_key, Donor.name_key) hold this value: a change here needs a data migration that
    recomputes them.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_TO_PLAIN_D))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NormalizedInputMiddleware:
    """Pages, the admin and every query string (the API's too) see request.GET and request.POST in NFC.

    Form posts are read here, before the view: Django's CSRF check reads them before the view anyway. API
    bodies are parsed by REST framework from the raw stream, so its parsers (portal.parsers) normalise them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = nfc_query_dict(request.GET)
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            request.POST = nfc_query_dict(request.POST)
        return self.get_response(request)


def vietnamese_d(text: str) -> str:
    """The look-alikes of Đ/đ replaced by the Vietnamese letters, for names that can only be Vietnamese (villages)."""
    return text.translate(_TO_VIETNAMESE_D)


def nfc_stored_text(apps, app_label: str) -> int:
    """For data migrations: rewrite in NFC the text columns of an app's rows stored before text was normalised on
    the way in. Returns how many values changed.

    History tables are left as they were written. A row whose NFC spelling would collide with another row under a
    unique constraint (the same village typed twice, once in each form) is left too: search keys fold both alike.
    """
    return sum(
        _nfc_stored_text(model)
        for model in apps.get_app_config(app_label).get_models()
        if not model.__name__.startswith("Historical")
    )


def _nfc_stored_text(model) -> int:
    from django.db import IntegrityError, connection, models, transaction

    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    changed = 0
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if connection.vendor == "postgresql":
            column = quote(field.column)
            # Only identifiers from the model are formatted in; the database finds the few rows to change.
            sql = f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NFC NORMALIZED"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.fetchall()
        else:
            rows = [
                (key, value)
                for key, value in model._base_manager.values_list("pk", field.attname).iterator()
                if value and not unicodedata.is_normalized("NFC", value)
            ]
        for key, value in rows:
            try:
                with transaction.atomic():
                    changed += model._base_manager.filter(pk=key).update(**{field.attname: nfc(value)})
            except IntegrityError:
                pass
    return changed


# --- Vietnamese order -------------------------------------------------------------------------------------------

# PostgreSQL's ICU collation for Vietnamese: ă, â, đ, ê, ô, ơ, ư are letters of their own (a < ă < â < b … d < đ),
# tones only break ties. The databases here are created with the C locale, whose code-point order puts "Hoàng"
# before "Hầu" and "Lý" before "Lương" before "Lầu". On SQLite (the quick start) portal.apps registers a collation
# of the same name that compares with `vietnamese_key`, so `collated("name")` sorts alike on both.
VIETNAMESE_COLLATION = "vi-VN-x-icu"

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Marks that make another letter (â, ă, ơ/ư) against the tones, which only break ties between words with the same
# letters (ICU's secondary level).
_LETTER_MARKS = {"\u0302": "â", "\u0306": "ă", "\u031b": "ơ"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_MODIFIED = {("a", "â"): "â", ("a", "ă"): "ă", ("e", "â"): "ê", ("o", "â"): "ô", ("o", "ơ"): "ơ", ("u", "ơ"): "ư"}


def vietnamese_key(text: str) -> tuple:
    """A sort key that orders Vietnamese words as the ICU collation `vi` does: by letters of the Vietnamese
    alphabet first, then by tones, then by case. sorted(["Lý", "Lương", "Lầu"], key=vietnamese_key) →
    ["Lầu", "Lương", "Lý"]; "Hầu" before "Hoàng"; "Dương" before "Đặng"."""
    letters, tones, cases = [], [], []
    for char in unicodedata.normalize("NFD", vietnamese_d(text)):
        if char in _LETTER_MARKS and letters:
            kind, base = letters[-1]
            if (
                kind == 1
                and (base_letter := _ALPHABET[base] if base < len(_ALPHABET) else "")
                and ((base_letter, _LETTER_MARKS[char]) in _MODIFIED)
            ):
                letters[-1] = (1, _LETTER_RANK[_MODIFIED[base_letter, _LETTER_MARKS[char]]])
            continue
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if unicodedata.category(char) == "Mn":
            continue
        lower = char.lower()
        if lower in _LETTER_RANK:
            letters.append((1, _LETTER_RANK[lower]))
        elif lower.isdigit():
            letters.append((0, int(lower) if lower.isascii() else ord(lower)))
        elif lower.isspace() or lower in "-–'.,":
            letters.append((-1, ord(lower)))  # spaces and punctuation before letters, as ICU's default
        else:
            letters.append((2, ord(lower)))
        tones.append(0)
        cases.append(char != lower)
    return (letters, tones, cases, text)


def sqlite_vietnamese_collation(left: str, right: str) -> int:
    """The collation `VIETNAMESE_COLLATION` on SQLite: compares two values with `vietnamese_key`."""
    a, b = vietnamese_key(left), vietnamese_key(right)
    return (a > b) - (a < b)


def collated(field: str):
    """An ORM expression ordering `field` in Vietnamese order: `.order_by(collated("name"), "pk")`."""
    from django.db.models import F
    from django.db.models.functions import Collate

    return Collate(F(field), VIETNAMESE_COLLATION)
