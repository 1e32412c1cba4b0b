from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import Perm


class WebappConfig(AppConfig):
    name = "webapp"
    verbose_name = _("Ứng dụng ngoại tuyến")

    def nav_items(self, scope):
        if scope.has_perm(Perm.REGISTER_NEEDS):
            return [(_("Ngoại tuyến"), reverse("webapp:shell"))]
        return []
