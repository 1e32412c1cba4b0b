"""One description of a list's columns, used to read uploads, build the template and write its instructions."""

import re
from dataclasses import dataclass

from portal.text import fold

TEXT, DATE, MONEY, INTEGER = "text", "date", "money", "integer"


@dataclass(frozen=True)
class Column:
    key: str  # the attribute or row key the importer uses
    header: str  # Vietnamese header as printed in the template (lazy translation)
    required: bool = False
    help: str = ""
    kind: str = TEXT
    choices: str = ""  # name of a drop-down list offered by the template
    width: int = 18


_DASHES = re.compile(r"[-–—_/]+")
_REQUIRED_MARK = re.compile(r"\(\s*\*\s*\)|\*")


def label_key(text) -> str:
    """How typed labels are compared: without diacritics, case, dashes or extra spaces."""
    return " ".join(_DASHES.sub(" ", fold(str(text))).split())


def header_key(text) -> str:
    """A header cell as typed, without the "(*)" that marks required columns."""
    return label_key(_REQUIRED_MARK.sub(" ", str(text or "")))


def header_text(column: Column) -> str:
    return f"{column.header} (*)" if column.required else str(column.header)
