"""Text folding for search: officers type names with or without Vietnamese diacritics."""

import unicodedata


def fold(text: str) -> str:
    """'Giàng Thị Mỷ' → 'giang thi my'; 'Đặng' → 'dang'. Used for search keys and duplicate detection."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
