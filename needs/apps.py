from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import Perm


class NeedsConfig(AppConfig):
    name = "needs"
    verbose_name = _("Trẻ em và nhu cầu")

    def nav_items(self, scope):
        items = []
        if scope.has_perm(Perm.REGISTER_NEEDS):
            items.append((_("Đăng ký trẻ"), reverse("needs:register")))
        if scope.has_perm(Perm.VIEW_PERSONAL_DATA):
            items.append((_("Trẻ em"), reverse("needs:child-list")))
        if scope.has_perm(Perm.VIEW_RECORDS):
            items.append((_("Nhu cầu"), reverse("needs:need-list")))
        if scope.has_perm(Perm.VERIFY_NEEDS):
            items.append((_("Thẩm định"), reverse("needs:queue")))
        return items

    def home_panels(self, request, scope):
        from needs.selectors import need_counts

        if not (scope.has_perm(Perm.REGISTER_NEEDS) or scope.has_perm(Perm.VERIFY_NEEDS)):
            return []
        return [{"template": "needs/_home_panel.html", "counts": need_counts(user=request.user)}]
