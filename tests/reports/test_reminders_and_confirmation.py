"""Reminders go out once per step, to the right people; confirmed figures stay as they were confirmed."""

import datetime as dt

import pytest
from django.core import mail

from needs.models import NeedStatus
from reports import services
from reports.figures import figures_for
from reports.models import ReminderSent
from reports.tasks import send_deadline_reminders
from tests.reports.factories import NeedFactory, ReceiptFactory, allocate, deliver

pytestmark = pytest.mark.django_db


def run_on(day, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
    return send_deadline_reminders.delay().get()


def test_reminders_are_sent_once_per_step_to_communes_that_have_not_confirmed(world, monkeypatch):
    p = world.personas
    services.confirmation_confirm(cycle=world.cycle, commune=p.commune_b, user=p.officer_b)
    confirm_by = world.cycle.confirm_by

    run_on(confirm_by - dt.timedelta(days=14), monkeypatch)
    assert [m.to for m in mail.outbox] == [[p.officer_a.email]]  # B confirmed: no reminder
    assert "Xã Bằng Thành" in mail.outbox[0].subject

    run_on(confirm_by - dt.timedelta(days=14), monkeypatch)  # the beat ran twice
    run_on(confirm_by - dt.timedelta(days=10), monkeypatch)  # nothing due between steps
    assert len(mail.outbox) == 1

    run_on(confirm_by - dt.timedelta(days=6), monkeypatch)  # the 7-day run was missed: sent the day after
    run_on(confirm_by - dt.timedelta(days=2), monkeypatch)
    run_on(confirm_by - dt.timedelta(days=2), monkeypatch)
    assert len([m for m in mail.outbox if m.to == [p.officer_a.email]]) == 3
    assert set(ReminderSent.objects.filter(commune=p.commune_a).values_list("step", flat=True)) == {
        "commune-14",
        "commune-7",
        "commune-2",
    }


def test_staff_are_reminded_before_the_due_date_once(world, monkeypatch):
    p = world.personas
    due = world.cycle.due_on
    run_on(due - dt.timedelta(days=7), monkeypatch)
    run_on(due - dt.timedelta(days=7), monkeypatch)

    staff_mail = [m for m in mail.outbox if p.staff.email in m.to]
    assert len(staff_mail) == 1
    assert "0/2 xã" in staff_mail[0].body
    assert p.staff_q.email not in {address for m in mail.outbox for address in m.to}


def test_confirmed_figures_do_not_change_after_confirmation(world):
    p = world.personas
    cycle = world.cycle
    services.confirmation_confirm(cycle=cycle, commune=p.commune_b, user=p.officer_b)
    before = figures_for(unit=p.province, period_start=cycle.period_start, period_end=cycle.period_end, cycle=cycle)

    # New support in commune B after it confirmed: the report keeps what B confirmed.
    need = NeedFactory(commune=p.commune_b, status=NeedStatus.FUNDED, season="W2026", child__commune=p.commune_b)
    allocate(ReceiptFactory(pledge__donor__province=p.province), need, 350_000, dt.date(2026, 10, 1))
    deliver(need, dt.date(2026, 10, 5))
    after = figures_for(unit=p.province, period_start=cycle.period_start, period_end=cycle.period_end, cycle=cycle)

    assert after.communes[p.commune_b.pk] == before.communes[p.commune_b.pk]
    assert after.local["children"] == before.local["children"]
    live = figures_for(unit=p.commune_b, period_start=cycle.period_start, period_end=cycle.period_end)
    assert live.local["children"] == before.communes[p.commune_b.pk]["children"] + 1

    with pytest.raises(services.ReportError):
        services.confirmation_confirm(cycle=cycle, commune=p.commune_b, user=p.officer_b)


def test_an_officer_cannot_confirm_another_commune(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.confirmation_confirm(
            cycle=world.cycle, commune=world.personas.commune_a, user=world.personas.officer_b
        )
