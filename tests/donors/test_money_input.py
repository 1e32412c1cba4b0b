"""Money typed the Vietnamese way on the pages people use: `10.000.000` is ten million đồng, never 10."""

import pytest
from django.urls import reverse

from donors.models import Receipt
from needs.models import Category, Need
from tests.donors.factories import DonorFactory, make_pledge
from tests.factories import ChildFactory

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
