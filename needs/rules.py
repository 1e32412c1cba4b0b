"""The rules a child's record and a need obey where they enter the portal, in one place.

The registration page, the API, the Excel import and the services all call these functions, so a rule cannot hold
at one door and be missing at another. `*_problem` says why a value is refused (a message, or None); `check_*`
raises django's ValidationError keyed by the field at fault, which the page shows on the field, the API as
`{"field": [...]}` and the import on the row's cell. Dates are compared with the portal's own day
(Asia/Ho_Chi_Minh, `timezone.localdate()`), not the server's.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from needs.models import Category
from needs.models.children import age_on
from needs.seasons import CATEGORY_SEASON_KIND, SEASON_CODE, season_for, season_label

# Records are kept for people under this age only.
ADULT_AGE = 18


def birth_date_problem(birth_date: dt.date, *, today: dt.date | None = None) -> str | None:
    """Why a child born on this day cannot be registered today, or None."""
    today = today or timezone.localdate()
    if birth_date > today:
        return str(_("Ngày sinh ở tương lai."))
    if age_on(birth_date, today) >= ADULT_AGE:
        return str(_("Đã đủ 18 tuổi: không còn là trẻ em."))
    return None


def check_birth_date(birth_date: dt.date | None, *, today: dt.date | None = None) -> None:
    """Only a child under 18, born by today, is registered (also when a record's birth date is corrected)."""
    if birth_date is None:
        return
    problem = birth_date_problem(birth_date, today=today)
    if problem:
        raise ValidationError({"birth_date": [problem]}, code="birth_date")


def season_problem(category: str, season: str, *, today: dt.date | None = None) -> str | None:
    """Why a need of this category cannot be counted in this season, or None.

    Each category is planned by one kind of season (warm clothing by winter, meals and books by school year, the
    rest by calendar year). A need in a season of another kind would escape the no-duplicate rule, which compares
    seasons: a child's winter coat filed under "Năm 2026" is not the same season as "Mùa đông 2026–2027".
    """
    if not category or not season or category not in CATEGORY_SEASON_KIND:
        return None
    match = SEASON_CODE.match(season)
    if not match:
        return str(_("Không có mùa/đợt “%(value)s”; chọn trong danh sách.") % {"value": season})
    if match.group(1) != CATEGORY_SEASON_KIND[category]:
        kind = season_label(season_for(category, today or timezone.localdate())).rsplit(" ", 1)[0].lower()
        return str(
            _("“%(category)s” được tính theo %(kind)s, không theo “%(season)s”.")
            % {"category": Category(category).label, "kind": kind, "season": season_label(season)}
        )
    return None


def village_problem(village, commune_id: int | None) -> str | None:
    """A village given with a record must be one of the record's commune."""
    if village is None or commune_id is None or village.commune_id == commune_id:
        return None
    return str(_("Thôn/bản này không thuộc xã đã chọn."))
