import datetime as dt

import pytest
from django.urls import reverse

from allocations.models import Delivery, DeliveryEvidence, NeedBalance
from allocations.services import LedgerError, batch_reverse, delivery_record
from needs.models import NeedStatus
from portal.uploads import check_upload
from tests.allocations.conftest import png_upload
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def test_partial_deliveries_then_the_need_is_delivered(personas, funded):
    girl = funded["girl"]
    delivery_record(
        user=personas.officer_a, need=girl, delivered_on=TODAY, quantity=1, children_reached=1, handed_over_by="Cô Hà"
    )
    girl.refresh_from_db()
    assert girl.status == NeedStatus.FUNDED
    delivery_record(
        user=personas.officer_a, need=girl, delivered_on=TODAY, quantity=1, children_reached=1, handed_over_by="Cô Hà"
    )
    girl.refresh_from_db()
    assert girl.status == NeedStatus.DELIVERED
    assert NeedBalance.objects.get(need=girl).delivered_quantity == 2


def test_it_refuses_to_deliver_more_than_was_paid_for(personas, funded):
    school = funded["school"]  # 555,555 đ of 1,000,000: five units paid for
    with pytest.raises(LedgerError, match="Chỉ còn 5"):
        delivery_record(
            user=personas.officer_b,
            need=school,
            delivered_on=TODAY,
            quantity=6,
            children_reached=30,
            handed_over_by="X",
        )
    delivery_record(
        user=personas.officer_b, need=school, delivered_on=TODAY, quantity=5, children_reached=30, handed_over_by="X"
    )
    school.refresh_from_db()
    assert school.status == NeedStatus.PARTLY_FUNDED


def test_a_batch_whose_support_was_handed_over_cannot_be_reversed(personas, funded):
    delivery_record(
        user=personas.officer_a, need=funded["girl"], delivered_on=TODAY, quantity=1, children_reached=1,
        handed_over_by="Cô Hà",
    )  # fmt: skip
    with pytest.raises(LedgerError, match="vượt phần đã được tài trợ"):
        batch_reverse(user=personas.staff, batch=funded["batch"], reason="nhầm")


def test_only_the_communes_officer_records_deliveries(client, personas, funded):
    url = reverse("allocations:delivery-new", args=[funded["girl"].pk])
    client.login(username="officer_b", password=PASSWORD)
    assert client.get(url).status_code == 404
    client.login(username="staff", password=PASSWORD)
    assert client.get(url).status_code == 403
    client.login(username="officer_a", password=PASSWORD)
    response = client.post(
        url,
        {
            "delivered_on": "2026-11-20", "quantity": 2, "children_reached": 1, "handed_over_by": "Cô Hà",
            "evidence": png_upload(), "shows_children": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302
    evidence = DeliveryEvidence.objects.get()
    assert evidence.content_type == "image/png"
    assert "trao" not in evidence.file.name  # stored under a random name


def test_evidence_is_checked_by_content_and_served_only_in_scope(client, personas, funded):
    url = reverse("allocations:delivery-new", args=[funded["girl"].pk])
    client.login(username="officer_a", password=PASSWORD)
    fake = png_upload("anh.png")
    fake.file.write(b"")
    fake = type(fake)("anh.png", b"MZ not an image", content_type="image/png")
    response = client.post(
        url,
        {"delivered_on": "2026-11-20", "quantity": 1, "children_reached": 1, "handed_over_by": "A", "evidence": fake},
    )
    assert response.status_code == 200
    assert "không phải loại được nhận" in response.content.decode()
    assert not Delivery.objects.exists()
    delivery = delivery_record(
        user=personas.officer_a, need=funded["girl"], delivered_on=TODAY, quantity=1, children_reached=1,
        handed_over_by="A", evidence=[(check_upload(png_upload()), True)],
    )  # fmt: skip
    evidence_url = reverse("allocations:evidence", args=[delivery.evidence.get().pk])
    assert client.get(evidence_url).status_code == 200
    client.login(username="officer_b", password=PASSWORD)
    assert client.get(evidence_url).status_code == 404
    client.login(username="staff_q", password=PASSWORD)
    assert client.get(evidence_url).status_code == 404
