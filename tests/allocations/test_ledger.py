"""The ledger's invariants, through the service and straight against the database."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, transaction

from allocations.models import Allocation, AllocationBatch, BatchStatus, NeedBalance, ReceiptBalance
from allocations.services import LedgerError, Line, allocation_create, batch_accept, batch_reverse
from needs.models import Category, NeedEvent, NeedStatus
from tests.allocations.factories import NeedFactory, child_need, goods_receipt, receipt_for
from tests.threads import race

pytestmark = pytest.mark.django_db


def test_it_allocates_and_moves_the_need_through_partly_funded_to_funded(personas):
    need = NeedFactory(commune=personas.commune_a, quantity=2, unit_cost=500_000)
    receipt = receipt_for(personas.province, amount=2_000_000)
    allocation_create(user=personas.staff, receipt=receipt, need=need, amount=400_000)
    need.refresh_from_db()
    assert need.status == NeedStatus.PARTLY_FUNDED
    allocation_create(user=personas.staff, receipt=receipt, need=need, amount=600_000)
    need.refresh_from_db()
    assert need.status == NeedStatus.FUNDED
    assert ReceiptBalance.objects.get(receipt=receipt).allocated == 1_000_000
    assert list(NeedEvent.objects.filter(need=need).values_list("to_status", flat=True)) == [
        NeedStatus.PARTLY_FUNDED,
        NeedStatus.FUNDED,
    ]


def test_it_refuses_more_than_the_receipt_holds(personas):
    need = NeedFactory(commune=personas.commune_a, unit_cost=5_000_000)
    receipt = receipt_for(personas.province, amount=1_000_000)
    with pytest.raises(LedgerError, match=r"chỉ còn 1\.000\.000"):
        allocation_create(user=personas.staff, receipt=receipt, need=need, amount=1_000_001)
    assert not Allocation.objects.exists()


def test_it_refuses_more_than_the_need_still_lacks(personas):
    need = NeedFactory(commune=personas.commune_a, unit_cost=300_000)
    receipt = receipt_for(personas.province, amount=1_000_000)
    with pytest.raises(LedgerError, match=r"còn thiếu 300\.000"):
        allocation_create(user=personas.staff, receipt=receipt, need=need, amount=300_001)


@pytest.mark.parametrize(
    ("pledge_kwargs", "message"),
    [
        ({"pledge__earmark_categories": [Category.HEALTHCARE]}, "loại hỗ trợ khác"),
        ({"pledge__earmark_age_bands": ["0-2"]}, "độ tuổi khác"),
        ({"pledge__spend_by": dt.date(2020, 1, 1)}, "quá hạn"),
    ],
)
def test_it_refuses_what_the_earmarks_forbid(personas, pledge_kwargs, message):
    need = child_need(personas.commune_a)
    receipt = receipt_for(personas.province, **pledge_kwargs)
    with pytest.raises(LedgerError, match=message):
        allocation_create(user=personas.staff, receipt=receipt, need=need, amount=100_000)


def test_an_age_band_earmark_reaches_group_needs_stating_that_band_and_no_other(personas):
    """A kindergarten's meals are for 3–5-year-olds: a pledge for that age may feed them, not a school's pupils."""
    kindergarten = NeedFactory(commune=personas.commune_a, age_band="3-5")
    school = NeedFactory(commune=personas.commune_a, age_band="6-10")
    unstated = NeedFactory(commune=personas.commune_a)
    receipt = receipt_for(personas.province, pledge__earmark_age_bands=["3-5"])

    allocation_create(user=personas.staff, receipt=receipt, need=kindergarten, amount=100_000)
    for need in (school, unstated):
        with pytest.raises(LedgerError, match="độ tuổi khác"):
            allocation_create(user=personas.staff, receipt=receipt, need=need, amount=100_000)
    batch = AllocationBatch.objects.create(province=personas.province, source="manual")
    with pytest.raises(IntegrityError, match="allocation_earmark_age_band"), transaction.atomic():
        Allocation.objects.create(batch=batch, receipt=receipt, need=school, amount=100_000)
    Allocation.objects.create(batch=batch, receipt=receipt, need=kindergarten, amount=50_000)
    assert NeedBalance.objects.get(need=kindergarten).allocated_money == 150_000


def test_goods_for_an_age_band_go_to_a_group_of_that_band(personas):
    pledge = receipt_for(personas.province).pledge
    toys = goods_receipt(pledge, category=Category.PLAY, age_band="3-5", unit_value=100_000)
    preschool = NeedFactory(commune=personas.commune_a, category=Category.PLAY, age_band="3-5", unit_cost=100_000)
    older = NeedFactory(commune=personas.commune_a, category=Category.PLAY, age_band="11-14", unit_cost=100_000)

    allocation_create(user=personas.staff, receipt=toys, need=preschool, quantity=1)
    with pytest.raises(LedgerError, match="Hiện vật dành cho độ tuổi khác"):
        allocation_create(user=personas.staff, receipt=toys, need=older, quantity=1)


def test_a_childs_need_takes_its_age_band_from_the_birth_date_never_a_stated_one(personas):
    need = child_need(personas.commune_a)
    with pytest.raises(IntegrityError, match="need_age_band_for_groups"), transaction.atomic():
        type(need).objects.filter(pk=need.pk).update(age_band="3-5")


def test_it_refuses_a_commune_the_donor_did_not_choose(personas):
    need = NeedFactory(commune=personas.commune_a)
    receipt = receipt_for(personas.province, pledge__communes=[personas.commune_b])
    with pytest.raises(LedgerError, match="xã khác"):
        allocation_create(user=personas.staff, receipt=receipt, need=need, amount=100_000)


def test_goods_go_by_category_size_and_units(personas):
    need = child_need(personas.commune_a, clothing_size="8-9", unit_cost=200_000, quantity=1)
    wrong = goods_receipt(receipt_for(personas.province).pledge, size="4-5")
    with pytest.raises(LedgerError, match="khác cỡ"):
        allocation_create(user=personas.staff, receipt=wrong, need=need, quantity=1)
    right = goods_receipt(wrong.pledge, size="8-9", unit_value=150_000)
    allocation = allocation_create(user=personas.staff, receipt=right, need=need, quantity=1)
    assert allocation.amount == 150_000  # the donor's value, for the trace
    need.refresh_from_db()
    assert need.status == NeedStatus.FUNDED  # one coat was the whole need
    with pytest.raises(LedgerError):
        allocation_create(user=personas.staff, receipt=right, need=need, quantity=1)


def test_the_same_child_does_not_get_the_same_category_twice_in_a_season(personas):
    first = child_need(personas.commune_a, category=Category.EDUCATION)
    receipt = receipt_for(personas.province)
    allocation_create(user=personas.staff, receipt=receipt, need=first, amount=100_000)
    # The funded need is cancelled behind the service's back and registered again: the money already went.
    type(first).objects.filter(pk=first.pk).update(status=NeedStatus.CANCELLED)
    second = NeedFactory(
        child=first.child,
        commune=personas.commune_a,
        facility_name="",
        beneficiary_count=1,
        category=Category.EDUCATION,
        season=first.season,
    )
    with pytest.raises(LedgerError, match="cùng loại hỗ trợ trong mùa"):
        allocation_create(user=personas.staff, receipt=receipt, need=second, amount=100_000)


def test_the_database_refuses_over_allocation_whatever_writes_the_row(personas):
    need = NeedFactory(commune=personas.commune_a, unit_cost=5_000_000)
    receipt = receipt_for(personas.province, amount=1_000_000)
    batch = AllocationBatch.objects.create(province=personas.province, source="manual")
    Allocation.objects.create(batch=batch, receipt=receipt, need=need, amount=900_000)
    with pytest.raises(IntegrityError, match="receipt_allocated_le_received"), transaction.atomic():
        Allocation.objects.create(batch=batch, receipt=receipt, need=need, amount=100_001)
    with pytest.raises(IntegrityError, match="receipt_allocated_le_received"), transaction.atomic():
        type(receipt).objects.filter(pk=receipt.pk).update(amount=800_000)  # editing a receipt below its use


def test_the_database_refuses_earmark_breaches_whatever_writes_the_row(personas):
    need = NeedFactory(commune=personas.commune_a)
    receipt = receipt_for(personas.province, pledge__earmark_categories=[Category.HEALTHCARE])
    batch = AllocationBatch.objects.create(province=personas.province, source="manual")
    with pytest.raises(IntegrityError, match="allocation_earmark_category"), transaction.atomic():
        Allocation.objects.create(batch=batch, receipt=receipt, need=need, amount=1)


def test_only_staff_in_the_province_allocate(personas):
    need = NeedFactory(commune=personas.commune_a)
    receipt = receipt_for(personas.province)
    from django.core.exceptions import PermissionDenied

    for user in (personas.officer_a, personas.staff_q, personas.leader, personas.donor):
        with pytest.raises(PermissionDenied):
            allocation_create(user=user, receipt=receipt, need=need, amount=1)


def test_a_batch_is_all_or_nothing(personas):
    good = NeedFactory(commune=personas.commune_a, unit_cost=500_000)
    small = NeedFactory(commune=personas.commune_b, unit_cost=100_000)
    receipt = receipt_for(personas.province, amount=2_000_000)
    lines = [Line(receipt.pk, good.pk, amount=500_000), Line(receipt.pk, small.pk, amount=200_000)]
    with pytest.raises(LedgerError):
        batch_accept(user=personas.staff, province=personas.province, lines=lines)
    assert not Allocation.objects.exists()
    assert not AllocationBatch.objects.exists()
    good.refresh_from_db()
    assert good.status == NeedStatus.VERIFIED
    assert ReceiptBalance.objects.get(receipt=receipt).allocated == 0


def test_reversing_a_batch_restores_balances_and_statuses(personas):
    need = NeedFactory(commune=personas.commune_a, unit_cost=500_000)
    other = NeedFactory(commune=personas.commune_b, unit_cost=500_000)
    receipt = receipt_for(personas.province, amount=800_000)
    batch = batch_accept(
        user=personas.staff,
        province=personas.province,
        lines=[Line(receipt.pk, need.pk, amount=500_000), Line(receipt.pk, other.pk, amount=300_000)],
    )
    with pytest.raises(LedgerError, match="lý do"):
        batch_reverse(user=personas.staff, batch=batch, reason=" ")
    batch_reverse(user=personas.staff, batch=batch, reason="Nhập nhầm khoản tiếp nhận")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REVERSED
    assert batch.reversal_reason == "Nhập nhầm khoản tiếp nhận"
    assert not batch.allocations.filter(active=True).exists()
    assert ReceiptBalance.objects.get(receipt=receipt).allocated == 0
    assert NeedBalance.objects.get(need=need).covered == 0
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    with pytest.raises(LedgerError, match="trước đó"):
        batch_reverse(user=personas.staff, batch=batch, reason="lần nữa")


@pytest.mark.django_db(transaction=True)
def test_two_staff_allocating_the_last_money_at_once_one_succeeds_and_the_other_is_told_why(personas):
    first = NeedFactory(commune=personas.commune_a, unit_cost=1_000_000)
    second = NeedFactory(commune=personas.commune_b, unit_cost=1_000_000)
    receipt = receipt_for(personas.province, amount=1_000_000)
    results = race(
        [
            lambda need=need: allocation_create(user=personas.staff, receipt=receipt, need=need, amount=700_000)
            for need in (first, second)
        ]
    )
    succeeded = [r for r in results if isinstance(r, Allocation)]
    refused = [r for r in results if isinstance(r, LedgerError)]
    assert len(succeeded) == 1, results
    assert len(refused) == 1, results
    assert "chỉ còn 300.000" in refused[0].message
    assert ReceiptBalance.objects.get(receipt=receipt).allocated == 700_000


@pytest.mark.django_db(transaction=True)
def test_two_raw_writers_racing_past_the_service_are_stopped_by_the_database(personas):
    need = NeedFactory(commune=personas.commune_a, unit_cost=5_000_000)
    receipt = receipt_for(personas.province, amount=1_000_000)
    batch = AllocationBatch.objects.create(province=personas.province, source="manual")
    hold = threading.Event()

    def write(wait_before_commit):
        with transaction.atomic():
            row = Allocation.objects.create(batch=batch, receipt=receipt, need=need, amount=600_000)
            if wait_before_commit:
                hold.wait(timeout=2)  # keep the lock a moment, so the other writer must wait on it
            return row

    def second():
        hold.set()
        return write(False)

    results = race([lambda: write(True), second])
    errors = [r for r in results if isinstance(r, IntegrityError)]
    assert len(errors) == 1, results
    assert "receipt_allocated_le_received" in str(errors[0])
    assert ReceiptBalance.objects.get(receipt=receipt).allocated == 600_000
