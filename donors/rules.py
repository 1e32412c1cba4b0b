"""The rules a pledge obeys where it enters the portal, in one place.

The pledge page, the API, the Excel import and the services all call these functions, so a rule cannot hold at one
door and be missing at another. Each raises django's ValidationError keyed by the field at fault, which the page
shows on the field, the API as `{"field": [...]}` and the import on the row's cell. Dates are compared with the
portal's own day (Asia/Ho_Chi_Minh, `timezone.localdate()`), not the server's.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def pledge_date_problems(
    pledged_on: dt.date | None, receive_by: dt.date | None, *, today: dt.date | None = None
) -> dict[str, str]:
    """{field: why} for the dates of a pledge being recorded: a pledge is a promise already made, so it is not
    dated after today, and what it promises cannot be due before it was promised."""
    today = today or timezone.localdate()
    problems = {}
    if pledged_on and pledged_on > today:
        problems["pledged_on"] = str(_("Ngày cam kết ở tương lai."))
    if pledged_on and receive_by and receive_by < pledged_on:
        problems["receive_by"] = str(_("Hạn chuyển/giao trước ngày cam kết."))
    return problems


def check_pledge_dates(pledged_on: dt.date | None, receive_by: dt.date | None, *, today: dt.date | None = None) -> None:
    problems = pledge_date_problems(pledged_on, receive_by, today=today)
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()}, code="pledge_dates")
