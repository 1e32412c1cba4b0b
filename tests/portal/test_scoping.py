"""The scoping matrix: every role × a commune inside and outside its scope, through a page and the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from needs.models import Child
from portal.models import Village
from tests.factories import ChildFactory

INSIDE, OUTSIDE = "commune_a", "commune_c"
ANONYMOUS = None

# persona → (status reading commune A, status reading commune C)
READ = {
    "officer_a": (200, 404),
    "officer_b": (404, 404),
    "staff": (200, 404),
    "leader": (200, 404),
    "auditor": (200, 404),
    "donor": (404, 404),
    "staff_q": (404, 200),
}
# persona → status adding a village to commune A: created, 403 for read-only insiders, 404 for outsiders
WRITE_PAGE = {
    "officer_a": 302,
    "officer_b": 404,
    "staff": 302,
    "leader": 403,
    "auditor": 403,
    "donor": 404,
    "staff_q": 404,
}
# The API's URL names no commune: a role that can never add a village (the donor) is refused before the body is read.
WRITE_API = {name: 201 if status == 302 else status for name, status in WRITE_PAGE.items()} | {"donor": 403}


def _client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("persona", READ)
@pytest.mark.parametrize("target", [INSIDE, OUTSIDE])
def test_it_scopes_the_commune_page(client, personas, persona, target):
    commune = getattr(personas, target)
    response = _client_for(client, getattr(personas, persona)).get(reverse("commune-detail", args=[commune.code]))
    assert response.status_code == READ[persona][0 if target == INSIDE else 1]
    if response.status_code == 200:
        assert commune.name in response.content.decode()


@pytest.mark.parametrize("persona", READ)
@pytest.mark.parametrize("target", [INSIDE, OUTSIDE])
def test_it_scopes_the_commune_api(personas, persona, target):
    commune = getattr(personas, target)
    api = APIClient()
    api.force_authenticate(getattr(personas, persona))
    response = api.get(f"/api/v1/communes/{commune.code}/")
    assert response.status_code == READ[persona][0 if target == INSIDE else 1]
    if response.status_code == 200:
        assert response.json()["name"] == commune.name


@pytest.mark.parametrize("persona", WRITE_PAGE)
def test_it_lets_only_writers_in_scope_add_villages_on_the_page(client, personas, persona):
    url = reverse("commune-detail", args=[personas.commune_a.code])
    response = _client_for(client, getattr(personas, persona)).post(url, {"name": "Thôn Nà Hin"})
    assert response.status_code == WRITE_PAGE[persona]
    assert Village.objects.filter(name="Thôn Nà Hin").exists() == (WRITE_PAGE[persona] == 302)


@pytest.mark.parametrize("persona", WRITE_API)
def test_it_lets_only_writers_in_scope_add_villages_through_the_api(personas, persona):
    api = APIClient()
    api.force_authenticate(getattr(personas, persona))
    response = api.post("/api/v1/villages/", {"commune": personas.commune_a.code, "name": "Bản Khuổi Khí"})
    assert response.status_code == WRITE_API[persona]
    assert Village.objects.filter(name="Bản Khuổi Khí").exists() == (WRITE_API[persona] == 201)


def test_it_sends_anonymous_visitors_to_the_login_page(client, personas):
    response = client.get(reverse("commune-detail", args=[personas.commune_a.code]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    response = client.post(reverse("commune-detail", args=[personas.commune_a.code]), {"name": "Thôn X"})
    assert response.status_code == 302
    assert not Village.objects.exists()


def test_it_refuses_the_api_without_credentials(personas):
    assert APIClient().get("/api/v1/communes/").status_code == 401
    assert APIClient().post("/api/v1/villages/", {"commune": personas.commune_a.code, "name": "X"}).status_code == 401


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer_a", {"Xã Bằng Thành"}),
        ("officer_b", {"Xã Nghiên Loan"}),
        ("staff", {"Xã Bằng Thành", "Xã Nghiên Loan"}),
        ("auditor", {"Xã Bằng Thành", "Xã Nghiên Loan"}),
        ("donor", set()),
        ("staff_q", {"Xã Ngoài Tỉnh"}),
    ],
)
def test_it_lists_only_communes_in_scope(client, personas, persona, expected):
    user = getattr(personas, persona)
    api = APIClient()
    api.force_authenticate(user)
    listed = {row["name"] for row in api.get("/api/v1/communes/").json()["results"]}
    assert listed == expected
    page = _client_for(client, user).get(reverse("commune-list")).content.decode()
    every = {"Xã Bằng Thành", "Xã Nghiên Loan", "Xã Ngoài Tỉnh"}
    assert {name for name in every if name in page} == expected


@pytest.mark.parametrize(
    ("persona", "sees_it"),
    [
        ("officer_a", True),
        ("staff", True),
        ("auditor", True),
        ("officer_b", False),
        ("staff_q", False),
        ("donor", False),
    ],
)
def test_records_of_a_merged_commune_roll_up_to_its_successor(personas, persona, sees_it):
    child = ChildFactory(commune=personas.commune_a0)
    visible = Child.objects.visible_to(getattr(personas, persona))
    assert visible.filter(pk=child.pk).exists() is sees_it


def test_a_user_with_two_roles_writes_only_where_a_writing_role_applies(client, personas):
    # Commune officer of A and auditor of the whole province: may read B, may add villages only in A.
    from portal.models import RoleAssignment
    from portal.permissions import Role

    RoleAssignment.objects.create(user=personas.officer_a, role=Role.AUDITOR, unit=personas.province)
    client.force_login(personas.officer_a)
    assert client.get(reverse("commune-detail", args=[personas.commune_b.code])).status_code == 200
    assert client.post(reverse("commune-detail", args=[personas.commune_b.code]), {"name": "T"}).status_code == 403
    assert client.post(reverse("commune-detail", args=[personas.commune_a.code]), {"name": "T"}).status_code == 302
