"""Who reaches which donor records: pages, API, PDF letters and exports, persona × donor.

D is the persona `donor`'s own donor and E another donor, both in province P; F is in province Q.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from donors.models import Donor, Pledge, Receipt

pytestmark = pytest.mark.django_db

# persona → the donors (of d, e, f) whose records they may read
READS = {
    "officer_a": set(),
    "officer_b": set(),
    "staff": {"d", "e"},
    "leader": {"d", "e"},
    "auditor": {"d", "e"},
    "donor": {"d"},
    "staff_q": {"f"},
}


def _urls(world, name):
    donor, pledge, receipt = world.donors[name], world.pledges[name], world.receipts[name]
    return [
        reverse("donor-detail", args=[donor.pk]),
        reverse("pledge-detail", args=[pledge.pk]),
        reverse("receipt-letter", args=[receipt.pk]),
    ]


@pytest.mark.parametrize("persona", READS)
@pytest.mark.parametrize("name", ["d", "e", "f"])
def test_it_scopes_donor_pledge_and_letter_pages(client, world, persona, name):
    client.force_login(getattr(world, persona))
    expected = 200 if name in READS[persona] else 404
    for url in _urls(world, name):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("persona", READS)
@pytest.mark.parametrize("name", ["d", "e", "f"])
def test_it_scopes_the_api(world, persona, name):
    api = APIClient()
    api.force_authenticate(getattr(world, persona))
    expected = 200 if name in READS[persona] else 404
    assert api.get(f"/api/v1/donors/{world.donors[name].pk}/").status_code == expected
    assert api.get(f"/api/v1/pledges/{world.pledges[name].pk}/").status_code == expected
    assert api.get(f"/api/v1/receipts/{world.receipts[name].pk}/").status_code == expected


@pytest.mark.parametrize("persona", READS)
def test_lists_show_only_records_in_scope(client, world, persona):
    user = getattr(world, persona)
    api = APIClient()
    api.force_authenticate(user)
    expected_donors = {world.donors[n].name for n in READS[persona]}
    assert {row["name"] for row in api.get("/api/v1/donors/").json()["results"]} == expected_donors
    expected_pledges = {world.pledges[n].pk for n in READS[persona]}
    assert {row["id"] for row in api.get("/api/v1/pledges/").json()["results"]} == expected_pledges
    assert {row["pledge"] for row in api.get("/api/v1/receipts/").json()["results"]} == expected_pledges
    client.force_login(user)
    page = client.get(reverse("pledge-list")).content.decode()
    for name, donor in world.donors.items():
        assert (donor.name in page) == (name in READS[persona])


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("leader", 200), ("auditor", 200), ("donor", 403), ("officer_a", 403), ("staff_q", 200)],
)
def test_the_commendation_export_is_for_province_roles_and_lists_only_their_donors(client, world, persona, status):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("commendation"), {"start": "2026-01-01", "end": "2026-12-31", "format": "xlsx"})
    assert response.status_code == status
    if status == 200:
        from io import BytesIO

        from openpyxl import load_workbook

        sheet = load_workbook(BytesIO(response.content)).active
        names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert names == {world.donors[n].name for n in READS[persona]}


@pytest.mark.parametrize("persona", ["leader", "auditor", "donor", "officer_a"])
def test_read_only_roles_cannot_record_receipts_or_change_pledges(client, world, persona):
    client.force_login(getattr(world, persona))
    pledge = world.pledges["d"]
    expected = 404 if persona == "officer_a" else 403
    response = client.post(
        reverse("receipt-create", args=[pledge.pk]),
        {"kind": "money", "received_on": "2026-03-01", "amount": "1000"},
    )
    assert response.status_code == expected
    assert client.post(reverse("pledge-transition", args=[pledge.pk, "cancel"]), {"reason": "x"}).status_code == (
        expected
    )
    assert Receipt.objects.filter(pledge=pledge).count() == 1
    assert Pledge.objects.get(pk=pledge.pk).status == "partly_received"


def test_staff_of_another_province_cannot_touch_p_records(client, world):
    client.force_login(world.staff_q)
    pledge = world.pledges["d"]
    assert client.get(reverse("receipt-create", args=[pledge.pk])).status_code == 404
    assert client.get(reverse("donor-edit", args=[world.donors["d"].pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(world.staff_q)
    response = api.post(
        "/api/v1/receipts/", {"pledge": pledge.pk, "kind": "money", "received_on": "2026-03-01", "amount": 1000}
    )
    assert response.status_code == 404  # outside their scope the pledge does not exist, as at its own URL
    assert Receipt.objects.filter(pledge=pledge).count() == 1


def test_a_donor_posts_a_pending_pledge_for_their_own_donor_only(world):
    api = APIClient()
    api.force_authenticate(world.donor)
    payload = {"kind": "cash", "amount": 5_000_000, "pledged_on": "2026-11-01", "earmark_categories": ["nutrition"]}
    own = api.post("/api/v1/pledges/", {**payload, "donor": world.donors["d"].pk}, format="json")
    assert own.status_code == 201, own.content
    assert own.json()["status"] == "pending"
    assert Pledge.objects.get(pk=own.json()["id"]).submitted_by == world.donor
    other = api.post("/api/v1/pledges/", {**payload, "donor": world.donors["e"].pk}, format="json")
    assert other.status_code == 404  # another donor does not exist for them, as at its own URL
    assert Pledge.objects.filter(donor=world.donors["e"]).count() == 1


def test_staff_post_pledges_that_are_pledged_at_once_and_receipts_through_the_api(world):
    api = APIClient()
    api.force_authenticate(world.staff)
    response = api.post(
        "/api/v1/pledges/",
        {
            "donor": world.donors["e"].pk,
            "kind": "in_kind",
            "pledged_on": "2026-11-01",
            "items": [{"category": "warm_clothing", "description": "Áo phao", "quantity": 10, "unit_value": 200_000}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["amount"], body["received_total"]) == ("pledged", 2_000_000, 0)
    item_id = body["items"][0]["id"]
    receipt = api.post(
        "/api/v1/receipts/",
        {"pledge": body["id"], "kind": "goods", "received_on": "2026-11-02", "item": item_id, "quantity": 4},
        format="json",
    )
    assert receipt.status_code == 201, receipt.content
    assert receipt.json()["amount"] == 800_000
    assert api.get(f"/api/v1/pledges/{body['id']}/").json()["received_total"] == 800_000
    beyond = api.post(
        "/api/v1/receipts/",
        {"pledge": body["id"], "kind": "goods", "received_on": "2026-11-02", "item": item_id, "quantity": 7},
        format="json",
    )
    assert beyond.status_code == 400
    assert beyond.json()["code"] == "beyond_pledge"


def test_a_donor_cannot_create_donors_through_the_api(world):
    api = APIClient()
    api.force_authenticate(world.donor)
    assert api.post("/api/v1/donors/", {"name": "X"}).status_code == 405
    assert Donor.objects.count() == 3


@pytest.mark.parametrize("persona", READS)
def test_donor_and_pledge_exports_hold_only_records_in_scope_and_are_logged(client, world, persona):
    from io import BytesIO

    from openpyxl import load_workbook

    from portal.models import ExportLog

    client.force_login(getattr(world, persona))
    expected = {world.donors[n].name for n in READS[persona]}
    for url, column in (("donor-list", 0), ("pledge-list", 1)):
        response = client.get(reverse(url), {"format": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        assert {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)} == expected
    assert set(ExportLog.objects.filter(user=getattr(world, persona)).values_list("what", flat=True)) == {
        "donors.donors",
        "donors.pledges",
    }
