import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_django_admin_is_for_superusers_only(client, personas):
    personas.staff.is_staff = True  # even a staff flag set by mistake does not open the admin
    personas.staff.save()
    client.force_login(personas.staff)
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_token_login_gives_a_token_that_opens_the_api(personas):
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = api.get("/api/v1/me/").json()
    assert me["username"] == "officer_a"
    assert me["roles"] == ["commune_officer"]
    assert "register_needs" in me["permissions"]
    assert "verify_needs" not in me["permissions"]


@pytest.mark.django_db
def test_token_login_refuses_a_wrong_password(personas):
    response = APIClient().post("/api/v1/auth/token/", {"username": "officer_a", "password": "wrong"})
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.django_db
def test_the_openapi_schema_documents_the_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/communes/", "/api/v1/villages/", "/api/v1/auth/token/", "/api/v1/me/"} <= set(paths)
