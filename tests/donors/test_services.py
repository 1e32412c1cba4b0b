"""Pledges, receipts and their statuses, as staff and the nightly task change them."""

import datetime as dt

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donors import selectors, services
from donors.models import Pledge, PledgeEvent, PledgeStatus, Receipt
from donors.tasks import lapse_overdue_pledges
from tests.donors.factories import DonorFactory, make_pledge, receive_goods, receive_money

pytestmark = pytest.mark.django_db


@pytest.fixture
def donor(personas):
    return DonorFactory(province=personas.province)


def _status(pledge):
    return Pledge.objects.get(pk=pledge.pk).status


def test_it_moves_a_pledge_to_partly_received_then_received_with_events(personas, donor):
    pledge = make_pledge(donor, actor=personas.staff, amount=10_000_000)
    receive_money(pledge, 4_000_000, actor=personas.staff)
    assert _status(pledge) == PledgeStatus.PARTLY_RECEIVED
    receive_money(pledge, 6_000_000, actor=personas.staff)
    assert _status(pledge) == PledgeStatus.RECEIVED
    events = list(PledgeEvent.objects.filter(pledge=pledge).values_list("action", "from_status", "to_status"))
    assert events == [
        ("create", "", "pledged"),
        ("receive", "pledged", "partly_received"),
        ("receive", "partly_received", "received"),
    ]
    assert all(e.actor == personas.staff for e in PledgeEvent.objects.filter(pledge=pledge))


def test_a_pledge_counts_as_nothing_received_until_money_comes_in(personas, donor):
    pledge = make_pledge(donor, actor=personas.staff, amount=50_000_000)
    assert selectors.with_received(Pledge.objects.filter(pk=pledge.pk)).get().received_total == 0


def test_it_refuses_a_receipt_beyond_the_pledge_unless_confirmed(personas, donor):
    pledge = make_pledge(donor, amount=10_000_000)
    receive_money(pledge, 8_000_000)
    with pytest.raises(services.BeyondPledge):
        receive_money(pledge, 3_000_000)
    assert Receipt.objects.filter(pledge=pledge).count() == 1
    receipt = receive_money(pledge, 3_000_000, confirm=True)
    assert receipt.beyond_pledge_confirmed
    assert _status(pledge) == PledgeStatus.RECEIVED
    assert selectors.received_total(pledge) == 11_000_000


def test_it_values_goods_at_quantity_times_the_pledged_unit_value(personas, donor):
    pledge = make_pledge(
        donor,
        items=[
            {"description": "Áo phao", "quantity": 100, "unit_value": 180_000},
            {"description": "Chăn", "quantity": 50, "unit_value": 300_000},
        ],
    )
    assert pledge.amount == 100 * 180_000 + 50 * 300_000
    coats, blankets = pledge.items.order_by("pk")
    receipt = receive_goods(pledge, coats, 40)
    assert receipt.amount == 40 * 180_000
    assert receipt.unit_value == 180_000
    assert _status(pledge) == PledgeStatus.PARTLY_RECEIVED
    # More coats than pledged is beyond the pledge, even though the total value is still below it.
    with pytest.raises(services.BeyondPledge):
        receive_goods(pledge, coats, 61)
    receive_goods(pledge, coats, 60)
    receive_goods(pledge, blankets, 50)
    assert _status(pledge) == PledgeStatus.RECEIVED


def test_it_refuses_receipts_against_cancelled_and_lapsed_pledges(personas, donor):
    cancelled = make_pledge(donor)
    services.pledge_transition(pledge_id=cancelled.pk, action="cancel", actor=personas.staff, reason="Đổi kế hoạch")
    lapsed = make_pledge(donor, receive_by=dt.date(2026, 3, 31))
    services.pledge_lapse_overdue(today=dt.date(2026, 4, 1))
    assert _status(lapsed) == PledgeStatus.LAPSED
    for pledge in (cancelled, lapsed):
        with pytest.raises(services.PledgeError) as error:
            receive_money(pledge, 1_000_000)
        assert error.value.code == "not_receivable"
    assert not Receipt.objects.exists()


def test_cancelling_needs_a_reason_and_is_refused_once_money_came_in(personas, donor):
    pledge = make_pledge(donor)
    with pytest.raises(services.PledgeError):
        services.pledge_transition(pledge_id=pledge.pk, action="cancel", actor=personas.staff, reason=" ")
    receive_money(pledge, 1_000_000)
    with pytest.raises(services.PledgeError) as error:
        services.pledge_transition(pledge_id=pledge.pk, action="cancel", actor=personas.staff, reason="Lý do")
    assert error.value.code == "illegal_transition"


def test_an_online_pledge_waits_for_staff_and_cannot_receive_until_confirmed(personas, donor):
    pledge = make_pledge(donor, actor=personas.donor, online=True)
    assert pledge.status == PledgeStatus.PENDING
    with pytest.raises(services.PledgeError):
        receive_money(pledge, 1_000_000)
    services.pledge_transition(pledge_id=pledge.pk, action="confirm", actor=personas.staff)
    assert _status(pledge) == PledgeStatus.PLEDGED
    event = PledgeEvent.objects.filter(pledge=pledge).last()
    assert (event.action, event.actor, event.from_status) == ("confirm", personas.staff, "pending")


def test_the_beat_task_lapses_only_overdue_pledges_with_nothing_received(personas, donor):
    today = dt.date.today()
    overdue = make_pledge(donor, receive_by=today - dt.timedelta(days=1))
    overdue_but_paid = make_pledge(donor, receive_by=today - dt.timedelta(days=1))
    receive_money(overdue_but_paid, 1_000_000, on=today - dt.timedelta(days=3))
    not_yet = make_pledge(donor, receive_by=today)
    no_deadline = make_pledge(donor)
    assert lapse_overdue_pledges.delay().get() == 1
    assert _status(overdue) == PledgeStatus.LAPSED
    assert [_status(p) for p in (overdue_but_paid, not_yet, no_deadline)] == [
        PledgeStatus.PARTLY_RECEIVED,
        PledgeStatus.PLEDGED,
        PledgeStatus.PLEDGED,
    ]
    event = PledgeEvent.objects.get(pledge=overdue, action="lapse")
    assert event.actor is None
    assert "Quá hạn" in event.reason
    assert lapse_overdue_pledges.delay().get() == 0  # running again changes nothing


def test_an_overdue_pledge_whose_only_receipt_was_cancelled_lapses(personas, donor):
    today = dt.date.today()
    pledge = make_pledge(donor, receive_by=today - dt.timedelta(days=1))
    receipt = receive_money(pledge, 1_000_000, on=today - dt.timedelta(days=3))
    services.receipt_cancel(receipt_id=receipt.pk, actor=personas.staff, reason="Ghi nhầm nhà tài trợ")
    assert services.pledge_lapse_overdue() == [pledge.pk]
    assert _status(pledge) == PledgeStatus.LAPSED


def test_the_beat_schedule_runs_the_lapse_task(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "donors.tasks.lapse_overdue_pledges" in tasks


def test_it_refuses_earmarks_for_communes_of_another_province(personas, donor):
    with pytest.raises(services.PledgeError):
        make_pledge(donor, communes=[personas.commune_c])
    assert not Pledge.objects.exists()


RECEIPT = st.tuples(
    st.sampled_from(["money", "goods"]),
    st.integers(min_value=1, max_value=40),
    st.booleans(),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(RECEIPT, min_size=1, max_size=8))
def test_received_totals_always_equal_the_sum_of_receipts(personas, steps):
    """Whatever receipts arrive (money, goods, beyond the pledge or not), the received total shown is the sum of
    the receipts, and the status follows it."""
    donor = DonorFactory(province=personas.province)
    pledge = make_pledge(donor, items=[{"description": "Áo", "quantity": 50, "unit_value": 100_000}])
    item = pledge.items.get()
    for kind, size, confirm in steps:
        try:
            if kind == "money":
                receive_money(pledge, size * 250_000, confirm=confirm)
            else:
                receive_goods(pledge, item, size, confirm=confirm)
        except services.BeyondPledge:
            assert not confirm
    expected = Receipt.objects.filter(pledge=pledge).aggregate(total=Sum("amount"))["total"] or 0
    annotated = selectors.pledge_list(user=personas.staff).get(pk=pledge.pk).received_total
    assert annotated == expected == selectors.received_total(pledge)
    status = _status(pledge)
    if expected == 0:
        assert status == PledgeStatus.PLEDGED
    elif expected < pledge.amount:
        assert status == PledgeStatus.PARTLY_RECEIVED
    else:
        assert status == PledgeStatus.RECEIVED
    # Beyond-the-pledge receipts exist only when confirmed.
    assert expected <= pledge.amount or Receipt.objects.filter(pledge=pledge, beyond_pledge_confirmed=True).exists()
