import datetime as dt

import pytest
from django.core.management import call_command

from reports.models import Programme, ReportingCycle
from reports.selectors import completeness


@pytest.mark.django_db
def test_the_demo_has_the_2026_cycle_due_30_november_with_communes_confirmed_on_time_and_late():
    call_command("seed_demo")

    assert set(Programme.objects.values_list("code", flat=True)) == {"588-2019", "CTMTQG-2026"}
    cycle = ReportingCycle.objects.get(year=2026)
    assert cycle.due_on == dt.date(2026, 11, 30)
    assert cycle.difficulties
    assert cycle.proposals
    state = completeness(cycle=cycle, today=dt.date(2026, 11, 23))
    assert (state["on_time"], state["late"]) == (1, 1)
