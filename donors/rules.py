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


# --- Appeals (Decree 93/2021/NĐ-CP) ---------------------------------------------------------------------------

# The receiving window of an appeal is at most 90 days, its first and last day included, and what it received is
# distributed within 20 days after receiving ends: the two limits of Decree 93/2021/NĐ-CP as issue 17 states them
# (the decree's text was not reachable where this was written, so no article number is cited; see README). Where
# the decree lets an appeal run longer or be extended, the portal does not: a longer effort is a new appeal with
# its own decision, so every appeal's dates obey these two numbers and the public can check them.
APPEAL_MAX_RECEIVING_DAYS = 90
APPEAL_DISTRIBUTION_DAYS = 20


def appeal_window_problems(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    """{field: why} for an appeal's receiving window (the campaign's start_date and end_date)."""
    if not start or not end:
        return {}
    if end < start:
        return {"end_date": str(_("Ngày kết thúc tiếp nhận trước ngày bắt đầu."))}
    days = (end - start).days + 1
    if days > APPEAL_MAX_RECEIVING_DAYS:
        return {
            "end_date": str(
                _(
                    "Thời gian tiếp nhận tối đa %(max)s ngày (Nghị định 93/2021/NĐ-CP); đã chọn %(days)s ngày, "
                    "kết thúc muộn nhất ngày %(last)s."
                )
                % {
                    "max": APPEAL_MAX_RECEIVING_DAYS,
                    "days": days,
                    "last": (start + dt.timedelta(days=APPEAL_MAX_RECEIVING_DAYS - 1)).strftime("%d/%m/%Y"),
                }
            )
        }
    return {}


def check_appeal_window(start: dt.date | None, end: dt.date | None) -> None:
    problems = appeal_window_problems(start, end)
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()}, code="appeal_window")


def appeal_distribution_deadline(receive_until: dt.date) -> dt.date:
    """The last day to distribute what an appeal received: 20 days after its receiving window ends."""
    return receive_until + dt.timedelta(days=APPEAL_DISTRIBUTION_DAYS)
