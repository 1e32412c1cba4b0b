"""Appeals (Decree 93/2021/NĐ-CP): the 90-day receiving window at every door (page, API, service), the 20-day
distribution deadline, pledges to an appeal kept to its communes unless staff release one with a reason."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from donors.appeals import appeal_release_commune
from donors.models import Appeal, AppealKind, Campaign, CampaignKind
from donors.transfer_codes import campaign_code
from tests.donors.factories import PDF, DonorFactory, make_pledge, open_appeal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _form(personas, **changes):
    data = {
        "province": personas.province.pk,
        "kind": AppealKind.DISASTER,
        "name": "Hỗ trợ trẻ em vùng lũ quét Bằng Thành",
        "decision_reference": "125/QĐ-UBND",
        "start_date": "20/07/2026",
        "end_date": "17/10/2026",  # the 90th day, both ends counted
        "communes": [personas.commune_a.pk],
        "beneficiary_criteria": "Trẻ em có nhà bị ngập, sập",
        "support_levels": "1.000.000 đ mỗi trẻ",
        "document_title": "Quyết định phát động",
        "document": SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf"),
    }
    return {**data, **changes}


def test_it_opens_an_appeal_of_90_days_on_the_page_with_its_code_and_deadline(client, personas):
    client.force_login(personas.staff)
    response = client.post(reverse("allocations:appeal-create"), _form(personas))
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert appeal.campaign.kind == CampaignKind.APPEAL
    assert appeal.distribute_by == dt.date(2026, 11, 6)  # 20 days after 17/10
    assert appeal.documents.get().content_type == "application/pdf"
    page = client.get(reverse("allocations:appeal-detail", args=[appeal.pk])).content.decode()
    assert str(campaign_code(appeal.campaign)) in page
    assert "06/11/2026" in page


def test_the_page_refuses_a_window_of_91_days_and_keeps_what_was_typed(client, personas):
    client.force_login(personas.staff)
    response = client.post(reverse("allocations:appeal-create"), _form(personas, end_date="18/10/2026"))
    assert response.status_code == 200
    assert "tối đa 90 ngày" in response.content.decode()
    assert "Hỗ trợ trẻ em vùng lũ quét Bằng Thành" in response.content.decode()
    assert not Campaign.objects.exists()


def test_the_page_refuses_a_decision_that_is_not_a_document(client, personas):
    client.force_login(personas.staff)
    fake = SimpleUploadedFile("qd.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("allocations:appeal-create"), _form(personas, document=fake))
    assert "Nội dung tệp không phải loại được nhận" in response.content.decode()
    assert not Appeal.objects.exists()


def test_the_api_refuses_a_window_of_91_days_and_accepts_90(personas):
    api = APIClient()
    api.force_authenticate(personas.staff)
    body = {
        "province": personas.province.code, "kind": "disaster", "name": "Lũ quét", "decision_reference": "1/QĐ",
        "start_date": "2026-07-20", "end_date": "2026-10-18", "communes": [personas.commune_a.code],
        "beneficiary_criteria": "Trẻ em bị ảnh hưởng", "support_levels": "1.000.000 đ",
    }  # fmt: skip
    refused = api.post("/api/v1/appeals/", body, format="json")
    assert refused.status_code == 400
    assert "end_date" in refused.json()
    accepted = api.post("/api/v1/appeals/", {**body, "end_date": "2026-10-17"}, format="json")
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["distribute_by"] == "2026-11-06"
    assert accepted.json()["transfer_code"].startswith(f"TE{personas.province.code}C")


def test_the_api_refuses_leadership_and_other_provinces(personas):
    api = APIClient()
    body = {"province": personas.province.code, "kind": "disaster", "name": "x", "start_date": "2026-07-20",
            "end_date": "2026-07-30", "communes": [personas.commune_a.code], "decision_reference": "1",
            "beneficiary_criteria": "x", "support_levels": "x"}  # fmt: skip
    api.force_authenticate(personas.leader)
    assert api.post("/api/v1/appeals/", body, format="json").status_code == 403
    api.force_authenticate(personas.staff_q)
    assert api.post("/api/v1/appeals/", body, format="json").status_code == 404
    assert not Appeal.objects.exists()


def test_the_service_refuses_91_days_whoever_calls_it(personas):
    with pytest.raises(ValidationError) as refused:
        open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a], days=91)
    assert "end_date" in refused.value.message_dict
    assert open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a], days=90)


def test_a_child_appeal_needs_the_child_in_its_communes_and_a_name_that_does_not_name_the_child(personas):
    from tests.factories import ChildFactory

    child = ChildFactory(commune=personas.commune_b, full_name="Lò Thị Bí Mật")
    with pytest.raises(ValidationError) as refused:
        open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a], child=child)
    assert "child" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        open_appeal(personas.staff, province=personas.province, communes=[personas.commune_b], child=child,
                    name="Cứu bé LO THI BI MAT")  # fmt: skip
    assert "name" in refused.value.message_dict


def test_pledges_to_an_appeal_stay_in_its_communes_until_staff_release_one_with_a_reason(personas):
    appeal = open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a])
    donor = DonorFactory(province=personas.province)
    pledge = make_pledge(donor, actor=personas.staff, campaign=appeal.campaign, pledged_on=dt.date(2026, 7, 25))
    assert set(pledge.earmark_communes.all()) == {personas.commune_a}
    with pytest.raises(ValidationError):
        make_pledge(donor, actor=personas.staff, campaign=appeal.campaign, communes=[personas.commune_b])
    with pytest.raises(ValidationError):
        appeal_release_commune(user=personas.staff, appeal=appeal, commune=personas.commune_b, reason="  ")
    release = appeal_release_commune(
        user=personas.staff, appeal=appeal, commune=personas.commune_b, reason="Xã Nghiên Loan cũng bị lũ"
    )
    assert release.actor == personas.staff
    assert set(pledge.earmark_communes.all()) == {personas.commune_a, personas.commune_b}


def test_a_pledge_after_the_receiving_window_is_refused(personas):
    appeal = open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a], days=30)
    donor = DonorFactory(province=personas.province)
    with pytest.raises(ValidationError) as refused:
        make_pledge(donor, actor=personas.staff, campaign=appeal.campaign, pledged_on=dt.date(2026, 8, 20))
    assert "campaign" in refused.value.message_dict
