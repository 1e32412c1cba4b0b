"""Names typed in decomposed Unicode (NFD: Unikey's "Unicode tổ hợp", some Excel files) are kept precomposed (NFC),
so they are found, compared and de-duplicated like the same name typed on any other keyboard."""

import unicodedata

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from needs.models import Category, Child, Need
from portal.models import ImportRecord, Village
from tests.factories import ChildFactory
from tests.needs.excel_files import row, upload, workbook_bytes
from tests.needs.factories import group_need
from tests.needs.test_views import _quick

pytestmark = pytest.mark.django_db


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_nfd_is_really_another_spelling():
    assert nfd("Triệu Thị Mẩy") != "Triệu Thị Mẩy"


def test_a_name_typed_in_nfd_on_the_register_page_is_stored_in_nfc(client, personas):
    client.force_login(personas.officer_a)
    typed = {
        "child-full_name": nfd("Triệu Thị Mẩy"),
        "child-guardian_name": nfd("Triệu Văn Tòn"),
        "need-justification": nfd("Nhà trên núi cao, rét đậm"),
    }
    response = client.post(reverse("needs:register"), _quick(personas, **typed))
    assert response.status_code == 302, response.content.decode()[-2000:]

    child = Child.objects.get(full_name="Triệu Thị Mẩy")
    assert child.guardian_name == "Triệu Văn Tòn"
    assert child.needs.get().justification == "Nhà trên núi cao, rét đậm"


def test_a_name_posted_in_nfd_to_the_api_is_stored_in_nfc(personas):
    api = APIClient()
    api.force_authenticate(personas.officer_a)
    response = api.post(
        "/api/v1/children/",
        {
            "full_name": nfd("Lý Thị Mẩy"),
            "sex": "F",
            "birth_date": "2019-05-02",
            "ethnic_group": "09",
            "commune": personas.commune_a.code,
            "guardian_name": nfd("Lý Văn Đức"),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["full_name"] == "Lý Thị Mẩy"
    assert Child.objects.filter(full_name="Lý Thị Mẩy", guardian_name="Lý Văn Đức").exists()


def test_a_form_encoded_api_post_is_stored_in_nfc(personas):
    api = APIClient()
    api.force_authenticate(personas.officer_a)
    response = api.post(
        "/api/v1/needs/",
        {
            "commune": personas.commune_a.code,
            "facility_name": nfd("Điểm trường Khuổi Khí"),
            "beneficiary_count": 25,
            "category": Category.PLAY,
            "quantity": 1,
            "unit_cost": 30_000_000,
            "justification": nfd("Chưa có sân chơi"),
        },
    )
    assert response.status_code == 201, response.json()
    assert Need.objects.filter(facility_name="Điểm trường Khuổi Khí", justification="Chưa có sân chơi").exists()


def test_a_facility_searched_in_nfd_is_found_on_the_page_and_in_the_api(client, personas):
    group_need(personas.commune_a, facility_name="Điểm trường Khuổi Khí")
    typed = nfd("Khuổi Khí")
    client.force_login(personas.officer_a)
    assert "Điểm trường Khuổi Khí" in client.get(reverse("needs:need-list"), {"q": typed}).content.decode()
    api = APIClient()
    api.force_authenticate(personas.officer_a)
    assert len(api.get("/api/v1/needs/", {"q": typed}).json()["results"]) == 1


@pytest.mark.parametrize(("stored", "typed"), [("Ðặng Thị Mai", "Đặng Thị Mai"), ("Đặng Thị Mai", "Ðặng thị mai")])
def test_a_name_with_the_eth_look_alike_is_found_by_the_vietnamese_d_and_back(client, personas, stored, typed):
    ChildFactory(commune=personas.commune_a, full_name=stored)
    client.force_login(personas.officer_a)
    assert stored in client.get(reverse("needs:child-list"), {"q": typed}).content.decode()
    assert stored in client.get(reverse("needs:child-list"), {"q": "dang thi mai"}).content.decode()


# --- Excel -------------------------------------------------------------------------------------------------------
HEADERS = [
    "Họ và tên trẻ (*)",
    "Giới tính (*)",
    "Ngày sinh (*)",
    "Dân tộc (*)",
    "Xã (*)",
    "Họ tên cha, mẹ hoặc người giám hộ",
    "Loại hỗ trợ (*)",
    "Đơn giá dự kiến (đồng) (*)",
    "Mùa/đợt",
    "Lý do, căn cứ (*)",
]


def child_row(name="Giàng Thị Mỷ", guardian="Giàng A Dính", category="Đồ ấm", why="Nhà nghèo, mùa đông lạnh"):
    return [name, "Nữ", "14/03/2018", "Mông", "Xã Bằng Thành", guardian, category, "250.000", "", why]


def import_rows(client, user, rows):
    client.force_login(user)
    response = client.post(reverse("needs-import"), {"file": upload(workbook_bytes(rows, headers=HEADERS))})
    assert response.status_code == 302, response.content.decode()[-2000:]
    record = ImportRecord.objects.latest("created_at")
    return record, client.post(reverse("needs-import-confirm", args=[record.token]))


def test_an_excel_file_in_nfd_is_stored_in_nfc(client, personas):
    rows = [[nfd(value) if isinstance(value, str) else value for value in child_row()]]
    record, response = import_rows(client, personas.officer_a, rows)
    assert record.report["errors"] == []
    assert response.status_code == 302

    child = Child.objects.get(full_name="Giàng Thị Mỷ")
    assert child.guardian_name == "Giàng A Dính"
    assert child.needs.get().justification == "Nhà nghèo, mùa đông lạnh"


def test_the_same_child_on_an_nfc_line_and_an_nfd_line_is_one_child(client, personas):
    rows = [
        child_row(category="Đồ ấm"),
        [nfd(value) for value in child_row(category="Bữa ăn dinh dưỡng")],
    ]
    record, response = import_rows(client, personas.officer_a, rows)
    assert record.report["errors"] == []
    assert response.status_code == 302
    child = Child.objects.get()
    assert child.needs.count() == 2


def test_the_same_need_on_an_nfc_line_and_an_nfd_line_is_a_duplicate(client, personas):
    rows = [child_row(), [nfd(value) for value in child_row()]]
    client.force_login(personas.officer_a)
    client.post(reverse("needs-import"), {"file": upload(workbook_bytes(rows, headers=HEADERS))})
    errors = ImportRecord.objects.latest("created_at").report["errors"]
    assert [error["row"] for error in errors] == [3]
    assert "Trùng với dòng 2" in " ".join(errors[0]["messages"])


def test_an_imported_village_typed_with_the_vietnamese_d_finds_one_stored_with_the_eth(client, personas):
    village = Village.objects.create(commune=personas.commune_a, name="Thôn Khau Ðấng")
    rows = [row(village="Thôn Khau Đấng")]
    client.force_login(personas.officer_a)
    client.post(reverse("needs-import"), {"file": upload(workbook_bytes(rows))})
    record = ImportRecord.objects.latest("created_at")
    assert record.report["errors"] == []
    client.post(reverse("needs-import-confirm", args=[record.token]))
    assert Child.objects.get().village == village
