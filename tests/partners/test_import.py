"""A partner's support list from Excel: every bad row shown before anything is saved, then all rows or none; the
no-overlap rule checks each row against what is saved and against the file's earlier rows."""

import pytest
from django.urls import reverse

from allocations.models import PartnerSupport
from allocations.services import allocation_create
from portal.models import ImportRecord, ImportStatus
from tests.allocations.factories import child_need, receipt_for
from tests.needs.excel_files import upload, workbook_bytes

pytestmark = pytest.mark.django_db

HEADERS = [
    "Mã hồ sơ của trẻ",
    "Xã",
    "Loại hỗ trợ (*)",
    "Nội dung hỗ trợ (*)",
    "Giá trị (đồng) (*)",
    "Số lượng (*)",
    "Số trẻ được nhận",
    "Ngày hỗ trợ (*)",
    "Lý do hỗ trợ trùng",
]


def row(code="", commune="", category="Đồ ấm", value="300.000", quantity=1, children=None, on="20/10/2026", why=""):
    return [code, commune, category, "Áo ấm", value, quantity, children, on, why]


def stage(client, user, rows):
    client.force_login(user)
    response = client.post(
        reverse("partners-import"), {"file": upload(workbook_bytes(rows, headers=HEADERS, sheet="HoTro"))}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return ImportRecord.objects.latest("created_at"), client.get(response["Location"])


def test_every_bad_row_is_shown_and_nothing_is_saved(client, personas, partner_user):
    saved = child_need(personas.commune_a, unit_cost=350_000)
    allocation_create(user=personas.staff, receipt=receipt_for(personas.province), need=saved, amount=350_000)
    twice = child_need(personas.commune_b).child
    rows = [
        row(commune=personas.commune_a.name, children=30, value="9.000.000", quantity=30),  # good
        row(code=saved.child.code),  # the department already clothed this child this winter
        row(code=twice.code),  # good
        row(code=twice.code),  # the same child twice in the file
        row(code="99999-00001"),  # no such child
        row(commune=personas.commune_c.name, children=5),  # another province
        row(code=twice.code, category="Học bổng, sách vở, đồ dùng học tập", value="10,5"),  # ambiguous amount
    ]
    record, _preview = stage(client, partner_user, rows)
    errors = {error["row"]: " ".join(error["messages"]) for error in record.report["errors"]}
    assert sorted(errors) == [3, 5, 6, 7, 8]
    assert "cùng loại hỗ trợ trong mùa này" in errors[3]
    assert "Trùng với dòng 4" in errors[5]
    assert "không phải là xã của tỉnh" in errors[7]
    response = client.post(reverse("partners-import-confirm", args=[record.token]))
    assert response.status_code == 302
    assert not PartnerSupport.objects.exists()
    record.refresh_from_db()
    assert record.status == ImportStatus.PENDING


def test_a_clean_list_is_saved_whole_with_overlaps_explained(client, personas, partner, partner_user):
    saved = child_need(personas.commune_a, unit_cost=350_000)
    allocation_create(user=personas.staff, receipt=receipt_for(personas.province), need=saved, amount=350_000)
    rows = [
        row(commune=personas.commune_a.name, children=30, value="9.000.000", quantity=30),
        row(code=saved.child.code, why="Áo của Sở bị cháy cùng nhà"),
    ]
    record, _preview = stage(client, partner_user, rows)
    assert record.report["errors"] == []
    client.post(reverse("partners-import-confirm", args=[record.token]))
    record.refresh_from_db()
    assert record.status == ImportStatus.IMPORTED
    assert sorted(PartnerSupport.objects.values_list("value", flat=True)) == [300_000, 9_000_000]
    assert set(PartnerSupport.objects.values_list("partner", flat=True)) == {partner.pk}
    assert PartnerSupport.history.count() == 2


def test_support_recorded_after_the_preview_refuses_the_whole_list_on_confirming(client, personas, partner_user):
    child = child_need(personas.commune_a, unit_cost=350_000)
    record, _preview = stage(
        client, partner_user, [row(commune=personas.commune_a.name, children=3), row(code=child.child.code)]
    )
    assert record.report["errors"] == []
    allocation_create(user=personas.staff, receipt=receipt_for(personas.province), need=child, amount=350_000)
    client.post(reverse("partners-import-confirm", args=[record.token]))
    record.refresh_from_db()
    assert record.status == ImportStatus.PENDING
    assert "cùng loại hỗ trợ trong mùa này" in " ".join(e for item in record.report["errors"] for e in item["messages"])
    assert not PartnerSupport.objects.exists()
