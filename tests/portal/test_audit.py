"""Changes to domain models are kept with who and when, and auditors read them on the object's page."""

import pytest
from django.urls import reverse

from portal.models import CommuneClassification


@pytest.fixture
def changed_commune(client, personas):
    client.force_login(personas.staff)
    client.post(reverse("commune-detail", args=[personas.commune_a.code]), {"name": "Thôn Nà Còn"})
    classification = CommuneClassification(
        commune=personas.commune_a, period_start="2026-01-01", decision="QĐ thử", mountainous=False
    )
    classification._history_user = personas.staff
    classification.save()
    classification.mountainous = True
    classification._history_user = personas.staff
    classification.save()
    client.logout()
    return personas.commune_a


def test_the_auditor_reads_who_changed_what(client, personas, changed_commune):
    client.force_login(personas.auditor)
    page = client.get(reverse("commune-detail", args=[changed_commune.code])).content.decode()
    assert "Lịch sử thay đổi" in page
    assert "Thôn Nà Còn" in page
    assert personas.staff.full_name in page
    assert "Miền núi: Không → Có" in page
    assert "Sửa phân loại xã" in page


def test_the_commune_officer_does_not_see_the_audit_trail(client, personas, changed_commune):
    client.force_login(personas.officer_a)
    page = client.get(reverse("commune-detail", args=[changed_commune.code])).content.decode()
    assert "Thôn Nà Còn" in page
    assert "Lịch sử thay đổi" not in page
