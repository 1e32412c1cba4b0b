"""Read-only admin: the ledger is written only through allocations.services (and guarded by the database)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from allocations.models import (
    Allocation,
    AllocationBatch,
    Delivery,
    DeliveryEvidence,
    DistributionLine,
    DistributionList,
    MatchingRun,
    PartnerSupport,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AllocationBatch)
class AllocationBatchAdmin(ReadOnlyAdmin):
    list_display = ["id", "province", "source", "status", "created_by", "created_at"]
    list_filter = ["status", "source", "province"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["id", "batch", "receipt", "need", "amount", "quantity", "active"]
    list_filter = ["active"]
    raw_id_fields = ["batch", "receipt", "need"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "need", "delivered_on", "quantity", "children_reached"]
    raw_id_fields = ["need"]


@admin.register(DeliveryEvidence)
class DeliveryEvidenceAdmin(ReadOnlyAdmin):
    list_display = ["id", "delivery", "content_type", "size", "shows_children"]
    raw_id_fields = ["delivery"]


class DistributionLineInline(admin.TabularInline):
    model = DistributionLine
    raw_id_fields = ["need", "delivery"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DistributionList)
class DistributionListAdmin(ReadOnlyAdmin):
    list_display = ["id", "commune", "distributed_on", "title", "status", "created_by"]
    list_filter = ["status"]
    inlines = [DistributionLineInline]


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = ["id", "province", "status", "progress", "created_by", "created_at"]
    readonly_fields = ["province", "status", "progress", "result", "error", "batch", "created_by", "finished_at"]

    def has_add_permission(self, request):
        return False


@admin.register(PartnerSupport)
class PartnerSupportAdmin(ReadOnlyAdmin):
    list_display = ["id", "partner", "commune", "category", "season", "value", "given_on"]
    list_filter = ["category", "partner"]
    raw_id_fields = ["partner", "child", "commune", "village"]
