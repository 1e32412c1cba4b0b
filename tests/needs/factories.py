"""Needs in any status, with the events that would have led there."""

import factory

from needs.models import Category, Need, NeedStatus
from tests.factories import ChildFactory


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    child = factory.SubFactory(ChildFactory)
    commune = factory.LazyAttribute(lambda need: need.child.commune if need.child else None)
    category = Category.WARM_CLOTHING
    clothing_size = "8-9"
    quantity = 1
    unit_cost = 350_000
    season = "W2026"
    justification = "Nhà ở trên núi cao, mùa đông rét đậm."
    status = NeedStatus.DRAFT


def group_need(commune, **kwargs):
    defaults = dict(
        child=None,
        commune=commune,
        facility_name="Điểm trường mầm non Nà Hin",
        beneficiary_count=40,
        category=Category.NUTRITION,
        clothing_size="",
        meals_per_day=1,
        days=180,
        quantity=40 * 180,
        unit_cost=15_000,
        season="SY2026",
    )
    defaults.update(kwargs)
    return NeedFactory(**defaults)
