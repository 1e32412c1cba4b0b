"""Every figure against an independent calculation: Python over the objects the fixture created."""

import datetime as dt
from collections import Counter, defaultdict

import pytest

from needs.erasure import child_anonymise
from needs.models import Category, NeedStatus
from reports.figures import COMMEND_THRESHOLD, figures_for
from tests.factories import ChildFactory, UnitFactory
from tests.reports.conftest import END, START
from tests.reports.factories import NeedFactory, allocate, deliver, registered_on

pytestmark = pytest.mark.django_db


def in_period(day):
    return START <= day <= END


def province_communes(p):
    return {p.commune_a.pk, p.commune_a0.pk, p.commune_b.pk}


def root_of(p, commune_id):
    return p.commune_a.pk if commune_id == p.commune_a0.pk else commune_id


def deliveries_of(world, need, start=START, end=END):
    return [d for d in world.deliveries if d.need_id == need.pk and start <= d.delivered_on <= end]


def supported_needs(world, communes):
    """Needs that reached children: something was handed over in the period (an allocation alone is not enough)."""
    return [n for n in world.needs if n.commune_id in communes and deliveries_of(world, n)]


def group_reached(world, need) -> int:
    """A group need reached the most children one of its deliveries in the period recorded."""
    return max(d.children_reached for d in deliveries_of(world, need))


def paid_units(world, need) -> int:
    active = [a for a in world.allocations if a.need_id == need.pk and a.active]
    goods = sum(a.quantity for a in active if a.quantity)
    money = sum(a.amount for a in active if not a.quantity)
    return max(1, min(need.quantity, goods + money // max(need.unit_cost, 1)))


def delivered_value(world, allocation, start=START, end=END) -> int:
    """An allocation's share of its need's units handed over by the end, less before the start."""
    need = allocation.need
    by_end = sum(d.quantity for d in world.deliveries if d.need_id == need.pk and d.delivered_on <= end)
    before = sum(d.quantity for d in world.deliveries if d.need_id == need.pk and d.delivered_on < start)
    paid = paid_units(world, need)
    return allocation.amount * by_end // paid - allocation.amount * before // paid


def supported_children_by_commune(world) -> dict[int, set[int]]:
    """The fixture's supported children (not groups) by today's commune."""
    p = world.personas
    per_commune = defaultdict(set)
    for n in supported_needs(world, province_communes(p)):
        if n.child_id:
            per_commune[root_of(p, n.commune_id)].add(n.child_id)
    return per_commune


def province_receipts(world):
    p = world.personas
    return [r for r in world.receipts if r.pledge.donor.province_id == p.province.pk and in_period(r.received_on)]


def test_it_counts_only_receipts_of_the_province_in_the_period_as_resources(world):
    figures = figures_for(unit=world.personas.province, period_start=START, period_end=END)

    receipts = province_receipts(world)
    assert figures.resources["total"] == sum(r.amount for r in receipts)
    assert figures.resources["cash"] == sum(r.amount for r in receipts if r.kind == "money")
    assert figures.resources["in_kind"] == sum(r.amount for r in receipts if r.kind == "goods")
    by_type = Counter()
    for r in receipts:
        by_type[r.pledge.donor.type] += r.amount
    assert {row["key"]: row["total"] for row in figures.resources["by_donor_type"]} == dict(by_type)
    by_campaign = Counter()
    for r in receipts:
        by_campaign[r.pledge.campaign.name if r.pledge.campaign else ""] += r.amount
    assert {row["key"]: row["total"] for row in figures.resources["by_campaign"]} == dict(by_campaign)
    by_category = Counter()
    for r in receipts:
        by_category[r.item.category if r.item else ""] += r.amount
    assert {row["key"]: row["total"] for row in figures.resources["by_category"]} == dict(by_category)


def test_it_counts_each_supported_child_once_and_group_beneficiaries(world):
    p = world.personas
    figures = figures_for(unit=p.province, period_start=START, period_end=END)

    supported = supported_needs(world, province_communes(p))
    children = {n.child for n in supported if n.child_id}
    groups = sum(group_reached(world, n) for n in supported if not n.child_id)
    assert figures.local["children"] == len(children) > 0
    assert figures.local["beneficiaries"] == len(children) + groups

    for category in Category:
        in_category = [n for n in supported if n.category == category]
        kids = {n.child_id for n in in_category if n.child_id}
        row = next(r for r in figures.children_by_category() if r["key"] == category)
        assert row["children"] == len(kids)
        assert row["beneficiaries"] == len(kids) + sum(group_reached(world, n) for n in in_category if not n.child_id)

    assert {r["key"]: r["children"] for r in figures.children_by_sex() if r["children"]} == Counter(
        c.sex for c in children
    )
    assert {r["key"]: r["children"] for r in figures.children_by_ethnic_group()} == Counter(
        c.ethnic_group.code for c in children
    )
    assert {r["key"]: r["children"] for r in figures.children_by_age_band() if r["children"]} == Counter(
        c.age_band(END).value for c in children
    )


def test_it_rolls_old_communes_up_into_the_commune_they_were_merged_into(world):
    p = world.personas
    figures = figures_for(unit=p.province, period_start=START, period_end=END)

    per_commune = supported_children_by_commune(world)
    rows = {r["key"]: r["children"] for r in figures.children_by_commune()}
    assert rows == {p.commune_a.pk: len(per_commune[p.commune_a.pk]), p.commune_b.pk: len(per_commune[p.commune_b.pk])}
    assert p.commune_a0.pk not in rows


def test_a_commune_merged_twice_rolls_up_into_todays_commune_counting_each_child_once(world):
    p = world.personas
    # Merged into Bộc Bố in 2020, which was merged into Bằng Thành in 2025.
    older = UnitFactory(
        parent=None, province=None, valid_from=None, valid_to=dt.date(2019, 12, 31), merged_into=p.commune_a0
    )
    per_commune = supported_children_by_commune(world)
    assert world.children[0].pk in per_commune[p.commune_a.pk]
    newcomer = ChildFactory(commune=older)
    for child in (world.children[0], newcomer):  # one child already counted in Bằng Thành, one new
        need = NeedFactory(commune=older, child=child, category=Category.NUTRITION, season="SY2025")
        cost = need.quantity * need.unit_cost
        allocate(world.receipts[0], registered_on(need, dt.date(2025, 12, 1)), cost, dt.date(2026, 2, 10))
        deliver(need, dt.date(2026, 2, 20))  # a child counts once something reached them

    figures = figures_for(unit=p.province, period_start=START, period_end=END)

    rows = {r["key"]: r["children"] for r in figures.children_by_commune()}
    assert rows == {
        p.commune_a.pk: len(per_commune[p.commune_a.pk]) + 1,
        p.commune_b.pk: len(per_commune[p.commune_b.pk]),
    }
    assert older.pk not in rows


def test_it_follows_registered_needs_through_verification_funding_and_delivery(world):
    p = world.personas
    figures = figures_for(unit=p.province, period_start=START, period_end=END)

    registered = [
        n
        for n in world.needs
        if n.commune_id in province_communes(p)
        and in_period(n.created_at.astimezone().date())
        and n.status not in (NeedStatus.DRAFT, NeedStatus.CANCELLED)
    ]
    verified = {"verified", "open", "partly_funded", "funded", "delivered", "closed"}
    communes = province_communes(p)
    for category in Category:
        mine = [n for n in registered if n.category == category]
        row = next(r for r in figures.needs_by_category() if r["key"] == category)
        assert row["registered"] == len(mine)
        assert row["verified"] == sum(n.status in verified for n in mine)
        assert row["funded"] == sum(n.status in {"funded", "delivered", "closed"} for n in mine)
        assert row["delivered"] == sum(n.status in {"delivered", "closed"} for n in mine)
        assert row["estimated_cost"] == sum(n.quantity * n.unit_cost for n in mine)
        # Money columns: allocated and delivered in the period by category, whenever the need was registered.
        in_category = [
            a for a in world.allocations if a.active and a.need.category == category and a.need.commune_id in communes
        ]
        assert row["allocated"] == sum(a.amount for a in in_category if in_period(a.created_at.astimezone().date()))
        assert row["delivered_value"] == sum(delivered_value(world, a) for a in in_category)
        assert row["delivered_items"] == sum(
            d.quantity
            for d in world.deliveries
            if d.need.category == category and d.need.commune_id in communes and in_period(d.delivered_on)
        )


def test_it_adds_money_in_allocated_and_delivered_up_by_month(world):
    p = world.personas
    figures = figures_for(unit=p.province, period_start=START, period_end=END)

    months = {row["month"]: row for row in figures.by_month}
    assert len(months) == 11
    for month, row in months.items():
        assert row["received"] == sum(
            r.amount for r in province_receipts(world) if r.received_on.replace(day=1) == month
        )
        assert row["allocated"] == sum(
            a.amount
            for a in world.allocations
            if a.active
            and a.need.commune_id in province_communes(p)
            and a.created_at.astimezone().date().replace(day=1) == month
            and in_period(a.created_at.astimezone().date())
        )
        month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        assert row["delivered"] == sum(
            delivered_value(world, a, month, month_end)
            for a in world.allocations
            if a.active and a.need.commune_id in province_communes(p)
        )


def test_it_proposes_donors_whose_gifts_reach_the_threshold(world):
    figures = figures_for(unit=world.personas.province, period_start=START, period_end=END)

    totals = Counter()
    for r in province_receipts(world):
        totals[r.pledge.donor.name] += r.amount
    expected = {name: total for name, total in totals.items() if total >= COMMEND_THRESHOLD}
    assert {row["name"]: row["total"] for row in figures.donors} == expected
    assert expected  # the data set has one


def test_it_reports_one_commune_from_what_reached_it(world):
    p = world.personas
    figures = figures_for(unit=p.commune_a, period_start=START, period_end=END)

    communes = {p.commune_a.pk, p.commune_a0.pk}
    reached = [
        a
        for a in world.allocations
        if a.active and a.need.commune_id in communes and in_period(a.created_at.astimezone().date())
    ]
    assert figures.resources["total"] == sum(a.amount for a in reached)
    supported = supported_needs(world, communes)
    assert figures.local["children"] == len({n.child_id for n in supported if n.child_id})
    assert [r["key"] for r in figures.children_by_commune()] == [p.commune_a.pk]


def test_it_compares_plan_targets_with_what_was_achieved(world):
    from donors.models import MobilisationPlan

    p = world.personas
    plan = MobilisationPlan.objects.create(province=p.province, year=2026, title="Kế hoạch vận động 2026")
    plan.targets.create(amount=200_000_000, children=10)
    plan.targets.create(category=Category.WARM_CLOTHING, commune=p.commune_a, amount=1_000_000, children=4)

    figures = figures_for(unit=p.province, period_start=START, period_end=END)

    whole, warm_a = figures.plan[1], figures.plan[0]
    assert whole["actual_amount"] == sum(r.amount for r in province_receipts(world))
    assert whole["actual_children"] == figures.local["beneficiaries"]
    warm = [
        n
        for n in supported_needs(world, {p.commune_a.pk, p.commune_a0.pk})
        if n.category == Category.WARM_CLOTHING and n.child_id
    ]
    assert warm_a["actual_children"] == len({n.child_id for n in warm})
    assert warm_a["children_percent"] == round(100 * len({n.child_id for n in warm}) / 4)


def test_anonymising_children_on_request_leaves_every_total_unchanged(world):
    """Names, guardians and villages go; what the figures count stays, the birth month included (see
    needs.erasure.birth_month for the one day range where an age band could move)."""
    p = world.personas
    before = figures_for(unit=p.province, period_start=START, period_end=END).as_dict()

    for child in world.children:
        if child.merged_into_id is None and child.commune_id != p.commune_c.pk:
            child_anonymise(child=child, user=p.staff, reason="Yêu cầu của người giám hộ")

    after = figures_for(unit=p.province, period_start=START, period_end=END).as_dict()
    assert after == before
