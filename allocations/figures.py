"""The figures of the allocation ledger, defined once: allocated, delivered (in đồng and in items) and children
reached; and, beside them, what partner organisations gave directly (partner support, children they supported).
With donors.figures (received, plan progress, commendation) these are every quantity the portal shows; the public
page, the donor's pages and trace (here), and the dashboard, annual report, workbook and figures API
(reports.figures) all compute them from these functions. Each definition is written next to its code and shown
to readers from `NOTES` (one translatable text per figure).

Why one place: the public page once valued a delivery by each need's allocations prorated over all the need's
units while the report valued it at the need's unit cost, and counted children from delivery rows while the
report counted children with any allocation — the same year showed 4.957.238 đ and 17.010.000 đ delivered.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BigIntegerField, Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils.translation import gettext_lazy as _

from allocations.models import Allocation, Delivery, PartnerSupport
from donors.figures import NOTES as DONOR_NOTES
from needs.models import Need

NOTES = {
    "received": DONOR_NOTES["received"],
    # Allocated: what staff gave to needs from what was received.
    "allocated": _(
        "Đã phân bổ: phần tiền, hiện vật đã nhận được giao cho nhu cầu cụ thể (các đợt phân bổ còn hiệu lực), "
        "theo ngày phân bổ."
    ),
    # Delivered: the part of the allocated đồng whose units were handed over.
    "delivered": _(
        "Đã trao (đồng): phần giá trị đã phân bổ ứng với số đơn vị đã trao tận tay — mỗi khoản phân bổ × số đơn "
        "vị đã trao ÷ số đơn vị đã được tài trợ của nhu cầu; nhu cầu đã trao đủ phần được tài trợ thì tính đủ "
        "số đã phân bổ. Hiện vật tính theo giá trị ghi khi nhận, không theo đơn giá dự kiến."
    ),
    "delivered_items": _("Đã trao (đơn vị): số suất, chiếc, bộ… đã trao, theo ngày trao."),
    # Children reached: children who actually received something.
    "children_reached": _(
        "Trẻ được nhận hỗ trợ: trẻ đã thực nhận ít nhất một lần trao trong kỳ, mỗi trẻ tính một lần dù nhận nhiều "
        "lần; với nhu cầu tập thể (điểm trường, trường học) là số trẻ nhận ghi trong lần trao đông nhất. Trẻ mới "
        "được phân bổ mà chưa nhận thì chưa tính."
    ),
    # Partner support: what partner organisations gave directly, outside the department's money.
    "partner_support": _(
        "Hỗ trợ trực tiếp của tổ chức phối hợp (đồng): giá trị các lần hỗ trợ tổ chức phối hợp tự ghi nhận, theo "
        "ngày hỗ trợ. Không đi qua Sở nên không nằm trong số đã nhận, đã phân bổ, đã trao của Sở."
    ),
    "partner_children": _(
        "Trẻ được tổ chức phối hợp hỗ trợ: với hỗ trợ cho một trẻ, mỗi trẻ tính một lần dù được hỗ trợ nhiều lần; "
        "với hỗ trợ cho nhóm, số trẻ nhận ghi trong lần hỗ trợ."
    ),
    # A gap: needs and no support at all, where the 3W table shows who should look next.
    "support_gap": _(
        "Chưa có hỗ trợ: xã (hoặc loại hỗ trợ của xã) có nhu cầu đăng ký trong kỳ mà trong kỳ chưa có khoản phân "
        "bổ nào của Sở và chưa có lần hỗ trợ nào của tổ chức phối hợp."
    ),
    "plan_progress": DONOR_NOTES["plan_progress"],
    "commendation": DONOR_NOTES["commendation"],
}


def notes(*keys: str) -> list:
    """The definitions of these figures, in this order, for a footnote."""
    return [NOTES[key] for key in keys]


def _in_range(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lte": end})
    return q


# --- Allocated ------------------------------------------------------------------------------------------------


def allocations_made(start: dt.date | None = None, end: dt.date | None = None):
    """ALLOCATED: active allocations (a reversed batch no longer counts) made in [start, end], each worth `amount`
    đồng (money, or goods at the value recorded when they were received)."""
    return Allocation.objects.filter(_in_range("created_at__date", start, end), active=True)


# --- Delivered ------------------------------------------------------------------------------------------------


def deliveries_made(start: dt.date | None = None, end: dt.date | None = None):
    """Deliveries handed over in [start, end]; DELIVERED IN ITEMS is the sum of their `quantity`."""
    return Delivery.objects.filter(_in_range("delivered_on", start, end))


def paid_units_expression(need: str = "need"):
    """Whole units of a need paid for so far: goods given plus what the allocated money buys at the need's unit
    cost, at most the need's quantity (NeedBalance.covered_units, in SQL)."""
    prefix = f"{need}__" if need else ""
    return Least(
        F(f"{prefix}quantity"),
        Coalesce(F(f"{prefix}balance__allocated_quantity"), 0)
        + Coalesce(F(f"{prefix}balance__allocated_money"), 0) / Greatest(F(f"{prefix}unit_cost"), 1),
        output_field=IntegerField(),
    )


def _units_handed_over(before: dt.date | None = None, through: dt.date | None = None):
    """Units of the allocation's need handed over before `before` / up to `through` (a subquery on an allocation)."""
    deliveries = Delivery.objects.filter(need=OuterRef("need"))
    if before is not None:
        deliveries = deliveries.filter(delivered_on__lt=before)
    if through is not None:
        deliveries = deliveries.filter(delivered_on__lte=through)
    units = deliveries.order_by().values("need").annotate(units=Sum("quantity")).values("units")
    return Coalesce(Subquery(units, output_field=BigIntegerField()), 0)


def delivered_share_expression(start: dt.date | None = None, end: dt.date | None = None):
    """DELIVERED IN ĐỒNG, on an allocation row: its amount × units of its need handed over ÷ units of the need
    paid for, rounded down; for a period, what that came to by its end less what it came to before its start
    (so months add up exactly to their year).

    So a need whose paid units were all handed over shows its whole allocation as delivered (allocated =
    delivered + awaiting delivery holds to the đồng), a partly funded need counts the units it paid for (not all
    the units it asked for), and goods keep the value they were received at (not the need's estimated cost).
    """
    paid = Greatest(paid_units_expression(), 1)
    by_end = F("amount") * _units_handed_over(through=end) / paid
    if start is None:
        return by_end
    return by_end - F("amount") * _units_handed_over(before=start) / paid


def delivered_amount(allocations, start: dt.date | None = None, end: dt.date | None = None) -> int:
    """Delivered đồng of these allocations (see delivered_share_expression)."""
    return allocations.aggregate(
        total=Coalesce(Sum(delivered_share_expression(start, end), output_field=BigIntegerField()), 0)
    )["total"]


# --- Children reached -----------------------------------------------------------------------------------------


def reached_needs(needs, start: dt.date | None = None, end: dt.date | None = None):
    """Needs with something handed over in [start, end], each annotated `reached`: the children it reached —
    1 for one child's need, for a group need the largest number of children recorded on one of its deliveries
    in the period (the same pupils receive each month's meals: adding the deliveries up would count them again)."""
    in_period = deliveries_made(start, end).filter(need=OuterRef("pk"))
    most = in_period.order_by().values("need").annotate(most=Max("children_reached")).values("most")
    return needs.filter(Exists(in_period)).annotate(reached=Coalesce(Subquery(most, output_field=IntegerField()), 0))


def children_reached_by(
    needs, keys: tuple[str, ...] = (), start: dt.date | None = None, end: dt.date | None = None
) -> dict:
    """CHILDREN REACHED: children who actually received something (a delivery in [start, end]), each child
    counted once however many needs or deliveries they had, plus the children group needs reached. A child whose
    need is only allocated, not yet handed over, is not reached yet.

    Grouped by `keys` (field paths or annotations of the needs; none for one total): {(key values…): {"children":
    individually registered children, "groups": children reached through group needs, "reached": both}}.
    """
    rows = reached_needs(needs, start, end)
    aggregates = {
        "children": Count("child", distinct=True),
        "groups": Coalesce(Sum("reached", filter=Q(child__isnull=True)), 0),
    }
    grouped = rows.values(*keys).annotate(**aggregates).order_by() if keys else [rows.aggregate(**aggregates)]
    return {
        tuple(row[key] for key in keys): {
            "children": row["children"],
            "groups": row["groups"],
            "reached": row["children"] + row["groups"],
        }
        for row in grouped
    }


def children_reached(needs=None, start: dt.date | None = None, end: dt.date | None = None) -> dict:
    """CHILDREN REACHED in total (see children_reached_by)."""
    return children_reached_by(Need.objects.all() if needs is None else needs, (), start, end)[()]


# --- Partner organisations' own support ---------------------------------------------------------------------


def partner_support_given(start: dt.date | None = None, end: dt.date | None = None):
    """PARTNER SUPPORT: support partner organisations recorded as given in [start, end], each worth `value` đồng."""
    return PartnerSupport.objects.filter(_in_range("given_on", start, end))


def partner_children_by(supports, keys: tuple[str, ...] = ()) -> dict:
    """CHILDREN SUPPORTED BY PARTNERS, grouped by `keys` of the supports: each child supported individually once,
    plus the children recorded on group support. {(key values…): children}."""
    aggregates = {
        "children": Count("child", distinct=True),
        "groups": Coalesce(Sum("children_count", filter=Q(child__isnull=True)), 0),
    }
    grouped = supports.values(*keys).annotate(**aggregates).order_by() if keys else [supports.aggregate(**aggregates)]
    return {tuple(row[key] for key in keys): row["children"] + row["groups"] for row in grouped}
