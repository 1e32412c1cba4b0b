"""The partner support API: a partner records and lists its own; others read those of their communes; no names."""

import pytest
from rest_framework.test import APIClient

from allocations.models import PartnerSupport
from tests.allocations.factories import child_need
from tests.partners.factories import PartnerOrganisationFactory, PartnerSupportFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/partner-support/"


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_partner_records_through_the_api_and_an_overlap_needs_a_reason(personas, partner, partner_user):
    child = child_need(personas.commune_a).child
    body = {
        "child_code": child.code, "category": "warm_clothing", "description": "Áo ấm", "value": "300.000",
        "quantity": 1, "given_on": "2026-10-20",
    }  # fmt: skip
    created = _api(partner_user).post(URL, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["value"] == 300_000
    assert created.json()["child_code"] == child.code
    assert child.full_name not in created.content.decode()
    again = _api(partner_user).post(URL, body, format="json")
    assert again.status_code == 400
    assert "overlap_reason" in again.json()
    assert _api(partner_user).post(URL, {**body, "overlap_reason": "Lần hai"}, format="json").status_code == 201


def test_each_sees_only_what_it_may(personas, partner, partner_user):
    other = PartnerOrganisationFactory(province=personas.province)
    mine = PartnerSupportFactory(partner=partner, commune=personas.commune_a)
    theirs = PartnerSupportFactory(partner=other, commune=personas.commune_b)
    ids = lambda user: {row["id"] for row in _api(user).get(URL).json()["results"]}  # noqa: E731
    assert ids(partner_user) == {mine.pk}
    assert ids(personas.staff) == {mine.pk, theirs.pk}
    assert ids(personas.officer_a) == {mine.pk}
    assert ids(personas.staff_q) == ids(personas.donor) == set()
    assert _api(personas.staff).post(URL, {}, format="json").status_code == 403
    assert _api(partner_user).get(f"{URL}{theirs.pk}/").status_code == 404
    assert PartnerSupport.objects.count() == 2
