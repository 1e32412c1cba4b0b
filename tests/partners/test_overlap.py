"""One no-overlap rule for everyone: the department's allocations and partners' own records, also when they race."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from allocations.models import PartnerSupport
from allocations.services import (
    LedgerError,
    OverlapFound,
    allocation_create,
    partner_support_build,
    partner_support_record,
)
from needs.models import Category
from portal.reference_data import ethnic_groups_load
from tests.allocations.factories import child_need, receipt_for
from tests.partners.factories import PartnerOrganisationFactory, partner_account
from tests.threads import race

pytestmark = pytest.mark.django_db

GIVEN_ON = dt.date(2026, 10, 20)  # winter 2026–2027, the season of child_need's warm clothing


def _record(user, partner, child, reason=""):
    support = partner_support_build(
        partner=partner,
        child=child,
        category=Category.WARM_CLOTHING,
        description="Áo ấm",
        value=300_000,
        quantity=1,
        given_on=GIVEN_ON,
        overlap_reason=reason,
    )
    return partner_support_record(user=user, support=support)


def test_a_partner_is_told_the_department_already_supported_the_child_and_must_give_a_reason(personas, partner_user):
    partner = partner_user.partner_organisations.get()
    need = child_need(personas.commune_a, unit_cost=350_000)
    allocation_create(user=personas.staff, receipt=receipt_for(personas.province), need=need, amount=350_000)
    with pytest.raises(OverlapFound, match="Sở") as found:
        _record(partner_user, partner, need.child)
    assert [overlap.value for overlap in found.value.overlaps] == [350_000]
    assert not PartnerSupport.objects.exists()
    support = _record(partner_user, partner, need.child, reason="Trao trước khi biết Sở đã phân bổ")
    assert support.season == "W2026"  # from the day given, as the department's winter season
    assert support.overlap_reason == "Trao trước khi biết Sở đã phân bổ"


def test_the_department_is_refused_a_child_a_partner_already_supported(personas, partner_user):
    partner = partner_user.partner_organisations.get()
    need = child_need(personas.commune_a, unit_cost=350_000)
    _record(partner_user, partner, need.child)
    with pytest.raises(LedgerError, match=partner.name):
        allocation_create(user=personas.staff, receipt=receipt_for(personas.province), need=need, amount=350_000)
    # Staff who accept the second support say why on the need, as for two needs of the department.
    need.duplicate_override_reason = "Trẻ mất áo trong lũ"
    need.save()
    allocation_create(user=personas.staff, receipt=receipt_for(personas.province), need=need, amount=350_000)


def test_two_partners_overlap_and_another_category_or_season_does_not(personas, partner_user):
    women = partner_user.partner_organisations.get()
    red_cross = PartnerOrganisationFactory(province=personas.province, name="Hội Chữ thập đỏ tỉnh")
    red_cross_user = partner_account(red_cross, username="redcross")
    need = child_need(personas.commune_a)
    _record(partner_user, women, need.child)
    with pytest.raises(OverlapFound, match=women.name):
        _record(red_cross_user, red_cross, need.child)
    books = partner_support_build(
        partner=red_cross, child=need.child, category=Category.EDUCATION, description="Sách vở", value=200_000,
        quantity=1, given_on=GIVEN_ON,
    )  # fmt: skip
    partner_support_record(user=red_cross_user, support=books)
    next_winter = partner_support_build(
        partner=red_cross, child=need.child, category=Category.WARM_CLOTHING, description="Áo ấm", value=300_000,
        quantity=1, given_on=GIVEN_ON, season="W2027",
    )  # fmt: skip
    partner_support_record(user=red_cross_user, support=next_winter)
    assert PartnerSupport.objects.count() == 3


def test_a_partner_records_only_for_its_own_organisation(personas, partner_user):
    other = PartnerOrganisationFactory(province=personas.province, name="Đoàn Thanh niên tỉnh")
    need = child_need(personas.commune_a)
    with pytest.raises(PermissionDenied):
        _record(partner_user, other, need.child)


@pytest.mark.django_db(transaction=True)
def test_two_partner_records_for_the_same_child_at_once_one_is_saved_the_other_flagged(personas):
    ethnic_groups_load()  # an earlier transactional test may have flushed the reference rows
    women = PartnerOrganisationFactory(province=personas.province, name="Hội Phụ nữ")
    red_cross = PartnerOrganisationFactory(province=personas.province, name="Hội Chữ thập đỏ")
    users = {women: partner_account(women, username="p1"), red_cross: partner_account(red_cross, username="p2")}
    child = child_need(personas.commune_a).child
    results = race([lambda p=p: _record(users[p], p, child) for p in (women, red_cross)])
    assert sorted(type(result).__name__ for result in results) == ["OverlapFound", "PartnerSupport"], results
    assert PartnerSupport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_department_and_a_partner_at_once_for_the_same_child_only_one_gets_through(personas):
    ethnic_groups_load()
    partner = PartnerOrganisationFactory(province=personas.province, name="Hội Phụ nữ")
    user = partner_account(partner, username="p1")
    need = child_need(personas.commune_a, unit_cost=350_000)
    receipt = receipt_for(personas.province)
    results = race(
        [
            lambda: _record(user, partner, need.child),
            lambda: allocation_create(user=personas.staff, receipt=receipt, need=need, amount=350_000),
        ]
    )
    refused = [result for result in results if isinstance(result, LedgerError)]
    assert len(refused) == 1, results
    assert "cùng loại hỗ trợ trong mùa này" in refused[0].message
