from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import Perm


class PartnersConfig(AppConfig):
    """Pages, import and API of partner organisations' own support; their rows live in portal (the organisation),
    needs (a child shared with one) and allocations (the support, under the ledger's no-overlap rule)."""

    name = "partners"
    verbose_name = _("Tổ chức phối hợp")

    def nav_items(self, scope):
        items = []
        if scope.has_perm(Perm.RECORD_PARTNER_SUPPORT):
            items.append((_("Hỗ trợ của tổ chức"), reverse("partners:home")))
            items.append((_("Tra cứu trẻ theo mã"), reverse("partners:lookup")))
        if scope.has_perm(Perm.ALLOCATE):
            items.append((_("Hỗ trợ trùng"), reverse("partners:overlap-list")))
        return items

    def home_panels(self, request, scope):
        if not scope.has_perm(Perm.RECORD_PARTNER_SUPPORT):
            return []
        from partners.selectors import partners_of

        return [{"template": "partners/_home_panel.html", "partners": list(partners_of(request.user))}]

    def child_record_sections(self, child):
        from partners.selectors import child_record_sections

        return child_record_sections(child)
