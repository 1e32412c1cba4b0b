"""Reads of personal data: who opened which child's record, when and through which view.

Changes are kept by django-simple-history on each model and exports of personal data by ExportLog; this is the
third part of the audit trail. The row names the record by its id and code only, never by a name, so it survives
anonymisation without bringing anything back (portal.audit shows it).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopedQuerySet


class AccessView(models.TextChoices):
    # The guardian's PDF copy is an export: ExportLog keeps it (needs.erasure.EXPORT_KIND), not this table.
    PAGE = "page", _("Trang hồ sơ")
    API = "api", _("API, chi tiết hồ sơ")
    SYNC = "sync", _("Đồng bộ từ thiết bị ngoại tuyến")


class AccessLog(models.Model):
    """One read of a child's personal data, written with a single INSERT by the view that shows it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xem"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    view = models.CharField(_("xem qua"), max_length=10, choices=AccessView.choices)
    commune = models.ForeignKey(
        "portal.AdministrativeUnit", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="+"
    )
    # The child, named without a foreign key: the core never depends on the needs app (DESIGN.md).
    record_id = models.PositiveBigIntegerField(_("số hồ sơ"))
    record_code = models.CharField(_("mã hồ sơ"), max_length=24)

    objects = ScopedQuerySet.as_manager()
    scope_unit_path = "commune"

    class Meta:
        verbose_name = _("lượt xem dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xem dữ liệu cá nhân")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["commune", "at"]),
            models.Index(fields=["record_id", "at"]),
            models.Index(fields=["record_code"]),
        ]

    def __str__(self):
        return f"{self.record_code} {self.view} {self.at:%d/%m/%Y %H:%M}"
