"""Seasons group needs in time, so the same child is not supported twice for the same thing in one season.

A season is a short code: "W2026" is winter 2026–2027 (October to March), "SY2026" the school year
2026–2027 (September to August) and "Y2026" the calendar year 2026.
"""

import datetime as dt
import re

from django.utils.translation import gettext as _

WINTER, SCHOOL_YEAR, YEAR = "W", "SY", "Y"
SEASON_CODE = re.compile(r"^(W|SY|Y)(\d{4})$")

# The kind of season each category is planned by.
CATEGORY_SEASON_KIND = {
    "warm_clothing": WINTER,
    "nutrition": SCHOOL_YEAR,
    "education": SCHOOL_YEAR,
    "healthcare": YEAR,
    "play": YEAR,
}


def season_for(category: str, on: dt.date) -> str:
    """The season a need of this category falls in when it is needed on the given date."""
    kind = CATEGORY_SEASON_KIND[category]
    if kind == WINTER:
        return f"W{on.year if on.month >= 7 else on.year - 1}"
    if kind == SCHOOL_YEAR:
        return f"SY{on.year if on.month >= 9 else on.year - 1}"
    return f"Y{on.year}"


def season_label(code: str) -> str:
    match = SEASON_CODE.match(code or "")
    if not match:
        return code
    kind, year = match.group(1), int(match.group(2))
    if kind == WINTER:
        return _("Mùa đông %(start)s–%(end)s") % {"start": year, "end": year + 1}
    if kind == SCHOOL_YEAR:
        return _("Năm học %(start)s–%(end)s") % {"start": year, "end": year + 1}
    return _("Năm %(year)s") % {"year": year}


def season_choices(today: dt.date, years_back: int = 1, years_ahead: int = 1) -> list[tuple[str, str]]:
    """Seasons an officer may pick from: last year's, this year's and next year's of every kind."""
    choices = []
    for year in range(today.year - years_back, today.year + years_ahead + 1):
        for kind in (WINTER, SCHOOL_YEAR, YEAR):
            code = f"{kind}{year}"
            choices.append((code, season_label(code)))
    return choices
