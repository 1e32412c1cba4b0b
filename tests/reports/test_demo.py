import datetime as dt

import pytest
from django.core.management import call_command

from reports.models import Programme, ReportingCycle
from reports.selectors import completeness


@pytest.mark.django_db
def test_the_demo_has_the_2026_cycle_due_30_november_with_communes_confirmed_on_time_and_late():
    call_command("seed_demo")

    assert set(Programme.objects.values_list("code", flat=True)) == {"588-2019", "CTMTQG-2026"}
    cycle = ReportingCycle.objects.get(year=2026, kind="annual")
    assert cycle.due_on == dt.date(2026, 11, 30)
    assert cycle.difficulties
    assert cycle.proposals
    state = completeness(cycle=cycle, today=dt.date(2026, 11, 23))
    assert (state["on_time"], state["late"]) == (1, 1)
    # The disclosure of the year the demo's data fall in, due 31 March of the next one.
    disclosure = ReportingCycle.objects.get(kind="disclosure")
    assert (disclosure.year, disclosure.period_start, disclosure.due_on) == (
        2026,
        dt.date(2026, 1, 1),
        dt.date(2027, 3, 31),
    )


@pytest.mark.django_db
# Seeded with the Python clock moved (PostgreSQL's clock, which the ledger triggers read for children's ages, stays
# on today's date, so the clocks disagree on a child's age band for dates far from today: see the unit test below
# for 1 January and mid-year).
@pytest.mark.parametrize("today", [dt.date(2026, 11, 30)], ids=["30-november"])
def test_the_demo_has_real_figures_in_its_cycle_whatever_day_it_is_seeded(today, monkeypatch, client):
    """Needs, receipts, allocations and deliveries fall inside the seeded cycle's period and never after today
    (the services refuse money received or support handed over tomorrow), so every page has figures."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import timezone

    from allocations.models import Allocation, Delivery
    from donors.models import Receipt
    from needs.models import Need
    from reports.figures import figures_for

    now = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 0)))
    monkeypatch.setattr(timezone, "now", lambda: now)
    call_command("seed_demo", verbosity=0)
    cycle = ReportingCycle.objects.get(year=2026, kind="annual")
    last = min(cycle.period_end, today)

    for day in [
        *Receipt.objects.values_list("received_on", flat=True),
        *Delivery.objects.values_list("delivered_on", flat=True),
        *(timezone.localtime(t).date() for t in Allocation.objects.values_list("created_at", flat=True)),
        *(timezone.localtime(t).date() for t in Need.objects.values_list("created_at", flat=True)),
    ]:
        assert cycle.period_start <= day <= last
    totals = figures_for(
        unit=cycle.province, period_start=cycle.period_start, period_end=cycle.period_end, cycle=cycle
    ).totals()
    assert all(totals[key] > 0 for key in ("received", "allocated", "delivered", "children_reached")), totals

    client.force_login(get_user_model().objects.get(username="commune"))
    confirmation = client.get(reverse("report-confirmation")).content.decode()
    from portal.models import AdministrativeUnit

    for code in ("01864", "01882"):  # the officer's communes: each has children who received support
        commune = AdministrativeUnit.objects.get(code=code, valid_to__isnull=True)
        local = figures_for(unit=commune, period_start=cycle.period_start, period_end=cycle.period_end).local
        assert local["beneficiaries"] > 0
        assert f"<strong>{local['beneficiaries']}</strong>" in confirmation


@pytest.mark.parametrize(
    ("today", "planned", "expected"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 9, 10), dt.date(2026, 1, 1)),  # everything happens on the first day
        (dt.date(2026, 6, 15), dt.date(2026, 3, 10), dt.date(2026, 3, 10)),  # the past as planned
        (dt.date(2026, 6, 15), dt.date(2026, 10, 25), dt.date(2026, 6, 15)),  # the future moves to today
        (dt.date(2026, 11, 30), dt.date(2026, 11, 20), dt.date(2026, 11, 15)),  # never after the period
        (dt.date(2027, 3, 1), dt.date(2026, 10, 1), dt.date(2026, 10, 1)),
    ],
)
def test_demo_dates_stay_inside_the_cycle_and_never_after_today(today, planned, expected):
    from portal.demo import DEMO_PERIOD, demo_date

    assert demo_date(planned, today=today) == expected
    assert DEMO_PERIOD[0] <= expected <= DEMO_PERIOD[1]
