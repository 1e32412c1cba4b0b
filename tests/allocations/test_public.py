import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from allocations.services import delivery_record
from needs.models import Child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_public_page_shows_no_personal_data_and_suppresses_small_counts(client, personas, funded):
    funded["donor"].anonymous_publicly = True
    funded["donor"].save()
    delivery_record(
        user=personas.officer_b, need=funded["school"], delivered_on=dt.date(2026, 11, 20), quantity=5,
        children_reached=30, handed_over_by="Thầy Lý",
    )  # fmt: skip
    delivery_record(
        user=personas.officer_a, need=funded["girl"], delivered_on=dt.date(2026, 11, 20), quantity=2,
        children_reached=1, handed_over_by="Cô Hà",
    )  # fmt: skip
    response = client.get(reverse("allocations:public"), {"year": 2026})
    body = response.content.decode()
    assert response.status_code == 200
    for child in Child.objects.all():
        assert child.full_name not in body
        assert child.code not in body
        assert child.guardian_name not in body or not child.guardian_name
    assert "Thầy Lý" not in body
    assert "Cô Hà" not in body
    assert "Công ty Chè Tân Cương" not in body  # asked to stay anonymous
    assert "&lt;5" in body  # one child reached in commune A
    assert ">30<" in body
    assert "1.555.555" in body


def test_the_public_page_is_cached_briefly(client, personas, funded, django_assert_num_queries):
    client.get(reverse("allocations:public"), {"year": 2026})
    with django_assert_num_queries(0):
        response = client.get(reverse("allocations:public"), {"year": 2026})
    assert response["Cache-Control"].startswith("public")
    assert client.get(reverse("allocations:public"), {"year": "abc"}).status_code == 200


def test_communes_of_the_same_name_in_two_provinces_stay_two_rows_named_with_their_province(client, personas, funded):
    """Commune names repeat across the country: the public table groups by commune, never by name."""
    from allocations.selectors import public_figures
    from allocations.services import Line, batch_accept
    from tests.allocations.factories import NeedFactory, receipt_for

    twin = personas.commune_c
    twin.name = personas.commune_a.name
    twin.save()
    need = NeedFactory(commune=twin, quantity=1, unit_cost=250_000, beneficiary_count=10)
    receipt = receipt_for(personas.other_province, amount=1_000_000)
    batch_accept(user=personas.staff_q, province=personas.other_province, lines=[Line(receipt.pk, need.pk, 250_000)])

    rows = {row["commune"]: row["allocated"] for row in public_figures(2026)["by_commune"]}
    here = f"{personas.commune_a.name}, {personas.province.name}"
    there = f"{twin.name}, {personas.other_province.name}"
    assert rows[here] == 600_000 + 400_000
    assert rows[there] == 250_000
    body = client.get(reverse("allocations:public"), {"year": 2026}).content.decode()
    assert here in body
    assert there in body
