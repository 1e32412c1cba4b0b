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

# Letters that look like Đ/đ but are others: Icelandic eth (Ð U+00D0, ð U+00F0), left by old TCVN3/VNI font
# conversions and some keyboards, and African D (Ɖ U+0189, ɖ U+0256). Search keys read them all as d.
D_LOOKALIKES = "\u00d0\u00f0\u0189\u0256"
_TO_PLAIN_D = str.maketrans({"Đ": "D", "đ": "d", "\u00d0": "D", "\u00f0": "d", "\u0189": "D", "\u0256": "d"})

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
    """'Giàng Thị Mỷ' → 'giang thi my'; 'Đặng' and 'Ðặng' → 'dang'. Used for search keys and duplicate detection.

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
