"""Every number any report shows: the PDF, the Excel workbook, the dashboards and the API all read this module.

Figures are for a unit (the province, or one commune) and a period (any two dates). They are computed by the
database (values/annotate/aggregate, distinct counts, conditional sums); Python only reshapes the few
aggregated rows and adds per-commune rows up to province totals.

Definitions: each quantity — received, allocated, delivered (in đồng and in items), children reached, plan
progress, commendation — is defined once, in donors.figures and allocations.figures, next to its code; this
module only groups those definitions by commune, category, month… `DEFINITIONS` holds their texts, shown as
footnotes on the dashboard, in the PDF and the workbook, and in the API's "definitions".
- Resources mobilised are what was RECEIVED (donors.figures.received_in); pledges are promises and never count.
  For one commune, the resources are what was ALLOCATED to its needs.
- Children: CHILDREN REACHED (allocations.figures.children_reached_by) — children who actually received
  something in the period, each once; "beneficiaries" adds the children group needs reached. Age bands are the
  child's age on the last day of the period.
- The needs pipeline counts needs registered in the period (not drafts, not cancelled) by how far they went;
  its money columns are ALLOCATED and DELIVERED in the period by the needs' category, whenever the needs were
  registered, so they add up to the same totals as every other table.
- Plan progress is donors.figures.plan_progress_totals for the period; its children are children reached.
- 3W (support_map_for): by commune and category, the department's ALLOCATED and DELIVERED from the same
  per-commune figures, each partner's PARTNER SUPPORT given in the period, and the SUPPORT GAPs.
- Per-commune figures ("local" figures) of a commune that confirmed them for a cycle come from the snapshot
  taken at confirmation, when the figures asked for are that cycle's period; the province adds communes up.
- The Decree 03/2026 disclosure (`disclosure_figures`) reads the same figures (live, never a commune's snapshot)
  and adds the BALANCE carried forward, defined below from RECEIVED and ALLOCATED; being public, it names no
  donor who asked for anonymity and shows children counts of 1 to 4 as "<5".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Case, CharField, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allocations.figures import (
    NOTES,
    allocations_made,
    children_reached_by,
    delivered_share_expression,
    deliveries_made,
    notes,
    partner_children_by,
    partner_support_given,
    reached_needs,
    unallocated_amount,
)
from allocations.selectors import SMALL_COUNT
from donors.figures import awaiting_statement, plan_progress_totals, received_in, statement_credits
from donors.models import DonorType, LineStatus, MobilisationPlan, PaymentMethod, ReceiptKind, StatementMatch
from needs.models import AgeBand, Category, Need, NeedStatus, Sex
from portal.models import AdministrativeUnit, EthnicGroup, UnitLevel
from portal.text import collated, vietnamese_key

VERIFIED_OR_LATER = (
    NeedStatus.VERIFIED,
    NeedStatus.OPEN,
    NeedStatus.PARTLY_FUNDED,
    NeedStatus.FUNDED,
    NeedStatus.DELIVERED,
    NeedStatus.CLOSED,
)
FUNDED_OR_LATER = (NeedStatus.FUNDED, NeedStatus.DELIVERED, NeedStatus.CLOSED)
DELIVERED_OR_LATER = (NeedStatus.DELIVERED, NeedStatus.CLOSED)
NOT_REGISTERED = (NeedStatus.DRAFT, NeedStatus.CANCELLED)
# Donors whose gifts received in the period reach this many đồng are proposed for commendation.
COMMEND_THRESHOLD = 50_000_000
COMMEND_LIMIT = 10
NEED_MEASURES = (
    "registered",
    "verified",
    "funded",
    "delivered",
    "estimated_cost",
    "allocated",
    "delivered_value",
    "delivered_items",
    "children_reached",
)
# The definition of every figure, shown with them (one text per figure: allocations.figures.NOTES).
DEFINITIONS = NOTES
UNCATEGORISED = ""  # money received without a category (goods carry the category of their item)
ANONYMOUS = "ẩn danh"  # how a public document names a donor who asked not to be named
DISCLOSURE_NOTES = {
    # Balance: what was received and not yet given to a need, carried to the next period.
    "balance": gettext_lazy(
        "Số dư chuyển kỳ sau: giá trị tiền, hiện vật đã tiếp nhận nhưng chưa phân bổ cho nhu cầu nào, bằng số dư "
        "đầu kỳ cộng đã tiếp nhận trong kỳ trừ đã phân bổ trong kỳ; số dư đầu kỳ là tổng đã tiếp nhận trừ tổng đã "
        "phân bổ trước ngày đầu kỳ. Tiền và hiện vật tính riêng (phân bổ tính theo khoản tiếp nhận được dùng)."
    ),
    "anonymous": gettext_lazy(
        "Nhà tài trợ đề nghị không công khai tên được ghi là «ẩn danh» và cộng chung theo loại nhà tài trợ."
    ),
    "small_counts": gettext_lazy("Số trẻ từ 1 đến 4 được ghi là «<5» để không thể nhận ra trẻ."),
}


@dataclass
class Figures:
    unit: AdministrativeUnit
    period_start: dt.date
    period_end: dt.date
    communes: dict[int, dict]  # commune id → local figures (live, or the confirmed snapshot)
    commune_names: dict[int, str]
    confirmed: set[int]
    resources: dict
    by_month: list[dict]
    plan: list[dict]
    donors: list[dict]
    support_map: dict = field(default_factory=dict)  # 3W: who does what where (support_map_for)
    local: dict = field(init=False)  # the communes added up

    def __post_init__(self):
        self.local = merge_local(self.communes.values())

    @property
    def is_province(self) -> bool:
        return self.unit.level == UnitLevel.PROVINCE

    # Tables, in the order the report shows them: each a list of rows {"key", "label", measures…}.
    def children_by_category(self) -> list[dict]:
        rows = self.local["by_category"]
        return [{"key": c.value, "label": str(c.label), **_child_counts(rows.get(c.value))} for c in Category]

    def children_by_commune(self) -> list[dict]:
        return sorted(
            (
                {
                    "key": pk,
                    "label": self.commune_names.get(pk, str(pk)),
                    "children": data["children"],
                    "beneficiaries": data["beneficiaries"],
                    "confirmed": pk in self.confirmed,
                }
                for pk, data in self.communes.items()
            ),
            key=lambda row: vietnamese_key(row["label"]),
        )

    def children_by_ethnic_group(self) -> list[dict]:
        names = dict(EthnicGroup.objects.values_list("code", "name"))
        rows = self.local["by_ethnic_group"]
        return [{"key": code, "label": names.get(code, code), "children": n} for code, n in sorted(rows.items()) if n]

    def children_by_sex(self) -> list[dict]:
        rows = self.local["by_sex"]
        return [{"key": s.value, "label": str(s.label), "children": rows.get(s.value, 0)} for s in Sex]

    def children_by_age_band(self) -> list[dict]:
        rows = self.local["by_age_band"]
        return [{"key": b.value, "label": str(b.label), "children": rows.get(b.value, 0)} for b in AgeBand]

    def needs_by_category(self) -> list[dict]:
        rows = self.local["needs"]
        return [{"key": c.value, "label": str(c.label), **_need_counts(rows.get(c.value))} for c in Category]

    def needs_by_commune(self) -> list[dict]:
        rows = [
            {
                "key": pk,
                "label": self.commune_names.get(pk, str(pk)),
                **_need_counts(merge_dicts(data["needs"].values())),
            }
            for pk, data in self.communes.items()
        ]
        return sorted(rows, key=lambda row: vietnamese_key(row["label"]))

    def needs_total(self) -> dict:
        return _need_counts(merge_dicts(self.local["needs"].values()))

    def as_dict(self) -> dict:
        """Everything, JSON-ready (the API and the Excel workbook use this shape)."""
        return {
            "unit": {"code": self.unit.code, "name": self.unit.name, "level": self.unit.level},
            "period": {"start": self.period_start.isoformat(), "end": self.period_end.isoformat()},
            "resources": self.resources,
            "totals": self.totals(),
            "children": {
                "children": self.local["children"],
                "beneficiaries": self.local["beneficiaries"],
                "by_category": self.children_by_category(),
                "by_commune": self.children_by_commune(),
                "by_ethnic_group": self.children_by_ethnic_group(),
                "by_sex": self.children_by_sex(),
                "by_age_band": self.children_by_age_band(),
            },
            "needs": {
                "total": self.needs_total(),
                "by_category": self.needs_by_category(),
                "by_commune": self.needs_by_commune(),
            },
            "by_month": [{**row, "month": row["month"].isoformat()} for row in self.by_month],
            "plan": self.plan,
            "donors_to_commend": self.donors,
            "support_map": self.support_map,
            "confirmed_communes": sorted(
                (self.commune_names[pk] for pk in self.confirmed if pk in self.commune_names), key=vietnamese_key
            ),
            "quiet_communes": self.quiet_communes(),
            "definitions": {key: str(text) for key, text in DEFINITIONS.items()},
        }

    def totals(self) -> dict:
        """The headline figures, each as its one definition gives it (see DEFINITIONS)."""
        needs = self.needs_total()
        return {
            "received": self.resources["total"],
            "allocated": needs["allocated"],
            "delivered": needs["delivered_value"],
            "delivered_items": needs["delivered_items"],
            "children": self.local["children"],
            "children_reached": self.local["beneficiaries"],
        }

    def is_active(self, pk: int) -> bool:
        """A commune the report lists: it has a figure in the period (children reached, needs registered, money
        allocated or delivered there) or it confirmed its figures for the cycle, zeros included."""
        if pk in self.confirmed:
            return True
        data = self.communes.get(pk) or empty_local()
        needs = _need_counts(merge_dicts(data["needs"].values()))
        return bool(data["beneficiaries"] or any(needs.values()))

    def quiet_communes(self) -> int:
        """Communes of the unit the report does not list: no figure in the period and no confirmation."""
        return sum(not self.is_active(pk) for pk in self.commune_names)


def figures_for(*, unit: AdministrativeUnit, period_start: dt.date, period_end: dt.date, cycle=None) -> Figures:
    """The figures of a province or one commune for a period; with a cycle, confirmed communes use their snapshot."""
    roots = _commune_roots(unit)
    lineage = Lineage.of(roots)
    commune_ids = set(roots) | set(lineage.root_of)
    communes = live_local_figures(commune_ids, lineage, period_start, period_end)
    for pk in roots:
        communes.setdefault(pk, empty_local())
    confirmed: set[int] = set()
    if cycle is not None and (cycle.period_start, cycle.period_end) == (period_start, period_end):
        from reports.models import CommuneConfirmation, ConfirmationStatus

        snapshots = CommuneConfirmation.objects.filter(
            cycle=cycle, commune_id__in=roots, status=ConfirmationStatus.CONFIRMED
        ).values_list("commune_id", "snapshot")
        for pk, snapshot in snapshots:
            communes[pk] = snapshot
            confirmed.add(pk)
    money_in = _money_in(unit, commune_ids, period_start, period_end)
    figures = Figures(
        unit=unit,
        period_start=period_start,
        period_end=period_end,
        communes=communes,
        commune_names=dict(AdministrativeUnit.objects.filter(pk__in=roots).values_list("pk", "name")),
        confirmed=confirmed,
        resources=_resources(money_in),
        by_month=_by_month(money_in, commune_ids, period_start, period_end),
        plan=[],
        donors=_donors_to_commend(money_in),
    )
    figures.plan = _plan(figures)
    figures.support_map = support_map_for(figures, lineage, commune_ids)
    return figures


# --- 3W: who does what where ---------------------------------------------------------------------------------


def support_map_for(figures: Figures, lineage: Lineage, commune_ids) -> dict:
    """By commune and category: the needs registered, the department's support (ALLOCATED and DELIVERED, the
    same per-commune figures as every other table, from `figures.communes`) and each partner organisation's
    (PARTNER SUPPORT, allocations.figures), with the gaps (SUPPORT GAP) flagged.

    {"partners": [{"id", "name", "value"}], "rows": [{"commune", "category", "needs", "allocated", "delivered",
    "partners": [đồng per partner, in the order of "partners"], "partner_total", "partner_children", "gap"}],
    "totals": {…the same sums…}, "gap_communes": [names of communes with needs and no support at all]}"""
    supports = partner_support_given(figures.period_start, figures.period_end).filter(commune_id__in=commune_ids)
    supports = supports.annotate(root=lineage.root_expression("commune"))
    given: dict[tuple, int] = {}
    names: dict[int, str] = {}
    rows = supports.values("root", "category", "partner_id", "partner__name").annotate(value=Sum("value"))
    for row in rows.order_by():
        given[(row["root"], row["category"], row["partner_id"])] = row["value"]
        names[row["partner_id"]] = row["partner__name"]
    children = partner_children_by(supports, ("root", "category"))
    partners = sorted(names.items(), key=lambda item: vietnamese_key(item[1]))
    labels = dict(Category.choices)
    table = []
    for pk in sorted(figures.communes, key=lambda pk: vietnamese_key(figures.commune_names.get(pk, str(pk)))):
        needs = figures.communes[pk]["needs"]
        for category in Category.values:
            counts = needs.get(category) or _need_counts(None)
            by_partner = [given.get((pk, category, partner_id), 0) for partner_id, _name in partners]
            row = {
                "commune": figures.commune_names.get(pk, str(pk)),
                "commune_id": pk,
                "category": category,
                "category_label": str(labels[category]),
                "needs": counts["registered"],
                "allocated": counts["allocated"],
                "delivered": counts["delivered_value"],
                "partners": by_partner,
                "partner_total": sum(by_partner),
                "partner_children": children.get((pk, category), 0),
            }
            row["gap"] = bool(row["needs"] and not row["allocated"] and not row["partner_total"])
            if row["needs"] or row["allocated"] or row["delivered"] or row["partner_total"]:
                table.append(row)
    communes: dict[int, list[dict]] = {}
    for row in table:
        communes.setdefault(row["commune_id"], []).append(row)
    gap_communes = [
        rows_[0]["commune"]
        for rows_ in communes.values()
        if any(r["needs"] for r in rows_) and not any(r["allocated"] or r["partner_total"] for r in rows_)
    ]
    totals = {key: sum(row[key] for row in table) for key in ("needs", "allocated", "delivered", "partner_total")}
    totals["partner_children"] = partner_children_by(supports)[()]  # a child supported in two categories once
    totals["partners"] = [sum(row["partners"][i] for row in table) for i in range(len(partners))]
    return {
        "partners": [
            {"id": pk, "name": name, "value": value}
            for (pk, name), value in zip(partners, totals["partners"], strict=True)
        ],
        "rows": table,
        "totals": totals,
        "gap_communes": gap_communes,
    }


def commune_snapshot(*, commune: AdministrativeUnit, period_start: dt.date, period_end: dt.date) -> dict:
    """A commune's own (local) figures, as stored when its officer confirms them."""
    lineage = Lineage.of([commune.pk])
    communes = live_local_figures({commune.pk, *lineage.root_of}, lineage, period_start, period_end)
    return communes.get(commune.pk, empty_local())


# --- Local (per-commune) figures ---------------------------------------------------------------------------


def empty_local() -> dict:
    return {
        "children": 0,
        "beneficiaries": 0,
        "by_category": {},
        "by_ethnic_group": {},
        "by_sex": {},
        "by_age_band": {},
        "needs": {},
    }


def live_local_figures(commune_ids, lineage: Lineage, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Per current commune (predecessors rolled up into it), the figures a commune confirms."""
    communes: dict[int, dict] = {}

    def local(pk):
        return communes.setdefault(pk, empty_local())

    root = lineage.root_expression("commune")
    needs = Need.objects.filter(commune_id__in=commune_ids).annotate(root=root)
    for (pk, category), counts in children_reached_by(needs, ("root", "category"), start, end).items():
        data = local(pk)
        data["by_category"][category] = {"children": counts["children"], "beneficiaries": counts["reached"]}
        data["beneficiaries"] += counts["groups"]
    supported = reached_needs(needs, start, end)
    # Ethnic group, sex and age band belong to the child, so within a commune each child falls in exactly one
    # combination of the three: one query counts every dimension and, added up, the commune's children. (One
    # query per dimension scanned the province's needs once each: three seconds more per report.)
    profiles = (
        supported.filter(child__isnull=False)
        .annotate(
            ethnic_group=F("child__ethnic_group__code"),
            sex=F("child__sex"),
            child_age_band=_age_band_expression("child__birth_date", end),  # not Need.age_band, a group's own
        )
        .values("root", "ethnic_group", "sex", "child_age_band")
        .annotate(n=Count("child", distinct=True))
    )
    for row in profiles:
        data = local(row["root"])
        data["children"] += row["n"]
        data["beneficiaries"] += row["n"]
        for dimension, key in (("ethnic_group", "ethnic_group"), ("sex", "sex"), ("age_band", "child_age_band")):
            counts = data[f"by_{dimension}"]
            counts[row[key]] = counts.get(row[key], 0) + row["n"]

    registered = Need.objects.filter(commune_id__in=commune_ids, created_at__date__range=(start, end)).exclude(
        status__in=NOT_REGISTERED
    )
    pipeline = (
        registered.annotate(root=root)
        .values("root", "category")
        .annotate(
            registered=Count("id"),
            verified=Count("id", filter=Q(status__in=VERIFIED_OR_LATER)),
            funded=Count("id", filter=Q(status__in=FUNDED_OR_LATER)),
            delivered=Count("id", filter=Q(status__in=DELIVERED_OR_LATER)),
            estimated_cost=Sum("estimated_cost"),
        )
    )
    for row in pipeline:
        local(row["root"])["needs"][row["category"]] = {measure: row.get(measure) or 0 for measure in NEED_MEASURES}
    # The money columns: ALLOCATED and DELIVERED in the period by the needs' category (allocations.figures).
    need_root = lineage.root_expression("need__commune")
    allocations = allocations_made().filter(need__commune_id__in=commune_ids).annotate(root=need_root)
    money = allocations.values("root", "need__category").annotate(
        allocated=Coalesce(Sum("amount", filter=Q(created_at__date__range=(start, end))), 0),
        delivered_value=Coalesce(Sum(delivered_share_expression(start, end), output_field=BigIntegerField()), 0),
    )
    items = (
        deliveries_made(start, end)
        .filter(need__commune_id__in=commune_ids)
        .annotate(root=need_root)
        .values("root", "need__category")
        .annotate(delivered_items=Sum("quantity"))
    )
    for rows in (money, items):
        for row in rows.order_by():
            measures = local(row["root"])["needs"].setdefault(row["need__category"], _need_counts(None))
            for measure in ("allocated", "delivered_value", "delivered_items"):
                if measure in row:
                    measures[measure] = row[measure]
    for data in communes.values():
        for category, counts in data["by_category"].items():
            data["needs"].setdefault(category, _need_counts(None))["children_reached"] = counts["beneficiaries"]
    return communes


def merge_local(items) -> dict:
    merged = empty_local()
    for item in items:
        merged = merge_dicts([merged, item])
    return merged


def merge_dicts(items) -> dict:
    """Add nested dicts of numbers key by key (communes up to the province, categories up to a total)."""
    merged: dict = {}
    for item in items:
        for key, value in item.items():
            if isinstance(value, dict):
                merged[key] = merge_dicts([merged.get(key, {}), value])
            else:
                merged[key] = merged.get(key, 0) + value
    return merged


def _child_counts(row) -> dict:
    row = row or {}
    return {"children": row.get("children", 0), "beneficiaries": row.get("beneficiaries", 0)}


def _need_counts(row) -> dict:
    row = row or {}
    return {measure: row.get(measure, 0) for measure in NEED_MEASURES}


# --- Units ---------------------------------------------------------------------------------------------------


def _commune_roots(unit: AdministrativeUnit) -> list[int]:
    if unit.level == UnitLevel.PROVINCE:
        return list(
            AdministrativeUnit.objects.filter(
                level=UnitLevel.COMMUNE, province=unit, valid_to__isnull=True
            ).values_list("pk", flat=True)
        )
    return [unit.pk]


@dataclass(frozen=True)
class Lineage:
    """Older communes merged, possibly in several steps, into today's communes: {old id: today's id}, and the
    longest chain of merges."""

    root_of: dict[int, int]
    steps: int

    @classmethod
    def of(cls, roots) -> Lineage:
        root_of: dict[int, int] = {}
        frontier = {pk: pk for pk in roots}
        steps = 0
        while frontier:
            rows = AdministrativeUnit.objects.filter(merged_into__in=frontier.keys()).values_list("pk", "merged_into")
            frontier = {pk: frontier[parent] for pk, parent in rows if pk not in root_of}
            root_of.update(frontier)
            steps += bool(frontier)
        return cls(root_of, steps)

    def root_expression(self, commune: str):
        """Today's commune of a row whose commune is at `commune`: the end of its chain of merges.

        Follows `merged_into` through joins to the small units table, deepest first; a CASE with one branch per
        old commune (~270 in a province after 2025) cost PostgreSQL seconds per report query over 600,000 needs.
        """
        if not self.steps:
            return F(commune)
        hops = [F(f"{commune}{'__merged_into' * step}") for step in range(self.steps, 0, -1)]
        return Coalesce(*hops, F(commune), output_field=IntegerField())


def _years_before(day: dt.date, years: int) -> dt.date:
    if day.year - years < dt.MINYEAR:  # a period asked for in the first centuries: no birth date is earlier
        return dt.date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age_band_expression(birth_path: str, on: dt.date):
    """The AgeBand of a birth date on a given day, computed by the database."""
    whens = []
    for band in AgeBand:
        high = int(band.value.split("-")[1])
        # Aged at most `high` on `on` ⇔ born after the day `high + 1` years before it.
        whens.append(When(**{f"{birth_path}__gt": _years_before(on, high + 1)}, then=Value(band.value)))
    return Case(*whens, default=Value(AgeBand.OLDER.value), output_field=CharField())


# --- Resources (money and goods in) --------------------------------------------------------------------------


def _money_in(unit, commune_ids, start, end):
    """Receipts of the province's donors in the period; for a commune, what was allocated to its needs.

    Both are annotated with the same names, so every table below is one query on either.
    """
    if unit.level == UnitLevel.PROVINCE:
        return (
            received_in(start, end)
            .filter(pledge__donor__province=unit)
            .annotate(
                value=F("amount"),
                is_cash=Case(When(kind=ReceiptKind.MONEY, then=Value(1)), default=Value(0)),
                donor_type=F("pledge__donor__type"),
                donor_key=F("pledge__donor_id"),
                donor_name=F("pledge__donor__name"),
                campaign_name=Coalesce("pledge__campaign__name", Value("")),
                category=Coalesce("item__category", Value(UNCATEGORISED)),
                month=TruncMonth("received_on"),
                donor_anonymous=F("pledge__donor__anonymous_publicly"),
            )
        )
    return (
        allocations_made(start, end)
        .filter(need__commune_id__in=commune_ids)
        .annotate(
            value=F("amount"),
            is_cash=Case(When(receipt__kind=ReceiptKind.MONEY, then=Value(1)), default=Value(0)),
            donor_type=F("receipt__pledge__donor__type"),
            donor_key=F("receipt__pledge__donor_id"),
            donor_name=F("receipt__pledge__donor__name"),
            campaign_name=Coalesce("receipt__pledge__campaign__name", Value("")),
            category=F("need__category"),
            month=TruncMonth("created_at"),
            donor_anonymous=F("receipt__pledge__donor__anonymous_publicly"),
        )
    )


def _split(qs) -> dict:
    return qs.aggregate(
        cash=Coalesce(Sum("value", filter=Q(is_cash=1)), 0),
        in_kind=Coalesce(Sum("value", filter=Q(is_cash=0)), 0),
    )


def _rows(qs, key: str, labels: dict) -> list[dict]:
    rows = qs.values(key).annotate(
        cash=Coalesce(Sum("value", filter=Q(is_cash=1)), 0),
        in_kind=Coalesce(Sum("value", filter=Q(is_cash=0)), 0),
    )
    found = {row[key]: row for row in rows}
    ordered = [k for k in labels if k in found] + sorted(k for k in found if k not in labels)
    return [
        {
            "key": k,
            "label": str(labels.get(k, k)),
            "cash": found[k]["cash"],
            "in_kind": found[k]["in_kind"],
            "total": found[k]["cash"] + found[k]["in_kind"],
        }
        for k in ordered
    ]


def _resources(money_in) -> dict:
    totals = _split(money_in)
    category_labels = {c.value: c.label for c in Category} | {UNCATEGORISED: _("Tiền (chưa phân theo loại hỗ trợ)")}
    campaign_rows = _rows(money_in, "campaign_name", {"": _("Ngoài các đợt vận động")})
    return {
        "cash": totals["cash"],
        "in_kind": totals["in_kind"],
        "total": totals["cash"] + totals["in_kind"],
        "by_donor_type": _rows(money_in, "donor_type", {t.value: t.label for t in DonorType}),
        "by_campaign": campaign_rows,
        "by_category": _rows(money_in, "category", category_labels),
    }


def _donors_to_commend(money_in) -> list[dict]:
    rows = (
        money_in.values("donor_key", "donor_name", "donor_type")
        .annotate(total=Sum("value"))
        .filter(total__gte=COMMEND_THRESHOLD)
        .order_by("-total", "donor_name")[:COMMEND_LIMIT]
    )
    types = {t.value: str(t.label) for t in DonorType}
    return [
        {"name": row["donor_name"], "type": types.get(row["donor_type"], row["donor_type"]), "total": row["total"]}
        for row in rows
    ]


# --- Money by month ------------------------------------------------------------------------------------------


def _by_month(money_in, commune_ids, start, end) -> list[dict]:
    """Money in, allocated and delivered (allocations.figures) per month of the period."""
    received = money_in.values("month").annotate(total=Sum("value")).values_list("month", "total")
    allocated = (
        allocations_made(start, end)
        .filter(need__commune_id__in=commune_ids)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    # DELIVERED per month of the period, one query: each month's share (allocations.figures) as a column.
    spans = [
        (max(m, start), min((m + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), end)) for m in months
    ]
    shares = (
        allocations_made()
        .filter(need__commune_id__in=commune_ids)
        .aggregate(
            **{
                f"m{i}": Coalesce(Sum(delivered_share_expression(a, b), output_field=BigIntegerField()), 0)
                for i, (a, b) in enumerate(spans)
            }
        )
    )
    delivered = [(m, shares[f"m{i}"]) for i, m in enumerate(months)]

    tables = {
        name: {_as_date(k): v for k, v in rows}
        for name, rows in [("received", received), ("allocated", allocated), ("delivered", delivered)]
    }
    return [{"month": month, **{name: table.get(month, 0) for name, table in tables.items()}} for month in months]


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# --- Plan ----------------------------------------------------------------------------------------------------


def _plan(figures: Figures) -> list[dict]:
    """The province's plan for the period's year: each target with what was achieved (from the same figures)."""
    province = figures.unit if figures.is_province else figures.unit.province
    plan = MobilisationPlan.objects.filter(province=province, year=figures.period_end.year).first()
    if plan is None:
        return []
    targets = plan.targets.select_related("commune").order_by(collated("commune__name"), "category")
    if not figures.is_province:
        targets = targets.filter(commune=figures.unit)
    labels = {c.value: str(c.label) for c in Category}
    # Amounts: PLAN PROGRESS (donors.figures) over the period; children: CHILDREN REACHED (with group needs').
    received = plan_progress_totals(province_id=province.pk, start=figures.period_start, end=figures.period_end)
    rows = []
    for target in targets:  # a plan has a handful of lines; each reads the figures computed above
        scope = [figures.communes.get(target.commune_id, empty_local())] if target.commune_id else [figures.local]
        local = merge_local(scope)
        if target.category:
            children = local["by_category"].get(target.category, {}).get("beneficiaries", 0)
        else:
            children = local["beneficiaries"]
        amount = received.get((target.category, target.commune_id), 0)
        rows.append(
            {
                "category": labels.get(target.category, _("Tất cả loại hỗ trợ")),
                "commune": target.commune.name if target.commune_id else _("Toàn tỉnh"),
                "target_amount": target.amount,
                "actual_amount": amount,
                "target_children": target.children,
                "actual_children": children,
                "amount_percent": round(100 * amount / target.amount) if target.amount else None,
                "children_percent": round(100 * children / target.children) if target.children else None,
            }
        )
    return rows


# --- Reconciliation with the bank ----------------------------------------------------------------------------

RECONCILIATION_LIST_LIMIT = 50


def reconciliation_for(*, province: AdministrativeUnit, start: dt.date, end: dt.date) -> dict:
    """The bank's statement credits, the money receipts and the allocations of a province for [start, end], side
    by side, with every difference listed and explained (STATEMENT CREDITS, ON A STATEMENT, NOT YET SEEN ON A
    STATEMENT, RECEIVED, ALLOCATED, NOT YET ALLOCATED: donors.figures, allocations.figures). Identities that hold
    to the đồng:
    - credits = matched + awaiting matching (the queue) + not a donation + returned to sender;
    - money received = on a statement + not yet seen on a statement + cash;
    - matched credits − receipts on a statement = the amount differences (a receipt corrected or cancelled after
      its line matched) + the date differences (a receipt dated in another period than its line; counted + for
      a line of the period, − for a receipt of the period).
    """
    lines = statement_credits(province_id=province.pk, start=start, end=end)
    by_status = {
        row["status"]: row for row in lines.values("status").annotate(count=Count("pk"), total=Sum("amount")).order_by()
    }
    statuses = [
        {
            "key": status.value,
            "label": str(status.label),
            "count": by_status.get(status.value, {}).get("count", 0),
            "total": by_status.get(status.value, {}).get("total", 0),
        }
        for status in LineStatus
    ]
    money = received_in(start, end).filter(pledge__donor__province=province, kind=ReceiptKind.MONEY)
    in_period = Q(receipt__received_on__gte=start, receipt__received_on__lte=end)
    counted = Q(receipt__cancelled_at__isnull=True)
    parts = StatementMatch.objects.filter(line__province=province, line__booked_on__gte=start, line__booked_on__lte=end)
    amount_differences = parts.filter(~counted | (in_period & ~Q(receipt__amount=F("amount"))))
    dated_out = parts.filter(counted & ~in_period)
    dated_in = StatementMatch.objects.filter(counted, in_period, receipt__pledge__donor__province=province).exclude(
        line__booked_on__gte=start, line__booked_on__lte=end
    )
    money_total = _total(money)
    on_statement = _total(money.filter(statement_match__isnull=False))
    matched = next(row["total"] for row in statuses if row["key"] == LineStatus.MATCHED)
    allocated = _total(allocations_made(start, end).filter(receipt__in=money.values("pk")))
    amount_gap = sum(row["line_part"] - row["counted"] for row in _match_rows(amount_differences))
    date_gap = _part_total(dated_out) - _receipt_total(dated_in)
    return {
        "period_start": start,
        "period_end": end,
        "credits": {"count": sum(row["count"] for row in statuses), "total": sum(row["total"] for row in statuses)},
        "lines": statuses,
        "money_received": money_total,
        "on_statement": on_statement,
        "awaiting": _total(awaiting_statement(money)),
        "cash": _total(money.filter(method=PaymentMethod.CASH, statement_match__isnull=True)),
        "allocated": allocated,
        "unallocated": unallocated_amount(money),
        "matched": matched,
        "matched_gap": matched - on_statement,
        "amount_gap": amount_gap,
        "date_gap": date_gap,
        "unmatched_lines": _limited(
            lines.filter(status=LineStatus.UNMATCHED)
            .order_by("booked_on", "pk")
            .values("pk", "booked_on", "amount", "description", "bank_reference")
        ),
        "awaiting_receipts": _limited(
            awaiting_statement(money)
            .order_by("received_on", "pk")
            .values("pk", "pledge_id", "received_on", "amount", "bank_reference", donor=F("pledge__donor__name"))
        ),
        "amount_differences": _limited(_match_rows(amount_differences.order_by("line__booked_on", "pk"))),
        "dated_apart": _limited(
            list(_match_rows(dated_out.order_by("line__booked_on", "pk"))[: RECONCILIATION_LIST_LIMIT + 1])
            + list(_match_rows(dated_in.order_by("receipt__received_on", "pk"))[: RECONCILIATION_LIST_LIMIT + 1])
        ),
    }


def _total(receipts) -> int:
    return receipts.aggregate(total=Coalesce(Sum("amount"), 0))["total"]


def _part_total(parts) -> int:
    return parts.aggregate(total=Coalesce(Sum("amount"), 0))["total"]


def _receipt_total(parts) -> int:
    return parts.aggregate(total=Coalesce(Sum("receipt__amount"), 0))["total"]


def _match_rows(parts):
    """Rows of statement parts with their receipts; `counted` is what the receipt counts as received (0 once
    cancelled)."""
    return parts.annotate(
        counted=Case(When(receipt__cancelled_at__isnull=True, then=F("receipt__amount")), default=Value(0)),
        line_part=F("amount"),
    ).values(
        "line_id",
        "line_part",
        "counted",
        "receipt_id",
        booked_on=F("line__booked_on"),
        received_on=F("receipt__received_on"),
        receipt_amount=F("receipt__amount"),
        cancelled=F("receipt__cancelled_at"),
        pledge_id=F("receipt__pledge_id"),
    )


def _limited(rows) -> dict:
    rows = list(rows[: RECONCILIATION_LIST_LIMIT + 1]) if not isinstance(rows, list) else rows
    return {"rows": rows[:RECONCILIATION_LIST_LIMIT], "more": len(rows) > RECONCILIATION_LIST_LIMIT}


# --- The Decree 03/2026 disclosure ---------------------------------------------------------------------------


def public_count(n: int) -> int | None:
    """A count the public reads: None (shown "<5") for 1 to 4 children, so that no child can be singled out."""
    return None if 0 < n < SMALL_COUNT else n


def disclosure_figures(*, unit: AdministrativeUnit, period_start: dt.date, period_end: dt.date) -> dict:
    """What a province publishes under Decree 03/2026 for a period, JSON-ready: the contributions RECEIVED (money
    and goods, by donor kind, each donor named unless they asked to be anonymous), the results of their use
    (ALLOCATED, DELIVERED and CHILDREN REACHED, by commune and by category), the BALANCE carried forward and the
    definitions. The PDF, the CSV and the JSON of a disclosure are all this dictionary."""
    figures = figures_for(unit=unit, period_start=period_start, period_end=period_end)
    commune_ids = set(figures.commune_names) | set(Lineage.of(figures.commune_names).root_of)
    money_in = _money_in(unit, commune_ids, period_start, period_end)
    resources = figures.resources
    totals = figures.totals()
    codes = dict(AdministrativeUnit.objects.filter(pk__in=figures.commune_names).values_list("pk", "code"))
    reached = {row["key"]: row["beneficiaries"] for row in figures.children_by_commune()}
    by_commune = [
        {
            "code": codes[row["key"]],
            "name": row["label"],
            "allocated": row["allocated"],
            "delivered": row["delivered_value"],
            "children_reached": public_count(reached.get(row["key"], 0)),
        }
        for row in figures.needs_by_commune()
        if figures.is_active(row["key"])
    ]
    reached = {row["key"]: row["beneficiaries"] for row in figures.children_by_category()}
    by_category = [
        {
            "key": row["key"],
            "label": row["label"],
            "allocated": row["allocated"],
            "delivered": row["delivered_value"],
            "children_reached": public_count(reached[row["key"]]),
        }
        for row in figures.needs_by_category()
    ]
    money = ("cash", "in_kind", "total")
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
        "received": {
            **{key: resources[key] for key in money},
            "by_donor_type": [
                {key: row[key] for key in ("key", "label", *money)} for row in resources["by_donor_type"]
            ],
            "donors": _donors_disclosed(money_in),
        },
        "use": {
            "allocated": totals["allocated"],
            "delivered": totals["delivered"],
            "children_reached": public_count(totals["children_reached"]),
            "by_commune": by_commune,
            "by_category": by_category,
        },
        "balance": _balance(unit, commune_ids, period_start, period_end),
        "definitions": {
            key: str(text)
            for key, text in zip(
                ("received", "allocated", "delivered", "children_reached"),
                notes("received", "allocated", "delivered", "children_reached"),
                strict=True,
            )
        }
        | {key: str(text) for key, text in DISCLOSURE_NOTES.items()},
    }


def _donors_disclosed(money_in) -> list[dict]:
    """Every donor whose gifts were received in the period, by name; those who asked for anonymity as one row
    "ẩn danh" per donor kind. Named donors by value received, largest first."""
    rows = money_in.values("donor_key", "donor_name", "donor_type", "donor_anonymous").annotate(
        cash=Coalesce(Sum("value", filter=Q(is_cash=1)), 0),
        in_kind=Coalesce(Sum("value", filter=Q(is_cash=0)), 0),
    )
    types = {t.value: str(t.label) for t in DonorType}
    named, anonymous = [], {}
    for row in rows.order_by():
        entry = {"cash": row["cash"], "in_kind": row["in_kind"], "total": row["cash"] + row["in_kind"]}
        if row["donor_anonymous"]:
            group = anonymous.setdefault(row["donor_type"], {"cash": 0, "in_kind": 0, "total": 0, "donors": 0})
            group["donors"] += 1
            for key, value in entry.items():
                group[key] += value
        else:
            named.append({"name": row["donor_name"], "type": row["donor_type"], "donors": 1, **entry})
    named.sort(key=lambda row: (-row["total"], vietnamese_key(row["name"])))
    order = [t.value for t in DonorType]
    grouped = [
        {"name": ANONYMOUS, "type": kind, **anonymous[kind]}
        for kind in sorted(anonymous, key=lambda k: order.index(k) if k in order else len(order))
    ]
    return [
        {"name": row["name"], "type": row["type"], "type_label": types.get(row["type"], row["type"]),
         **{key: row[key] for key in ("donors", "cash", "in_kind", "total")}}
        for row in named + grouped
    ]  # fmt: skip


def _by_kind(rows) -> dict:
    cash = sum(total for kind, total in rows if kind == ReceiptKind.MONEY)
    in_kind = sum(total for kind, total in rows if kind != ReceiptKind.MONEY)
    return {"cash": cash, "in_kind": in_kind, "total": cash + in_kind}


def _balance(unit, commune_ids, start: dt.date, end: dt.date) -> dict:
    """BALANCE carried forward (DISCLOSURE_NOTES["balance"]): opening, received and allocated in the period, closing;
    each in money, goods and total. Received is the province's donors' (as everywhere), allocated what went to the
    needs of its communes, split by the kind of the receipt it came from."""
    before = start - dt.timedelta(days=1)

    def received(a, b):
        rows = received_in(a, b).filter(pledge__donor__province=unit).values("kind").annotate(total=Sum("amount"))
        return _by_kind(rows.order_by().values_list("kind", "total"))

    def allocated(a, b):
        rows = allocations_made(a, b).filter(need__commune_id__in=commune_ids)
        rows = rows.values("receipt__kind").annotate(total=Sum("amount")).order_by()
        return _by_kind(rows.values_list("receipt__kind", "total"))

    opening_in, opening_out = received(None, before), allocated(None, before)
    balance = {
        "opening": {key: opening_in[key] - opening_out[key] for key in opening_in},
        "received": received(start, end),
        "allocated": allocated(start, end),
    }
    balance["closing"] = {
        key: balance["opening"][key] + balance["received"][key] - balance["allocated"][key] for key in opening_in
    }
    return balance
