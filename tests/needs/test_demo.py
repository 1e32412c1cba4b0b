import pytest
from django.core.management import call_command

from needs.models import Category, ChildConsent, Need, NeedEvent, NeedStatus


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
