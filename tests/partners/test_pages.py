"""A partner's pages: recording support (đồng and dates typed the Vietnamese way, evidence checked, overlaps
confirmed with a reason), looking a child up by code, and the commune sharing a child with consent."""

import base64
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allocations.models import PartnerSupport
from allocations.services import allocation_create
from needs.models import ChildShare, ConsentPurpose
from portal.models import AccessLog
from tests.allocations.factories import child_need, receipt_for
from tests.partners.factories import PartnerSupportFactory

pytestmark = pytest.mark.django_db

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _form(partner, **changes):
    data = {
        "partner": partner.pk,
        "child_code": "",
        "category": "warm_clothing",
        "description": "Áo ấm, chăn",
        "value": "1.250.000",
        "quantity": "5",
        "children_count": "",
        "given_on": "20/10/2026",
    }
    return {**data, **changes}


def test_it_records_support_to_a_group_with_evidence(client, personas, partner, partner_user):
    client.force_login(partner_user)
    data = _form(partner, commune=personas.commune_a.pk, children_count="5")
    data["evidence"] = SimpleUploadedFile("bien-ban.png", PNG, content_type="image/png")
    response = client.post(reverse("partners:support-new"), data)
    assert response.status_code == 302
    support = PartnerSupport.objects.get()
    assert (support.value, support.quantity, support.given_on) == (1_250_000, 5, dt.date(2026, 10, 20))
    assert support.season == "W2026"
    assert support.recorded_by == partner_user
    assert client.get(reverse("partners:support-evidence", args=[support.pk])).status_code == 200
    page = client.get(reverse("partners:home")).content.decode()
    assert "1.250.000" in page
    assert personas.commune_a.name in page


def test_it_refuses_a_file_that_is_not_a_photo_or_document_and_keeps_what_was_typed(
    client, personas, partner, partner_user
):
    client.force_login(partner_user)
    data = _form(partner, commune=personas.commune_a.pk, children_count="5", description="Áo ấm đặc biệt")
    data["evidence"] = SimpleUploadedFile("anh.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(reverse("partners:support-new"), data)
    assert response.status_code == 200
    assert "Nội dung tệp không phải loại được nhận" in response.content.decode()
    assert "Áo ấm đặc biệt" in response.content.decode()
    assert not PartnerSupport.objects.exists()


def test_an_overlap_is_shown_before_saving_and_saved_once_the_partner_says_why(client, personas, partner, partner_user):
    need = child_need(personas.commune_a, unit_cost=350_000)
    allocation_create(user=personas.staff, receipt=receipt_for(personas.province), need=need, amount=350_000)
    client.force_login(partner_user)
    data = _form(partner, child_code=need.child.code, quantity="1", value="300.000")
    response = client.post(reverse("partners:support-new"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "cùng loại hỗ trợ trong mùa này" in page
    assert "350.000" in page
    assert not PartnerSupport.objects.exists()
    response = client.post(reverse("partners:support-new"), {**data, "overlap_reason": "Trao trước, chưa biết"})
    assert response.status_code == 302
    client.force_login(personas.staff)
    overlaps = client.get(reverse("partners:overlap-list")).content.decode()
    assert need.child.code in overlaps
    assert "Trao trước, chưa biết" in overlaps
    assert need.child.full_name not in overlaps


def test_a_partner_sees_a_childs_name_only_once_the_commune_shared_it_with_consent(
    client, personas, partner, partner_user
):
    child = child_need(personas.commune_a, birth_date=dt.date(2016, 5, 1)).child
    client.force_login(partner_user)
    lookup = reverse("partners:lookup") + f"?code={child.code}"
    page = client.get(lookup).content.decode()
    assert child.code in page
    assert child.full_name not in page
    # The commune officer shares the child on its page; a child of 9 must agree too.
    client.force_login(personas.officer_a)
    share = {"share-partner": partner.pk, "share-giver_name": "Giàng A Pó", "share-given_on": "01/09/2026"}
    refused = client.post(reverse("needs:child-share", args=[child.pk]), share)
    assert "cần cả sự đồng ý của trẻ" in refused.content.decode()
    client.post(reverse("needs:child-share", args=[child.pk]), {**share, "share-child_agrees": "on"})
    assert ChildShare.objects.filter(child=child, partner=partner).exists()
    assert child.consents.filter(purpose=ConsentPurpose.SHARE_WITH_PARTNER).count() == 2
    client.force_login(partner_user)
    assert child.full_name in client.get(lookup).content.decode()
    assert AccessLog.objects.filter(user=partner_user, record_code=child.code).exists()
    # The guardian withdraws the consent: the name is gone again.
    child.consents.filter(given_by="guardian").update(withdrawn_on=dt.date(2026, 9, 2))
    assert child.full_name not in client.get(lookup).content.decode()


def test_a_partner_cannot_look_up_a_child_of_another_province(client, personas, partner_user):
    other = child_need(personas.commune_c).child
    client.force_login(partner_user)
    page = client.get(reverse("partners:lookup") + f"?code={other.code}").content.decode()
    assert "Không có trẻ mang mã hồ sơ này" in page


def test_a_child_registered_in_a_commune_since_merged_is_found_and_supported(client, personas, partner, partner_user):
    child = child_need(personas.commune_a0).child  # Xã Bộc Bố (cũ), merged into commune A in July 2025
    client.force_login(partner_user)
    assert personas.commune_a0.name in client.get(reverse("partners:lookup") + f"?code={child.code}").content.decode()
    response = client.post(reverse("partners:support-new"), _form(partner, child_code=child.code, quantity="1"))
    assert response.status_code == 302
    assert PartnerSupport.objects.get().commune == personas.commune_a0


def test_the_partner_and_overlap_lists_cost_the_same_queries_for_many_rows(client, personas, partner, partner_user):
    def rows(n):
        for _ in range(n):
            child = child_need(personas.commune_a).child
            PartnerSupportFactory(partner=partner, child=child, commune=personas.commune_a)
            PartnerSupportFactory(partner=partner, child=child, commune=personas.commune_a, value=1, overlap_reason="x")

    def count(user, url):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    rows(2)
    few = count(partner_user, reverse("partners:home")), count(personas.staff, reverse("partners:overlap-list"))
    rows(8)
    many = count(partner_user, reverse("partners:home")), count(personas.staff, reverse("partners:overlap-list"))
    assert many == few
