from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from donors.models import (
    Campaign,
    Donor,
    DonorContact,
    MobilisationPlan,
    PlanTarget,
    Pledge,
    PledgeEvent,
    PledgeItem,
    Receipt,
    Sponsorship,
)


class DonorContactInline(admin.TabularInline):
    model = DonorContact
    extra = 0


@admin.register(Donor)
class DonorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "type", "tax_code", "country", "province", "anonymous_publicly"]
    list_filter = ["type", "province"]
    search_fields = ["name", "name_key", "tax_code"]
    filter_horizontal = ["members"]
    inlines = [DonorContactInline]


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "start_date", "end_date", "province"]
    list_filter = ["kind", "province"]


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    extra = 1
    autocomplete_fields = ["commune"]


@admin.register(MobilisationPlan)
class MobilisationPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "province"]
    inlines = [PlanTargetInline]


class PledgeItemInline(admin.TabularInline):
    model = PledgeItem
    extra = 0


class PledgeEventInline(admin.TabularInline):
    model = PledgeEvent
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "actor", "at", "reason"]
    can_delete = False


@admin.register(Pledge)
class PledgeAdmin(SimpleHistoryAdmin):
    """Read-mostly: status changes and receipts go through the portal's services so every one is an event."""

    list_display = ["pk", "donor", "kind", "amount", "status", "pledged_on", "receive_by"]
    list_filter = ["status", "kind"]
    readonly_fields = ["status"]
    inlines = [PledgeItemInline, PledgeEventInline]


@admin.register(Receipt)
class ReceiptAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "pledge", "kind", "amount", "received_on"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Sponsorship)
class SponsorshipAdmin(SimpleHistoryAdmin):
    list_display = ["donor", "child", "start_date", "end_date", "monthly_amount", "status"]
