from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DonorsConfig(AppConfig):
    name = "donors"
    verbose_name = _("Nhà tài trợ")

    def nav_items(self, scope):
        from portal.permissions import Perm

        if scope.has_perm(Perm.VIEW_DASHBOARDS) or scope.has_perm(Perm.MANAGE_DONORS):
            return [
                (_("Nhà tài trợ"), reverse("donor-list")),
                (_("Cam kết"), reverse("pledge-list")),
                (_("Đợt vận động"), reverse("campaign-list")),
                (_("Kế hoạch năm"), reverse("plan-current")),
                (_("Đỡ đầu"), reverse("sponsorship-list")),
                (_("Khen thưởng"), reverse("commendation")),
                (_("Sao kê"), reverse("statement-list")),
            ]
        if scope.has_perm(Perm.VIEW_OWN_DONATIONS):
            return [
                (_("Cam kết của tôi"), reverse("pledge-list")),
                (_("Đỡ đầu"), reverse("sponsorship-list")),
            ]
        return []

    def child_record_sections(self, child):
        from donors.child_record import child_record_sections

        return child_record_sections(child)

    def child_anonymised(self, child_ids):
        from donors.child_record import child_anonymised

        child_anonymised(child_ids)

    def home_panels(self, request, scope):
        from donors import selectors
        from donors.models import Pledge, PledgeStatus
        from portal.permissions import Perm

        panels = []
        if scope.has_perm(Perm.VIEW_OWN_DONATIONS):
            pledges = list(selectors.donor_summary(user=request.user)[:20])
            if pledges:
                panels.append({"template": "donors/_home_donor_panel.html", "pledges": pledges})
        if scope.has_perm(Perm.MANAGE_DONORS):
            pending = Pledge.objects.visible_to(request.user, Perm.MANAGE_DONORS).filter(status=PledgeStatus.PENDING)
            panels.append({"template": "donors/_home_staff_panel.html", "pending": pending.count()})
        return panels
