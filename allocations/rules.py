"""What may go where: the earmark and goods rules as plain data, shared by the ledger services (for clear
messages before the database refuses) and the matching assistant (to build only allowed arcs).

The same rules are enforced by PostgreSQL (allocations/migrations/0003_ledger_triggers.py); the codes here are
the constraint names the trigger raises, so one message table serves both.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from allocations.models import Allocation, PartnerSupport
from needs.models import AgeBand, Need
from needs.models.children import age_on

MESSAGES = {
    "allocation_earmark_deadline": _("Khoản tài trợ đã quá hạn sử dụng nhà tài trợ yêu cầu."),
    "allocation_earmark_category": _("Nhà tài trợ chỉ định loại hỗ trợ khác."),
    "allocation_earmark_commune": _("Nhà tài trợ chỉ định xã khác."),
    "allocation_earmark_age_band": _("Nhà tài trợ chỉ định độ tuổi khác."),
    "allocation_item_category": _("Hiện vật thuộc loại hỗ trợ khác."),
    "allocation_item_size": _("Hiện vật khác cỡ với nhu cầu."),
    "allocation_item_age_band": _("Hiện vật dành cho độ tuổi khác."),
    "allocation_appeal_child": _("Tiền của cuộc vận động cho một trẻ chỉ dùng cho nhu cầu của trẻ đó."),
    "allocation_need_fundable": _("Nhu cầu không còn ở trạng thái nhận tài trợ."),
    "allocation_units_only_for_goods": _("Hiện vật phân bổ theo số lượng, tiền phân bổ theo số đồng."),
    "allocation_goods_at_receipt_value": _("Giá trị hiện vật phải bằng số lượng nhân đơn giá khi tiếp nhận."),
    "allocation_child_once_per_category_season": _("Trẻ này đã được phân bổ cùng loại hỗ trợ trong mùa này."),
    "support_overlap": _("Trẻ này đã nhận cùng loại hỗ trợ trong mùa này: %(overlaps)s."),
    "receipt_allocated_le_received": _("Khoản tiếp nhận không còn đủ số dư."),
    "receipt_allocated_quantity_le_received": _("Khoản tiếp nhận không còn đủ hiện vật."),
    "need_covered_le_cost": _("Số phân bổ vượt phần kinh phí nhu cầu còn thiếu."),
    "need_allocated_quantity_le_quantity": _("Số hiện vật vượt số lượng nhu cầu còn thiếu."),
    "need_delivered_le_quantity": _("Số đã trao vượt số lượng của nhu cầu."),
    "need_delivered_le_covered": _("Không thể trao (hoặc hủy phân bổ) vượt phần đã được tài trợ."),
}


@dataclass(frozen=True)
class ReceiptFacts:
    id: int
    donor_id: int
    kind: str
    remaining: int  # đồng
    remaining_quantity: int  # units, goods only
    unit_value: int
    categories: frozenset
    communes: frozenset
    age_bands: frozenset
    spend_by: dt.date | None
    item_category: str = ""
    item_size: str = ""
    item_age_band: str = ""
    # Received for an appeal: its affected communes, whose needs the matching assistant offers it first. Not a
    # rule (the appeal's pledges are earmarked for the communes where its money may go, `communes`).
    preferred_communes: frozenset = frozenset()
    # Received for a critically ill child's appeal: only that child's needs may take it.
    for_child: int | None = None

    @property
    def is_goods(self) -> bool:
        return self.kind == "goods"

    @property
    def signature(self) -> tuple:
        """Receipts with the same signature may go to exactly the same needs (the solver groups them)."""
        return (
            self.kind,
            tuple(sorted(self.categories)),
            tuple(sorted(self.communes)),
            tuple(sorted(self.age_bands)),
            self.item_category,
            self.item_size,
            self.item_age_band,
            self.unit_value if self.is_goods else 0,
            tuple(sorted(self.preferred_communes)),
            self.for_child,
        )


@dataclass(frozen=True)
class NeedFacts:
    id: int
    commune_id: int
    category: str
    clothing_size: str
    age_band: str  # a child's from the birth date; a group's as stated, or ""
    priority: int
    unit_cost: int
    quantity: int
    allocated_money: int
    allocated_quantity: int
    child_id: int | None = None
    season: str = ""
    needed_by: dt.date | None = None

    @property
    def cost(self) -> int:
        return self.quantity * self.unit_cost

    @property
    def remaining(self) -> int:
        return self.cost - self.allocated_money - self.allocated_quantity * self.unit_cost

    @property
    def remaining_units(self) -> int:
        """Units goods may still fill: what neither goods nor money have paid for yet."""
        if not self.unit_cost:
            return self.quantity - self.allocated_quantity
        return self.remaining // self.unit_cost


def refusals(receipt: ReceiptFacts, need: NeedFacts, today: dt.date) -> list[str]:
    """The rules (constraint names, keys of MESSAGES) that forbid giving this receipt to this need."""
    codes = []
    if receipt.spend_by and today > receipt.spend_by:
        codes.append("allocation_earmark_deadline")
    if receipt.categories and need.category not in receipt.categories:
        codes.append("allocation_earmark_category")
    if receipt.communes and need.commune_id not in receipt.communes:
        codes.append("allocation_earmark_commune")
    if receipt.age_bands and need.age_band not in receipt.age_bands:
        codes.append("allocation_earmark_age_band")
    if receipt.for_child and need.child_id != receipt.for_child:
        codes.append("allocation_appeal_child")
    if receipt.is_goods:
        if receipt.item_category != need.category:
            codes.append("allocation_item_category")
        if receipt.item_size and need.clothing_size and receipt.item_size != need.clothing_size:
            codes.append("allocation_item_size")
        if receipt.item_age_band and receipt.item_age_band != need.age_band:
            codes.append("allocation_item_age_band")
    return codes


def receipt_facts(receipts) -> list[ReceiptFacts]:
    """Facts for a queryset of receipts, in three queries whatever their number."""
    from donors.models import Appeal, Pledge

    rows = list(
        receipts.annotate(
            remaining=Coalesce(F("balance__received"), F("amount")) - Coalesce(F("balance__allocated"), Value(0)),
            remaining_quantity=Coalesce(F("balance__received_quantity"), F("quantity"), Value(0))
            - Coalesce(F("balance__allocated_quantity"), Value(0)),
        ).values(
            "id",
            "pledge_id",
            "pledge__campaign_id",
            "pledge__donor_id",
            "kind",
            "remaining",
            "remaining_quantity",
            "unit_value",
            "pledge__earmark_categories",
            "pledge__earmark_age_bands",
            "pledge__spend_by",
            "item__category",
            "item__clothing_size",
            "item__age_band",
        )
    )
    pledge_ids = {row["pledge_id"] for row in rows}
    communes: dict[int, set] = {}
    through = Pledge.earmark_communes.through.objects.filter(pledge_id__in=pledge_ids)
    for pledge_id, unit_id in through.values_list("pledge_id", "administrativeunit_id"):
        communes.setdefault(pledge_id, set()).add(unit_id)
    affected: dict[int, set] = {}
    campaign_ids = {row["pledge__campaign_id"] for row in rows} - {None}
    appeal_communes = Appeal.communes.through.objects.filter(appeal__campaign_id__in=campaign_ids)
    for campaign_id, unit_id in appeal_communes.values_list("appeal__campaign_id", "administrativeunit_id"):
        affected.setdefault(campaign_id, set()).add(unit_id)
    children = dict(
        Appeal.objects.filter(campaign_id__in=campaign_ids, child__isnull=False).values_list("campaign_id", "child_id")
    )
    return [
        ReceiptFacts(
            id=row["id"],
            donor_id=row["pledge__donor_id"],
            kind=row["kind"],
            remaining=row["remaining"],
            remaining_quantity=row["remaining_quantity"] or 0,
            unit_value=row["unit_value"] or 0,
            categories=frozenset(row["pledge__earmark_categories"] or ()),
            communes=frozenset(communes.get(row["pledge_id"], ())),
            age_bands=frozenset(row["pledge__earmark_age_bands"] or ()),
            spend_by=row["pledge__spend_by"],
            item_category=row["item__category"] or "",
            item_size=row["item__clothing_size"] or "",
            item_age_band=row["item__age_band"] or "",
            preferred_communes=frozenset(affected.get(row["pledge__campaign_id"], ())),
            for_child=children.get(row["pledge__campaign_id"]),
        )
        for row in rows
    ]


def need_facts(needs, today: dt.date) -> list[NeedFacts]:
    """Facts for a queryset of needs (one query); a child's age band is taken on `today`."""
    rows = needs.annotate(
        money=Coalesce(F("balance__allocated_money"), Value(0)),
        goods=Coalesce(F("balance__allocated_quantity"), Value(0)),
    ).values(
        "id",
        "commune_id",
        "category",
        "clothing_size",
        "priority",
        "unit_cost",
        "quantity",
        "money",
        "goods",
        "child_id",
        "child__birth_date",
        "age_band",
        "season",
        "needed_by",
    )
    return [
        NeedFacts(
            id=row["id"],
            commune_id=row["commune_id"],
            category=row["category"],
            clothing_size=row["clothing_size"],
            age_band=AgeBand.for_age(age_on(row["child__birth_date"], today)).value
            if row["child_id"]
            else row["age_band"],
            priority=row["priority"],
            unit_cost=row["unit_cost"],
            quantity=row["quantity"],
            allocated_money=row["money"],
            allocated_quantity=row["goods"],
            child_id=row["child_id"],
            season=row["season"],
            needed_by=row["needed_by"],
        )
        for row in rows
    ]


def need_facts_one(need: Need, today: dt.date) -> NeedFacts:
    return need_facts(Need.objects.filter(pk=need.pk), today)[0]


# --- No overlapping support -------------------------------------------------------------------------------------
# One child, one category, one season: one support, whoever gives it. The department's allocations and the partner
# organisations' own records are both checked here, by the ledger (allocations.services._checked_allocations), the
# partner's page, import and API (allocations.services.partner_support_record) and the overlap list. Callers hold
# a lock on the child's row (SELECT … FOR UPDATE) while they check and save, so two records racing for the same
# child are serialised and the second one sees the first.


@dataclass(frozen=True)
class Overlap:
    """Support the child already has in the category and season."""

    by: str  # the partner organisation, or the department (never the donor: partners read this)
    on: dt.date
    value: int  # đồng
    partner_id: int | None = None  # None for the department

    def __str__(self):
        return f"{self.by} ({formats.date_format(self.on, 'd/m/Y')})"


def department_support():
    """The department's support of children: active allocations to their needs. A need staff accepted as a second
    support with a reason (duplicate_override_reason) neither counts nor is checked, as in the ledger's trigger
    (migration 0003)."""
    return Allocation.objects.filter(active=True, need__child__isnull=False, need__duplicate_override_reason="")


def partner_support():
    """The partner organisations' support of children (every record: one with an overlap reason still counts)."""
    return PartnerSupport.objects.filter(child__isnull=False)


@dataclass(frozen=True)
class SupportKey:
    """What is checked: a child, category and season, leaving out the record itself (its need, or its id)."""

    child_id: int | None
    category: str
    season: str
    need_id: int | None = None
    support_id: int | None = None


def support_overlaps_of(keys) -> dict[SupportKey, list[Overlap]]:
    """THE no-overlap rule, for many records at once (two queries whatever their number): for each key, the
    support its child already has in that category and season, from the department or any partner, leaving out
    the record being checked. No entry for a key without a child (support to a group is not one child's) or
    without overlap."""
    keys = [key for key in keys if key.child_id is not None and key.category and key.season]
    child_ids = {key.child_id for key in keys}
    if not child_ids:
        return {}
    found: dict[tuple, list[tuple]] = {}  # (child, category, season) → [(need or None, support or None, Overlap)]
    department = (
        department_support()
        .filter(need__child_id__in=child_ids)
        .values_list("need__child_id", "need__category", "need__season", "need_id", "created_at", "amount")
    )
    # The donor is not named: a partner sees this message, and some donors ask not to be named publicly.
    by_department = gettext("Sở (phân bổ từ nguồn tài trợ)")
    for child_id, category, season, need_id, created, amount in department:
        overlap = Overlap(by=by_department, on=timezone.localdate(created), value=amount)
        found.setdefault((child_id, category, season), []).append((need_id, None, overlap))
    partners = (
        partner_support()
        .filter(child_id__in=child_ids)
        .values_list("child_id", "category", "season", "pk", "partner__name", "given_on", "value", "partner_id")
    )
    for child_id, category, season, pk, name, on, value, partner_id in partners:
        overlap = Overlap(by=name, on=on, value=value, partner_id=partner_id)
        found.setdefault((child_id, category, season), []).append((None, pk, overlap))
    result = {}
    for key in keys:
        overlaps = [
            overlap
            for need_id, support_id, overlap in found.get((key.child_id, key.category, key.season), [])
            if (need_id is None or need_id != key.need_id) and (support_id is None or support_id != key.support_id)
        ]
        if overlaps:
            result[key] = sorted(overlaps, key=lambda overlap: overlap.on)
    return result


def support_overlaps(
    *, child_id: int | None, category: str, season: str, need_id: int | None = None, support_id: int | None = None
) -> list[Overlap]:
    """The no-overlap rule for one record (see support_overlaps_of)."""
    key = SupportKey(child_id, category, season, need_id, support_id)
    return support_overlaps_of([key]).get(key, [])


def overlap_message(overlaps: list[Overlap]) -> str:
    return str(MESSAGES["support_overlap"]) % {"overlaps": "; ".join(str(overlap) for overlap in overlaps)}
