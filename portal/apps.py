from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Lõi cổng thông tin")

    def nav_items(self, scope):
        from django.urls import reverse

        from portal.permissions import Perm

        if scope.has_perm(Perm.VIEW_AUDIT_TRAIL) and scope.has_perm(Perm.VIEW_PERSONAL_DATA):
            return [(_("Nhật ký kiểm tra"), reverse("audit-log"))]
        return []
