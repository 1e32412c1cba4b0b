"""Deadline reminders by e-mail: communes that have not confirmed, and staff before the due date.

Each step (14, 7 and 2 days before the date) is sent once: its ReminderSent row is claimed (inserted, with a
unique constraint) in the same transaction that sends the message, so a rerun, a retry or a second beat never
sends it twice, and a failed send leaves the step unclaimed for the next run.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation

from portal.models import AdministrativeUnit, RoleAssignment, UnitLevel
from portal.permissions import GRANTS, Perm
from reports.models import CommuneConfirmation, ConfirmationStatus, CycleKind, ReminderSent, ReportingCycle

STEPS = (14, 7, 2)


def _step(days_left: int) -> int | None:
    """The step due: the smallest of 14, 7, 2 not below the days left (a missed day still sends it)."""
    due = [step for step in STEPS if 0 <= days_left <= step]
    return min(due) if due else None


def _emails(perm: str, unit_ids) -> list[str]:
    roles = [role for role, perms in GRANTS.items() if perm in perms]
    return sorted(
        set(
            RoleAssignment.objects.filter(role__in=roles, unit_id__in=unit_ids, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _claim_and_send(*, cycle, commune, step: str, recipients: list[str], subject: str, body: str) -> bool:
    if not recipients:
        return False
    try:
        with transaction.atomic():
            _row, created = ReminderSent.objects.get_or_create(
                cycle=cycle, commune=commune, step=step, defaults={"recipients": ", ".join(recipients)}
            )
            if created:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except IntegrityError:  # another run claimed it at the same moment
        return False
    return created


def reminders_send(*, today: dt.date) -> int:
    sent = 0
    with translation.override("vi"):
        # Annual cycles: a disclosure has no communes' confirmation, and its messages would speak of one.
        cycles = ReportingCycle.objects.filter(due_on__gte=today, kind=CycleKind.ANNUAL)
        for cycle in cycles.select_related("province", "programme"):
            sent += _commune_reminders(cycle, today) + _staff_reminders(cycle, today)
    return sent


def _commune_reminders(cycle, today) -> int:
    step = _step((cycle.confirm_by - today).days)
    if step is None:
        return 0
    confirmed = CommuneConfirmation.objects.filter(cycle=cycle, status=ConfirmationStatus.CONFIRMED).values("commune")
    communes = AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE, province=cycle.province, valid_to__isnull=True
    ).exclude(pk__in=confirmed)
    sent = 0
    for commune in communes:  # one message per commune not yet confirmed
        body = (
            f"Kính gửi cán bộ {commune.name},\n\n"
            f"Hạn xác nhận số liệu báo cáo năm {cycle.year} ({cycle.programme.name}) là ngày "
            f"{cycle.confirm_by:%d/%m/%Y}, còn {(cycle.confirm_by - today).days} ngày. "
            "Xin vui lòng kiểm tra và xác nhận số liệu của xã trên cổng thông tin.\n"
        )
        sent += _claim_and_send(
            cycle=cycle,
            commune=commune,
            step=f"commune-{step}",
            recipients=_emails(Perm.CONFIRM_FIGURES, [commune.pk]),
            subject=f"Nhắc hạn xác nhận số liệu năm {cycle.year}: {commune.name}",
            body=body,
        )
    return sent


def _staff_reminders(cycle, today) -> int:
    step = _step((cycle.due_on - today).days)
    if step is None:
        return 0
    from reports.selectors import completeness

    state = completeness(cycle=cycle, today=today)
    body = (
        f"Hạn gửi báo cáo năm {cycle.year} ({cycle.programme.name}) là ngày {cycle.due_on:%d/%m/%Y}, "
        f"còn {(cycle.due_on - today).days} ngày.\n"
        f"Đã có {state['confirmed']}/{state['total']} xã xác nhận số liệu ({state['late']} xã xác nhận muộn).\n"
    )
    return int(
        _claim_and_send(
            cycle=cycle,
            commune=None,
            step=f"staff-{step}",
            recipients=_emails(Perm.PREPARE_REPORTS, [cycle.province_id]),
            subject=f"Nhắc hạn báo cáo năm {cycle.year}",
            body=body,
        )
    )
