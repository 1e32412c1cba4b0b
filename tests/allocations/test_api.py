"""The ledger's API: scoped lists, all-or-nothing batches with clear refusals, reversal, matching, deliveries."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from allocations.models import AllocationBatch, BatchStatus, MatchingRun
from needs.models import NeedStatus
from tests.allocations.factories import NeedFactory, receipt_for
from tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_allocation_lists_are_scoped(personas, funded):
    ids = lambda user: {row["need"] for row in api(user).get("/api/v1/allocations/").json()["results"]}  # noqa: E731
    all_needs = {funded["girl"].pk, funded["boy"].pk, funded["school"].pk}
    assert ids(personas.staff) == all_needs
    assert ids(personas.auditor) == all_needs
    assert ids(personas.officer_b) == {funded["school"].pk}
    assert ids(personas.donor) == all_needs  # the donor's own money
    assert ids(personas.staff_q) == set()


def test_a_batch_is_posted_whole_or_refused_with_a_message(personas):
    need = NeedFactory(commune=personas.commune_a, unit_cost=300_000)
    receipt = receipt_for(personas.province, amount=500_000)
    body = {
        "province": personas.province.code,
        "note": "API",
        "lines": [{"receipt": receipt.pk, "need": need.pk, "amount": 400_000}],
    }
    response = api(personas.staff).post("/api/v1/batches/", body, format="json")
    assert response.status_code == 400
    assert "còn thiếu 300.000" in response.json()["detail"]
    body["lines"][0]["amount"] = 300_000
    response = api(personas.staff).post("/api/v1/batches/", body, format="json")
    assert response.status_code == 201
    batch_id = response.json()["id"]
    assert api(personas.staff_q).post("/api/v1/batches/", body, format="json").status_code == 404
    assert api(personas.officer_a).post(f"/api/v1/batches/{batch_id}/reverse/", {"reason": "x"}).status_code == 404
    assert api(personas.auditor).post(f"/api/v1/batches/{batch_id}/reverse/", {"reason": "x"}).status_code == 403
    response = api(personas.staff).post(f"/api/v1/batches/{batch_id}/reverse/", {"reason": "Nhầm nhu cầu"})
    assert response.status_code == 200
    assert AllocationBatch.objects.get(pk=batch_id).status == BatchStatus.REVERSED


def test_matching_runs_and_is_accepted_through_the_api(personas, django_capture_on_commit_callbacks):
    need = NeedFactory(commune=personas.commune_b, unit_cost=200_000)
    receipt_for(personas.province, amount=500_000)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(personas.staff).post("/api/v1/matching/")
    assert response.status_code == 201
    run_id = response.json()["id"]
    run = api(personas.staff).get(f"/api/v1/matching/{run_id}/").json()
    assert run["status"] == "ready"
    assert run["result"]["lines"][0]["need"] == need.pk
    assert api(personas.officer_b).get(f"/api/v1/matching/{run_id}/").status_code == 404
    response = api(personas.staff).post(f"/api/v1/matching/{run_id}/accept/", {}, format="json")
    assert response.status_code == 201
    need.refresh_from_db()
    assert need.status == NeedStatus.FUNDED
    assert MatchingRun.objects.get(pk=run_id).batch_id == response.json()["id"]


def test_the_officer_records_a_delivery_through_the_api(personas, funded):
    body = {"need": funded["girl"].pk, "delivered_on": "2026-11-20", "quantity": 2, "children_reached": 1,
            "handed_over_by": "Cô Hà"}  # fmt: skip
    assert api(personas.officer_b).post("/api/v1/deliveries/", body).status_code == 404
    assert api(personas.staff).post("/api/v1/deliveries/", body).status_code == 403
    response = api(personas.officer_a).post("/api/v1/deliveries/", body)
    assert response.status_code == 201
    funded["girl"].refresh_from_db()
    assert funded["girl"].status == NeedStatus.DELIVERED
    body["quantity"] = 1
    response = api(personas.officer_a).post("/api/v1/deliveries/", body)
    assert response.status_code == 400


def test_it_allocates_in_a_province_whose_code_a_merged_away_province_kept(personas):
    # Since July 2025 a merged province keeps one of the old codes; the old unit stays for history.
    ProvinceFactory(
        code=personas.province.code, valid_from=dt.date(2004, 1, 1), valid_to=dt.date(2025, 6, 30),
        merged_into=personas.province,
    )  # fmt: skip
    need = NeedFactory(commune=personas.commune_a, unit_cost=300_000)
    receipt = receipt_for(personas.province, amount=500_000)
    body = {"province": personas.province.code, "lines": [{"receipt": receipt.pk, "need": need.pk, "amount": 1_000}]}
    assert api(personas.staff).post("/api/v1/batches/", body, format="json").status_code == 201
