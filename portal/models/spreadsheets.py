"""The trail left by spreadsheet imports and by exports of personal data; auditors read both."""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xác nhận")
    IMPORTED = "imported", _("Đã nhập")
    CANCELLED = "cancelled", _("Đã hủy")
    EXPIRED = "expired", _("Đã hết hạn")  # left unconfirmed too long: its rows were dropped


class ImportRecord(models.Model):
    """One uploaded spreadsheet: its rows kept privately until its owner confirms, then remembered by checksum."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("loại danh sách"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), on_delete=models.PROTECT, related_name="+"
    )
    # The rows read from the file, kept only between preview and confirm (children's personal data): no copy
    # of the file sits on disk, and once the import is confirmed or cancelled only the checksum remains.
    rows = models.JSONField(_("dữ liệu chờ nhập"), null=True, blank=True, editable=False, encoder=DjangoJSONEncoder)
    original_name = models.CharField(_("tên tệp"), max_length=200)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    row_count = models.PositiveIntegerField(_("số dòng"), default=0)
    error_count = models.PositiveIntegerField(_("số dòng lỗi"), default=0)
    report = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)
    counts = models.JSONField(_("số bản ghi đã tạo"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập Excel")
        verbose_name_plural = _("các lần nhập Excel")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.kind} {self.original_name} ({self.get_status_display()})"


class ExportLog(models.Model):
    """Who downloaded which list containing personal data, with which filter, and how many rows it held."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    what = models.CharField(_("danh sách"), max_length=40)
    filters = models.JSONField(_("bộ lọc"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("số dòng"))

    class Meta:
        verbose_name = _("lần xuất dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xuất dữ liệu cá nhân")
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self):
        return f"{self.what} {self.at:%d/%m/%Y %H:%M} ({self.row_count})"
