from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.extensions import nav_items
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.two_factor import offers_two_factor


def navigation(request):
    """Menu entries for the roles the user holds; each is shown only where a permission backs it."""
    scope = scope_for(request.user)
    items = [(_("Trang chủ"), reverse("home"))]
    if scope.has_perm(Perm.VIEW_RECORDS):
        items.append((_("Xã, phường"), reverse("commune-list")))
    items.extend(nav_items(scope))
    if request.user.is_superuser:
        items.append((_("Quản trị"), reverse("admin:index")))
    return {
        "nav_items": items,
        "scope": scope,
        "offers_two_factor": offers_two_factor(request.user),
        # Only people who register needs can have offline work on the device that logging out would delete.
        "offline_app": scope.has_perm(Perm.REGISTER_NEEDS),
    }
