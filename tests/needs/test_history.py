"""An inspector reads what changed on a child's record, and who read it (issue 14, item 5)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allocations.services import Line, batch_accept, batch_reverse, delivery_record
from needs import erasure
from needs.models import ChildConsent, ConsentGiver, ConsentPurpose, NeedStatus
from portal.models import AccessLog, AccessView
from tests.allocations.factories import PledgeFactory, ReceiptFactory
from tests.factories import ChildFactory, VillageFactory
from tests.needs.factories import NeedFactory

pytestmark = pytest.mark.django_db


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


def _edit(client, user, child, **changes):
    client.force_login(user)
    response = client.post(reverse("needs:child-edit", args=[child.pk]), _edit_form(child, **changes))
    assert response.status_code == 302
    client.logout()
    child.refresh_from_db()


@pytest.fixture
def phone_changed(client, personas, child):
    _edit(client, personas.officer_a, child, guardian_phone="0987654321")
    return child


def _page(client, user, child) -> str:
    client.force_login(user)
    response = client.get(reverse("needs:child-detail", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_auditor_sees_who_changed_the_guardians_phone(client, personas, phone_changed):
    page = _page(client, personas.auditor, phone_changed)
    assert "Lịch sử thay đổi" in page
    assert "Điện thoại người giám hộ: 0912345678 → 0987654321" in page
    assert personas.officer_a.get_full_name() in page


@pytest.mark.parametrize("persona", ["officer_a", "staff"])
def test_those_who_change_the_record_do_not_read_its_audit_trail(client, personas, phone_changed, persona):
    page = _page(client, getattr(personas, persona), phone_changed)
    assert "0987654321" in page  # the record itself
    assert "Lịch sử thay đổi" not in page
    assert "0912345678" not in page  # the old phone lives only in the history
    assert "Lượt xem, in dữ liệu cá nhân" not in page


@pytest.mark.parametrize(("persona", "status"), [("leader", 403), ("donor", 404), ("officer_b", 404), ("staff_q", 404)])
def test_no_one_else_reaches_the_childs_history(client, personas, phone_changed, persona, status):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("needs:child-detail", args=[phone_changed.pk]))
    assert response.status_code == status
    assert b"0912345678" not in response.content


def test_values_read_as_people_read_them(client, personas, child):
    """Choices by their label, foreign keys by their name, money in đồng, booleans Có/Không."""
    village = VillageFactory(commune=personas.commune_a, name="Thôn Khuổi Khỉn")
    _edit(client, personas.officer_a, child, sex="M", village=village.pk, school_level="lower_secondary")
    need = NeedFactory(child=child, unit_cost=350_000)
    need.unit_cost = 400_000
    need.save()
    consent = ChildConsent.objects.create(
        child=child, given_by=ConsentGiver.GUARDIAN, giver_name="Giàng A Páo", purpose=ConsentPurpose.USE_PHOTOS,
        given_on=dt.date(2026, 1, 1),
    )  # fmt: skip
    consent.withdrawn_on = dt.date(2026, 2, 3)
    consent.save()

    page = _page(client, personas.auditor, child)
    assert "Giới tính: Nữ → Nam" in page
    assert "Thôn/bản: — → Thôn Khuổi Khỉn" in page
    assert "Cấp học: Tiểu học → Trung học cơ sở" in page
    assert "Đơn giá dự kiến (đồng): 350.000\xa0đ → 400.000\xa0đ" in page
    assert "Ngày rút lại: — → 03/02/2026" in page
    assert "Cập nhật lúc" not in page  # timestamps that change with every save are not changes


@pytest.fixture
def ledger(personas, child):
    """The child's need funded by one batch, reversed, funded again and handed over."""
    need = NeedFactory(child=child, quantity=1, unit_cost=300_000, status=NeedStatus.VERIFIED)
    receipt = ReceiptFactory(pledge=PledgeFactory(donor__province=personas.province), amount=1_000_000)
    first = batch_accept(user=personas.staff, province=personas.province, lines=[Line(receipt.pk, need.pk, 300_000)])
    batch_reverse(user=personas.staff, batch=first, reason="Nhầm nhu cầu")
    batch_accept(user=personas.staff, province=personas.province, lines=[Line(receipt.pk, need.pk, 300_000)])
    delivery_record(
        user=personas.officer_a, need=need, delivered_on=dt.date(2026, 11, 20), quantity=1, children_reached=1,
        handed_over_by="Cô Hà",
    )  # fmt: skip
    return need


def test_allocations_and_deliveries_are_on_the_childs_timeline(client, personas, child, ledger):
    page = _page(client, personas.auditor, child)
    assert "Tạo khoản phân bổ" in page
    assert "Còn hiệu lực: Có → Không" in page  # the reversed batch
    assert "Nhầm nhu cầu" in page  # with its reason
    assert "Tạo lần trao hỗ trợ" in page
    assert personas.staff.get_full_name() in page


def _count_queries(client, user, child) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("needs:child-detail", args=[child.pk])).status_code == 200
    return len(queries)


def test_the_timeline_costs_the_same_queries_however_long_it_is(
    client, personas, child, ledger, django_assert_num_queries
):
    short = _count_queries(client, personas.auditor, child)
    for number in range(5):
        _edit(client, personas.officer_a, child, guardian_phone=f"09000000{number:02d}", notes=f"Lần {number}")
        NeedFactory(child=child, unit_cost=100_000 + number, season=f"W{2030 + number}")
    client.force_login(personas.auditor)
    with django_assert_num_queries(short):
        client.get(reverse("needs:child-detail", args=[child.pk]))
    assert short == 20, short  # 19, and the partner organisations the child is shared with


# --- Reads of personal data ---------------------------------------------------------------------------------------


def test_opening_the_record_is_logged_and_the_auditor_reads_the_log(client, personas, child):
    _page(client, personas.officer_a, child)
    client.force_login(personas.staff)
    client.get(reverse("needs:child-export", args=[child.pk]))  # the family's copy: logged as an export
    assert list(AccessLog.objects.values_list("user", "view", "record_code")) == [
        (personas.officer_a.pk, AccessView.PAGE, child.code)
    ]
    page = _page(client, personas.auditor, child)
    reads = page[page.index("Lượt xem, in dữ liệu cá nhân") :]
    assert personas.officer_a.get_full_name() in reads
    assert "Trang hồ sơ" in reads
    assert personas.staff.get_full_name() in reads
    assert "Phiếu thông tin cho gia đình (PDF)" in reads


def test_the_api_detail_is_logged_and_the_list_is_not(client, personas, child):
    client.force_login(personas.officer_a)
    assert client.get(reverse("api-child-list")).status_code == 200
    assert client.get(reverse("needs:child-list")).status_code == 200
    assert not AccessLog.objects.exists()
    assert client.get(reverse("api-child-detail", args=[child.pk])).status_code == 200
    assert list(AccessLog.objects.values_list("user", "view")) == [(personas.officer_a.pk, AccessView.API)]


def test_a_refused_read_is_not_logged_as_a_read(client, personas, child):
    for persona in ("leader", "officer_b", "donor"):
        client.force_login(getattr(personas, persona))
        client.get(reverse("needs:child-detail", args=[child.pk]))
        client.get(reverse("api-child-detail", args=[child.pk]))
    assert not AccessLog.objects.exists()


# --- Anonymisation ------------------------------------------------------------------------------------------------


def test_after_anonymisation_neither_history_nor_reads_bring_the_child_back(client, personas, phone_changed, ledger):
    name = phone_changed.full_name
    _page(client, personas.officer_a, phone_changed)
    erasure.child_anonymise(child=phone_changed, user=personas.staff, reason="Yêu cầu của người giám hộ")

    page = _page(client, personas.auditor, phone_changed)
    for personal in (name, "Giàng A Páo", "0912345678", "0987654321"):
        assert personal not in page
    history = page[page.index("Lịch sử thay đổi") :]
    assert "Ẩn danh theo yêu cầu" in history  # the anonymisation itself is on the record
    assert "Tạo lần trao hỗ trợ" in history  # what the figures count stays
    assert personas.officer_a.get_full_name() in history[history.index("Lượt xem") :]  # reads stay, by code only
