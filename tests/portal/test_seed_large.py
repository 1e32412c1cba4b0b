"""`seed_demo --size large` at a small fraction: the generated province is consistent and realistic."""

import io
import math

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum

from allocations.models import Allocation, Delivery, NeedBalance, ReceiptBalance
from donors.models import Donor, Pledge, PledgeStatus, Receipt
from needs.models import Child, Need, NeedStatus
from needs.scale import CHILDREN, JUSTIFICATION, NEEDS, generated_children
from needs.services import child_codes_reserve
from portal.text import fold

SCALE = 0.002
FUNDED = [NeedStatus.PARTLY_FUNDED, NeedStatus.FUNDED, NeedStatus.DELIVERED, NeedStatus.CLOSED]


@pytest.fixture
def large(db):
    call_command("seed_demo", size="large", scale=SCALE, stdout=io.StringIO())


def test_it_generates_the_volumes_asked_for(large):
    generated = generated_children()
    assert generated.count() == math.ceil(CHILDREN * SCALE)
    assert Need.objects.filter(justification=JUSTIFICATION).count() == math.ceil(NEEDS * SCALE)


def test_it_spreads_needs_over_every_status_and_commune_without_duplicate_support(large):
    needs = Need.objects.filter(child__in=generated_children())
    assert set(needs.values_list("status", flat=True)) == set(NeedStatus.values)
    assert needs.values("commune").distinct().count() > 20
    repeated = needs.values("child", "category", "season").annotate(n=Count("id")).filter(n__gt=1)
    assert not repeated.exists()


def test_generated_children_are_searchable_without_diacritics(large):
    child = generated_children().first()
    assert child.name_key == fold(child.full_name)
    assert Child.objects.search(fold(child.full_name)).filter(pk=child.pk).exists()


def test_money_received_covers_what_the_generated_needs_show_as_funded(large):
    received = Receipt.objects.filter(pledge__donor__name__startswith="LG ").aggregate(s=Sum("amount"))["s"]
    generated = Need.objects.filter(justification=JUSTIFICATION)
    funded = generated.filter(status__in=FUNDED).aggregate(s=Sum("estimated_cost"))["s"]
    assert received >= funded
    promised_but_not_received = Pledge.objects.filter(
        donor__name__startswith="LG ", status__in=[PledgeStatus.PLEDGED, PledgeStatus.CANCELLED, PledgeStatus.LAPSED]
    )
    assert not Receipt.objects.filter(pledge__in=promised_but_not_received).exists()
    assert Donor.objects.filter(name__startswith="LG ").values("type").distinct().count() == 6


def test_running_it_again_adds_nothing(large):
    counts = (Child.objects.count(), Need.objects.count(), Receipt.objects.count())
    call_command("seed_demo", size="large", scale=SCALE, stdout=io.StringIO())
    assert (Child.objects.count(), Need.objects.count(), Receipt.objects.count()) == counts


def test_it_allocates_the_funded_needs_within_the_ledger(large):
    generated = Need.objects.filter(justification=JUSTIFICATION)
    allocations = Allocation.objects.filter(need__in=generated)
    assert allocations.count() > generated.filter(status__in=FUNDED).count() * 0.9
    assert not ReceiptBalance.objects.filter(allocated__gt=F("received")).exists()
    sums = dict(allocations.values_list("need").annotate(s=Sum("amount")))
    balances = dict(NeedBalance.objects.filter(need__in=generated).values_list("need", "allocated_money"))
    assert {need: money for need, money in balances.items() if money} == sums
    receipts = dict(Allocation.objects.values_list("receipt").annotate(s=Sum("amount")))
    assert dict(ReceiptBalance.objects.filter(allocated__gt=0).values_list("receipt", "allocated")) == receipts


def test_it_shows_funded_needs_fully_covered_and_delivered_ones_handed_over(large):
    generated = Need.objects.filter(justification=JUSTIFICATION)
    for status in [NeedStatus.FUNDED, NeedStatus.DELIVERED, NeedStatus.CLOSED]:
        needs = generated.filter(status=status)
        assert needs.exists()
        assert not needs.exclude(balance__allocated_money=F("quantity") * F("unit_cost")).exists()
    partly = generated.filter(status=NeedStatus.PARTLY_FUNDED)
    assert partly.exists()
    assert not partly.filter(balance__allocated_money=0).exists()
    assert not partly.filter(balance__allocated_money__gte=F("quantity") * F("unit_cost")).exists()
    assert not generated.filter(status__in=[NeedStatus.OPEN, NeedStatus.DRAFT], allocations__isnull=False).exists()
    delivered = generated.filter(status__in=[NeedStatus.DELIVERED, NeedStatus.CLOSED])
    assert Delivery.objects.filter(need__in=delivered).count() == delivered.count()
    assert not NeedBalance.objects.filter(need__in=delivered).exclude(delivered_quantity=F("quantity")).exists()


def test_generated_children_have_their_communes_codes_and_the_counters_go_on_from_them(large):
    child = generated_children().order_by("-code").first()
    commune = child.commune
    prefix = f"{commune.code}-"
    codes = Child.objects.filter(commune=commune).values_list("code", flat=True)
    numbers = sorted(int(code.removeprefix(prefix)) for code in codes)
    assert numbers == list(range(1, len(numbers) + 1))
    assert child_codes_reserve(commune=commune, count=1) == [f"{prefix}{len(numbers) + 1:05d}"]
