"""Province-wide rows and donor-owned rows through the one scoping mechanism (portal.scoping.visible_to)."""

import pytest

from donors.models import Campaign, Donor, DonorContact, Pledge, PledgeEvent, PledgeItem, Receipt
from portal.models import RoleAssignment
from portal.permissions import Perm, Role
from portal.scoping import get_for_user
from tests.donors.factories import CampaignFactory, DonorFactory, make_pledge, receive_goods, receive_money
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_province_staff_see_their_province_donors_and_commune_officers_none(personas):
    p_donor = DonorFactory(province=personas.province)
    q_donor = DonorFactory(province=personas.other_province)
    p_campaign = CampaignFactory(province=personas.province)
    CampaignFactory(province=personas.other_province)
    assert list(Donor.objects.visible_to(personas.staff)) == [p_donor]
    assert list(Donor.objects.visible_to(personas.staff_q)) == [q_donor]
    assert list(Campaign.objects.visible_to(personas.leader)) == [p_campaign]
    for officer in (personas.officer_a, personas.officer_b):
        assert not Donor.objects.visible_to(officer).exists()
        assert not Campaign.objects.visible_to(officer).exists()
    assert get_for_user(Donor.objects.all(), personas.staff, Perm.MANAGE_DONORS, pk=p_donor.pk) == p_donor


def test_donor_users_see_only_their_donors_rows_through_every_path(personas):
    own = DonorFactory(province=personas.province, members=[personas.donor])
    other = DonorFactory(province=personas.province)
    DonorContact.objects.create(donor=own, full_name="Phạm Thu Trang")
    DonorContact.objects.create(donor=other, full_name="Người Khác")
    pledges = {}
    for donor in (own, other):
        pledge = make_pledge(donor, items=[{"description": "Áo", "quantity": 10, "unit_value": 100_000}])
        receive_goods(pledge, pledge.items.get(), 3)
        pledges[donor.pk] = pledge
    user = personas.donor
    assert list(Donor.objects.visible_to(user)) == [own]
    assert [c.full_name for c in DonorContact.objects.visible_to(user)] == ["Phạm Thu Trang"]
    assert list(Pledge.objects.visible_to(user)) == [pledges[own.pk]]
    assert {i.pledge_id for i in PledgeItem.objects.visible_to(user)} == {pledges[own.pk].pk}
    assert {r.pledge_id for r in Receipt.objects.visible_to(user)} == {pledges[own.pk].pk}
    assert {e.pledge_id for e in PledgeEvent.objects.visible_to(user)} == {pledges[own.pk].pk}
    # Reading is all a donor may do: no management permission anywhere.
    assert not Donor.objects.visible_to(user, Perm.MANAGE_DONORS).exists()


def test_a_donor_with_two_accounts_does_not_duplicate_rows(personas):
    second = UserFactory()
    RoleAssignment.objects.create(user=second, role=Role.DONOR)
    donor = DonorFactory(province=personas.province, members=[personas.donor, second])
    pledge = make_pledge(donor)
    receive_money(pledge, 1_000_000)
    receive_money(pledge, 2_000_000)
    for user in (personas.donor, second):
        assert Donor.objects.visible_to(user).count() == 1
        assert Pledge.objects.visible_to(user).count() == 1
        assert Receipt.objects.visible_to(user).count() == 2
    # Staff, who see the donor through its province, see it once too.
    assert Donor.objects.visible_to(personas.staff).count() == 1


def test_a_user_who_is_not_a_donor_role_sees_nothing_through_membership(personas):
    """Membership alone opens nothing: reading owned rows needs Perm.VIEW_OWN_DONATIONS."""
    donor = DonorFactory(province=personas.other_province, members=[personas.officer_a])
    make_pledge(donor)
    assert not Donor.objects.visible_to(personas.officer_a).exists()
    assert not Pledge.objects.visible_to(personas.officer_a).exists()
