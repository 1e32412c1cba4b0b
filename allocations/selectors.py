"""Reads of the ledger: lists for staff and communes, the matching assistant's inputs, the donor's trace
(received → allocated → delivered, counts only) and the public transparency figures.

Every total here (received, allocated, delivered in đồng, children reached) is defined once in
allocations.figures (and donors.figures), the same definitions the reports use.
"""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import BigIntegerField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from allocations.figures import (
    allocations_made,
    children_reached,
    children_reached_by,
    delivered_amount,
    delivered_share_expression,
    reached_needs,
)
from allocations.models import (
    Allocation,
    AllocationBatch,
    Delivery,
    DeliveryEvidence,
    DistributionList,
    DistributionStatus,
    MatchingRun,
    NeedBalance,
)
from allocations.rules import department_support, need_facts, partner_support, receipt_facts
from donors.figures import received_in, received_receipts
from donors.models import Campaign, Donor, Pledge, Receipt
from needs.models import AgeBand, Category, ConsentPurpose, Need, NeedStatus
from needs.models.children import age_on
from needs.models.needs import FUNDABLE_STATUSES
from portal.models import AdministrativeUnit
from portal.permissions import Perm
from portal.scoping import get_for_user, scope_for
from portal.text import collated, vietnamese_key

SMALL_COUNT = 5  # public counts below this are shown as "<5"


# --- Staff and commune lists ------------------------------------------------------------------------------


def batch_list(*, user):
    return (
        AllocationBatch.objects.visible_to(user)
        .select_related("created_by", "reversed_by")
        .annotate(total=Coalesce(Sum("allocations__amount"), 0))
        .order_by("-created_at", "-id")
    )


def allocation_list(*, user):
    return (
        Allocation.objects.visible_to(user)
        .select_related("need__commune", "receipt__pledge__donor", "batch")
        .order_by("-created_at", "-id")
    )


def delivery_list(*, user):
    return (
        Delivery.objects.visible_to(user)
        .select_related("need__commune", "need__child__village", "need__village", "distribution_line")
        .order_by("-delivered_on", "-id")
    )


# Whole units a need's allocations pay for (goods given plus what the money buys at its unit cost), and of those
# the units not handed over yet (never more than the need's quantity): NeedBalance.covered_units in SQL.
PAID_UNITS = F("balance__allocated_quantity") + F("balance__allocated_money") / Greatest(F("unit_cost"), 1)
UNITS_LEFT = ExpressionWrapper(
    Least(PAID_UNITS, F("quantity")) - F("balance__delivered_quantity"), output_field=BigIntegerField()
)


def deliverable_needs(*, user):
    """Funded needs in the user's communes that still have units paid for but not handed over."""
    scope = scope_for(user)
    return (
        Need.objects.filter(scope.q("commune", Perm.RECORD_DELIVERIES))
        .filter(status__in=[NeedStatus.PARTLY_FUNDED, NeedStatus.FUNDED])
        .alias(paid_units=PAID_UNITS)
        .filter(paid_units__gt=F("balance__delivered_quantity"))
        .select_related("commune", "balance", "child")
        .order_by(collated("commune__name"), "commune_id", "id")
    )


def distribution_candidates(*, user, commune, village=None, category: str = ""):
    """The commune's needs a distribution list may hand out: paid for and not yet handed over (`units_left`), on no
    other list still to be recorded; by village (the child's, or a group need's own) and category."""
    on_open_lists = DistributionList.objects.filter(
        lines__need=OuterRef("pk"), status__in=[DistributionStatus.DRAFT, DistributionStatus.PRINTED]
    )
    needs = (
        deliverable_needs(user=user)
        .filter(commune=commune)
        .exclude(Exists(on_open_lists))
        .annotate(units_left=UNITS_LEFT)
        .select_related("child__village", "village")
    )
    if village is not None:
        needs = needs.filter(Q(child__village=village) | Q(child__isnull=True, village=village))
    if category:
        needs = needs.filter(category=category)
    names = ("child__village__name", "village__name", "child__full_name", "facility_name")
    return needs.order_by(*map(collated, names), "id")


def distribution_list(*, user):
    """Distribution lists name children: for those who may see children's personal data in the commune."""
    return (
        DistributionList.objects.visible_to(user, Perm.VIEW_PERSONAL_DATA)
        .select_related("commune", "created_by")
        .annotate(line_count=Count("lines"))
        .order_by("-distributed_on", "-id")
    )


def matching_run_list(*, user):
    return MatchingRun.objects.visible_to(user, Perm.ALLOCATE).select_related("created_by").order_by("-created_at")


def allocatable_receipts(*, user, province):
    scope = scope_for(user)
    if not scope.allows(Perm.ALLOCATE, province.pk):
        return Receipt.objects.none()
    return (
        Receipt.objects.filter(pledge__donor__province=province)
        .filter(Q(balance__isnull=True) | Q(balance__allocated__lt=F("balance__received")))
        .select_related("pledge__donor", "item", "balance")
        .order_by("received_on", "id")
    )


def fundable_needs(*, user, province):
    """Verified or open needs in the province, leaving out a child who already got this category this season."""
    scope = scope_for(user)
    if not scope.allows(Perm.ALLOCATE, province.pk):
        return Need.objects.none()
    # The no-overlap rule's two sources of support (allocations.rules), as conditions on each need.
    already = department_support().filter(
        need__child=OuterRef("child"), need__category=OuterRef("category"), need__season=OuterRef("season")
    )
    by_partner = partner_support().filter(
        child=OuterRef("child"), category=OuterRef("category"), season=OuterRef("season")
    )
    return (
        Need.objects.filter(commune__province=province, status__in=FUNDABLE_STATUSES)
        .exclude(
            Q(child__isnull=False, duplicate_override_reason="")
            & (Exists(already.exclude(need=OuterRef("pk"))) | Exists(by_partner))
        )
        .select_related("commune", "child", "balance")
        .order_by("-priority", "needed_by", "id")
    )


def matching_inputs(*, user, province, today: dt.date | None = None):
    """Facts for the matching assistant: every receipt with a balance and every fundable need in the province."""
    today = today or timezone.localdate()
    receipts = receipt_facts(allocatable_receipts(user=user, province=province).order_by())
    needs = need_facts(fundable_needs(user=user, province=province).order_by(), today)
    return receipts, [need for need in needs if need.remaining > 0]


def plan_labels(receipt_ids, need_ids) -> dict:
    """What the plan page shows for each receipt and need, in two queries (no child's name: a code suffices)."""
    receipts = {
        str(r["id"]): {
            "donor": r["pledge__donor__name"],
            "kind": r["kind"],
            "received_on": r["received_on"].isoformat(),
            "item": r["item__description"] or "",
        }
        for r in Receipt.objects.filter(pk__in=receipt_ids).values(
            "id", "pledge__donor__name", "kind", "received_on", "item__description"
        )
    }
    needs = {
        str(n["id"]): {
            "commune": n["commune__name"],
            "category": n["category"],
            "priority": n["priority"],
            "who": n["child__code"] or n["facility_name"],
            "description": n["description"],
        }
        for n in Need.objects.filter(pk__in=need_ids).values(
            "id", "commune__name", "category", "priority", "child__code", "facility_name", "description"
        )
    }
    return {"receipts": receipts, "needs": needs}


# --- Donor trace ------------------------------------------------------------------------------------------


def donor_pledges(*, user):
    """The pledges a donor's account owns, with received / allocated / delivered totals (three subqueries)."""
    pledges = Pledge.objects.filter(donor__members=user).select_related("donor").order_by("-pledged_on", "-id")
    return [dict(pledge=pledge, **_pledge_totals(pledge)) for pledge in pledges]


def _pledge_totals(pledge) -> dict:
    received = received_receipts().filter(pledge=pledge).aggregate(total=Coalesce(Sum("amount"), 0))["total"]
    allocations = allocations_made().filter(receipt__pledge=pledge)
    allocated = allocations.aggregate(total=Coalesce(Sum("amount"), 0))["total"]
    return {"received": received, "allocated": allocated, "delivered": delivered_amount(allocations)}


def pledge_trace(*, user, pledge_id: int) -> dict:
    """Where a pledge's money and goods went: by commune and category, with the children reached counted by age
    band, sex and ethnic group (never named), and the evidence photos consent allows. 404 for anyone else's
    pledge. Allocated, delivered and children reached are allocations.figures' definitions, over all time."""
    pledge = get_for_user(Pledge.objects.select_related("donor"), user, pk=pledge_id)
    today = timezone.localdate()
    rows = (
        allocations_made()
        .filter(receipt__pledge=pledge)
        .annotate(delivered=delivered_share_expression())
        .values("need_id", "amount", "delivered", "need__commune__name", "need__category")
        .order_by(collated("need__commune__name"), "need__category", "need_id")
    )
    groups: dict[tuple, dict] = {}
    for row in rows:
        key = (row["need__commune__name"], row["need__category"])
        group = groups.setdefault(
            key, dict(commune=key[0], category=Category(key[1]).label, allocated=0, delivered=0, children=0)
        )
        group["allocated"] += row["amount"]
        group["delivered"] += row["delivered"]
    funded = Need.objects.filter(pk__in=allocations_made().filter(receipt__pledge=pledge).values("need_id"))
    reached = reached_needs(funded).values(
        "reached",
        "commune__name",
        "category",
        "child_id",
        "child__sex",
        "child__birth_date",
        "child__ethnic_group__name",
    )
    by_band, by_sex, by_ethnic = Counter(), Counter(), Counter()
    children_in: dict[tuple, set] = defaultdict(set)
    children, group_children = set(), 0
    for need in reached:
        key = (need["commune__name"], need["category"])
        if need["child_id"] is None:
            groups[key]["children"] += need["reached"]
            group_children += need["reached"]
            continue
        if need["child_id"] not in children_in[key]:
            children_in[key].add(need["child_id"])
            groups[key]["children"] += 1
        if need["child_id"] not in children:  # each child once, however many of their needs the pledge paid for
            children.add(need["child_id"])
            by_band[AgeBand.for_age(age_on(need["child__birth_date"], today)).label] += 1
            by_sex[need["child__sex"]] += 1
            by_ethnic[need["child__ethnic_group__name"]] += 1
    totals = _pledge_totals(pledge)
    receipts = received_receipts().filter(pledge=pledge).select_related("item", "balance").order_by("received_on", "id")
    return {
        "pledge": pledge,
        "receipts": receipts,
        "rows": list(groups.values()),
        **totals,
        "unallocated": totals["received"] - totals["allocated"],
        "awaiting": totals["allocated"] - totals["delivered"],
        "children": len(children) + group_children,
        "by_band": sorted(by_band.items()),
        "by_sex": sorted(by_sex.items()),
        "by_ethnic": sorted(by_ethnic.items()),
        "group_children": group_children,
        "evidence": _donor_evidence(pledge, today),
    }


def _donor_evidence(pledge, today) -> list:
    evidence = (
        DeliveryEvidence.objects.filter(
            delivery__need__allocations__receipt__pledge=pledge, delivery__need__allocations__active=True
        )
        .select_related("delivery__need__child", "delivery__need__commune")
        .distinct()
        .order_by("delivery__delivered_on", "id")
    )
    return [item for item in evidence if _photo_allowed(item, today)]


def _photo_allowed(evidence, today) -> bool:
    """A photo reaches a donor if it shows no child, or the need is one child's and that child consented."""
    if not evidence.shows_children:
        return True
    child = evidence.delivery.need.child
    return child is not None and child.consents_to(ConsentPurpose.USE_PHOTOS, today)


def evidence_for_user(*, user, evidence_id: int) -> DeliveryEvidence:
    """Evidence for people in scope, or for a donor whose pledge paid for it when consent allows; else 404."""
    from django.http import Http404

    scope = scope_for(user)
    evidence = DeliveryEvidence.objects.select_related("delivery__need__child").filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    if scope.allows(Perm.VIEW_RECORDS, evidence.delivery.need.commune_id):
        return evidence
    paid = Allocation.objects.filter(
        need=evidence.delivery.need_id, active=True, receipt__pledge__donor__members=user
    ).exists()
    if paid and scope.has_perm(Perm.VIEW_OWN_DONATIONS) and _photo_allowed(evidence, timezone.localdate()):
        return evidence
    raise Http404


# --- Public transparency page -----------------------------------------------------------------------------


def public_figures(year: int) -> dict:
    """A year's aggregates for the public page: no names of children, donors only when they agree to be named,
    children counts below five suppressed by the template. Plain data, so it can be cached.

    Received, allocated, delivered and children reached in the calendar year, as allocations.figures defines them.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    receipts = received_in(start, end)
    received = dict(receipts.values_list("kind").annotate(total=Sum("amount")).order_by("kind"))
    # Đồng add up across communes and categories, so each is read once per (category, commune) pair; children do
    # not (a child reached in two categories is one child of the commune), so they are read per table.
    pair = ("need__category", "need__commune_id")
    allocated = allocations_made(start, end).values(*pair).annotate(total=Sum("amount")).order_by()
    delivered = allocations_made().values(*pair).annotate(total=Sum(delivered_share_expression(start, end))).order_by()
    tables = {"category": defaultdict(_public_row), "commune": defaultdict(_public_row)}
    for measure, rows in (("allocated", allocated), ("delivered", delivered)):
        for row in rows:
            tables["category"][row["need__category"]][measure] += row["total"] or 0
            tables["commune"][row["need__commune_id"]][measure] += row["total"] or 0
    for label, key in (("category", "category"), ("commune", "commune_id")):
        for (value,), counts in children_reached_by(Need.objects.all(), (key,), start, end).items():
            tables[label][value]["children"] = counts["reached"]
    communes = _public_commune_names(tables["commune"])
    by_category = [{"category": Category(value).label, **entry} for value, entry in tables["category"].items()]
    by_commune = [{"commune": communes[value], **entry} for value, entry in tables["commune"].items()]
    donors = Donor.objects.filter(pk__in=receipts.values("pledge__donor_id"))
    return {
        "year": year,
        "received_money": received.get("money", 0),
        "received_goods": received.get("goods", 0),
        "allocated": sum(entry["allocated"] for entry in by_category),
        "delivered": sum(entry["delivered"] for entry in by_category),
        "children": children_reached(start=start, end=end)["reached"],
        "by_category": sorted(by_category, key=lambda entry: entry["category"]),
        "by_commune": sorted(by_commune, key=lambda entry: vietnamese_key(entry["commune"])),
        "donors": list(
            donors.filter(anonymous_publicly=False).order_by(collated("name")).values_list("name", flat=True)
        ),
        "anonymous_donors": donors.filter(anonymous_publicly=True).count(),
        "campaigns": public_campaigns(year),
    }


def _public_row() -> dict:
    return dict(allocated=0, delivered=0, children=0)


def _public_commune_names(commune_ids) -> dict[int, str]:
    """Communes by id, each named with its province when the figures span several (names repeat across provinces)."""
    units = list(
        AdministrativeUnit.objects.filter(pk__in=list(commune_ids)).values_list("pk", "name", "province__name")
    )
    several = len({province for _pk, _name, province in units}) > 1
    return {pk: f"{name}, {province}" if several else name for pk, name, province in units}


def public_campaigns(year: int) -> list[dict]:
    """The campaigns running in a year, for the public page's links to each one's page."""
    campaigns = Campaign.objects.filter(start_date__year__lte=year, end_date__year__gte=year).order_by("start_date")
    return list(campaigns.values("pk", "name", "start_date", "end_date"))


def campaign_figures(campaign) -> dict:
    """A campaign's public aggregates, over all time: RECEIVED through its pledges (and from how many donors),
    ALLOCATED and DELIVERED from those receipts, and the CHILDREN REACHED through the needs they paid for."""
    received = (
        received_receipts()
        .filter(pledge__campaign=campaign)
        .aggregate(total=Coalesce(Sum("amount"), 0), donors=Count("pledge__donor", distinct=True))
    )
    allocations = allocations_made().filter(receipt__pledge__campaign=campaign)
    funded = Need.objects.filter(pk__in=allocations.values("need_id"))
    return {
        "received": received["total"],
        "donors": received["donors"],
        "allocated": allocations.aggregate(total=Coalesce(Sum("amount"), 0))["total"],
        "delivered": delivered_amount(allocations),
        "children": children_reached(funded)["reached"],
    }


def need_balances(need_ids) -> dict:
    return {balance.need_id: balance for balance in NeedBalance.objects.filter(need_id__in=need_ids)}


def commune_totals(rows) -> dict:
    totals = defaultdict(int)
    for row in rows:
        for key in ("allocated", "delivered", "children"):
            totals[key] += row[key]
    return dict(totals)
