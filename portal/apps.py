from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _sqlite_vietnamese_collation(sender, connection, **kwargs):
    """SQLite has no ICU: give each of its connections the Vietnamese collation PostgreSQL has (portal.text)."""
    if connection.vendor == "sqlite":
        from portal.text import VIETNAMESE_COLLATION, sqlite_vietnamese_collation

        connection.connection.create_collation(VIETNAMESE_COLLATION, sqlite_vietnamese_collation)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Lõi cổng thông tin")

    def ready(self):
        connection_created.connect(_sqlite_vietnamese_collation, dispatch_uid="portal-sqlite-vietnamese-collation")

    def nav_items(self, scope):
        from django.urls import reverse

        from portal.permissions import Perm

        if scope.has_perm(Perm.VIEW_AUDIT_TRAIL) and scope.has_perm(Perm.VIEW_PERSONAL_DATA):
            return [(_("Nhật ký kiểm tra"), reverse("audit-log"))]
        return []
