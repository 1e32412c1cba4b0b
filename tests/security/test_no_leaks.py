"""Children's identities never reach donors, leadership or the public; officers never see another commune's children.

On the demo data (seed_demo): crawl every page, API endpoint, PDF and spreadsheet the demo `donor` and an
anonymous visitor can reach from their home page, the API root, the transparency page and the donor trace,
and search everything for every seeded child's full name, birth date, guardian name and guardian phone.
The API is crawled twice: as JSON, and as the HTML a browser gets (the browsable API with its forms and
filters), logged in and with a token, as the demo `donor`, the demo `leader` and an anonymous visitor.
"""

import datetime as dt
import io
import re
import subprocess
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from donors.models import Donor, Sponsorship
from needs.models import Child, ChildShare, ConsentPurpose, Need
from portal.models import AdministrativeUnit, RoleAssignment
from portal.permissions import Role
from portal.text import fold
from reports import services

pytestmark = pytest.mark.django_db

# Never followed: they change state or the session rather than show data.
SKIP = re.compile(r"^/(accounts/logout|i18n/|admin/|static/|media/)")
LIMIT = 400


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in {"href", "src"} and value:
                self.links.append(value)


def _text(response) -> str:
    """What a reader of the response sees: HTML/JSON as text, PDFs through pdftotext, workbooks cell by cell."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in content_type:
        return subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()
    if "spreadsheet" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    return body.decode("utf-8", "replace")


def _crawl(client: Client, starts: list[str], *, within: str = "/") -> dict[str, str]:
    """Every same-site URL under `within` reachable by GET from the starting points: {url: text shown}.

    Error pages count as shown too: the browsable API renders its forms on a 401, 403 or 404 as well."""
    seen: dict[str, str] = {}
    queue = list(starts)
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        if url in seen or SKIP.match(urlsplit(url).path) or not url.startswith(within):
            continue
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            seen[url] = ""
            continue
        text = _text(response)
        seen[url] = text
        found = []
        if "html" in response.get("Content-Type", ""):
            parser = _Links()
            parser.feed(text)
            found = parser.links
        elif "json" in response.get("Content-Type", ""):
            found = re.findall(r'"(https?://testserver/[^"]+|/api/v1/[^"]+)"', text)
        for link in found:
            parts = urlsplit(urljoin(url, link))
            if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def _secrets(*, shown_to=None) -> dict[str, str]:
    """Every seeded child's identifying strings, labelled for the failure message.

    The one designed exception: a donor sponsoring a child directly sees that child's name and birth date while
    the consents to share them with the sponsor are in force (donors.selectors.sponsorship_cards); a partner
    organisation sees the name of a child the commune shared with it while the consent is in force."""
    secrets = {}
    consented = set()
    if shown_to is not None:
        for sponsorship in Sponsorship.objects.filter(donor__members=shown_to).select_related("child"):
            if sponsorship.child.consents_to(ConsentPurpose.SHARE_WITH_SPONSOR):
                consented.add(sponsorship.child_id)
        # A partner organisation sees the name of a child the commune shared with it, with consent in force.
        for share in ChildShare.objects.filter(partner__members=shown_to).select_related("child", "consent"):
            if share.in_force():
                consented.add(share.child_id)
    # Strings shown by design that happen to equal a seeded identity (the demo reuses common names): the
    # consented children's names, and portal users' own names (the staff member who recorded a pledge).
    public = set(Child.objects.filter(pk__in=consented).values_list("full_name", flat=True))
    public |= set(get_user_model().objects.values_list("full_name", flat=True))
    for child in Child.objects.exclude(pk__in=consented):
        secrets[child.full_name] = f"name of {child.code}"
        secrets[child.birth_date.strftime("%d/%m/%Y")] = f"birth date of {child.code}"
        if child.guardian_name:
            secrets[child.guardian_name] = f"guardian of {child.code}"
        if child.guardian_phone:
            secrets[child.guardian_phone] = f"guardian phone of {child.code}"
    return {secret: what for secret, what in secrets.items() if secret not in public}


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_ROOT = tmp_path / "reports"
    call_command("seed_demo", verbosity=0)


def _leaks(pages: dict[str, str], secrets: dict[str, str]) -> list[str]:
    return [
        f"{what} ({secret!r}) on {url}"
        for url, text in pages.items()
        for secret, what in secrets.items()
        if secret in text
    ]


def _starts(extra=()) -> list[str]:
    return [reverse("home"), "/api/v1/", reverse("allocations:public"), reverse("api-schema"), *extra]


def test_the_demo_donor_never_receives_a_child_identity(demo, capsys):
    donor = get_user_model().objects.get(username="donor")
    client = Client()
    client.force_login(donor)
    traces = [
        reverse("allocations:pledge-trace", args=[pk]) for pk in donor.donors.values_list("pledges__pk", flat=True)
    ]
    pages = _crawl(client, _starts(traces))
    assert len([text for text in pages.values() if text]) > 20, "the crawl should reach the donor's pages"
    assert any(url.startswith("/receipts/") for url in pages), "the crawl should reach the thank-you letters (PDF)"
    with capsys.disabled():
        print(f"\nno-leak crawl as donor: {len(pages)} URLs, {len(_secrets())} secrets")
    assert _leaks(pages, _secrets(shown_to=donor)) == []


def _distribution_urls() -> list[str]:
    """A printed distribution list of the demo commune, naming its children: every page it has."""
    from allocations.models import DistributionLine, DistributionList, DistributionStatus

    officer = get_user_model().objects.get(username="commune")
    commune_id = RoleAssignment.objects.filter(user=officer).values_list("unit_id", flat=True).first()
    needs = Need.objects.filter(commune_id=commune_id, child__isnull=False)[:5]
    distribution = DistributionList.objects.create(
        commune_id=commune_id, distributed_on=dt.date(2026, 11, 1), title="Trao quà", created_by=officer,
        status=DistributionStatus.PRINTED,
    )  # fmt: skip
    DistributionLine.objects.bulk_create(
        DistributionLine(distribution=distribution, need=need, planned_quantity=1) for need in needs
    )
    names = ("distribution-detail", "distribution-pdf", "distribution-record", "distribution-scan")
    return [reverse("allocations:distribution-list"), reverse("allocations:distribution-create")] + [
        reverse(f"allocations:{name}", args=[distribution.pk]) for name in names
    ]


@pytest.mark.parametrize(("username", "status"), [("donor", 404), ("leader", 403)])
def test_distribution_lists_are_refused_to_donors_and_leadership(demo, username, status):
    """A distribution list names children and their villages: donors (and leadership, who read records without
    personal data) are refused every page of it, and the deliveries list shows no child's identity either."""
    urls = _distribution_urls()
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, status)
    # The lists' own pages and the deliveries list they link to (the leader's whole site is crawled above).
    pages = {url: _text(client.get(url)) for url in [*urls, reverse("allocations:delivery-list")]}
    assert _leaks(pages, _secrets(shown_to=user)) == []


def _publish_disclosure() -> list[str]:
    """The demo's Decree 03/2026 disclosure built and approved, as leadership would: its public downloads."""
    from reports.checklists import approval_checklist
    from reports.models import CycleKind, ReportingCycle
    from reports.services import report_approve, report_build, report_request

    cycle = ReportingCycle.objects.get(kind=CycleKind.DISCLOSURE)
    staff, leader = (get_user_model().objects.get(username=name) for name in ("staff", "leader"))
    report = report_build(report_id=report_request(user=staff, cycle=cycle, unit=cycle.province).pk)
    report_approve(report=report, user=leader, acknowledged=approval_checklist(report=report).fingerprint)
    return [reverse("disclosure-public", args=[report.pk, fmt]) for fmt in ("pdf", "csv", "json")]


def test_the_public_never_receives_a_child_identity(demo):
    """…nor the name of a donor who asked not to be named publicly: the transparency page, the ledger (searched for
    those donors by name, as a visitor would type it), its JSON API and the campaigns' pages included."""
    anonymous = dict.fromkeys(Donor.objects.filter(anonymous_publicly=True).values_list("name", flat=True), "donor")
    assert anonymous, "the demo should have donors who asked for anonymity"
    ledger = reverse("allocations:public-ledger")
    searches = [f"{ledger}?q={fold(name).replace(' ', '+')}" for name in anonymous]
    pages = _crawl(Client(), _starts([*searches, f"/api/v1/ledger/?q={fold(next(iter(anonymous)))}"]))
    assert reverse("allocations:public") in pages
    assert ledger in pages
    assert any(url.startswith("/api/v1/ledger/") for url in pages)
    assert any(url.startswith("/transparency/campaigns/") for url in pages)
    assert _leaks(pages, {**_secrets(), **anonymous}) == []
    downloads = _publish_disclosure()
    pages = _crawl(Client(), _starts())
    assert reverse("allocations:public") in pages
    assert all(pages.get(url) for url in downloads), "the crawl should read the published disclosure"
    # The appeals' disclosures (Decree 93/2021), the critically ill child's appeal among them, and their documents.
    assert len([url for url in pages if re.fullmatch(r"/transparency/appeals/\d+/", url)]) == 2
    assert any("/documents/" in url for url in pages)
    assert _leaks(pages, _secrets()) == []


def test_lists_search_exports_and_the_api_hold_no_other_commune_for_an_officer(demo):
    """An officer of another commune (officer_b) sees none of the demo `commune` officer's children anywhere."""
    officer_a = get_user_model().objects.get(username="commune")
    a_units = set(RoleAssignment.objects.filter(user=officer_a).values_list("unit_id", flat=True))
    other = (
        AdministrativeUnit.objects.filter(level="commune", children_registered__isnull=False)
        .exclude(pk__in=a_units)
        .first()
    )
    other = other or AdministrativeUnit.objects.filter(level="commune").exclude(pk__in=a_units).first()
    officer_b = get_user_model().objects.create_user(username="officer_b_demo", full_name="Cán Bộ Khác")
    RoleAssignment.objects.create(user=officer_b, role=Role.COMMUNE_OFFICER, unit=other)
    a_children = Child.objects.filter(commune_id__in=a_units)
    assert a_children.exists()
    others = Child.objects.exclude(commune_id__in=a_units)
    elsewhere = set(others.values_list("full_name", flat=True)) | set(others.values_list("guardian_name", flat=True))
    names = {c.full_name: c.code for c in a_children if c.full_name not in elsewhere}  # the demo reuses names
    assert len(names) > 10
    client = Client()
    client.force_login(officer_b)
    sample = next(iter(names))
    urls = [
        reverse("needs:child-list"),
        reverse("needs:child-list") + f"?q={sample}",
        reverse("needs:need-list"),
        reverse("needs:need-list") + f"?q={sample}",
        reverse("child-export"),
        reverse("need-export"),
        "/api/v1/children/",
        f"/api/v1/children/?q={sample}",
        "/api/v1/needs/",
        reverse("allocations:delivery-list"),
        reverse("report-archive"),
    ]
    pages = {url: _text(client.get(url)) for url in urls}
    # A search page echoes its query in the search box: there the child's code, never typed, must not show.
    leaks = [
        f"{name} ({code}) on {url}"
        for url, text in pages.items()
        for name, code in names.items()
        if code in text or (name in text and name not in url)
    ]
    assert leaks == []
    for child in a_children[:5]:
        assert client.get(reverse("needs:child-detail", args=[child.pk])).status_code == 404
        assert client.get(f"/api/v1/children/{child.pk}/").status_code == 404


def test_a_leader_sees_no_child_through_the_api(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="leader"))
    assert client.get("/api/v1/children/").json()["results"] == []


# What a browser asks for: the API then answers with the browsable API's HTML, forms and filters included.
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _api_lists_reached(pages: dict[str, str]) -> set[str]:
    return {url for url, text in pages.items() if re.fullmatch(r"/api/v1/[a-z]+/", url) and "<html" in text}


@pytest.mark.parametrize("username", ["donor", None])
def test_the_browsable_api_shows_no_child_identity(demo, username):
    """Logged in as in a browser (session), every API page as HTML: its forms' drop-downs included.

    The leader's browser is crawled below, pages and API together."""
    user = get_user_model().objects.get(username=username) if username else None
    client = Client(headers=BROWSER)
    if user is not None:
        client.force_login(user)
    pages = _crawl(client, ["/api/v1/", "/api/v1/needs/", "/api/v1/children/", "/api/v1/deliveries/"])
    if user is not None:
        assert {"/api/v1/needs/", "/api/v1/children/", "/api/v1/pledges/"} <= _api_lists_reached(pages)
    assert _leaks(pages, _secrets(shown_to=user)) == []


@pytest.mark.parametrize("username", ["donor", "leader"])
def test_the_api_as_html_through_a_token_shows_no_child_identity(demo, username):
    """A script with a token asking for text/html gets the same HTML forms as the browser."""
    user = get_user_model().objects.get(username=username)
    token, _created = Token.objects.get_or_create(user=user)
    client = Client(headers={**BROWSER, "authorization": f"Token {token.key}"})
    pages = _crawl(client, ["/api/v1/", "/api/v1/needs/", "/api/v1/children/"], within="/api/")
    assert {"/api/v1/needs/", "/api/v1/children/", "/api/v1/batches/"} <= _api_lists_reached(pages)
    assert _leaks(pages, _secrets(shown_to=user)) == []


def test_the_leader_never_receives_a_child_identity(demo):
    """Leadership reads the province's records and figures, never a child's personal data: pages, PDF, Excel."""
    leader = get_user_model().objects.get(username="leader")
    client = Client(headers=BROWSER)
    client.force_login(leader)
    pages = _crawl(client, _starts([reverse("report-dashboard"), reverse("needs:need-list"), "/api/v1/needs/"]))
    assert len([text for text in pages.values() if text]) > 20, "the crawl should reach the leader's pages"
    assert {"/api/v1/needs/", "/api/v1/children/", "/api/v1/pledges/"} <= _api_lists_reached(pages)
    assert len([url for url in pages if re.fullmatch(r"/appeals/\d+/", url)]) == 2
    assert _leaks(pages, _secrets(shown_to=leader)) == []


def test_the_demo_partner_sees_no_child_identity_but_the_one_shared_with_it(demo):
    """The demo `partner` (Women's Union): its pages, import, API and the lookup of every child's record code show
    no child's personal data, except the name of the child the commune shared with it on the guardian's consent."""
    partner = get_user_model().objects.get(username="partner")
    client = Client()
    client.force_login(partner)
    shared = ChildShare.objects.get(partner__members=partner).child
    codes = [*list(Child.objects.values_list("code", flat=True)[:10]), shared.code]
    lookups = [reverse("partners:lookup") + f"?code={code}" for code in codes]
    pages = _crawl(client, _starts([reverse("partners:home"), "/api/v1/partner-support/", *lookups]))
    assert len([text for text in pages.values() if text]) > 20, "the crawl should reach the partner's pages"
    assert any(shared.full_name in text for text in pages.values()), "the shared child's name is shown"
    # The browsable API's form for its records (drop-downs of organisations, communes and villages).
    pages["/api/v1/partner-support/ (HTML)"] = _text(client.get("/api/v1/partner-support/", headers=BROWSER))
    assert _leaks(pages, _secrets(shown_to=partner)) == []


def test_the_ministry_never_receives_a_child_identity(demo):
    """The ministry reads every province's approved aggregates: after the demo province's annual report is built,
    approved and rolled up nationally, its whole site — pages, the province's PDF, the roll-up PDF and workbook, the
    API — holds no child's identity, and the API gives it no row of any province."""
    from national.models import NationalReport
    from reports.models import CycleKind, ReportingCycle
    from tests.reports.factories import approve_acknowledged

    User = get_user_model()
    cycle = ReportingCycle.objects.get(kind=CycleKind.ANNUAL)
    report = services.report_request(user=User.objects.get(username="staff"), cycle=cycle, unit=cycle.province)
    approve_acknowledged(services.report_build(report_id=report.pk), User.objects.get(username="leader"))
    ministry = User.objects.get(username="ministry")
    client = Client(headers=BROWSER)
    client.force_login(ministry)
    assert client.post(reverse("national:rollup")).status_code == 302  # built in-process (eager tasks)
    assert NationalReport.objects.get().is_built
    pages = _crawl(client, _starts([reverse("national:overview")]))
    assert {"/national/figures/", f"/national/reports/{report.pk}/"} <= set(pages)
    assert any(url.endswith("/xlsx/") for url in pages), "the crawl should reach the roll-up's workbook"
    assert _leaks(pages, _secrets(shown_to=ministry)) == []
    for api in ("/api/v1/children/", "/api/v1/needs/", "/api/v1/donors/", "/api/v1/deliveries/"):
        assert client.get(api, headers={"accept": "application/json"}).json()["results"] == [], api
