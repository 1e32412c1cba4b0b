"""Importing donors and pledges from Excel: every bad row shown before anything is saved, then all rows or none,
only by department staff and only into their own province."""

import io
import unicodedata

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from donors.models import Donor, DonorType, Pledge, PledgeEvent, PledgeKind, PledgeStatus
from needs.models import Category
from portal.models import ImportRecord, ImportStatus
from tests.donors.factories import CampaignFactory, DonorFactory
from tests.needs.excel_files import upload, workbook_bytes

pytestmark = pytest.mark.django_db

DONOR_HEADERS = ["Tên nhà tài trợ (*)", "Loại nhà tài trợ (*)", "Mã số thuế", "Quốc gia", "Không công khai tên"]
PLEDGE_HEADERS = [
    "Nhà tài trợ (mã số thuế hoặc tên) (*)",
    "Hình thức (*)",
    "Ngày cam kết (*)",
    "Số tiền cam kết (đồng)",
    "Loại hỗ trợ",
    "Mặt hàng",
    "Số lượng",
    "Đơn giá (đồng)",
    "Đợt vận động",
]


def donor_row(name="Công ty Cổ phần Trà Tân Cương", type="Doanh nghiệp", tax="4600123456", country="", anon=""):
    return [name, type, tax, country, anon]


def pledge_row(donor="4600123456", kind="Tiền", on="10/01/2026", amount="50.000.000", category="", item="",
               quantity=None, unit_value=None, campaign=""):  # fmt: skip
    return [donor, kind, on, amount, category, item, quantity, unit_value, campaign]


def stage(client, user, what, headers, rows, sheet):
    client.force_login(user)
    data = workbook_bytes(rows, headers=headers, sheet=sheet)
    response = client.post(reverse(f"{what}-import"), {"file": upload(data)})
    assert response.status_code == 302, response.content.decode()[-2000:]
    record = ImportRecord.objects.latest("created_at")
    return record, client.get(response["Location"])


def stage_donors(client, user, rows):
    return stage(client, user, "donors", DONOR_HEADERS, rows, "NhaTaiTro")


def stage_pledges(client, user, rows):
    return stage(client, user, "pledges", PLEDGE_HEADERS, rows, "CamKet")


def errors_by_row(record) -> dict[int, str]:
    return {error["row"]: " ".join(error["messages"]) for error in record.report["errors"]}


def test_it_previews_every_bad_donor_row_and_saves_nothing(client, personas):
    DonorFactory(province=personas.province, name="Quỹ Ánh Dương", tax_code="0100000001")
    rows = [
        donor_row(),
        donor_row(name="Ông Lục Văn Khánh", type="Người tốt", tax=""),
        donor_row(name="", tax="4600999999"),
        donor_row(name="Công ty Trùng Mã", tax="4600123456"),
        donor_row(name="Quỹ Ánh Dương mới", tax="0100000001"),
        donor_row(name="Hội Từ thiện Nhật", type="Nhà tài trợ nước ngoài", tax="", country="Japan"),
    ]
    record, page = stage_donors(client, personas.staff, rows)

    found = errors_by_row(record)
    assert sorted(found) == [3, 4, 5, 6, 7]
    assert "Không có loại nhà tài trợ “Người tốt”" in found[3]
    assert "Tên nhà tài trợ: Chưa nhập." in found[4]
    assert "Trùng mã số thuế với dòng 2." in found[5]
    assert "Mã số thuế 0100000001 đã có trong danh sách nhà tài trợ (Quỹ Ánh Dương)." in found[6]
    assert "Ghi mã quốc gia 2 chữ cái" in found[7]
    html = page.content.decode()
    assert "Có 5 dòng lỗi" in html
    assert reverse("donors-import-confirm", args=[record.token]) not in html
    assert Donor.objects.count() == 1


def test_it_previews_every_bad_pledge_row_and_saves_nothing(client, personas):
    DonorFactory(province=personas.province, name="Công ty Chè Thái Nguyên", tax_code="4600123456")
    DonorFactory(province=personas.province, name="Quỹ Ánh Dương")
    DonorFactory(province=personas.other_province, name="Công ty Ngoài Tỉnh", tax_code="2000000002")
    CampaignFactory(province=personas.province, name="Tết yêu thương 2026")
    rows = [
        pledge_row(campaign="Tết yêu thương 2026"),
        pledge_row(
            donor="Quỹ Ánh Dương",
            kind="Hiện vật",
            amount="",
            category="Đồ ấm",
            item="Áo ấm",
            quantity=100,
            unit_value="150.000",
        ),
        pledge_row(on="31/02/2026"),
        pledge_row(amount="năm triệu"),
        pledge_row(amount=""),
        pledge_row(donor="Công ty Chưa Có"),
        pledge_row(donor="2000000002"),
        pledge_row(campaign="Trung thu 2030"),
        pledge_row(kind="Hiện vật", amount="", category="Đồ ấm", item="", quantity=10, unit_value=1000),
        pledge_row(donor=""),
    ]
    record, page = stage_pledges(client, personas.staff, rows)

    found = errors_by_row(record)
    assert sorted(found) == [4, 5, 6, 7, 8, 9, 10, 11]
    assert "Ngày cam kết: Ngày “31/02/2026” không có thật." in found[4]
    assert "“năm triệu” không phải là số" in found[5]
    assert "Cam kết bằng tiền cần số tiền." in found[6]
    assert "Chưa có nhà tài trợ “Công ty Chưa Có”" in found[7]
    assert "không thuộc phạm vi bạn phụ trách" in found[8]
    assert "Không có đợt vận động “Trung thu 2030”" in found[9]
    assert "Mặt hàng: Cam kết hiện vật cần ghi cột này." in found[10]
    assert "Nhà tài trợ (mã số thuế hoặc tên): Chưa nhập." in found[11]
    assert "Có 8 dòng lỗi" in page.content.decode()
    assert not Pledge.objects.exists()


def test_it_saves_all_pledge_rows_on_confirm_with_events_and_items(client, personas):
    donor = DonorFactory(province=personas.province, name="Công ty Chè Thái Nguyên", tax_code="4600123456")
    fund = DonorFactory(province=personas.province, name="Quỹ Ánh Dương")
    campaign = CampaignFactory(province=personas.province, name="Tết yêu thương 2026")
    rows = [
        pledge_row(campaign="tet yeu thuong 2026", category="Bữa ăn dinh dưỡng"),
        pledge_row(
            donor="quỹ ánh dương",
            kind="Hiện vật",
            amount="",
            category="Đồ ấm",
            item="Áo ấm",
            quantity=100,
            unit_value="150.000",
        ),
    ]
    record, _page = stage_pledges(client, personas.staff, rows)
    assert record.report["errors"] == []
    assert not Pledge.objects.exists()

    response = client.post(reverse("pledges-import-confirm", args=[record.token]))

    assert response.status_code == 302
    cash = Pledge.objects.get(donor=donor)
    assert (cash.kind, cash.amount, cash.status, cash.campaign) == (
        PledgeKind.CASH,
        50_000_000,
        PledgeStatus.PLEDGED,
        campaign,
    )
    assert cash.earmark_categories == [Category.NUTRITION]
    goods = Pledge.objects.get(donor=fund)
    assert goods.amount == 15_000_000
    assert list(goods.items.values_list("description", "quantity", "unit_value")) == [("Áo ấm", 100, 150_000)]
    assert PledgeEvent.objects.filter(action="create", actor=personas.staff).count() == 2
    assert cash.history.get().history_user == personas.staff
    record.refresh_from_db()
    assert record.status == ImportStatus.IMPORTED


def test_it_saves_no_donor_when_a_row_became_invalid_before_confirming(client, personas):
    record, _page = stage_donors(
        client, personas.staff, [donor_row(), donor_row(name="Quỹ Hy Vọng", type="Quỹ từ thiện", tax="0100000009")]
    )
    assert record.report["errors"] == []
    DonorFactory(province=personas.province, name="Quỹ Hy Vọng Tỉnh", tax_code="0100000009")  # meanwhile

    response = client.post(reverse("donors-import-confirm", args=[record.token]))

    assert response.status_code == 302
    assert response["Location"] == reverse("donors-import-preview", args=[record.token])
    assert not Donor.objects.filter(tax_code="4600123456").exists()
    record.refresh_from_db()
    assert record.status == ImportStatus.PENDING
    assert 3 in errors_by_row(record)


def test_it_saves_every_donor_on_confirm(client, personas):
    record, _page = stage_donors(
        client,
        personas.staff,
        [donor_row(anon="Có"), donor_row(name="Ông Lục Văn Khánh", type="Cá nhân", tax="")],
    )
    client.post(reverse("donors-import-confirm", args=[record.token]))

    company = Donor.objects.get(tax_code="4600123456")
    assert (company.province, company.type, company.country, company.anonymous_publicly) == (
        personas.province,
        DonorType.COMPANY,
        "VN",
        True,
    )
    assert Donor.objects.search("luc van khanh").get().type == DonorType.INDIVIDUAL


def test_it_keeps_staff_of_another_province_out(client, personas):
    DonorFactory(province=personas.province, name="Công ty Chè Thái Nguyên", tax_code="4600123456")
    record, _page = stage_pledges(client, personas.staff_q, [pledge_row()])

    assert "không thuộc phạm vi bạn phụ trách" in errors_by_row(record)[2]
    response = client.post(reverse("pledges-import-confirm", args=[record.token]))
    assert response.status_code == 302
    assert not Pledge.objects.exists()

    # Donors imported by the other province's staff land in their province, never in this one.
    record, _page = stage_donors(client, personas.staff_q, [donor_row(tax="9999999999")])
    client.post(reverse("donors-import-confirm", args=[record.token]))
    assert Donor.objects.get(tax_code="9999999999").province == personas.other_province


def test_it_does_not_let_another_user_confirm_my_import(client, personas):
    record, _page = stage_donors(client, personas.staff, [donor_row()])
    client.force_login(personas.staff_q)
    assert client.post(reverse("donors-import-confirm", args=[record.token])).status_code == 404
    assert not Donor.objects.exists()


@pytest.mark.parametrize("username", ["donor", "officer_a", "auditor", "leader"])
@pytest.mark.parametrize("what", ["donors", "pledges"])
def test_it_requires_the_manage_donors_permission(client, personas, username, what):
    client.force_login(getattr(personas, username))
    assert client.get(reverse(f"{what}-import")).status_code == 403
    assert client.get(reverse(f"{what}-import-template")).status_code == 403
    data = workbook_bytes([donor_row()], headers=DONOR_HEADERS, sheet="NhaTaiTro")
    assert client.post(reverse(f"{what}-import"), {"file": upload(data)}).status_code == 403
    assert not ImportRecord.objects.exists()


def test_it_offers_templates_with_drop_down_lists(client, personas):
    CampaignFactory(province=personas.province, name="Tết yêu thương 2026", end_date="2099-01-01")
    CampaignFactory(province=personas.other_province, name="Đợt tỉnh khác", end_date="2099-01-01")
    client.force_login(personas.staff)

    book = load_workbook(io.BytesIO(client.get(reverse("pledges-import-template")).content))
    lists = book["DanhMuc"]
    offered = {lists.cell(1, col).value: [c.value for c in lists[lists.cell(1, col).column_letter][1:]]
               for col in range(1, lists.max_column + 1)}  # fmt: skip
    assert [c.value for c in book["CamKet"][1]][:2] == ["Nhà tài trợ (mã số thuế hoặc tên) (*)", "Hình thức (*)"]
    assert "Tết yêu thương 2026" in offered["ds_dot"]
    assert "Đợt tỉnh khác" not in offered["ds_dot"]
    assert "Đồ ấm" in offered["ds_loai"]
    assert len(book["CamKet"].data_validations.dataValidation) == 3

    book = load_workbook(io.BytesIO(client.get(reverse("donors-import-template")).content))
    lists = book["DanhMuc"]
    assert "Quỹ từ thiện" in [c.value for c in lists["A"]]


def test_it_links_the_imports_from_the_lists_for_staff_only(client, personas):
    client.force_login(personas.staff)
    assert "Nhập danh sách nhà tài trợ từ Excel" in client.get(reverse("donors-import")).content.decode()
    assert reverse("donors-import") in client.get(reverse("donor-list")).content.decode()
    assert reverse("pledges-import-template") in client.get(reverse("pledge-list")).content.decode()
    client.force_login(personas.donor)
    assert reverse("pledges-import") not in client.get(reverse("pledge-list")).content.decode()


def test_a_donor_list_typed_in_nfd_is_stored_in_nfc_and_pledges_find_it_by_name(client, personas):
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731 - decomposed, as Unikey's "Unicode tổ hợp" types
    record, _page = stage_donors(client, personas.staff, [donor_row(name=nfd("Công ty Cổ phần Đường Bắc Kạn"))])
    client.post(reverse("donors-import-confirm", args=[record.token]))
    donor = Donor.objects.get(name="Công ty Cổ phần Đường Bắc Kạn")

    record, _page = stage_pledges(client, personas.staff, [pledge_row(donor="Công ty Cổ phần Đường Bắc Kạn")])
    assert errors_by_row(record) == {}
    client.post(reverse("pledges-import-confirm", args=[record.token]))
    assert Pledge.objects.get().donor == donor


def test_a_pledge_names_with_the_vietnamese_d_a_donor_stored_with_a_look_alike(client, personas):
    donor = DonorFactory(province=personas.province, name="Quỹ \u00d0ồng Hành", tax_code="")
    record, _page = stage_pledges(client, personas.staff, [pledge_row(donor="Quỹ Đồng Hành")])
    assert errors_by_row(record) == {}
    client.post(reverse("pledges-import-confirm", args=[record.token]))
    assert Pledge.objects.get().donor == donor
