from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    name = "national"
    verbose_name = _("Toàn quốc")

    def nav_items(self, scope):
        from django.urls import reverse

        from portal.permissions import Perm

        if not scope.has_perm(Perm.VIEW_NATIONAL):
            return []
        return [(_("Các tỉnh"), reverse("national:overview")), (_("Tổng hợp toàn quốc"), reverse("national:rollup"))]

    def home_panels(self, request, scope):
        from national.selectors import national_year, province_submissions
        from portal.permissions import Perm

        if not scope.has_perm(Perm.VIEW_NATIONAL):
            return []
        year, programme = national_year(None)
        rows = province_submissions(user=request.user, year=year, programme=programme)
        return [
            {
                "template": "national/_home_panel.html",
                "year": year,
                "final": sum(row["state"] == "final" for row in rows),
                "total": len(rows),
            }
        ]
