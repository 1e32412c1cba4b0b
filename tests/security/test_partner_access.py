"""The access matrix for the partner role (a partner organisation's account in province P, speaking for the
organisation that recorded side a's support): every URL of RULES, with its row on sides a and c.

A partner holds no VIEW_RECORDS: it never reaches the province's children, needs, donors, pledges, allocations,
deliveries, reports or audit trail (404, or a list left empty), only its own organisation's pages, records and
import, and the lists every logged-in user has (its own donations: none).
"""

import pytest
from django.test import Client

from tests.security.test_access_matrix import RULES, _observe
from tests.security.urlwalk import named_urls

pytestmark = pytest.mark.django_db

# name: the partner's answer ("a/c" for a URL about a row). Lists every logged-in role gets answer 200 empty.
PARTNER = {
    "home": "200",
    "commune-list": "200",
    "commune-detail": "404/404",
    "audit-log": "403",
    "audit-export": "403",
    "donor-list": "200",
    "donor-create": "403",
    "donor-detail": "404/404",
    "donor-edit": "404/404",
    "donor-account-create": "404/404",
    "pledge-list": "200",
    "pledge-create": "403",
    "pledge-detail": "404/404",
    "pledge-transition": "405/405",
    "receipt-create": "404/404",
    "receipt-correct": "404/404",
    "receipt-letter": "404/404",
    "campaign-list": "200",
    "plan-current": "404",
    "plan-detail": "404",
    "sponsorship-list": "200",
    "commendation": "403",
    "healthz": "200",
    "needs:child-list": "403",
    "needs:register": "403",
    "needs:child-detail": "404/404",
    "needs:child-edit": "404/404",
    "needs:consent-add": "405/405",
    "needs:child-share": "405/405",
    "needs:child-merge": "405/405",
    "needs:child-export": "404/404",
    "needs:child-anonymise": "404/404",
    "needs:need-create": "404/404",
    "needs:need-list": "403",
    "needs:need-create-group": "403",
    "needs:to-fix": "403",
    "needs:queue": "403",
    "needs:need-detail": "404/404",
    "needs:need-edit": "404/404",
    "needs:need-transition": "405/405",
    "needs:attachment-add": "405/405",
    "needs:attachment": "404/404",
    "report-dashboard": "404",
    "report-archive": "404",
    "report-request": "405",
    "report-detail": "404/404",
    "report-download": "404/404",
    "report-approve": "405/405",
    "report-excel": "404",
    "support-map": "404",
    "cycle-list": "404",
    "cycle-create": "404",
    "cycle-detail": "404/404",
    "cycle-texts": "404/404",
    "report-confirmation": "404",
    "confirmation-reopen": "404/404",
    "allocations:batch-list": "404",
    "allocations:allocation-new": "404",
    "allocations:batch-detail": "404/404",
    "allocations:batch-reverse": "405/405",
    "allocations:matching-list": "404",
    "allocations:matching-detail": "404/404",
    "allocations:delivery-list": "404",
    "allocations:delivery-new": "404/404",
    "allocations:distribution-list": "404",
    "allocations:distribution-create": "404",
    "allocations:distribution-detail": "404/404",
    "allocations:distribution-pdf": "404/404",
    "allocations:distribution-record": "404/404",
    "allocations:distribution-scan": "404/404",
    "allocations:evidence": "404/404",
    "allocations:pledge-trace": "404/404",
    "allocations:public": "200",
    "partners:home": "200",
    "partners:support-new": "200",
    "partners:lookup": "200",
    "partners:overlap-list": "404",
    # Its own organisation's record on side a; side c's is another organisation's in another province.
    "partners:support-detail": "200/404",
    "partners:support-evidence": "200/404",
    "partners-import": "200",
    "partners-import-template": "200",
    # Another user's import (of the needs list), whatever the side: never a partner's.
    "partners-import-preview": "404/404",
    "partners-import-confirm": "405/405",
    "partners-import-cancel": "405/405",
    "donors-import": "403",
    "donors-import-template": "403",
    "donors-import-preview": "403/403",
    "donors-import-confirm": "405/405",
    "donors-import-cancel": "405/405",
    "pledges-import": "403",
    "pledges-import-template": "403",
    "pledges-import-preview": "403/403",
    "pledges-import-confirm": "405/405",
    "pledges-import-cancel": "405/405",
    "needs-import": "403",
    "needs-import-template": "403",
    "needs-import-preview": "403/403",
    "needs-import-confirm": "405/405",
    "needs-import-cancel": "405/405",
    "child-export": "403",
    "need-export": "403",
    "password_reset": "200",
    "otp-setup": "403",
    "otp-verify": "302",
    "login": "200",
    "logout": "405",
    "password_change": "200",
    "password_change_done": "200",
    "password_reset_done": "200",
    "password_reset_confirm": "200",
    "password_reset_complete": "200",
    "set_language": "302",
    "api-token": "405",
    "api-me": "200",
    "api-commune-list": "200",
    "api-commune-detail": "404/404",
    "api-village-list": "200",
    "api-village-detail": "404/404",
    "api-child-list": "200",
    "api-child-detail": "404/404",
    "api-need-list": "200",
    "api-need-detail": "404/404",
    "api-need-transition": "405/405",
    "api-report-list": "200",
    "api-report-detail": "404/404",
    "api-report-download": "404/404",
    "api-figures-list": "404",
    "api-allocation-list": "200",
    "api-allocation-detail": "404/404",
    "api-batch-list": "200",
    "api-batch-detail": "404/404",
    "api-batch-reverse": "405/405",
    "api-matching-list": "200",
    "api-matching-detail": "404/404",
    "api-matching-accept": "405/405",
    "api-delivery-list": "200",
    "api-delivery-detail": "404/404",
    "api-donor-list": "200",
    "api-donor-detail": "404/404",
    "api-campaign-list": "200",
    "api-campaign-detail": "404/404",
    "api-pledge-list": "200",
    "api-pledge-detail": "404/404",
    "api-receipt-list": "200",
    "api-receipt-detail": "404/404",
    "api-receipt-correct": "405/405",
    "api-receipt-cancel": "405/405",
    "api-partner-support-list": "200",
    "api-partner-support-detail": "200/404",
    "api-root": "200",
    "api-schema": "200",
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
