from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.permissions import Perm

SYNC_PERMS = (Perm.REGISTER_NEEDS, Perm.RECORD_DELIVERIES)


def may_sync(scope) -> bool:
    """Whether a role of the user works offline somewhere: registers needs or records deliveries."""
    return any(scope.has_perm(perm) for perm in SYNC_PERMS)


class OfflineConfig(AppConfig):
    name = "offline"
    verbose_name = _("Làm việc ngoại tuyến")

    def home_panels(self, request, scope):
        """Only while something sent from a device waits for the officer's decision (one count query)."""
        from offline.selectors import conflict_list

        if not may_sync(scope):
            return []
        waiting = conflict_list(user=request.user).filter(status="open").count()
        return [{"template": "offline/_home_panel.html", "waiting": waiting}] if waiting else []

    def child_anonymised(self, child_ids):
        from offline.services import conflicts_forget_children

        conflicts_forget_children(child_ids)
