from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from national.models import Ministry, NationalReport


@admin.register(Ministry)
class MinistryAdmin(SimpleHistoryAdmin):
    list_display = ["department_name", "place_name", "signer_name"]


@admin.register(NationalReport)
class NationalReportAdmin(SimpleHistoryAdmin):
    list_display = ["year", "version", "status", "requested_by", "requested_at", "built_at"]
    list_filter = ["year", "status"]
    readonly_fields = [field.name for field in NationalReport._meta.fields]
