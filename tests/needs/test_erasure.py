"""A guardian's rights: the printed copy of everything held about the child, and anonymisation on request."""

import datetime as dt
import os

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from allocations.services import Line, batch_accept, delivery_record
from donors.models import Sponsorship
from needs import services
from needs.erasure import ANONYMISED_NAME, child_anonymise
from needs.models import Child, ChildConsent, ConsentGiver, ConsentPurpose, Need, NeedAttachment, NeedStatus
from portal.models import ExportLog, Village
from portal.uploads import check_upload
from tests.allocations.conftest import png_upload
from tests.allocations.factories import receipt_for
from tests.factories import ChildFactory
from tests.needs.factories import NeedFactory
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

NAME, GUARDIAN, PHONE = "Sùng Thị Pằng", "Sùng A Chứ", "0987654321"
SECRETS = (NAME, GUARDIAN, PHONE, "Pằng thích vẽ", "Bố mất sớm, Pằng ở với ông bà")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pang(personas):
    """A child with everything a record can hold: consents, a delivered need with a photo, a sponsorship."""
    village = Village.objects.create(commune=personas.commune_a, name="Bản Khuổi Vạc")
    child = ChildFactory(
        commune=personas.commune_a,
        village=village,
        full_name=NAME,
        birth_date=dt.date(2016, 4, 23),
        school_name="Trường PTDTBT Tiểu học Bằng Thành",
        special_circumstances=["orphan"],
        guardian_name=GUARDIAN,
        guardian_phone=PHONE,
        notes="Pằng thích vẽ",
    )
    for giver, giver_name in ((ConsentGiver.GUARDIAN, GUARDIAN), (ConsentGiver.CHILD, NAME)):
        ChildConsent.objects.create(
            child=child, given_by=giver, giver_name=giver_name, purpose=ConsentPurpose.PROCESS_DATA,
            given_on=dt.date(2026, 3, 1),
        )  # fmt: skip
    need = NeedFactory(child=child, village=village, status=NeedStatus.VERIFIED, justification=SECRETS[4])
    services.need_attachment_add(need=need, user=personas.officer_a, upload=check_upload(png_upload("pang.png")))
    receipt = receipt_for(personas.province, amount=1_000_000)
    donor = receipt.pledge.donor
    donor.name = "Công ty Chè Tân Cương"
    donor.save()
    batch_accept(user=personas.staff, province=personas.province, lines=[Line(receipt.pk, need.pk, amount=350_000)])
    delivery_record(
        user=personas.officer_a, need=Need.objects.get(pk=need.pk), delivered_on=dt.date(2026, 11, 2), quantity=1,
        children_reached=1, handed_over_by="Cô Hà", note=f"Trao tận tay {NAME}",
    )  # fmt: skip
    Sponsorship.objects.create(
        donor=donor, child=child, start_date=dt.date(2026, 9, 1), monthly_amount=500_000,
        note="Pằng thích vẽ",
    )  # fmt: skip
    return Child.objects.get(pk=child.pk)


def _anonymise(client, user, child, **data):
    client.force_login(user)
    form = {"reason": "Người giám hộ yêu cầu xóa thông tin, đơn ngày 20/11/2026", "confirm_code": child.code}
    return client.post(reverse("needs:child-anonymise", args=[child.pk]), form | data)


def test_the_guardians_copy_holds_everything_kept_about_the_child_and_is_logged(client, personas, pang):
    client.force_login(personas.officer_a)
    url = reverse("needs:child-export", args=[pang.pk])

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    text, need = pdf_text(first.content), Need.objects.get()
    for held in (
        "PHIẾU CUNG CẤP THÔNG TIN CÁ NHÂN CỦA TRẺ EM",
        pang.code,
        NAME,
        "23/04/2016",
        "Bản Khuổi Vạc",
        "Trường PTDTBT Tiểu học Bằng Thành",
        "Mồ côi cả cha và mẹ",
        f"{GUARDIAN}, {PHONE}",
        "Pằng thích vẽ",
        "Cha, mẹ hoặc người giám hộ: Sùng A Chứ",
        "Đồ ấm",
        f"Kinh phí, hiện vật đã phân bổ Nhu cầu số {need.pk} Loại hỗ trợ Đồ ấm Giá trị (đồng) 350.000 đ",
        f"Hỗ trợ đã trao Nhu cầu số {need.pk} Ngày trao 02/11/2026",
        "Cô Hà",
        "Nhà tài trợ Công ty Chè Tân Cương Từ ngày 01/09/2026",
        "Đây là lần đầu.",
    ):
        assert held in text
    assert "Đây là lần đầu." not in pdf_text(second.content)
    logs = list(ExportLog.objects.order_by("at").values_list("user", "what", "filters", "row_count"))
    assert logs == [(personas.officer_a.pk, "child_record", {"child": pang.code}, 1)] * 2


def test_the_guardians_copy_is_refused_to_those_who_do_not_meet_the_family(client, personas, pang):
    url = reverse("needs:child-export", args=[pang.pk])
    for user, status in ((personas.auditor, 403), (personas.leader, 403), (personas.officer_b, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
    assert not ExportLog.objects.exists()


def test_anonymising_removes_every_trace_of_who_the_child_is_from_the_database(
    client, personas, pang, django_capture_on_commit_callbacks
):
    stored = NeedAttachment.objects.get().file.path

    with django_capture_on_commit_callbacks(execute=True):
        response = _anonymise(client, personas.staff, pang)

    assert response.url == reverse("needs:child-detail", args=[pang.pk])
    child = Child.objects.get(pk=pang.pk)
    assert child.full_name == ANONYMISED_NAME
    assert (child.guardian_name, child.guardian_phone, child.notes, child.school_name) == ("", "", "", "")
    assert child.village is None
    assert child.special_circumstances == []
    assert child.anonymised_by == personas.staff
    assert not NeedAttachment.objects.exists()
    assert not ChildConsent.objects.filter(withdrawn_on__isnull=True).exists()
    assert not os.path.exists(stored)
    for secret in SECRETS:
        assert _columns_holding(secret) == [], secret


def test_anonymising_keeps_what_the_figures_count(client, personas, pang):
    need = Need.objects.get()
    before = (need.status, need.estimated_cost, need.category, need.commune_id)

    _anonymise(client, personas.staff, pang)

    child = Child.objects.get(pk=pang.pk)
    assert (child.code, child.sex, child.ethnic_group_id, child.commune_id, child.school_level) == (
        pang.code, pang.sex, pang.ethnic_group_id, pang.commune_id, pang.school_level,
    )  # fmt: skip
    assert child.birth_date == dt.date(2016, 4, 1)  # the month stays, for age bands
    need.refresh_from_db()
    assert (need.status, need.estimated_cost, need.category, need.commune_id) == before
    assert need.allocations.get().amount == 350_000
    assert need.deliveries.get().quantity == 1


def test_the_anonymised_record_shows_no_name_and_can_no_longer_be_changed(client, personas, pang):
    _anonymise(client, personas.staff, pang)

    client.force_login(personas.officer_a)
    page = client.get(reverse("needs:child-detail", args=[pang.pk])).content.decode()
    assert ANONYMISED_NAME in page
    assert NAME not in page
    assert reverse("needs:child-edit", args=[pang.pk]) not in page
    listed = client.get(reverse("needs:child-list"), {"q": "Pang"}).content.decode()
    assert pang.code not in listed
    again = _anonymise(client, personas.staff, pang)
    assert "đã được ẩn danh trước đó" in again.content.decode()


def test_a_wrong_confirmation_code_or_a_missing_reason_changes_nothing(client, personas, pang):
    wrong = _anonymise(client, personas.staff, pang, confirm_code="08134-99999")
    no_reason = _anonymise(client, personas.staff, pang, reason="  ")

    assert "Mã hồ sơ không khớp." in wrong.content.decode()
    assert no_reason.status_code == 200
    assert Child.objects.get(pk=pang.pk).full_name == NAME
    assert NeedAttachment.objects.exists()


def test_only_department_staff_in_scope_may_anonymise(client, personas, pang):
    assert _anonymise(client, personas.officer_a, pang).status_code == 403
    assert _anonymise(client, personas.auditor, pang).status_code == 403
    assert _anonymise(client, personas.staff_q, pang).status_code == 404
    assert Child.objects.get(pk=pang.pk).full_name == NAME


def test_records_merged_into_the_child_are_anonymised_with_it(personas, pang):
    duplicate = ChildFactory(commune=personas.commune_a, full_name="Sùng Thị Pằng", guardian_phone=PHONE)
    services.child_merge(keep=pang, merged=duplicate, user=personas.staff, reason="Trùng hồ sơ")

    child_anonymise(child=pang, user=personas.staff, reason="Đơn của người giám hộ")
    with pytest.raises(Exception, match="hồ sơ được giữ lại"):
        child_anonymise(child=Child.objects.get(pk=duplicate.pk), user=personas.staff, reason="Đơn")

    duplicate.refresh_from_db()
    assert duplicate.full_name == ANONYMISED_NAME
    assert duplicate.guardian_phone == ""
    assert _columns_holding(NAME) == []


def _columns_holding(text: str) -> list[str]:
    """Every text column of every table (the history tables included) that still holds the text."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb')"""
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
            statement = f"SELECT 1 FROM {quoted_table} WHERE {quoted_column}::text LIKE %s LIMIT 1"  # noqa: S608
            cursor.execute(statement, [f"%{text}%"])
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


def test_nothing_identifying_can_be_written_back_to_an_anonymised_record(client, personas, pang):
    child_anonymise(child=pang, user=personas.staff, reason="Đơn của người giám hộ")
    api = APIClient()
    api.force_authenticate(personas.officer_a)

    edited = api.patch(f"/api/v1/children/{pang.pk}/", {"full_name": NAME, "guardian_phone": PHONE}, format="json")
    with pytest.raises(ValidationError):
        services.consent_record(
            child=Child.objects.get(pk=pang.pk), user=personas.officer_a, given_by=ConsentGiver.GUARDIAN,
            giver_name=GUARDIAN, purpose=ConsentPurpose.PROCESS_DATA, given_on=dt.date(2026, 11, 30),
        )  # fmt: skip

    assert edited.status_code == 400
    assert "đã được ẩn danh" in edited.json()[0]
    assert _columns_holding(NAME) == []
    assert _columns_holding(PHONE) == []
