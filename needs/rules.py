"""The rules a child's record obeys where it enters the portal, in one place.

The registration page, the API, the Excel import and the services all call these functions, so a rule cannot hold
at one door and be missing at another. Each raises django's ValidationError keyed by the field at fault, which the
page shows on the field, the API as `{"field": [...]}` and the import on the row's cell. Dates are compared with
the portal's own day (Asia/Ho_Chi_Minh, `timezone.localdate()`), not the server's.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from needs.models.children import age_on

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
