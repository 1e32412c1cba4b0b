"""What the offline app keeps: the changes devices sent (one row per idempotency key), the conflicts and decisions
waiting for the officer, and evidence files that arrived ahead of the change that uses them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopedQuerySet


class ChangeStatus(models.TextChoices):
    # The outcomes that are final for a key; "not found", "forbidden" and "pending" are never stored.
    APPLIED = "applied", _("Đã áp dụng")
    CONFLICT = "conflict", _("Xung đột phiên bản")
    DECISION = "decision", _("Chờ quyết định (có thể trùng hồ sơ)")
    REJECTED = "rejected", _("Bị từ chối")


class SyncChange(models.Model):
    """One change a device sent, answered for good: its idempotency key is used once per user.

    The unique (user, key) index is what makes a replay safe: the second copy of a change, even one arriving at the
    same instant, cannot insert its row until the first one's transaction ends, and then finds it and replays its
    answer. The answer holds ids and statuses only; what names a child is read again from the conflict on replay.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), on_delete=models.PROTECT)
    key = models.UUIDField(_("khóa thay đổi"))
    change_type = models.CharField(_("loại thay đổi"), max_length=30)
    client_id = models.UUIDField(_("mã trên thiết bị"), null=True, blank=True)
    record_id = models.BigIntegerField(_("số hồ sơ trên máy chủ"), null=True, blank=True)
    status = models.CharField(_("kết quả"), max_length=10, choices=ChangeStatus.choices)
    answer = models.JSONField(_("trả lời"), default=dict)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi từ thiết bị")
        verbose_name_plural = _("thay đổi từ thiết bị")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="sync_change_key_once_per_user")]
        indexes = [models.Index(fields=["user", "client_id"], name="sync_change_client_id")]

    def __str__(self):
        return f"{self.user_id} {self.key} {self.status}"


class ConflictKind(models.TextChoices):
    FIELDS = "fields", _("Hồ sơ đã thay đổi trên máy chủ")
    DUPLICATE = "duplicate", _("Có thể trùng hồ sơ trẻ đã có")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Chờ quyết định")
    RESOLVED = "resolved", _("Đã giải quyết")


class SyncConflict(models.Model):
    """A change that was not applied because the record moved on since the device read it (`fields`), or a child
    registered offline who may already be registered (`duplicate`). The officer who sent it decides, field by field
    or child by child; until then nothing of the change is saved."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), on_delete=models.PROTECT)
    commune = models.ForeignKey(
        "portal.AdministrativeUnit", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=ConflictKind.choices)
    change_key = models.UUIDField(_("khóa thay đổi"))
    change_type = models.CharField(_("loại thay đổi"), max_length=30)
    change = models.JSONField(_("thay đổi như thiết bị gửi"))
    record_type = models.CharField(_("loại hồ sơ"), max_length=20)
    record_id = models.BigIntegerField(_("số hồ sơ"), null=True, blank=True)
    record_code = models.CharField(_("mã hồ sơ trẻ"), max_length=24, blank=True)
    base_version = models.PositiveIntegerField(_("phiên bản trên thiết bị"), null=True, blank=True)
    server_version = models.PositiveIntegerField(_("phiên bản trên máy chủ"), null=True, blank=True)
    # {field: {"mine": value sent, "server": value on the server when the change arrived}}, as the API writes them.
    fields = models.JSONField(_("các trường khác nhau"), default=dict, blank=True)
    candidates = models.JSONField(_("hồ sơ có thể trùng"), default=list, blank=True)  # [[child id, why], ...]
    status = models.CharField(_("trạng thái"), max_length=10, choices=ConflictStatus.choices, default="open")
    resolution = models.JSONField(_("quyết định"), default=dict, blank=True)
    result = models.JSONField(_("kết quả"), null=True, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "commune"

    class Meta:
        verbose_name = _("xung đột đồng bộ")
        verbose_name_plural = _("xung đột đồng bộ")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "status", "-created_at"], name="sync_conflict_user_open")]
        constraints = [models.UniqueConstraint(fields=["user", "change_key"], name="sync_conflict_once_per_change")]

    def __str__(self):
        return f"{self.change_type} {self.record_code or self.record_id}"


class EvidenceUpload(models.Model):
    """A photo or scan that arrived whole (its sha256 checked), waiting for or used by a delivery sent offline."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), on_delete=models.PROTECT)
    upload_id = models.UUIDField(_("mã tệp trên thiết bị"))
    sha256 = models.CharField(_("mã kiểm tra SHA-256"), max_length=64)
    file = models.FileField(_("tệp"), upload_to="offline/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp minh chứng gửi từ thiết bị")
        verbose_name_plural = _("tệp minh chứng gửi từ thiết bị")
        constraints = [models.UniqueConstraint(fields=["user", "upload_id"], name="evidence_upload_once_per_user")]

    def __str__(self):
        return str(self.upload_id)
