"""The access matrix: every role × every named page and API endpoint × a row inside and outside its scope.

The URLs come from walking the URL configuration (the API router included), so a new URL without a rule in
RULES makes test_every_url_has_a_rule fail. Side "a" is commune A / province P / donor D, side "c" is commune C /
province Q / donor F (see conftest.py): officer_a, staff, leader, auditor and donor are inside on "a"; staff_q on
"c"; officer_b and donor2 are outside on both. GET only, plus the key mutations as POSTs at the end.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.urlwalk import named_urls

pytestmark = pytest.mark.django_db

ROLES = ["anon", "officer_a", "officer_b", "staff", "staff_q", "leader", "auditor", "donor", "donor2"]

# The designed answer of every named URL for every role, in ROLES order. "302" for a page that sends anonymous
# visitors to the login page, "401" for the API without credentials; "a/c" gives the answers for the rows of sides
# a and c: 200 (or 302 onward) inside the scope, 403 for a read-only insider, 404 outside. 405 is a POST-only URL
# answering a GET (its POST is tried in test_key_mutations_*). Notable cases, checked against DESIGN.md:
# - leader: no personal data, so child pages and the child export are 403 (the API child list is empty);
# - donor: sees its own donor, pledges, letters, trace, allocations and evidence without children; nothing else;
# - api-matching-detail answers 404 (not 403) to leader/auditor: the API only serves runs to those who allocate.
RULES = {
    # name: (row the URL is about or None,
    #        statuses for: anon officer_a officer_b staff staff_q leader auditor donor donor2)
    "home": (None, "200 200 200 200 200 200 200 200 200"),
    "commune-list": (None, "302 200 200 200 200 200 200 200 200"),
    "commune-detail": ("commune", "302/302 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    # The audit log holds old values of personal data and who read it: the auditor's, not of those it audits.
    "audit-log": (None, "302 403 403 403 403 403 200 403 403"),
    "audit-export": (None, "302 403 403 403 403 403 200 403 403"),
    "donor-list": (None, "302 200 200 200 200 200 200 200 200"),
    "donor-create": (None, "302 403 403 200 200 403 403 403 403"),
    "donor-detail": ("donor", "302/302 404/404 404/404 200/404 404/200 200/404 200/404 200/404 404/404"),
    "donor-edit": ("donor", "302/302 404/404 404/404 200/404 404/200 403/404 403/404 403/404 404/404"),
    "donor-account-create": ("donor", "302/302 404/404 404/404 200/404 404/200 403/404 403/404 403/404 404/404"),
    "pledge-list": (None, "302 200 200 200 200 200 200 200 200"),
    "pledge-create": (None, "302 403 403 200 200 403 403 200 200"),
    "pledge-detail": ("pledge", "302/302 404/404 404/404 200/404 404/200 200/404 200/404 200/404 404/404"),
    "pledge-transition": ("pledge", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "receipt-create": ("pledge", "302/302 404/404 404/404 200/404 404/200 403/404 403/404 403/404 404/404"),
    # Correcting a receipt typed wrong is the department's: read-only insiders (and the donor) get 403.
    "receipt-correct": ("receipt", "302/302 404/404 404/404 200/404 404/200 403/404 403/404 403/404 404/404"),
    "receipt-letter": ("receipt", "302/302 404/404 404/404 200/404 404/200 200/404 200/404 200/404 404/404"),
    "campaign-list": (None, "302 200 200 200 200 200 200 200 200"),
    # Bank statements are the department's books (they name who gave): staff of the province upload, map, match
    # and mark; leadership and auditors read (403 on a change); communes and donors have nothing here (404).
    "statement-list": (None, "302 404 404 200 200 200 200 404 404"),
    "statement-queue": (None, "302 404 404 200 200 200 200 404 404"),
    "statement-detail": ("statement", "302/302 404/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "statement-line": ("line", "302/302 404/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "plan-current": (None, "302 404 404 200 200 200 200 404 404"),
    "plan-detail": (None, "302 404 404 200 200 200 200 404 404"),
    "sponsorship-list": (None, "302 200 200 200 200 200 200 200 200"),
    "commendation": (None, "302 403 403 200 200 200 200 403 403"),
    "healthz": (None, "200 200 200 200 200 200 200 200 200"),
    "needs:child-list": (None, "302 200 200 200 200 403 200 403 403"),
    "needs:register": (None, "302 200 200 403 403 403 403 403 403"),
    "needs:child-detail": ("child", "302/302 200/404 404/404 200/404 404/200 403/404 200/404 404/404 404/404"),
    "needs:child-edit": ("child", "302/302 200/404 404/404 200/404 404/200 403/404 403/404 404/404 404/404"),
    "needs:consent-add": ("child", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "needs:child-merge": ("child", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    # The guardian's copy is printed by those who meet the family; only the department anonymises a record.
    "needs:child-export": ("child", "302/302 200/404 404/404 200/404 404/200 403/404 403/404 404/404 404/404"),
    "needs:child-anonymise": ("child", "302/302 403/404 404/404 200/404 404/200 403/404 403/404 404/404 404/404"),
    "needs:need-create": ("child", "302/302 200/404 404/404 200/404 404/200 403/404 403/404 404/404 404/404"),
    "needs:need-list": (None, "302 200 200 200 200 200 200 403 403"),
    "needs:need-create-group": (None, "302 200 200 200 200 403 403 403 403"),
    "needs:to-fix": (None, "302 200 200 403 403 403 403 403 403"),
    "needs:queue": (None, "302 403 403 200 200 403 403 403 403"),
    "needs:need-detail": ("need", "302/302 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "needs:need-edit": ("need", "302/302 302/404 404/404 302/404 404/302 403/404 403/404 404/404 404/404"),
    "needs:need-transition": ("need", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "needs:attachment-add": ("need", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "needs:attachment": ("attachment", "302/302 200/404 404/404 200/404 404/200 403/404 200/404 404/404 404/404"),
    "report-dashboard": (None, "302 404 404 200 200 200 200 404 404"),
    "report-archive": (None, "302 200 200 200 200 200 200 404 404"),
    "report-request": (None, "302 405 405 405 405 405 405 405 405"),
    "report-detail": ("report", "302/302 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "report-download": ("report", "302/302 403/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "report-approve": ("report", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "report-excel": (None, "302 403 403 200 200 200 200 404 404"),
    "reconciliation": (None, "302 404 404 200 200 200 200 404 404"),
    # Reporting cycles: staff open and change them in their province; leadership and auditors read them.
    "cycle-list": (None, "302 404 404 200 200 200 200 404 404"),
    "cycle-create": (None, "302 404 404 200 200 403 403 404 404"),
    "cycle-detail": ("cycle", "302/302 404/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "cycle-texts": ("cycle", "302/302 404/404 404/404 200/404 404/200 403/404 403/404 404/404 404/404"),
    "report-confirmation": (None, "302 200 200 404 404 404 404 404 404"),
    "confirmation-reopen": ("confirmation", "302/302 403/404 404/404 200/404 404/200 403/404 403/404 404/404 404/404"),
    "allocations:batch-list": (None, "302 200 200 200 200 200 200 404 404"),
    "allocations:allocation-new": (None, "302 404 404 200 200 404 404 404 404"),
    "allocations:batch-detail": ("batch", "302/302 404/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "allocations:batch-reverse": ("batch", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "allocations:matching-list": (None, "302 404 404 200 200 404 404 404 404"),
    "allocations:matching-detail": ("run", "302/302 404/404 404/404 200/404 404/200 403/404 403/404 404/404 404/404"),
    "allocations:delivery-list": (None, "302 200 200 200 200 200 200 404 404"),
    "allocations:delivery-new": ("need", "302/302 200/404 404/404 403/404 404/403 403/404 403/404 404/404 404/404"),
    # Distribution lists name children: those who see personal data in the commune read them; the commune officer
    # makes, prints (an export of personal data) and records them; leadership is an insider without personal data.
    "allocations:distribution-list": (None, "302 200 200 200 200 403 200 404 404"),
    "allocations:distribution-create": (None, "302 200 200 403 403 403 403 404 404"),
    "allocations:distribution-detail": (
        "distribution",
        "302/302 200/404 404/404 200/404 404/200 403/404 200/404 404/404 404/404",
    ),
    "allocations:distribution-pdf": (
        "distribution",
        "302/302 200/404 404/404 403/404 404/403 403/404 403/404 404/404 404/404",
    ),
    "allocations:distribution-record": (
        "distribution",
        "302/302 200/404 404/404 403/404 404/403 403/404 403/404 404/404 404/404",
    ),
    "allocations:distribution-scan": (
        "distribution",
        "302/302 200/404 404/404 200/404 404/200 403/404 200/404 404/404 404/404",
    ),
    # The offline app is the commune officer's: its page (a shell without data) and its service worker give other
    # roles nothing; the manifest holds only names and icons.
    "webapp:shell": (None, "302 200 200 403 403 403 403 403 403"),
    "webapp:worker": (None, "302 200 200 403 403 403 403 403 403"),
    "webapp:manifest": (None, "200 200 200 200 200 200 200 200 200"),
    "allocations:evidence": ("evidence", "302/302 200/404 404/404 200/404 404/200 200/404 200/404 200/404 404/404"),
    "allocations:pledge-trace": ("pledge", "302/302 404/404 404/404 200/404 404/200 200/404 200/404 200/404 404/404"),
    "allocations:public": (None, "200 200 200 200 200 200 200 200 200"),
    # The public ledger and campaigns' pages (aggregates, donors only as they chose) are everyone's, every province's.
    "allocations:public-ledger": (None, "200 200 200 200 200 200 200 200 200"),
    "allocations:public-campaign": (
        "campaign",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    # An approved Decree 03/2026 disclosure is published: its PDF, CSV and JSON are anyone's, in every province.
    "disclosure-public": ("disclosure", "200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200"),
    # Appeals (Decree 93/2021): the public reads every appeal's disclosure and documents; staff open and change
    # them in their province, leadership and auditors read them; officers and donors have no appeal pages.
    "allocations:public-appeal": ("appeal", "200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200"),
    "allocations:public-appeal-document": (
        "appeal",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    "allocations:appeal-list": (None, "302 200 200 200 200 200 200 200 200"),
    "allocations:appeal-create": (None, "302 403 403 200 200 403 403 403 403"),
    "allocations:appeal-detail": ("appeal", "302/302 404/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "allocations:appeal-document": (
        "appeal",
        "302/302 404/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404",
    ),
    "allocations:appeal-document-add": (
        "appeal",
        "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405",
    ),
    "allocations:appeal-release": (
        "appeal",
        "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405",
    ),
    # Donor and pledge imports: staff who manage donors, each for their province; another import's token is 404.
    "donors-import": (None, "302 403 403 200 200 403 403 403 403"),
    "donors-import-template": (None, "302 403 403 200 200 403 403 403 403"),
    "donors-import-preview": ("imported", "302/302 403/403 403/403 404/404 404/404 403/403 403/403 403/403 403/403"),
    "donors-import-confirm": ("imported", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "donors-import-cancel": ("imported", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    # Donor and pledge imports: staff who manage donors, each for their province; another import's token is 404.
    "pledges-import": (None, "302 403 403 200 200 403 403 403 403"),
    "pledges-import-template": (None, "302 403 403 200 200 403 403 403 403"),
    "pledges-import-preview": ("imported", "302/302 403/403 403/403 404/404 404/404 403/403 403/403 403/403 403/403"),
    "pledges-import-confirm": ("imported", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "pledges-import-cancel": ("imported", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "needs-import": (None, "302 200 200 200 200 403 403 403 403"),
    "needs-import-template": (None, "302 200 200 200 200 403 403 403 403"),
    "needs-import-preview": ("imported", "302/302 200/404 404/404 404/404 404/200 403/403 403/403 403/403 403/403"),
    "needs-import-confirm": ("imported", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "needs-import-cancel": ("imported", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "child-export": (None, "302 200 200 200 200 403 200 403 403"),
    "need-export": (None, "302 200 200 200 200 403 200 403 403"),
    "password_reset": (None, "200 200 200 200 200 200 200 200 200"),
    "otp-setup": (None, "302 403 403 200 200 200 200 403 403"),
    "otp-verify": (None, "302 302 302 302 302 302 302 302 302"),
    "login": (None, "200 200 200 200 200 200 200 200 200"),
    "logout": (None, "405 405 405 405 405 405 405 405 405"),
    "password_change": (None, "302 200 200 200 200 200 200 200 200"),
    "password_change_done": (None, "302 200 200 200 200 200 200 200 200"),
    "password_reset_done": (None, "200 200 200 200 200 200 200 200 200"),
    "password_reset_confirm": (None, "200 200 200 200 200 200 200 200 200"),
    "password_reset_complete": (None, "200 200 200 200 200 200 200 200 200"),
    "set_language": (None, "302 302 302 302 302 302 302 302 302"),
    "api-token": (None, "405 405 405 405 405 405 405 405 405"),
    "api-me": (None, "401 200 200 200 200 200 200 200 200"),
    "api-commune-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-commune-detail": ("commune", "401/401 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "api-village-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-village-detail": ("village", "401/401 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "api-child-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-child-detail": ("child", "401/401 200/404 404/404 200/404 404/200 403/404 200/404 404/404 404/404"),
    "api-need-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-need-detail": ("need", "401/401 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "api-need-transition": ("need", "401/401 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "api-report-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-report-detail": ("report", "401/401 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "api-report-download": ("report", "401/401 403/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "api-figures-list": (None, "401 200 200 200 200 200 200 404 404"),
    "api-allocation-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-allocation-detail": ("allocation", "401/401 200/404 404/404 200/404 404/200 200/404 200/404 200/404 404/404"),
    "api-batch-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-batch-detail": ("batch", "401/401 404/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "api-batch-reverse": ("batch", "401/401 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "api-matching-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-matching-detail": ("run", "401/401 404/404 404/404 200/404 404/200 404/404 404/404 404/404 404/404"),
    "api-matching-accept": ("run", "401/401 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "api-delivery-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-delivery-detail": ("delivery", "401/401 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "api-donor-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-donor-detail": ("donor", "401/401 404/404 404/404 200/404 404/200 200/404 200/404 200/404 404/404"),
    "api-campaign-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-campaign-detail": ("campaign", "401/401 404/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "api-appeal-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-appeal-detail": ("appeal", "401/401 404/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "api-pledge-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-pledge-detail": ("pledge", "401/401 404/404 404/404 200/404 404/200 200/404 200/404 200/404 404/404"),
    "api-receipt-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-receipt-detail": ("receipt", "401/401 404/404 404/404 200/404 404/200 200/404 200/404 200/404 404/404"),
    "api-receipt-correct": ("receipt", "401/401 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "api-receipt-cancel": ("receipt", "401/401 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "api-ledger-list": (None, "200 200 200 200 200 200 200 200 200"),  # the public ledger, no login
    # Offline work (docs/offline.md): the roles that register needs or record deliveries, each on their own changes;
    # the others are refused before any row is looked up. Sync and evidence take POST only.
    "offline:conflict-list": (None, "302 200 200 403 403 403 403 403 403"),
    "offline:conflict-detail": ("conflict", "302/302 200/404 404/404 403/403 403/403 403/403 403/403 403/403 403/403"),
    "api-offline-snapshot": (None, "401 200 200 403 403 403 403 403 403"),
    "api-offline-sync": (None, "401 405 405 403 403 403 403 403 403"),
    "api-offline-evidence": (None, "401 405 405 403 403 403 403 403 403"),
    "api-offline-evidence-detail": (
        "upload",
        "401/401 200/404 404/404 403/403 403/403 403/403 403/403 403/403 403/403",
    ),
    "api-offline-conflict-list": (None, "401 200 200 403 403 403 403 403 403"),
    "api-offline-conflict-detail": (
        "conflict",
        "401/401 200/404 404/404 403/403 403/403 403/403 403/403 403/403 403/403",
    ),
    "api-offline-conflict-resolve": (
        "conflict",
        "401/401 405/405 405/405 403/403 403/403 403/403 403/403 403/403 403/403",
    ),
    # Partner organisations (only their own accounts: everyone else 404); their records are read like the
    # commune's other records; the department's overlap list and 3W follow the records and the dashboard.
    "needs:child-share": ("child", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "partners:home": (None, "302 404 404 404 404 404 404 404 404"),
    "partners:support-new": (None, "302 404 404 404 404 404 404 404 404"),
    "partners:lookup": (None, "302 404 404 404 404 404 404 404 404"),
    "partners:overlap-list": (None, "302 200 200 200 200 200 200 404 404"),
    "partners:support-detail": ("support", "302/302 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404"),
    "partners:support-evidence": (
        "support",
        "302/302 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404",
    ),
    "partners-import": (None, "302 404 404 404 404 404 404 404 404"),
    "partners-import-template": (None, "302 404 404 404 404 404 404 404 404"),
    "partners-import-preview": ("imported", "302/302 404/404 404/404 404/404 404/404 404/404 404/404 404/404 404/404"),
    "partners-import-confirm": ("imported", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "partners-import-cancel": ("imported", "302/302 405/405 405/405 405/405 405/405 405/405 405/405 405/405 405/405"),
    "support-map": (None, "302 404 404 200 200 200 200 404 404"),
    "api-partner-support-list": (None, "401 200 200 200 200 200 200 200 200"),
    "api-partner-support-detail": (
        "support",
        "401/401 200/404 404/404 200/404 404/200 200/404 200/404 404/404 404/404",
    ),
    "api-root": (None, "401 200 200 200 200 200 200 200 200"),
    "api-schema": (None, "200 200 200 200 200 200 200 200 200"),
    # The ministry's pages exist for nobody in a province (test_the_ministry_on_every_url checks the ministry).
    "national:overview": (None, "302 404 404 404 404 404 404 404 404"),
    "national:figures": (None, "302 404 404 404 404 404 404 404 404"),
    "national:rollup": (None, "302 404 404 404 404 404 404 404 404"),
    "national:rollup-pdf": ("rollup", "302/302 404/404 404/404 404/404 404/404 404/404 404/404 404/404 404/404"),
    "national:rollup-workbook": ("rollup", "302/302 404/404 404/404 404/404 404/404 404/404 404/404 404/404 404/404"),
    "national:province-report": ("final", "302/302 404/404 404/404 404/404 404/404 404/404 404/404 404/404 404/404"),
}


# Where each argument of a URL comes from, given the side's row the URL is about.
def _kwargs(params: list[str], source: str | None, side) -> dict:
    row = getattr(side, source) if source else None
    values = {
        "code": lambda: (row if source == "commune" else row.commune).code,
        "pk": lambda: (row.need if source == "attachment" else row).pk,
        "attachment_pk": lambda: row.pk,
        "document_pk": lambda: row.documents.first().pk,
        "need_pk": lambda: row.pk,
        "token": lambda: row.token,
        "upload_id": lambda: row.upload_id,
        "action": lambda: "cancel",
        "year": lambda: 2026,
        "fmt": lambda: "pdf",
        "uidb64": lambda: "MQ",
        "token_": lambda: "set-password",
    }
    return {p: values["token_" if p == "token" and source is None else p]() for p in params if p != "format"}


def _status(client: Client, url: str) -> int:
    try:
        return client.get(url).status_code
    except Exception:
        return 500


def _clients(world) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        client = clients[role] = Client()
        if role != "anon":
            client.force_login(getattr(world, role))
    return clients


def _observe(world, name: str, params: list[str], source: str | None, client: Client) -> str:
    """What one client gets: "200" for a URL without a row, "200/404" for the rows of sides a/c."""
    if source is None:
        return str(_status(client, reverse(name, kwargs=_kwargs(params, None, None))))
    sides = (world.a, world.c)
    return "/".join(str(_status(client, reverse(name, kwargs=_kwargs(params, source, side)))) for side in sides)


ADMIN_ARGUMENTS = {"app_label": "portal"}
ADMIN_OPEN = {"admin:login": 200, "admin:logout": 302}  # the admin's own login form; logout is harmless


def test_every_url_has_a_rule():
    """A new page or endpoint fails here until someone writes down who may reach it."""
    urls = {name for name in named_urls() if not name.startswith("admin:")}
    assert sorted(urls - RULES.keys()) == [], "URLs without a rule in RULES"
    assert sorted(RULES.keys() - urls) == [], "rules for URLs that no longer exist"


def case_count() -> int:
    per_role = sum(2 if source else 1 for source, _ in RULES.values())
    admin = sum(1 for name in named_urls() if name.startswith("admin:"))
    return (per_role + admin) * len(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_the_access_matrix(world, role):
    clients = _clients(world)
    wrong = []
    urls = named_urls()
    for name, (source, statuses) in RULES.items():
        expected = statuses.split()[ROLES.index(role)]
        observed = _observe(world, name, urls[name], source, clients[role])
        if observed != expected:
            wrong.append(f"{name}: expected {expected}, got {observed}")
    assert wrong == [], f"{role}: " + "; ".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_site_is_closed_to_every_role(personas, role):
    """No persona is is_staff: every admin URL sends them to the admin login, whatever the object."""
    personas.donor2 = personas.donor  # no donor rows are needed here
    client = _clients(personas)[role]
    wrong = []
    for name, params in named_urls().items():
        if name.startswith("admin:"):
            if all(p.startswith("_") for p in params):
                url = reverse(name, args=["1"] * len(params))
            else:
                url = reverse(name, kwargs={p: ADMIN_ARGUMENTS.get(p, "1") for p in params})
            response = client.get(url)
            if name in ADMIN_OPEN:
                if response.status_code != ADMIN_OPEN[name]:
                    wrong.append(f"{name}: {response.status_code}")
            elif response.status_code != 302 or "/admin/login/" not in response["Location"]:
                wrong.append(f"{name}: {response.status_code}")
    assert wrong == []


def test_it_reports_the_number_of_cases(capsys):
    with capsys.disabled():
        print(f"\naccess matrix: {case_count()} cases (role × URL × row inside/outside scope)")
    assert case_count() > 1000


def _post(world, role, name, data, **kwargs):
    client = Client()
    if role != "anon":
        client.force_login(getattr(world, role))
    return client.post(reverse(name, kwargs=kwargs), data).status_code


@pytest.mark.parametrize(
    ("role", "status"), [("officer_b", 404), ("staff_q", 404), ("donor", 404), ("leader", 403), ("auditor", 403)]
)
def test_key_mutations_verify_a_need(world, role, status):
    from needs.models import Need, NeedStatus

    Need.objects.filter(pk=world.a.need.pk).update(status=NeedStatus.SUBMITTED)
    assert _post(world, role, "needs:need-transition", {"action": "verify"}, pk=world.a.need.pk) == status
    assert Need.objects.get(pk=world.a.need.pk).status == NeedStatus.SUBMITTED


@pytest.mark.parametrize(
    ("role", "status"), [("officer_b", 404), ("staff_q", 404), ("donor", 403), ("leader", 403), ("auditor", 403)]
)
def test_key_mutations_record_a_receipt(world, role, status):
    receipts = world.a.pledge.receipts.count()
    data = {"kind": "money", "received_on": "01/11/2026", "amount": "1000000"}
    assert _post(world, role, "receipt-create", data, pk=world.a.pledge.pk) == status
    assert world.a.pledge.receipts.count() == receipts


@pytest.mark.parametrize(("role", "status"), [("officer_b", 404), ("leader", 404), ("auditor", 404), ("donor", 404)])
def test_key_mutations_allocate(world, role, status):
    """Only staff allocate; the page itself answers 404 to everyone else, and nothing moves."""
    from allocations.models import Allocation

    before = Allocation.objects.count()
    data = {"receipt": world.a.receipt.pk, "need": world.a.need.pk, "amount": "100000"}
    assert _post(world, role, "allocations:allocation-new", data) == status
    assert Allocation.objects.count() == before


def test_key_mutations_allocate_from_another_province_saves_nothing(world):
    from allocations.models import Allocation

    before = Allocation.objects.count()
    data = {"receipt": world.a.receipt.pk, "need": world.a.need.pk, "amount": "100000"}
    assert _post(world, "staff_q", "allocations:allocation-new", data) == 200  # the form: "not a valid choice"
    assert Allocation.objects.count() == before


@pytest.mark.parametrize(
    ("role", "status"),
    [("anon", 302), ("officer_a", 403), ("officer_b", 404), ("staff_q", 404), ("leader", 403), ("auditor", 403)],
)
def test_key_mutations_anonymise_a_child(world, role, status):
    from needs.models import Child

    child = world.a.child
    data = {"reason": "Yêu cầu của người giám hộ", "confirm_code": child.code}
    assert _post(world, role, "needs:child-anonymise", data, pk=child.pk) == status
    assert Child.objects.get(pk=child.pk).full_name == child.full_name


@pytest.mark.parametrize(("role", "status"), [("officer_b", 404), ("staff", 404), ("leader", 404), ("donor", 404)])
def test_key_mutations_confirm_figures(world, role, status):
    from reports.models import CommuneConfirmation, ConfirmationStatus

    CommuneConfirmation.objects.filter(pk=world.a.confirmation.pk).update(status=ConfirmationStatus.REOPENED)
    assert _post(world, role, "report-confirmation", {"commune": world.commune_a.code}) == status
    assert CommuneConfirmation.objects.get(pk=world.a.confirmation.pk).status == ConfirmationStatus.REOPENED


@pytest.mark.parametrize(
    ("role", "status"), [("officer_a", 403), ("officer_b", 404), ("staff_q", 404), ("leader", 403), ("donor", 404)]
)
def test_key_mutations_reopen_confirmed_figures(world, role, status):
    from reports.models import CommuneConfirmation, ConfirmationStatus

    data = {"reason": "Sai số trẻ"}
    assert _post(world, role, "confirmation-reopen", data, pk=world.a.confirmation.pk) == status
    assert CommuneConfirmation.objects.get(pk=world.a.confirmation.pk).status == ConfirmationStatus.CONFIRMED


@pytest.mark.parametrize(
    ("role", "status"),
    [("officer_a", 404), ("staff_q", 404), ("leader", 403), ("auditor", 403), ("donor", 403), ("donor2", 404)],
)
@pytest.mark.parametrize("data", [{"amount": "1.000", "reason": "Nhập sai"}, {"cancel": "1", "cancel-reason": "Nhầm"}])
def test_key_mutations_correct_or_cancel_a_receipt(world, role, status, data):
    from donors.models import Receipt

    receipt = world.a.receipt
    assert _post(world, role, "receipt-correct", data, pk=receipt.pk) == status
    assert Receipt.all_objects.filter(pk=receipt.pk, amount=receipt.amount, cancelled_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("officer_b", 404), ("staff", 403), ("staff_q", 404), ("leader", 403), ("auditor", 403), ("donor", 404)],
)
def test_key_mutations_record_a_distribution_list(world, role, status):
    """Only the commune's officer records a distribution day; for everyone else nothing moves."""
    from allocations.models import Delivery, DistributionStatus

    distribution = world.a.distribution
    line = distribution.lines.get()
    data = {"handed_over_by": "X", f"handed_{line.pk}": "no", f"reason_{line.pk}": "Vắng"}
    deliveries = Delivery.objects.count()
    assert _post(world, role, "allocations:distribution-record", data, pk=distribution.pk) == status
    assert _post(world, role, "allocations:distribution-detail", {"remove": line.pk}, pk=distribution.pk) == status
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.PRINTED
    assert distribution.lines.exists()
    assert Delivery.objects.count() == deliveries


@pytest.mark.parametrize(
    ("role", "status"),
    [("officer_a", 404), ("staff_q", 404), ("leader", 403), ("auditor", 403), ("donor", 404)],
)
@pytest.mark.parametrize(
    "data", [{"pledge_1": "PLEDGE"}, {"mark-status": "not_donation", "mark-reason": "Lãi tiền gửi"}]
)
def test_key_mutations_match_or_mark_a_statement_line(world, role, status, data):
    """Only the province's staff match a bank line to a pledge or mark it; for everyone else nothing moves."""
    from donors.models import LineStatus, StatementLine

    line = world.a.line
    data = {key: str(world.a.pledge.pk) if value == "PLEDGE" else value for key, value in data.items()}
    assert _post(world, role, "statement-line", data, pk=line.pk) == status
    assert StatementLine.objects.get(pk=line.pk).status == LineStatus.UNMATCHED
    assert not line.parts.exists()


def test_key_mutations_staff_match_a_statement_line(world):
    from donors.models import LineStatus, StatementLine

    line = world.a.line
    assert _post(world, "staff", "statement-line", {"pledge_1": str(world.a.pledge.pk)}, pk=line.pk) == 302
    line = StatementLine.objects.get(pk=line.pk)
    assert line.status == LineStatus.MATCHED
    assert line.parts.get().receipt.amount == 1_000_000


@pytest.mark.parametrize(
    ("role", "status"),
    [("officer_a", 404), ("staff_q", 404), ("leader", 403), ("auditor", 403), ("donor", 404)],
)
def test_key_mutations_release_an_appeals_money_to_another_commune(world, role, status):
    """Only the province's staff let an appeal's money reach a commune it was not opened for."""
    appeal = world.a.appeal
    data = {"commune": world.commune_b.pk, "reason": "Lũ lan sang"}
    assert _post(world, role, "allocations:appeal-release", data, pk=appeal.pk) == status
    assert not appeal.releases.exists()


# A logged-in role that holds no VIEW_RECORDS in the province (the ministry, a partner organisation) on every
# URL, "a/c" as in RULES: every row of a province is 404, lists and the API answer empty (test_no_leaks crawls
# them), pages of personal data, the audit log and province work are 403/404 as for the donor, another outsider
# to the province's records; the public pages answer as to anyone. MINISTRY and PARTNER add their own pages.
NO_RECORDS = {
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
    "statement-list": "404",
    "statement-queue": "404",
    "statement-detail": "404/404",
    "statement-line": "404/404",
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
    "reconciliation": "404",
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
    "webapp:shell": "403",
    "webapp:worker": "403",
    "webapp:manifest": "200",
    "allocations:evidence": "404/404",
    "allocations:pledge-trace": "404/404",
    "allocations:public": "200",
    "allocations:public-ledger": "200",
    "allocations:public-campaign": "200/200",
    "disclosure-public": "200/200",
    "allocations:public-appeal": "200/200",
    "allocations:public-appeal-document": "200/200",
    "allocations:appeal-list": "200",
    "allocations:appeal-create": "403",
    "allocations:appeal-detail": "404/404",
    "allocations:appeal-document": "404/404",
    "allocations:appeal-document-add": "405/405",
    "allocations:appeal-release": "405/405",
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
    "api-appeal-list": "200",
    "api-appeal-detail": "404/404",
    "api-pledge-list": "200",
    "api-pledge-detail": "404/404",
    "api-receipt-list": "200",
    "api-receipt-detail": "404/404",
    "api-receipt-correct": "405/405",
    "api-receipt-cancel": "405/405",
    "api-ledger-list": "200",
    "offline:conflict-list": "403",
    "offline:conflict-detail": "403/403",
    "api-offline-snapshot": "403",
    "api-offline-sync": "403",
    "api-offline-evidence": "403",
    "api-offline-evidence-detail": "403/403",
    "api-offline-conflict-list": "403",
    "api-offline-conflict-detail": "403/403",
    "api-offline-conflict-resolve": "403/403",
    "needs:child-share": "405/405",
    "partners:overlap-list": "404",
    "partners-import-preview": "404/404",
    "partners-import-confirm": "405/405",
    "partners-import-cancel": "405/405",
    "support-map": "404",
    "api-partner-support-list": "200",
    "api-root": "200",
    "api-schema": "200",
}

# The ministry (bound to no province) reads the provinces' approved aggregates on the national pages.
MINISTRY = {
    **NO_RECORDS,
    "otp-setup": "200",
    "partners:home": "404",
    "partners:support-new": "404",
    "partners:lookup": "404",
    "partners:support-detail": "404/404",
    "partners:support-evidence": "404/404",
    "partners-import": "404",
    "partners-import-template": "404",
    "api-partner-support-detail": "404/404",
    "national:overview": "200",
    "national:figures": "200",
    "national:rollup": "200",
    "national:rollup-pdf": "200/404",
    "national:rollup-workbook": "200/404",
    "national:province-report": "200/404",
}


def test_every_url_has_a_rule_for_the_ministry():
    urls = {name for name in named_urls() if not name.startswith("admin:")}
    assert sorted(urls ^ MINISTRY.keys()) == []


def test_the_ministry_on_every_url(world):
    from tests.factories import user_with_role

    client = Client()
    client.force_login(user_with_role("ministry", None, username="ministry"))
    urls = named_urls()
    wrong = []
    for name, (source, _statuses) in RULES.items():
        observed = _observe(world, name, urls[name], source, client)
        if observed != MINISTRY[name]:
            wrong.append(f"{name}: expected {MINISTRY[name]}, got {observed}")
    assert wrong == []


def test_key_mutations_the_ministry_changes_nothing_in_a_province(world):
    """The ministry reads aggregates only: every province's action answers 404 to it and nothing moves."""
    from needs.models import Need, NeedStatus
    from reports.models import Report
    from tests.factories import user_with_role

    client = Client()
    client.force_login(user_with_role("ministry", None, username="ministry"))
    Need.objects.filter(pk=world.a.need.pk).update(status=NeedStatus.SUBMITTED)
    posts = [
        ("needs:need-transition", {"action": "verify"}, {"pk": world.a.need.pk}),
        (
            "receipt-create",
            {"kind": "money", "received_on": "01/11/2026", "amount": "1000000"},
            {"pk": world.a.pledge.pk},
        ),
        ("report-approve", {}, {"pk": world.a.report.pk}),
        ("confirmation-reopen", {"reason": "Sai số trẻ"}, {"pk": world.a.confirmation.pk}),
        ("needs:child-anonymise", {"reason": "x", "confirm_code": world.a.child.code}, {"pk": world.a.child.pk}),
    ]
    assert {name: client.post(reverse(name, kwargs=kw), data).status_code for name, data, kw in posts} == {
        name: 404 for name, _data, _kw in posts
    }
    assert Need.objects.get(pk=world.a.need.pk).status == NeedStatus.SUBMITTED
    assert world.a.pledge.receipts.count() == 1
    assert Report.objects.get(pk=world.a.report.pk).status == "draft"
