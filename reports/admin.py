from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import CommuneConfirmation, Programme, Report, ReportingCycle


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "start_year", "end_year"]


@admin.register(ReportingCycle)
class ReportingCycleAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "province", "kind", "year", "period_start", "period_end", "confirm_by", "due_on"]
    list_filter = ["programme", "kind", "year"]


@admin.register(CommuneConfirmation)
class CommuneConfirmationAdmin(SimpleHistoryAdmin):
    list_display = ["cycle", "commune", "status", "confirmed_by", "confirmed_at"]
    readonly_fields = ["snapshot", "confirmed_by", "confirmed_at", "status"]


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "sha256", "requested_by", "requested_at"]
    list_filter = ["status", "kind"]
    # Builds are written by the task and the services only; the admin reads them.
    readonly_fields = [field.name for field in Report._meta.fields]

    def has_add_permission(self, request):
        return False
