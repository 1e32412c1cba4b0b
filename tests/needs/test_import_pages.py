"""The import's pages as a commune officer uses them: a preview of the rows that will be saved (paged), a corrected
file uploaded straight from the error page, an abandoned import that expires, and communes named once."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from needs.models import Child, Need
from portal.models import ImportRecord, ImportStatus, Village
from tests.needs.excel_files import many_rows, row, upload, workbook_bytes

pytestmark = pytest.mark.django_db


def stage(client, rows, **extra):
    response = client.post(reverse("needs-import"), {"file": upload(workbook_bytes(rows)), **extra})
    assert response.status_code == 302, response.content.decode()[-1500:]
    return ImportRecord.objects.latest("created_at"), response["Location"]


def cells(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_preview_shows_the_rows_it_will_save_page_by_page(client, personas):
    client.force_login(personas.officer_a)
    rows = many_rows(30)
    rows[0][8] = "1.250.000"
    _record, url = stage(client, rows)

    first = cells(client.get(url).content.decode())
    assert "Hoàng Văn Thắng 0 " in first
    assert "Hoàng Văn Thắng 24 " in first
    assert "Hoàng Văn Thắng 25 " not in first
    assert "01/01/2012" in first  # the birth date as the officer writes it
    assert "1.250.000 đ" in first
    assert "Trang 1/2" in first

    second = cells(client.get(url, {"page": 2}).content.decode())
    assert "Hoàng Văn Thắng 29 " in second
    assert "Hoàng Văn Thắng 0 " not in second


def test_the_preview_marks_bad_rows_among_the_others(client, personas):
    client.force_login(personas.officer_a)
    _record, url = stage(client, [row(name="Lò Thị Ngân"), row(name="Vì A Sử", birth="31/02/2018")])
    html = cells(client.get(url).content.decode())
    assert "Lò Thị Ngân" in html
    assert "Sẽ lưu" in html
    assert re.search(r"Vì A Sử .* Lỗi Ngày sinh: Ngày “31/02/2018” không có thật", html)


def test_the_error_page_takes_the_corrected_file_and_drops_the_bad_one(client, personas):
    client.force_login(personas.officer_a)
    bad, url = stage(client, [row(name="Vì A Sử", birth="31/02/2018")])
    html = client.get(url).content.decode()
    form = re.search(r'<form[^>]*id="reupload"[^>]*>.*?</form>', html, re.S).group(0)
    assert f'action="{reverse("needs-import")}"' in form
    assert 'type="file"' in form
    assert str(bad.token) in form  # the file it replaces

    fixed, url = stage(client, [row(name="Vì A Sử", birth="28/02/2018")], replaces=bad.token)

    bad.refresh_from_db()
    assert bad.status == ImportStatus.CANCELLED
    assert bad.rows is None
    assert fixed.error_count == 0
    assert "Xác nhận nhập 1 dòng" in client.get(url).content.decode()
    client.post(reverse("needs-import-confirm", args=[fixed.token]))
    assert Child.objects.get().birth_date == dt.date(2018, 2, 28)


def test_a_corrected_file_cannot_cancel_someone_elses_import(client, personas):
    client.force_login(personas.officer_b)
    theirs, _url = stage(client, [row(commune="Xã Nghiên Loan")])
    client.force_login(personas.officer_a)
    stage(client, [row()], replaces=theirs.token)
    theirs.refresh_from_db()
    assert theirs.status == ImportStatus.PENDING


def test_an_import_left_unconfirmed_expires_when_opened_with_a_clear_message(client, personas):
    client.force_login(personas.officer_a)
    record, url = stage(client, [row()])
    ImportRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(hours=49))

    response = client.get(url)

    assert response["Location"] == reverse("needs-import")
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "đã hết hạn" in message
    assert "danh-sach.xlsx" in message
    record.refresh_from_db()
    assert (record.status, record.rows) == (ImportStatus.EXPIRED, None)
    confirmed = client.post(reverse("needs-import-confirm", args=[record.token]))
    assert confirmed["Location"] == reverse("needs-import")
    assert not Need.objects.exists()
    cancelled = client.post(reverse("needs-import-cancel", args=[record.token]))
    assert cancelled["Location"] == reverse("needs-import")
    assert "Đã hết hạn" in client.get(reverse("needs-import")).content.decode()  # in the recent imports


def test_confirming_an_import_past_its_lifetime_saves_nothing(client, personas):
    client.force_login(personas.officer_a)
    record, _url = stage(client, [row()])
    ImportRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    response = client.post(reverse("needs-import-confirm", args=[record.token]))
    assert response["Location"] == reverse("needs-import")
    assert not Need.objects.exists()
    record.refresh_from_db()
    assert (record.status, record.rows) == (ImportStatus.EXPIRED, None)


def test_a_fresh_import_says_when_it_will_expire(client, personas, settings):
    settings.SPREADSHEET_PENDING_HOURS = 6
    client.force_login(personas.officer_a)
    record, url = stage(client, [row()])
    expires = timezone.localtime(record.created_at + dt.timedelta(hours=6))
    assert f"hết hạn lúc {expires:%d/%m/%Y %H:%M}" in client.get(url).content.decode()
    assert "sau 6 giờ" in client.get(reverse("needs-import")).content.decode()


def test_a_bad_village_names_the_commune_once(client, personas):
    Village.objects.create(commune=personas.commune_a, name="Thôn Nà Hin")
    client.force_login(personas.officer_a)
    record, url = stage(client, [row(village="Thôn Không Có")])
    message = " ".join(record.report["errors"][0]["messages"])
    assert f"{personas.commune_a.name} không có thôn/bản “Thôn Không Có”" in message
    assert "Xã Xã" not in message
    assert "Xã Xã" not in client.get(url).content.decode()


# A unit's name is its official full name and already starts with its type ("Xã Bằng Thành", "Phường Đức Xuân").
UNIT_TYPE_BEFORE_A_NAME = re.compile(r"\b(?:xã|phường|thị trấn|đặc khu|tỉnh|thành phố)\s+(?:%\(\w+\)s|\{\{)", re.I)


def test_no_message_puts_a_unit_type_before_a_units_name():
    """The root of "Xã Xã Bằng Thành": a message that prefixed the type to a name that already carries it."""
    catalog = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    sources = [catalog, *Path(settings.BASE_DIR, "templates").rglob("*.html")]
    found = [
        f"{path.name}: {match.group(0)}"
        for path in sources
        for match in UNIT_TYPE_BEFORE_A_NAME.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found
