import pytest
from django.core.management import call_command

from needs.demo import CHILDREN_PER_COMMUNE
from needs.models import Category, Child, ChildConsent, Need, NeedEvent, NeedStatus
from needs.services import child_codes_reserve


@pytest.mark.django_db
def test_the_demo_has_needs_of_every_kind_with_the_events_that_led_there():
    call_command("seed_demo", verbosity=0)
    needs = Need.objects.all()
    assert set(needs.values_list("category", flat=True)) == set(Category.values)
    assert {NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.RETURNED, NeedStatus.OPEN} <= set(
        needs.values_list("status", flat=True)
    )
    assert needs.filter(child__isnull=True, category=Category.NUTRITION, beneficiary_count__gte=25).exists()
    assert needs.filter(child__isnull=True, category=Category.PLAY).exists()
    assert ChildConsent.objects.filter(given_by="child").exists()
    for need in needs.filter(status=NeedStatus.RETURNED)[:5]:
        last = NeedEvent.objects.filter(need=need).last()
        assert (last.to_status, bool(last.reason)) == (NeedStatus.RETURNED, True)


@pytest.mark.django_db
def test_children_registered_after_the_demo_are_numbered_on_from_its_codes():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    commune = Child.objects.order_by("code").first().commune
    assert Child.objects.filter(commune=commune).order_by("code").first().code == f"{commune.code}-00001"
    assert child_codes_reserve(commune=commune, count=1) == [f"{commune.code}-{CHILDREN_PER_COMMUNE + 1:05d}"]
