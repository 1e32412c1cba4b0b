"""Partner organisations, their accounts and their support records."""

import datetime as dt

import factory

from allocations.models import PartnerSupport
from needs.models import Category
from portal.models import PartnerKind, PartnerOrganisation
from portal.permissions import Role
from tests.factories import user_with_role


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Hội Liên hiệp Phụ nữ {n}")
    kind = PartnerKind.WOMEN_UNION


class PartnerSupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerSupport

    partner = factory.SubFactory(PartnerOrganisationFactory)
    category = Category.WARM_CLOTHING
    season = "W2026"
    description = "Áo ấm mùa đông"
    value = 300_000
    quantity = 1
    children_count = 1
    given_on = dt.date(2026, 10, 20)


def partner_account(partner, **kwargs):
    """A user holding the partner role in the organisation's province and speaking for it."""
    user = user_with_role(Role.PARTNER, partner.province, **kwargs)
    partner.members.add(user)
    return user
