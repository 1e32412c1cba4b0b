"""Money typed the Vietnamese way on the pages people use: `10.000.000` is ten million đồng, never 10."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from donors.models import Receipt
from needs.models import Category, Need
from portal.models import ImportRecord
from tests.donors.factories import DonorFactory, make_pledge
from tests.factories import ChildFactory
from tests.needs.excel_files import row, upload, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["10.000.000", "10.000.000 đ", "10000000"])
def test_staff_type_a_receipt_with_dots_and_ten_million_is_saved(client, personas, typed):
    pledge = make_pledge(DonorFactory(province=personas.province), amount=50_000_000)
    client.force_login(personas.staff)
    data = {"kind": "money", "received_on": "2026-03-01", "amount": typed, "method": "bank_transfer"}
    response = client.post(reverse("receipt-create", args=[pledge.pk]), data)
    assert response.status_code == 302
    assert Receipt.objects.get().amount == 10_000_000


@pytest.mark.parametrize("typed", ["10,5", "10.00", "10.000,5"])
def test_an_ambiguous_receipt_amount_is_refused_with_a_message_and_kept(client, personas, typed):
    pledge = make_pledge(DonorFactory(province=personas.province), amount=50_000_000)
    client.force_login(personas.staff)
    data = {"kind": "money", "received_on": "2026-03-01", "amount": typed, "method": "bank_transfer"}
    response = client.post(reverse("receipt-create", args=[pledge.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert not Receipt.objects.exists()
    assert f'value="{typed}"' in page
    assert "dấu chấm" in page  # the message says how to write it


def test_the_amount_field_is_never_a_browser_number_field(client, personas):
    pledge = make_pledge(DonorFactory(province=personas.province))
    client.force_login(personas.staff)
    page = client.get(reverse("receipt-create", args=[pledge.pk])).content.decode()
    field = next(tag for tag in page.split("<input") if 'name="amount"' in tag)
    assert 'type="text"' in field
    assert 'inputmode="numeric"' in field


def test_an_officer_types_a_unit_cost_with_dots_and_it_is_saved_in_full(client, personas):
    child = ChildFactory(commune=personas.commune_a)
    client.force_login(personas.officer_a)
    data = {
        "category": Category.WARM_CLOTHING,
        "quantity": "1",
        "unit_cost": "35.000.000",
        "priority": "2",
        "justification": "Rét đậm",
    }
    response = client.post(reverse("needs:need-create", args=[child.pk]), data)
    assert response.status_code == 302
    assert Need.objects.get().unit_cost == 35_000_000


def test_a_receipt_far_below_its_pledge_asks_for_confirmation_and_shows_what_would_be_saved(client, personas):
    pledge = make_pledge(DonorFactory(province=personas.province), amount=50_000_000)
    client.force_login(personas.staff)
    url = reverse("receipt-create", args=[pledge.pk])
    assert 'name="confirm_small_amount"' not in client.get(url).content.decode()
    data = {"kind": "money", "received_on": "2026-03-01", "amount": "10.000", "method": "bank_transfer"}
    page = client.post(url, data).content.decode()
    assert not Receipt.objects.exists()
    assert 'name="confirm_small_amount"' in page
    assert "10.000\u00a0đ — mười nghìn đồng" in page  # what would be saved, in figures and words, without JS
    assert client.post(url, {**data, "confirm_small_amount": "on"}).status_code == 302
    assert Receipt.objects.get().amount == 10_000


def test_the_api_takes_amounts_as_vietnamese_text_and_asks_to_confirm_a_tiny_receipt(personas):
    pledge = make_pledge(DonorFactory(province=personas.province), amount=50_000_000)
    api = APIClient()
    api.force_authenticate(personas.staff)
    body = {"pledge": pledge.pk, "kind": "money", "received_on": "2026-03-01", "amount": "10.000.000 đ"}
    created = api.post("/api/v1/receipts/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["amount"] == 10_000_000
    assert api.post("/api/v1/receipts/", {**body, "amount": "10,5"}, format="json").status_code == 400
    tiny = api.post("/api/v1/receipts/", {**body, "amount": 10}, format="json")
    assert tiny.status_code == 400
    assert tiny.json()["code"] == "far_below_pledge"
    confirmed = api.post("/api/v1/receipts/", {**body, "amount": 10, "confirm_small_amount": True}, format="json")
    assert confirmed.status_code == 201
    assert sorted(Receipt.objects.values_list("amount", flat=True)) == [10, 10_000_000]


def test_a_unit_cost_under_1000_asks_for_confirmation_on_the_page_and_in_the_api(client, personas):
    child = ChildFactory(commune=personas.commune_a)
    client.force_login(personas.officer_a)
    data = {"category": Category.HEALTHCARE, "care_type": "check_up", "quantity": "1", "unit_cost": "35",
            "priority": "2", "justification": "Khám định kỳ"}  # fmt: skip
    url = reverse("needs:need-create", args=[child.pk])
    page = client.post(url, data).content.decode()
    assert not Need.objects.exists()
    assert "thấp bất thường" in page
    assert 'name="confirm_low_unit_cost"' in page
    assert client.post(url, {**data, "confirm_low_unit_cost": "on"}).status_code == 302
    assert Need.objects.get().unit_cost == 35

    api = APIClient()
    api.force_authenticate(personas.officer_a)
    body = {"child": ChildFactory(commune=personas.commune_a).pk, "category": Category.HEALTHCARE,
            "care_type": "check_up", "quantity": 1, "priority": 2, "justification": "Khám"}  # fmt: skip
    assert api.post("/api/v1/needs/", {**body, "unit_cost": 35}, format="json").status_code == 400
    created = api.post("/api/v1/needs/", {**body, "unit_cost": "35.000.000"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["unit_cost"] == 35_000_000


def test_the_needs_import_reads_dotted_unit_costs_and_refuses_ambiguous_ones(client, personas):
    rows = [
        row(cost="35.000.000 đ"),
        row(name="Sùng A Páo", sex="Nam", cost="10.00"),
        row(name="Lý A Dìn", cost="10,5"),
    ]
    client.force_login(personas.officer_a)
    response = client.post(reverse("needs-import"), {"file": upload(workbook_bytes(rows), "danh-sach.xlsx")})
    assert response.status_code == 302
    record = ImportRecord.objects.latest("created_at")
    errors = {error["row"]: " ".join(error["messages"]) for error in record.report["errors"]}
    assert sorted(errors) == [3, 4]
    assert all("10.000.000" in message for message in errors.values())
    client.post(reverse("needs-import"), {"file": upload(workbook_bytes(rows[:1]), "a.xlsx")})
    record = ImportRecord.objects.latest("created_at")
    client.post(reverse("needs-import-confirm", args=[record.token]))
    assert Need.objects.get().unit_cost == 35_000_000
