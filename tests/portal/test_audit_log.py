"""The province's audit log: searchable, scoped like the records, exported with a trace (issue 14, item 5)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from needs.models import Child
from portal.audit import AuditFilter, audit_lines, audit_log
from portal.models import AccessLog, ExportLog
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def _change_phone(child, user, phone):
    child._history_user = user
    child.guardian_phone = phone
    child.save()


@pytest.fixture
def trail(personas):
    """A phone changed in commune A (province P) by its officer, another in commune C (province Q) by Q's staff."""
    inside = ChildFactory(commune=personas.commune_a, guardian_phone="0911111111")
    outside = ChildFactory(commune=personas.commune_c, guardian_phone="0933333333")
    _change_phone(inside, personas.officer_a, "0922222222")
    _change_phone(outside, personas.staff_q, "0944444444")
    AccessLog.objects.create(
        user=personas.officer_a, view="page", commune=personas.commune_a, record_id=inside.pk, record_code=inside.code
    )
    return {"inside": inside, "outside": outside}


def _log(client, reader, **params) -> str:
    client.force_login(reader)
    response = client.get(reverse("audit-log"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_auditor_reads_the_changes_and_reads_of_the_province_only(client, personas, trail):
    page = _log(client, personas.auditor)
    assert "Điện thoại người giám hộ: 0911111111 → 0922222222" in page
    assert trail["inside"].code in page
    assert "Trang hồ sơ" in page  # the officer's read of the record
    assert "0944444444" not in page
    assert trail["outside"].code not in page


def test_it_filters_by_record_user_and_date(client, personas, trail):
    other = ChildFactory(commune=personas.commune_b, guardian_phone="0955555555")
    _change_phone(other, personas.staff, "0966666666")

    by_code = _log(client, personas.auditor, code=trail["inside"].code)
    assert "0922222222" in by_code
    assert "0966666666" not in by_code

    by_user = _log(client, personas.auditor, user="staff")
    assert "0966666666" in by_user
    assert "0922222222" not in by_user

    by_kind = _log(client, personas.auditor, kind="needs.child", code=other.code)
    assert "0966666666" in by_kind
    assert "Trang hồ sơ" not in by_kind

    today = timezone.localdate()
    assert "0922222222" in _log(client, personas.auditor, since=today.strftime("%d/%m/%Y"))
    yesterday = (today - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert "0922222222" not in _log(client, personas.auditor, until=yesterday)


def test_it_pages_through_a_long_log(client, personas):
    child = ChildFactory(commune=personas.commune_a)
    for number in range(60):
        _change_phone(child, personas.officer_a, f"09{number:08d}")
    first, second = _log(client, personas.auditor), _log(client, personas.auditor, page=2)
    assert "0900000059" in first
    assert "0900000059" not in second
    assert "→ 0900000001<" in second


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer_a", 403),
        ("officer_b", 403),
        ("staff", 403),
        ("staff_q", 403),
        ("leader", 403),
        ("donor", 403),
    ],
)
def test_only_the_auditor_reads_the_log(client, personas, trail, persona, status):
    client.force_login(getattr(personas, persona))
    for name in ("audit-log", "audit-export"):
        response = client.get(reverse(name))
        assert response.status_code == status
        assert b"0911111111" not in response.content
    assert not ExportLog.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, trail):
    for name in ("audit-log", "audit-export"):
        assert client.get(reverse(name)).status_code == 302


def test_the_export_holds_the_filtered_log_and_is_logged(client, personas, trail):
    client.force_login(personas.auditor)
    response = client.get(reverse("audit-export"), {"code": trail["inside"].code})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    cells = [str(cell) for row in rows[1:] for cell in row if cell]
    assert any("0911111111 → 0922222222" in cell for cell in cells)
    assert not any("0944444444" in cell for cell in cells)
    log = ExportLog.objects.get()
    assert (log.user, log.what, log.filters, log.row_count) == (
        personas.auditor,
        "audit_log",
        {"code": trail["inside"].code},
        len(rows) - 1,
    )
    # The export is itself on the log, for the next inspector.
    assert "audit_log" in _log(client, personas.auditor, kind="export")


def test_a_role_without_personal_data_reads_no_history_even_if_granted_the_trail(personas, trail, monkeypatch):
    """Leadership has no personal data: were it ever given the audit trail, the log would still be empty."""
    from portal import permissions

    grants = dict(permissions.GRANTS)
    grants[permissions.Role.LEADERSHIP] = grants[permissions.Role.LEADERSHIP] | {permissions.Perm.VIEW_AUDIT_TRAIL}
    monkeypatch.setattr("portal.scoping.GRANTS", grants)
    assert not list(audit_log(user=personas.leader, filters=AuditFilter()))
    assert list(audit_log(user=personas.auditor, filters=AuditFilter()))


def test_an_anonymised_childs_old_values_are_not_in_the_log(personas, trail):
    from needs.erasure import child_anonymise

    child = trail["inside"]
    name = child.full_name
    child_anonymise(child=child, user=personas.staff, reason="Yêu cầu của gia đình")
    text = repr(audit_lines(audit_log(user=personas.auditor, filters=AuditFilter())))
    for personal in (name, "0911111111", "0922222222"):
        assert personal not in text
    assert child.code in text


def test_a_change_through_the_api_is_on_the_log_with_who_made_it(client, personas):
    child = ChildFactory(commune=personas.commune_a)
    client.force_login(personas.officer_a)
    response = client.patch(
        reverse("api-child-detail", args=[child.pk]), {"guardian_phone": "0977777777"}, content_type="application/json"
    )
    assert response.status_code == 200
    [line] = [line for line in audit_lines(audit_log(user=personas.auditor, filters=AuditFilter())) if line.changes]
    assert line.who == personas.officer_a
    assert line.changes == [("Điện thoại người giám hộ", "—", "0977777777")]
    assert Child.objects.get(pk=child.pk).guardian_phone == "0977777777"
