"""The access matrix for the partner role (a partner organisation's account in province P, speaking for the
organisation that recorded side a's support): every URL of RULES, with its row on sides a and c.

A partner holds no VIEW_RECORDS: it never reaches the province's children, needs, donors, pledges, allocations,
deliveries, reports or audit trail (404, or a list left empty), only its own organisation's pages, records and
import, and the lists every logged-in user has (its own donations: none).
"""

import pytest
from django.test import Client

from tests.security.test_access_matrix import NO_RECORDS, RULES, _observe
from tests.security.urlwalk import named_urls

pytestmark = pytest.mark.django_db

# The partner (an organisation's account in province P) reaches its organisation's pages, records and import.
PARTNER = {
    **NO_RECORDS,
    "otp-setup": "403",
    "partners:home": "200",
    "partners:support-new": "200",
    "partners:lookup": "200",
    "partners:support-detail": "200/404",
    "partners:support-evidence": "200/404",
    "partners-import": "200",
    "partners-import-template": "200",
    "api-partner-support-detail": "200/404",
    "national:overview": "404",
    "national:figures": "404",
    "national:rollup": "404",
    "national:rollup-pdf": "404/404",
    "national:rollup-workbook": "404/404",
    "national:province-report": "404/404",
}


def test_every_url_has_a_rule_for_the_partner():
    assert sorted(RULES.keys() - PARTNER.keys()) == [], "URLs without a partner rule"
    assert sorted(PARTNER.keys() - RULES.keys()) == [], "partner rules for URLs that no longer exist"


def test_the_partner_access_matrix(world):
    client = Client()
    client.force_login(world.partner)
    urls = named_urls()
    observed = {name: _observe(world, name, urls[name], source, client) for name, (source, _rules) in RULES.items()}
    wrong = [
        f"{name}: expected {PARTNER[name]}, got {observed[name]}" for name in RULES if observed[name] != PARTNER[name]
    ]
    assert wrong == []


def test_the_api_lists_a_partner_reaches_hold_nothing_of_the_province(world):
    """The lists a partner may open answer empty: no child, need, donor, pledge, allocation or delivery."""
    client = Client()
    client.force_login(world.partner)
    for url in ["children", "needs", "donors", "pledges", "receipts", "allocations", "deliveries", "batches"]:
        assert client.get(f"/api/v1/{url}/").json()["results"] == [], url
    assert [row["id"] for row in client.get("/api/v1/partner-support/").json()["results"]] == [world.a.support.pk]
