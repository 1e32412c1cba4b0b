"""`seed_demo --size large` at a small fraction: the generated province is consistent and realistic."""

import io
import math

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from donors.models import Donor, Pledge, PledgeStatus, Receipt
from needs.models import Child, Need, NeedStatus
from needs.scale import CHILDREN, CODE_PREFIX, JUSTIFICATION, NEEDS
from portal.text import fold

SCALE = 0.002
FUNDED = [NeedStatus.PARTLY_FUNDED, NeedStatus.FUNDED, NeedStatus.DELIVERED, NeedStatus.CLOSED]


@pytest.fixture
def large(db):
    call_command("seed_demo", size="large", scale=SCALE, stdout=io.StringIO())


def test_it_generates_the_volumes_asked_for(large):
    generated = Child.objects.filter(code__startswith=CODE_PREFIX)
    assert generated.count() == math.ceil(CHILDREN * SCALE)
    assert Need.objects.filter(justification=JUSTIFICATION).count() == math.ceil(NEEDS * SCALE)


def test_it_spreads_needs_over_every_status_and_commune_without_duplicate_support(large):
    needs = Need.objects.filter(child__code__startswith=CODE_PREFIX)
    assert set(needs.values_list("status", flat=True)) == set(NeedStatus.values)
    assert needs.values("commune").distinct().count() > 20
    repeated = needs.values("child", "category", "season").annotate(n=Count("id")).filter(n__gt=1)
    assert not repeated.exists()


def test_generated_children_are_searchable_without_diacritics(large):
    child = Child.objects.filter(code__startswith=CODE_PREFIX).first()
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
