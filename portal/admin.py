from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import (
    AdministrativeUnit,
    Agency,
    CommuneClassification,
    EthnicGroup,
    PartnerOrganisation,
    RoleAssignment,
    User,
    Village,
)


class SuperuserOnlyAdminSite(admin.AdminSite):
    """Django admin is for superusers only; everyone else works in the portal's own pages."""

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


admin.site.__class__ = SuperuserOnlyAdminSite


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    search_fields = ["username", "full_name", "email"]
    inlines = [RoleAssignmentInline]
    fieldsets = (*BaseUserAdmin.fieldsets, (None, {"fields": ("full_name", "phone")}))
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "province", "valid_from", "valid_to", "merged_into"]
    list_filter = ["level", "valid_to"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "province", "merged_into"]


@admin.register(CommuneClassification)
class CommuneClassificationAdmin(SimpleHistoryAdmin):
    list_display = [
        "commune",
        "decision",
        "period_start",
        "period_end",
        "extremely_disadvantaged",
        "ethnic_region",
        "mountainous",
    ]
    list_filter = ["extremely_disadvantaged", "ethnic_region", "mountainous", "decision"]
    autocomplete_fields = ["commune"]


@admin.register(Village)
class VillageAdmin(SimpleHistoryAdmin):
    list_display = ["name", "commune", "active"]
    search_fields = ["name", "commune__name"]
    autocomplete_fields = ["commune"]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["department_name", "province", "signer_name"]


@admin.register(EthnicGroup)
class EthnicGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "code_list"]
    search_fields = ["name"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(SimpleHistoryAdmin):
    """Its members also need the partner role in its province (on the user's page) to record anything."""

    list_display = ["name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name"]
    autocomplete_fields = ["province", "members"]
