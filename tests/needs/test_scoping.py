"""An officer never sees or changes another commune's children or needs: pages, API and search alike."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from needs.models import Category, NeedStatus
from tests.factories import ChildFactory
from tests.needs.factories import NeedFactory

# persona → (reads a child of commune A, reads a need of commune A)
READ = {
    "officer_a": (200, 200),
    "officer_b": (404, 404),
    "staff": (200, 200),
    "leader": (403, 200),  # leaders see needs, never children's records
    "auditor": (200, 200),
    "donor": (404, 404),
    "staff_q": (404, 404),
}


@pytest.fixture
def records(personas):
    child = ChildFactory(commune=personas.commune_a, full_name="Hoàng Thị Nhung")
    need = NeedFactory(child=child, status=NeedStatus.SUBMITTED)
    return child, need


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.django_db
@pytest.mark.parametrize("persona", READ)
def test_it_scopes_the_child_and_need_pages(client, personas, records, persona):
    child, need = records
    client.force_login(getattr(personas, persona))
    child_page = client.get(reverse("needs:child-detail", args=[child.pk]))
    need_page = client.get(reverse("needs:need-detail", args=[need.pk]))
    assert (child_page.status_code, need_page.status_code) == READ[persona]
    if need_page.status_code == 200:
        assert ("Hoàng Thị Nhung" in need_page.content.decode()) == (READ[persona][0] == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", READ)
def test_it_scopes_the_api_like_the_pages(personas, records, persona):
    child, need = records
    api = _api(getattr(personas, persona))
    assert api.get(f"/api/v1/children/{child.pk}/").status_code == READ[persona][0]
    assert api.get(f"/api/v1/needs/{need.pk}/").status_code == READ[persona][1]
    children = api.get("/api/v1/children/").json()["results"]
    needs = api.get("/api/v1/needs/").json()["results"]
    assert [c["id"] for c in children] == ([child.pk] if READ[persona][0] == 200 else [])
    if persona == "leader":
        assert child.full_name not in str(needs)
    assert [n["id"] for n in needs] == ([need.pk] if READ[persona][1] == 200 else [])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["officer_b", "staff_q", "donor"])
def test_outsiders_find_nothing_by_name_in_lists_and_api(client, personas, records, persona):
    user = getattr(personas, persona)
    client.force_login(user)
    for url in (reverse("needs:child-list"), reverse("needs:need-list")):
        response = client.get(url, {"q": "hoang thi nhung"})
        assert "Nhung" not in response.content.decode() if response.status_code == 200 else response.status_code == 403
    api = _api(user)
    assert api.get("/api/v1/children/", {"q": "nhung"}).json()["results"] == []
    assert api.get("/api/v1/needs/", {"q": "nhung"}).json()["results"] == []


@pytest.mark.django_db
def test_the_officer_finds_their_child_with_or_without_diacritics(client, personas, records):
    client.force_login(personas.officer_a)
    for typed in ("Hoàng Thị Nhung", "hoang thi nhung", "NHUNG"):
        assert "Hoàng Thị Nhung" in client.get(reverse("needs:child-list"), {"q": typed}).content.decode()
        assert "Hoàng Thị Nhung" in client.get(reverse("needs:need-list"), {"q": typed}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), [("officer_a", 302), ("officer_b", 404), ("leader", 403)])
def test_only_the_commune_may_change_its_child(client, personas, records, persona, expected):
    child, _need = records
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("needs:child-edit", args=[child.pk]),
        {
            "full_name": "Hoàng Thị Nhung Mới",
            "sex": "F",
            "birth_date": "2018-03-14",
            "ethnic_group": child.ethnic_group_id,
            "school_level": "primary",
        },
    )
    assert response.status_code == expected
    child.refresh_from_db()
    assert (child.full_name == "Hoàng Thị Nhung Mới") == (expected == 302)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), [("officer_a", 200), ("officer_b", 404), ("leader", 403)])
def test_only_the_commune_may_change_its_need_through_the_api(personas, persona, expected):
    need = NeedFactory(child=ChildFactory(commune=personas.commune_a), status=NeedStatus.RETURNED)
    response = _api(getattr(personas, persona)).patch(f"/api/v1/needs/{need.pk}/", {"unit_cost": 420_000})
    assert response.status_code == expected
    need.refresh_from_db()
    assert (need.unit_cost == 420_000) == (expected == 200)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), [("officer_a", 201), ("officer_b", 404), ("leader", 403)])
def test_only_the_commune_registers_children_and_needs_through_the_api(personas, persona, expected):
    api = _api(getattr(personas, persona))
    response = api.post(
        "/api/v1/children/",
        {
            "full_name": "Lý Thị Mẩy",
            "sex": "F",
            "birth_date": "2019-05-02",
            "ethnic_group": "09",
            "commune": personas.commune_a.code,
        },
        format="json",
    )
    assert response.status_code == expected
    group = api.post(
        "/api/v1/needs/",
        {
            "commune": personas.commune_a.code,
            "facility_name": "Điểm trường Khuổi Khí",
            "beneficiary_count": 25,
            "category": Category.PLAY,
            "quantity": 1,
            "unit_cost": 30_000_000,
            "justification": "Chưa có sân chơi",
        },
        format="json",
    )
    assert group.status_code == expected
    if expected == 201:
        assert response.json()["code"].startswith(personas.commune_a.code)
        assert group.json()["status"] == NeedStatus.DRAFT
