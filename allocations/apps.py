from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import Perm


class AllocationsConfig(AppConfig):
    name = "allocations"
    verbose_name = _("Phân bổ")

    def nav_items(self, scope):
        items = []
        if scope.has_perm(Perm.ALLOCATE):
            items.append((_("Phân bổ"), reverse("allocations:batch-list")))
        if scope.has_perm(Perm.MANAGE_DONORS) or scope.has_perm(Perm.VIEW_DASHBOARDS):
            items.append((_("Vận động NĐ 93"), reverse("allocations:appeal-list")))
        if scope.has_perm(Perm.RECORD_DELIVERIES):
            items.append((_("Trao hỗ trợ"), reverse("allocations:delivery-list")))
            items.append((_("Cấp phát"), reverse("allocations:distribution-list")))
        return items

    def child_record_sections(self, child):
        from allocations.child_record import child_record_sections

        return child_record_sections(child)

    def child_history(self, child):
        from allocations.child_record import child_history

        return child_history(child)

    def child_anonymised(self, child_ids):
        from allocations.child_record import child_anonymised

        child_anonymised(child_ids)

    def receipt_allocated(self, receipt, lock):
        from allocations.models import ReceiptBalance

        balances = ReceiptBalance.objects.filter(receipt_id=receipt.pk)
        if lock:
            balances = balances.select_for_update()
        balance = balances.first()
        return (balance.allocated, balance.allocated_quantity) if balance else (0, 0)

    def receipt_changed(self, receipt):
        from django.db import connection

        from allocations.models import ReceiptBalance

        if connection.vendor == "postgresql":
            return  # the trigger of migration 0006 keeps the balance, and its CHECK refuses going below allocated
        counted = receipt.cancelled_at is None
        ReceiptBalance.objects.filter(receipt_id=receipt.pk).update(
            received=receipt.amount if counted else 0,
            received_quantity=receipt.quantity if counted or receipt.quantity is None else 0,
        )

    def home_panels(self, request, scope):
        if not scope.has_perm(Perm.VIEW_OWN_DONATIONS):
            return []
        from allocations.figures import notes
        from allocations.selectors import donor_pledges

        pledges = donor_pledges(user=request.user)
        if not pledges:
            return []
        return [
            {
                "template": "allocations/_donor_panel.html",
                "pledges": pledges,
                "notes": notes("received", "allocated", "delivered"),
            }
        ]
