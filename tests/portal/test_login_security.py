"""Login throttling (django-axes) and optional two-factor login (django-otp), tried from the outside."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def _fail(client, username, times):
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong password"})


@pytest.mark.django_db
def test_it_locks_a_username_after_five_failures_with_a_clear_message(client, personas):
    _fail(client, "officer_a", 5)
    response = client.post(LOGIN, {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 429
    text = response.content.decode()
    assert "tạm thời bị khóa đăng nhập" in text
    assert "15 phút" in text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_colleague_in_the_same_office_can_still_log_in(client, personas):
    _fail(client, "officer_a", 6)
    response = client.post(LOGIN, {"username": "officer_b", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.officer_b.pk)


@pytest.mark.django_db
def test_four_failures_then_the_right_password_log_in_and_reset_the_count(client, personas):
    _fail(client, "staff", 4)
    assert client.post(LOGIN, {"username": "staff", "password": PASSWORD}).status_code == 302
    client.logout()
    _fail(client, "staff", 4)
    assert client.post(LOGIN, {"username": "staff", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_the_api_token_endpoint_is_locked_too_and_answers_json(client, personas):
    for _ in range(5):
        client.post("/api/v1/auth/token/", {"username": "staff", "password": "nope"})
    response = client.post("/api/v1/auth/token/", {"username": "staff", "password": PASSWORD})
    assert response.status_code == 429
    assert "thử lại sau 15 phút" in response.json()["detail"]


def _code(device, steps_ahead=0) -> str:
    """The app's code now, or as it will show `steps_ahead` periods later (django-otp accepts one step of
    drift, and never the same code twice: a user logging in again waits for the next code)."""
    t0 = device.t0 - steps_ahead * device.step
    return f"{totp(device.bin_key, step=device.step, t0=t0, digits=device.digits):06d}"


def _enrol(client, user) -> TOTPDevice:
    client.force_login(user)
    page = client.get(reverse("otp-setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("otp-setup"), {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "Mã không đúng" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code; the user waits a moment
    assert client.post(reverse("otp-setup"), {"code": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    client.logout()
    return device


@pytest.mark.django_db
def test_staff_who_switch_on_two_factor_must_enter_a_code_after_the_password(client, personas):
    device = _enrol(client, personas.staff)
    assert client.post(LOGIN, {"username": "staff", "password": PASSWORD}).status_code == 302
    blocked = client.get("/communes/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("otp-verify"))
    assert "Mã gồm 6 chữ số" in client.post(reverse("otp-verify"), {"code": "12345x"}).content.decode()
    device.refresh_from_db()
    response = client.post(reverse("otp-verify"), {"code": _code(device, 1), "next": "/communes/"})
    assert response.status_code == 302
    assert response["Location"] == "/communes/"
    assert client.get("/communes/").status_code == 200


@pytest.mark.django_db
def test_the_code_page_never_redirects_to_another_site(client, personas):
    device = _enrol(client, personas.staff)
    client.post(LOGIN, {"username": "staff", "password": PASSWORD})
    response = client.post(reverse("otp-verify"), {"code": _code(device, 1), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_an_api_token_needs_the_code_once_two_factor_is_on(client, personas):
    device = _enrol(client, personas.leader)
    without = client.post("/api/v1/auth/token/", {"username": "leader", "password": PASSWORD})
    assert without.status_code in (400, 401, 403)
    assert "token" not in without.json()
    device.refresh_from_db()
    device.throttle_reset()  # a failed attempt slows down the next; the script waits a moment
    data = {"username": "leader", "password": PASSWORD, "otp_token": _code(device, 1)}
    assert "token" in client.post("/api/v1/auth/token/", data).json()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["officer_a", "donor"])
def test_two_factor_is_offered_to_staff_leadership_and_auditors_only(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("otp-setup")).status_code == 403
    assert reverse("otp-setup") not in client.get("/").content.decode()
