"""Importing children and their needs from Excel: preview every bad row, then save all rows or none."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import load_workbook

from needs.models import Category, Child, Need, NeedEvent, NeedStatus
from portal.models import ImportRecord, ImportStatus, Village
from portal.spreadsheets.importing import import_purge_stale
from tests.factories import ChildFactory
from tests.needs.excel_files import HEADERS, many_rows, row, upload, workbook_bytes

pytestmark = pytest.mark.django_db


def post_file(client, data: bytes, name="danh-sach.xlsx"):
    return client.post(reverse("needs-import"), {"file": upload(data, name)})


def preview(client, user, rows):
    client.force_login(user)
    response = post_file(client, workbook_bytes(rows))
    assert response.status_code == 302, response.content.decode()[-2000:]
    record = ImportRecord.objects.latest("created_at")
    return record, client.get(response["Location"])


def errors_by_row(record) -> dict[int, str]:
    return {error["row"]: " ".join(error["messages"]) for error in record.report["errors"]}


def test_it_previews_every_bad_row_with_its_number_and_reason_and_saves_nothing(client, personas):
    rows = [
        row(),
        row(name="Sùng A Páo", sex="Nam", birth="31/02/2018"),
        row(name="Vàng Thị Say", commune="Xã Không Tồn Tại"),
        row(name="Lầu Thị Pà", commune="Xã Nghiên Loan"),
        row(name="Thào A Dính", sex="Nam", birth="14/03/18"),
        row(name="", group="Không Rõ"),
        row(name="Mùa A Chứ", sex="Nam", category="Xe đạp"),
        row(name="Hầu Thị Chá", birth="01/01/2000"),
    ]
    record, page = preview(client, personas.officer_a, rows)

    found = errors_by_row(record)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9]
    assert "Ngày sinh: Ngày “31/02/2018” không có thật." in found[3]
    assert "không tìm thấy “Xã Không Tồn Tại”" in found[4]
    assert "“Xã Nghiên Loan” không thuộc phạm vi bạn phụ trách" in found[5]
    assert "Năm phải ghi đủ 4 chữ số" in found[6]
    assert "Họ và tên trẻ: Chưa nhập." in found[7]
    assert "Không có dân tộc “Không Rõ”" in found[7]
    assert "Không có loại hỗ trợ “Xe đạp”" in found[8]
    assert "Đã đủ 18 tuổi" in found[9]
    html = page.content.decode()
    assert "Có 7 dòng lỗi" in html
    assert reverse("needs-import-confirm", args=[record.token]) not in html
    assert not Child.objects.exists()
    assert not Need.objects.exists()


def test_it_refuses_a_file_with_wrong_columns_before_keeping_it(client, personas):
    client.force_login(personas.officer_a)
    data = workbook_bytes([row()[:3]], headers=["Họ tên", "Giới tính", "Năm sinh"])
    response = post_file(client, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cột không có trong mẫu: “Họ tên”, “Năm sinh”" in html
    assert "Thiếu cột bắt buộc" in html
    assert not ImportRecord.objects.exists()


def _encrypted() -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(workbook_bytes([row()]))).encrypt("mat-khau", out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048, "cu.xls", "Excel 97–2003 (.xls)"),
        (_encrypted, "mat-khau.xlsx", "đặt mật khẩu"),
        (lambda: b"Ho va ten;Ngay sinh\r\nA;1/1/2018\r\n", "doi-ten.xlsx", "CSV"),
        (lambda: workbook_bytes([], headers=None), "trong.xlsx", "không có dòng tiêu đề"),
        (lambda: workbook_bytes([row()], merge="A1:C1"), "gop.xlsx", "ô gộp (A1:C1)"),
    ],
)
def test_it_tells_why_a_file_cannot_be_read(client, personas, make, name, message):
    client.force_login(personas.officer_a)
    response = post_file(client, make(), name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_it_imports_a_5000_row_file_after_preview(client, personas):
    record, _page = preview(client, personas.officer_a, many_rows(5000))
    assert record.report["errors"] == []
    assert record.report["counts"] == {"children_new": 5000, "children_existing": 0, "needs": 5000}
    assert not Child.objects.exists()  # the preview saved nothing
    assert len(record.rows["rows"]) == 5000  # kept for the confirm step

    response = client.post(reverse("needs-import-confirm", args=[record.token]))

    assert response.status_code == 302
    assert Child.objects.filter(commune=personas.commune_a).count() == 5000
    assert Need.objects.filter(status=NeedStatus.DRAFT, commune=personas.commune_a).count() == 5000
    child = Child.objects.get(full_name="Hoàng Văn Thắng 42")
    assert child.name_key == "hoang van thang 42"
    assert child.created_by == personas.officer_a
    assert child.code.startswith(f"{personas.commune_a.code}-")
    need = child.needs.get()
    assert (need.category, need.season, need.unit_cost, need.estimated_cost) == (
        "warm_clothing",
        "W2026",
        250000,
        250000,
    )
    # The audit trail: one record of the import, history rows by the officer, an event per need.
    record.refresh_from_db()
    assert record.status == ImportStatus.IMPORTED
    assert record.counts == {"children_new": 5000, "children_existing": 0, "needs": 5000}
    assert len(record.sha256) == 64
    assert record.rows is None  # only the checksum of a file of children's data is kept
    assert Child.history.filter(history_user=personas.officer_a, history_type="+").count() == 5000
    created = Child.history.get(id=child.pk)
    assert (created.full_name, created.code, created.history_change_reason) == (
        child.full_name,
        child.code,
        "Nhập từ Excel: danh-sach.xlsx",
    )
    assert Need.history.filter(history_user=personas.officer_a).count() == 5000
    assert NeedEvent.objects.filter(action="import", actor=personas.officer_a).count() == 5000


def test_it_reads_real_excel_dates_and_derives_the_season(client, personas):
    rows = [row(birth=dt.datetime(2018, 3, 14), season="", category="Học bổng, sách vở, đồ dùng học tập")]
    record, _page = preview(client, personas.officer_a, rows)
    client.post(reverse("needs-import-confirm", args=[record.token]))
    need = Need.objects.get()
    assert need.child.birth_date == dt.date(2018, 3, 14)
    assert need.season.startswith("SY")


def test_it_saves_nothing_when_one_row_is_bad(client, personas):
    record, _page = preview(client, personas.officer_a, [*many_rows(20), row(birth="hôm qua")])
    response = client.post(reverse("needs-import-confirm", args=[record.token]), follow=True)
    assert "có dòng lỗi, chưa lưu dòng nào" in response.content.decode()
    assert not Child.objects.exists()
    assert not Need.objects.exists()
    record.refresh_from_db()
    assert record.status == ImportStatus.PENDING


def test_it_saves_nothing_when_the_database_fails_in_the_middle(client, personas):
    record, _page = preview(client, personas.officer_a, many_rows(2500))
    assert record.report["errors"] == []
    with connection.cursor() as cursor:  # a failure the preview could not foresee, in the third batch
        cursor.execute(
            """
            CREATE FUNCTION refuse_one() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_one BEFORE INSERT ON needs_child FOR EACH ROW
            WHEN (NEW.full_name = 'Hoàng Văn Thắng 2100') EXECUTE FUNCTION refuse_one();
            """
        )
    response = client.post(reverse("needs-import-confirm", args=[record.token]))
    assert response.status_code == 302
    assert not Child.objects.exists()
    assert not Need.objects.exists()
    assert not NeedEvent.objects.exists()
    record.refresh_from_db()
    assert record.status == ImportStatus.PENDING
    assert "Không có dòng nào được lưu" in record.report["file_errors"][0]


def test_it_refuses_confirmation_by_another_user(client, personas):
    record, _page = preview(client, personas.officer_a, [row()])
    client.force_login(personas.staff)
    assert client.get(reverse("needs-import-preview", args=[record.token])).status_code == 404
    assert client.post(reverse("needs-import-confirm", args=[record.token])).status_code == 404
    assert client.post(reverse("needs-import-cancel", args=[record.token])).status_code == 404
    assert not Child.objects.exists()
    record.refresh_from_db()
    assert record.status == ImportStatus.PENDING


def test_it_confirms_only_once(client, personas):
    record, _page = preview(client, personas.officer_a, [row()])
    client.post(reverse("needs-import-confirm", args=[record.token]))
    assert client.post(reverse("needs-import-confirm", args=[record.token])).status_code == 404
    assert Need.objects.count() == 1


def test_it_cancels_and_forgets_the_rows(client, personas):
    record, _page = preview(client, personas.officer_a, [row()])
    assert record.rows is not None
    client.post(reverse("needs-import-cancel", args=[record.token]))
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED
    assert record.rows is None


def test_it_refuses_duplicate_needs_in_the_file_and_against_the_database(client, personas):
    registered = ChildFactory(full_name="Giàng Thị Mỷ", birth_date=dt.date(2018, 3, 14), commune=personas.commune_a)
    existing = Need.objects.create(
        child=registered,
        commune=personas.commune_a,
        category=Category.WARM_CLOTHING,
        quantity=1,
        unit_cost=200000,
        season="W2026",
        justification="Đã đăng ký",
    )
    rows = [
        row(name="Giang Thi My"),  # the registered child, typed without diacritics: same need this winter
        row(name="Vừ A Sếnh", sex="Nam"),
        row(name="Vừ A Sếnh", sex="Nam", cost="300000"),  # same child, category and season as the row above
        row(name="Giàng Thị Mỷ", category="Khám, chữa bệnh", season="Y2026"),  # the registered child, a new need
    ]
    record, page = preview(client, personas.officer_a, rows)
    found = errors_by_row(record)
    assert sorted(found) == [2, 4]
    assert f"nhu cầu số {existing.pk}" in found[2]
    assert "Trùng với dòng 3" in found[4]
    assert record.report["warnings"][0]["row"] == 5
    assert registered.code in record.report["warnings"][0]["messages"][0]
    assert "Cần lưu ý" in page.content.decode()


def test_it_attaches_needs_to_an_already_registered_child(client, personas):
    registered = ChildFactory(full_name="Giàng Thị Mỷ", birth_date=dt.date(2018, 3, 14), commune=personas.commune_a)
    rows = [row(name="GIÀNG THỊ MỶ"), row(name="Giàng Thị Mỷ", category="Khám, chữa bệnh", season="Năm 2026")]
    record, _page = preview(client, personas.officer_a, rows)
    assert record.report["counts"] == {"children_new": 0, "children_existing": 1, "needs": 2}
    client.post(reverse("needs-import-confirm", args=[record.token]))
    assert Child.objects.count() == 1
    assert registered.needs.count() == 2


def test_it_checks_the_village_belongs_to_the_commune(client, personas):
    Village.objects.create(commune=personas.commune_a, name="Thôn Nà Mò")
    Village.objects.create(commune=personas.commune_b, name="Thôn Khuổi Hẻo")
    record, _page = preview(
        client, personas.officer_a, [row(village="Nà Mò"), row(name="Lý Văn Tòn", sex="Nam", village="Thôn Khuổi Hẻo")]
    )
    assert list(errors_by_row(record)) == [3]
    assert "không có thôn/bản “Thôn Khuổi Hẻo”" in errors_by_row(record)[3]


def test_it_lets_department_staff_import_for_any_commune_of_their_province(client, personas):
    rows = [
        row(commune="Xã Bằng Thành"),
        row(name="Lò Văn A", sex="Nam", commune="Nghiên Loan"),
        row(name="Lò Văn B", sex="Nam", commune="Xã Ngoài Tỉnh"),
    ]
    record, _page = preview(client, personas.staff, rows)
    assert list(errors_by_row(record)) == [4]
    assert "không thuộc phạm vi" in errors_by_row(record)[4]


@pytest.mark.parametrize("who", ["leader", "auditor", "donor"])
def test_it_refuses_the_import_to_roles_that_do_not_register_needs(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("needs-import")).status_code == 403
    assert client.get(reverse("needs-import-template")).status_code == 403


def test_it_sends_anonymous_visitors_to_log_in(client):
    assert client.get(reverse("needs-import"))["Location"].startswith(reverse("login"))


def _template_lists(client, user) -> tuple[dict[str, list[str]], object]:
    client.force_login(user)
    response = client.get(reverse("needs-import-template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    hidden = book["DanhMuc"]
    lists = {}
    for column in hidden.iter_cols(values_only=True):
        lists[column[0]] = [value for value in column[1:] if value]
    return lists, book


def test_the_template_offers_only_communes_and_villages_in_scope(client, personas):
    Village.objects.create(commune=personas.commune_a, name="Thôn Nà Mò")
    Village.objects.create(commune=personas.commune_b, name="Thôn Khuổi Hẻo")
    lists, book = _template_lists(client, personas.officer_a)
    assert lists["ds_xa"] == ["Xã Bằng Thành"]
    assert lists["ds_thon"] == ["Thôn Nà Mò"]
    assert "Mông" in lists["ds_dan_toc"]
    assert len(lists["ds_dan_toc"]) == 56  # the 54 groups, foreigners (55) and not known (99)
    assert [cell.value for cell in book["DanhSach"][1]][:3] == HEADERS[:3]
    assert book["DanhMuc"].sheet_state == "hidden"
    commune_column = HEADERS.index("Xã (*)")
    formulas = {v.formula1 for v in book["DanhSach"].data_validations.dataValidation}
    assert "=ds_xa" in formulas
    assert book["DanhSach"].cell(row=1, column=commune_column + 1).value == "Xã (*)"

    staff_lists, _book = _template_lists(client, personas.staff)
    assert sorted(staff_lists["ds_xa"]) == ["Xã Bằng Thành", "Xã Nghiên Loan"]


def test_a_filled_template_imports(client, personas):
    _lists, book = _template_lists(client, personas.officer_a)
    sheet = book["DanhSach"]
    values = {
        "Họ và tên trẻ (*)": "Triệu Thị Mẩy",
        "Giới tính (*)": "Nữ",
        "Ngày sinh (*)": "05/09/2016",
        "Dân tộc (*)": "Dao",
        "Xã (*)": "Xã Bằng Thành",
        "Loại hỗ trợ (*)": "Bữa ăn dinh dưỡng",
        "Đơn giá dự kiến (đồng) (*)": "1.500.000",
        "Mùa/đợt": "Năm học 2026–2027",
        "Lý do, căn cứ (*)": "Suy dinh dưỡng",
        "Điện thoại người giám hộ": 912345678,
    }
    for index, header in enumerate(next(sheet.iter_rows(values_only=True)), start=1):
        sheet.cell(row=2, column=index, value=values.get(header))
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(personas.officer_a)
    response = post_file(client, buffer.getvalue())
    record = ImportRecord.objects.get()
    assert record.report["errors"] == [], record.report
    client.post(reverse("needs-import-confirm", args=[record.token]))
    child = Child.objects.get()
    assert child.guardian_phone == "0912345678"
    assert child.needs.get().season == "SY2026"
    assert response.status_code == 302


def test_it_purges_imports_left_unconfirmed(client, personas):
    record, _page = preview(client, personas.officer_a, [row()])
    assert import_purge_stale() == 0
    ImportRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    assert import_purge_stale() == 1
    record.refresh_from_db()
    assert record.status == ImportStatus.EXPIRED
    assert record.rows is None


def test_the_upload_page_links_the_template_and_lists_recent_imports(client, personas):
    record, _page = preview(client, personas.officer_a, [row()])
    html = client.get(reverse("needs-import")).content.decode()
    assert reverse("needs-import-template") in html
    assert reverse("needs-import-preview", args=[record.token]) in html
    client.force_login(personas.officer_b)  # another officer does not see it
    other = client.get(reverse("needs-import")).content.decode()
    assert reverse("needs-import-preview", args=[record.token]) not in other
