from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")

    def nav_items(self, scope):
        from django.urls import reverse

        from portal.permissions import Perm

        items = []
        if scope.has_perm(Perm.VIEW_DASHBOARDS):
            items.append((_("Báo cáo"), reverse("report-dashboard")))
        elif scope.has_perm(Perm.VIEW_RECORDS):
            items.append((_("Báo cáo"), reverse("report-archive")))
        if scope.has_perm(Perm.PREPARE_REPORTS):
            items.append((_("Kỳ báo cáo"), reverse("cycle-list")))
        if scope.has_perm(Perm.CONFIRM_FIGURES):
            items.append((_("Xác nhận số liệu"), reverse("report-confirmation")))
        return items

    def home_panels(self, request, scope):
        from django.utils import timezone

        from portal.permissions import Perm
        from reports.selectors import completeness, cycle_current

        if not scope.has_perm(Perm.VIEW_DASHBOARDS):
            return []
        cycle = cycle_current(user=request.user)
        may_open = scope.has_perm(Perm.PREPARE_REPORTS)
        if cycle is None:  # staff open the first cycle from here; the others have nothing to see yet
            return [{"template": "reports/_home_panel.html", "cycle": None}] if may_open else []
        days_left = (cycle.due_on - timezone.localdate()).days
        return [
            {
                "template": "reports/_home_panel.html",
                "cycle": cycle,
                "days_left": days_left,
                "days_late": -days_left,
                "completeness": completeness(cycle=cycle),
            }
        ]

    def public_panels(self, request):
        from reports.selectors import disclosures_public

        return [{"template": "reports/_public_disclosures.html", "disclosures": disclosures_public()}]
