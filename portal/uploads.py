"""Checking uploaded files (needs' attachments, deliveries' evidence) and serving them only to people in scope.

A file's name proves nothing: the type is decided by its first bytes ("magic numbers"), and only a few
harmless kinds are accepted. Files are stored under a random name, so a child's name never ends up in a path.
"""

import os
import uuid
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]
    label: str

    def matches(self, head: bytes) -> bool:
        return _SNIFFERS[self.content_type](head)


_SNIFFERS = {
    "image/jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "image/png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
    "application/pdf": lambda head: head.startswith(b"%PDF-"),
}
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"), "JPEG")
PNG = FileKind("image/png", (".png",), "PNG")
WEBP = FileKind("image/webp", (".webp",), "WebP")
PDF = FileKind("application/pdf", (".pdf",), "PDF")
PHOTOS_AND_DOCUMENTS = (JPEG, PNG, WEBP, PDF)


@dataclass(frozen=True)
class CheckedUpload:
    file: object
    original_name: str
    content_type: str
    size: int
    extension: str


def check_upload(file, *, kinds=PHOTOS_AND_DOCUMENTS, max_bytes: int = MAX_UPLOAD_BYTES) -> CheckedUpload:
    """Accept a file only if its content is one of `kinds` and it is not too big; raise ValidationError otherwise."""
    allowed = ", ".join(kind.label for kind in kinds)
    if file.size > max_bytes:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s MB); tối đa %(max)s MB.")
            % {"size": round(file.size / 1024 / 1024, 1), "max": max_bytes // 1024 // 1024},
            code="too_big",
        )
    if file.size == 0:
        raise ValidationError(_("Tệp rỗng."), code="empty")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = next((kind for kind in kinds if kind.matches(head)), None)
    if kind is None:
        raise ValidationError(
            _("Nội dung tệp không phải loại được nhận (%(allowed)s), dù tên tệp là gì.") % {"allowed": allowed},
            code="bad_type",
        )
    name = os.path.basename(file.name or "")[:200] or "tep"
    extension = os.path.splitext(name)[1].lower()
    if extension not in kind.extensions:
        extension = kind.extensions[0]  # trust the content, not the name
    return CheckedUpload(
        file=file, original_name=name, content_type=kind.content_type, size=file.size, extension=extension
    )


def random_name(checked: CheckedUpload) -> str:
    return f"{uuid.uuid4().hex}{checked.extension}"


def store_upload(row, upload: CheckedUpload):
    """Save a row that keeps a checked upload (fields `file`, `original_name`, `content_type`, `size`), the file
    under a random name."""
    row.original_name, row.content_type, row.size = upload.original_name, upload.content_type, upload.size
    row.file.save(random_name(upload), upload.file, save=False)
    row.save()
    return row


class CheckedFileField(forms.FileField):
    """A form field that runs check_upload; cleaned_data holds a CheckedUpload."""

    def __init__(self, *args, kinds=PHOTOS_AND_DOCUMENTS, max_bytes=MAX_UPLOAD_BYTES, **kwargs):
        self.kinds, self.max_bytes = kinds, max_bytes
        kwargs.setdefault(
            "help_text",
            _("Ảnh hoặc tài liệu (%(allowed)s), tối đa %(max)s MB.")
            % {"allowed": ", ".join(kind.label for kind in kinds), "max": max_bytes // 1024 // 1024},
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(kind.content_type for kind in kinds))

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        return check_upload(file, kinds=self.kinds, max_bytes=self.max_bytes) if file else file


def serve_stored_file(field_file, *, content_type: str, download_name: str) -> FileResponse:
    """Stream a stored file to someone the caller has already checked; never through a public media URL."""
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    response = FileResponse(
        field_file.open("rb"), content_type=content_type, as_attachment=not inline, filename=download_name
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
