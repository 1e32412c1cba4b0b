"""What the allocation ledger holds about one child, for needs.erasure (through portal.extensions)."""

from django.db.models import Sum
from django.utils.translation import gettext as _

from allocations.models import Allocation, Delivery, DistributionLine
from needs.models import Category
from portal.money import format_vnd


def child_record_sections(child) -> list[dict]:
    allocated = (
        Allocation.objects.filter(need__child=child, active=True)
        .values("need_id", "need__category")
        .annotate(amount=Sum("amount"))
        .order_by("need_id")
    )
    deliveries = (
        Delivery.objects.filter(need__child=child)
        .order_by("delivered_on", "pk")
        .values_list("need_id", "delivered_on", "quantity", "handed_over_by")
    )
    return [
        {
            "title": _("Kinh phí, hiện vật đã phân bổ"),
            "columns": [_("Nhu cầu số"), _("Loại hỗ trợ"), _("Giá trị (đồng)")],
            "rows": [
                [row["need_id"], Category(row["need__category"]).label, format_vnd(row["amount"])] for row in allocated
            ],
        },
        {
            "title": _("Hỗ trợ đã trao"),
            "columns": [_("Nhu cầu số"), _("Ngày trao"), _("Số lượng"), _("Người trao")],
            "rows": [
                [need_id, delivered_on.strftime("%d/%m/%Y"), quantity, handed_over_by]
                for need_id, delivered_on, quantity, handed_over_by in deliveries
            ],
        },
    ]


def child_history(child) -> list:
    """The history of the money and goods given to the child's needs, and of their hand-overs."""
    return [
        Allocation.history.filter(need__child=child).order_by("-history_date", "-history_id"),
        Delivery.history.filter(need__child=child).order_by("-history_date", "-history_id"),
    ]


def child_anonymised(child_ids: list[int]) -> None:
    """Delivery notes are written about the child; the delivery itself, with its evidence, stays for the donor."""
    Delivery.objects.filter(need__child_id__in=child_ids).exclude(note="").update(note="")
    Delivery.history.filter(need__child_id__in=child_ids).update(note="")
    # Why a child missed a distribution day is written about the child too (and may not be empty: a marker).
    from needs.erasure import ANONYMISED_NAME

    DistributionLine.objects.filter(need__child_id__in=child_ids).exclude(reason="").update(reason=ANONYMISED_NAME)
    DistributionLine.history.filter(need__child_id__in=child_ids).exclude(reason="").update(reason=ANONYMISED_NAME)
