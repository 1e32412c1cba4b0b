"""Attachments are checked by content and size, stored under random names and served only in scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from needs.models import NeedAttachment
from portal.uploads import MAX_UPLOAD_BYTES
from tests.factories import ChildFactory
from tests.needs.factories import NeedFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def need(personas):
    return NeedFactory(child=ChildFactory(commune=personas.commune_a))


def _upload(client, need, name, content, content_type):
    return client.post(
        reverse("needs:attachment-add", args=[need.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        follow=True,
    )


@pytest.mark.django_db
def test_it_accepts_a_photo_and_serves_it_only_in_scope(client, personas, need):
    client.force_login(personas.officer_a)
    _upload(client, need, "Giàng Thị Mỷ - nhà.png", PNG, "image/png")
    attachment = NeedAttachment.objects.get()
    assert (attachment.content_type, attachment.original_name) == ("image/png", "Giàng Thị Mỷ - nhà.png")
    assert "Giàng" not in attachment.file.name  # stored under a random name
    url = reverse("needs:attachment", args=[need.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    for persona, expected in (("officer_b", 404), ("donor", 404), ("leader", 403), ("staff", 200)):
        client.force_login(getattr(personas, persona))
        assert client.get(url).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("anh.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),  # a page renamed to .jpg
        ("giay.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf"),  # a program renamed to .pdf
        ("rong.png", b"", "image/png"),
    ],
)
def test_it_refuses_content_that_is_not_what_the_name_says(client, personas, need, name, content, content_type):
    client.force_login(personas.officer_a)
    response = _upload(client, need, name, content, content_type)
    assert not NeedAttachment.objects.exists()
    page = response.content.decode()
    assert "Nội dung tệp không phải loại được nhận" in page or "Tệp rỗng" in page or "rỗng" in page


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_too_big(client, personas, need):
    client.force_login(personas.officer_a)
    response = _upload(client, need, "giay.pdf", PDF + b"0" * MAX_UPLOAD_BYTES, "application/pdf")
    assert not NeedAttachment.objects.exists()
    assert "Tệp quá lớn" in response.content.decode()


@pytest.mark.django_db
def test_a_pdf_named_oddly_is_kept_as_a_pdf(client, personas, need):
    client.force_login(personas.officer_a)
    _upload(client, need, "giay-xac-nhan.bin", PDF, "application/octet-stream")
    attachment = NeedAttachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.endswith(".pdf")


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), [("leader", 403), ("officer_b", 404), ("auditor", 403)])
def test_only_those_who_register_or_verify_may_attach(client, personas, need, persona, expected):
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("needs:attachment-add", args=[need.pk]), {"file": SimpleUploadedFile("a.png", PNG)})
    assert response.status_code == expected
    assert not NeedAttachment.objects.exists()
