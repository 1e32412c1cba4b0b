"""The donor registry, pledge and receipt pages as staff and donors use them."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from donors.models import Donor, Pledge, PledgeStatus, Receipt
from portal.models import RoleAssignment
from portal.permissions import Role
from tests.donors.factories import DonorFactory, make_pledge, receive_money

pytestmark = pytest.mark.django_db


def _donor_form(personas, **overrides):
    data = {
        "province": personas.province.pk,
        "type": "company",
        "name": "Công ty TNHH Chè Tân Cương",
        "tax_code": "4600123456",
        "country": "VN",
    }
    return {**data, **overrides}


def test_staff_register_a_donor(client, personas):
    client.force_login(personas.staff)
    response = client.post(reverse("donor-create"), _donor_form(personas))
    donor = Donor.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("donor-detail", args=[donor.pk])
    assert donor.province == personas.province
    assert donor.name_key == "cong ty tnhh che tan cuong"


@pytest.mark.parametrize(
    "overrides",
    [{"name": "Cty khác hẳn", "tax_code": "4600123456"}, {"name": "Chè Tân Cương", "tax_code": ""}],
    ids=["same-tax-code", "similar-name"],
)
def test_it_warns_of_a_possible_duplicate_before_saving_and_staff_may_proceed(client, personas, overrides):
    existing = DonorFactory(province=personas.province, name="Công ty Cổ phần Chè Tân Cương", tax_code="4600123456")
    client.force_login(personas.staff)
    response = client.post(reverse("donor-create"), _donor_form(personas, **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Có thể trùng với nhà tài trợ đã có" in page
    assert existing.name in page
    assert f'value="{overrides["name"]}"' in page  # what was typed is kept
    assert Donor.objects.count() == 1
    response = client.post(reverse("donor-create"), _donor_form(personas, confirm_duplicate="on", **overrides))
    assert response.status_code == 302
    assert Donor.objects.count() == 2


def test_the_form_keeps_input_and_says_what_is_wrong(client, personas):
    client.force_login(personas.staff)
    response = client.post(reverse("donor-create"), _donor_form(personas, name="", email="not-an-email"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="4600123456"' in page
    assert 'value="not-an-email"' in page
    assert page.count('class="error"') >= 2
    assert not Donor.objects.exists()


@pytest.mark.parametrize("query", ["Chè Tân Cương", "che tan cuong", "CHE TAN", "4600123456"])
def test_it_finds_donors_with_or_without_diacritics(client, personas, query):
    DonorFactory(province=personas.province, name="Công ty Chè Tân Cương", tax_code="4600123456")
    DonorFactory(province=personas.province, name="Quỹ Ánh Dương")
    client.force_login(personas.staff)
    page = client.get(reverse("donor-list"), {"q": query}).content.decode()
    assert "Công ty Chè Tân Cương" in page
    assert "Quỹ Ánh Dương" not in page


def test_staff_create_a_login_for_a_donor_contact_who_sets_the_password_by_email(client, personas):
    donor = DonorFactory(province=personas.province)
    client.force_login(personas.staff)
    response = client.post(
        reverse("donor-account-create", args=[donor.pk]),
        {"username": "tra.pham", "full_name": "Phạm Thu Trang", "email": "trang@example.invalid"},
    )
    assert response.status_code == 302
    user = donor.members.get()
    assert user.username == "tra.pham"
    assert RoleAssignment.objects.filter(user=user, role=Role.DONOR, unit=None).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["trang@example.invalid"]
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    client.logout()
    follow = client.get(link, follow=True)
    assert follow.status_code == 200
    response = client.post(
        follow.redirect_chain[-1][0], {"new_password1": "Mây-núi-2026!", "new_password2": "Mây-núi-2026!"}
    )
    assert response.status_code == 302
    assert client.login(username="tra.pham", password="Mây-núi-2026!")


def test_a_taken_username_is_refused_and_the_input_kept(client, personas):
    donor = DonorFactory(province=personas.province)
    client.force_login(personas.staff)
    response = client.post(
        reverse("donor-account-create", args=[donor.pk]),
        {"username": "STAFF", "full_name": "Phạm Thu Trang", "email": "trang@example.invalid"},
    )
    assert response.status_code == 200
    assert "Tên đăng nhập này đã có người dùng." in response.content.decode()
    assert 'value="trang@example.invalid"' in response.content.decode()
    assert not donor.members.exists()


def test_staff_record_a_cash_pledge_with_earmarks(client, personas):
    donor = DonorFactory(province=personas.province)
    client.force_login(personas.staff)
    response = client.post(
        reverse("pledge-create"),
        {
            "donor": donor.pk,
            "kind": "cash",
            "amount": "120000000",
            "pledged_on": "2026-06-01",
            "receive_by": "2026-12-31",
            "earmark_categories": ["warm_clothing", "nutrition"],
            "earmark_communes": [personas.commune_a.pk],
            "earmark_age_bands": ["3-5"],
            **_empty_items(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    pledge = Pledge.objects.get()
    assert (pledge.status, pledge.amount, pledge.submitted_by) == (PledgeStatus.PLEDGED, 120_000_000, personas.staff)
    assert pledge.earmark_categories == ["warm_clothing", "nutrition"]
    assert list(pledge.earmark_communes.all()) == [personas.commune_a]
    page = client.get(response.url).content.decode()
    assert "120.000.000\u00a0đ" in page
    assert "Đã cam kết" in page


def _empty_items():
    return {
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }


def test_an_in_kind_pledge_is_valued_from_its_items(client, personas):
    donor = DonorFactory(province=personas.province)
    client.force_login(personas.staff)
    response = client.post(
        reverse("pledge-create"),
        {
            "donor": donor.pk,
            "kind": "in_kind",
            "pledged_on": "2026-06-01",
            **_empty_items(),
            "items-0-category": "warm_clothing",
            "items-0-description": "Áo phao",
            "items-0-clothing_size": "8-9",
            "items-0-quantity": "100",
            "items-0-unit_value": "180000",
            "items-1-category": "education",
            "items-1-description": "Bộ sách",
            "items-1-quantity": "50",
            "items-1-unit_value": "250000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    pledge = Pledge.objects.get()
    assert pledge.amount == 100 * 180_000 + 50 * 250_000
    assert pledge.items.count() == 2


def test_a_donor_submits_a_pledge_online_that_waits_for_staff(client, personas):
    donor = DonorFactory(province=personas.province, members=[personas.donor])
    client.force_login(personas.donor)
    response = client.post(
        reverse("pledge-create"),
        {"donor": donor.pk, "kind": "cash", "amount": "5000000", "pledged_on": "2026-11-01", **_empty_items()},
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.status == PledgeStatus.PENDING
    page = client.get(response.url).content.decode()
    assert "Chờ xác nhận" in page
    assert "Xác nhận cam kết" not in page  # only staff confirm
    client.force_login(personas.staff)
    client.post(reverse("pledge-transition", args=[pledge.pk, "confirm"]), {"reason": ""})
    assert Pledge.objects.get().status == PledgeStatus.PLEDGED


def test_a_receipt_beyond_the_pledge_shows_a_warning_and_needs_the_checkbox(client, personas):
    donor = DonorFactory(province=personas.province)
    pledge = make_pledge(donor, amount=10_000_000)
    receive_money(pledge, 8_000_000)
    client.force_login(personas.staff)
    url = reverse("receipt-create", args=[pledge.pk])
    data = {"kind": "money", "received_on": "2026-03-01", "amount": "5000000", "method": "bank_transfer"}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "vượt giá trị đã cam kết" in page
    assert 'value="5000000"' in page
    assert Receipt.objects.count() == 1
    response = client.post(url, {**data, "confirm_beyond_pledge": "on"})
    assert response.status_code == 302
    receipt = Receipt.objects.latest("pk")
    assert receipt.beyond_pledge_confirmed
    page = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert "13.000.000\u00a0đ" in page
    assert "Đã nhận đủ" in page


def test_the_pledge_page_shows_every_status_change_with_who_and_why(client, personas):
    donor = DonorFactory(province=personas.province)
    pledge = make_pledge(donor, actor=personas.staff)
    client.force_login(personas.staff)
    client.post(reverse("pledge-transition", args=[pledge.pk, "cancel"]), {"reason": "Nhà tài trợ rút lại"})
    page = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert "Nhà tài trợ rút lại" in page
    assert page.count(personas.staff.get_full_name()) >= 2
    assert "Đã hủy" in page


def test_cancelling_without_a_reason_is_refused_with_a_message(client, personas):
    pledge = make_pledge(DonorFactory(province=personas.province))
    client.force_login(personas.staff)
    response = client.post(reverse("pledge-transition", args=[pledge.pk, "cancel"]), {"reason": ""}, follow=True)
    assert "Cần ghi lý do hủy cam kết." in response.content.decode()
    assert Pledge.objects.get().status == PledgeStatus.PLEDGED


def test_the_donor_home_page_lists_their_pledges_with_received_amounts(client, personas):
    donor = DonorFactory(province=personas.province, members=[personas.donor])
    pledge = make_pledge(donor, amount=10_000_000)
    receive_money(pledge, 2_500_000)
    make_pledge(DonorFactory(province=personas.province, name="Nhà Tài Trợ Khác"), amount=7_000_000)
    client.force_login(personas.donor)
    page = client.get(reverse("home")).content.decode()
    assert "Cam kết của quý vị" in page
    assert "2.500.000\u00a0đ" in page
    assert "Đã nhận một phần" in page
    assert "Nhà Tài Trợ Khác" not in page
    assert "7.000.000" not in page


def test_staff_home_shows_pledges_waiting_for_confirmation(client, personas):
    make_pledge(DonorFactory(province=personas.province), online=True)
    client.force_login(personas.staff)
    page = client.get(reverse("home")).content.decode()
    assert "cam kết gửi trực tuyến chờ xác nhận" in page


@pytest.mark.parametrize(("persona", "links"), [("staff", 6), ("donor", 2), ("officer_a", 0)])
def test_the_menu_shows_donor_pages_by_permission(client, personas, persona, links):
    client.force_login(getattr(personas, persona))
    page = client.get(reverse("home")).content.decode()
    menu = page.split('class="nav"')[1].split("</nav>")[0]
    donor_links = ("/donors/", "/pledges/", "/campaigns/", "/plans/", "/sponsorships/", "/commendation/")
    assert sum(f'href="{url}"' in menu for url in donor_links) == links


def _create_rows(personas, n):
    for _ in range(n):
        donor = DonorFactory(province=personas.province, members=[personas.donor])
        receive_money(make_pledge(donor, earmark_categories=["nutrition"]), 1_000_000, on=dt.date(2026, 3, 1))


@pytest.mark.parametrize(
    ("persona", "url", "params"),
    [
        ("staff", "donor-list", {}),
        ("staff", "donor-list", {"q": "cong ty"}),
        ("staff", "pledge-list", {}),
        ("donor", "pledge-list", {}),
        ("staff", "commendation", {"start": "2026-01-01", "end": "2026-12-31"}),
    ],
)
def test_list_pages_take_the_same_number_of_queries_for_any_number_of_rows(
    client, personas, django_assert_num_queries, persona, url, params
):
    client.force_login(getattr(personas, persona))
    _create_rows(personas, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url), params).status_code == 200
    _create_rows(personas, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse(url), params).status_code == 200
