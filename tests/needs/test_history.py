"""An inspector reads what changed on a child's record, and who read it."""

import pytest
from django.urls import reverse

from tests.factories import ChildFactory


@pytest.fixture
def child(personas):
    return ChildFactory(
        commune=personas.commune_a, guardian_name="Giàng A Páo", guardian_phone="0912345678", school_level="primary"
    )


def _edit_form(child, **changes) -> dict:
    data = {
        "full_name": child.full_name,
        "sex": child.sex,
        "birth_date": child.birth_date.strftime("%d/%m/%Y"),
        "ethnic_group": child.ethnic_group_id,
        "commune": child.commune_id,
        "school_level": child.school_level,
        "guardian_name": child.guardian_name,
        "guardian_phone": child.guardian_phone,
    }
    return data | changes


@pytest.fixture
def phone_changed(client, personas, child):
    client.force_login(personas.officer_a)
    response = client.post(reverse("needs:child-edit", args=[child.pk]), _edit_form(child, guardian_phone="0987654321"))
    assert response.status_code == 302
    client.logout()
    return child


def test_the_auditor_sees_who_changed_the_guardians_phone(client, personas, phone_changed):
    client.force_login(personas.auditor)
    page = client.get(reverse("needs:child-detail", args=[phone_changed.pk])).content.decode()
    assert "Lịch sử thay đổi" in page
    assert "Điện thoại người giám hộ: 0912345678 → 0987654321" in page
    assert personas.officer_a.get_full_name() in page
