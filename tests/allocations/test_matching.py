"""The matching assistant on plain facts: optimal (checked against an LP and brute force), never breaks an
earmark or a balance, at least as good as the greedy baseline, prefers whole needs and spreads fairly."""

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.linear_solver import pywraplp

from allocations.matching import greedy_plan, solve_plan
from allocations.rules import NeedFacts, ReceiptFacts, refusals

TODAY = dt.date(2026, 11, 1)
CATEGORIES = ["nutrition", "warm_clothing", "education"]
BANDS = ["3-5", "6-10", ""]


def money(id, remaining, categories=(), communes=(), bands=(), spend_by=None, donor=1):
    return ReceiptFacts(id, donor, "money", remaining, 0, 0, frozenset(categories), frozenset(communes),
                        frozenset(bands), spend_by)  # fmt: skip


def goods(id, units, category="warm_clothing", size="", band="", unit_value=1000):
    return ReceiptFacts(id, 1, "goods", units * unit_value, units, unit_value, frozenset(), frozenset(), frozenset(),
                        None, category, size, band)  # fmt: skip


def need(id, cost, commune=1, category="nutrition", priority=2, band="", size="", quantity=1, child=None):
    return NeedFacts(id, commune, category, size, band, priority, cost // quantity, quantity, 0, 0, child)


receipt_st = st.builds(
    money,
    id=st.integers(1, 10**6),
    remaining=st.integers(1, 40),
    categories=st.sets(st.sampled_from(CATEGORIES), max_size=2),
    communes=st.sets(st.integers(1, 3), max_size=2),
    bands=st.sets(st.sampled_from(BANDS[:2]), max_size=1),
)
need_st = st.builds(
    need,
    id=st.integers(1, 10**6),
    cost=st.integers(1, 40),
    commune=st.integers(1, 3),
    category=st.sampled_from(CATEGORIES),
    priority=st.integers(1, 3),
    band=st.sampled_from(BANDS),
)
goods_st = st.builds(
    goods,
    id=st.integers(1, 10**6),
    units=st.integers(1, 6),
    category=st.sampled_from(["warm_clothing", "education"]),
    size=st.sampled_from(["", "4-5", "8-9"]),
    band=st.sampled_from(["", "6-10"]),
    unit_value=st.sampled_from([1000, 3000]),
)
goods_need_st = st.builds(
    lambda id, quantity, unit, **kw: need(id, quantity * unit, quantity=quantity, **kw),
    id=st.integers(1, 10**6),
    quantity=st.integers(1, 5),
    unit=st.sampled_from([1000, 2000]),
    commune=st.integers(1, 3),
    category=st.sampled_from(["warm_clothing", "education"]),
    priority=st.integers(1, 3),
    size=st.sampled_from(["", "4-5", "8-9"]),
    band=st.sampled_from(BANDS),
)


def unique(items):
    return list({item.id: item for item in items}.values())


def lp_optimum(receipts, needs):
    """max Σ priority·x[r,n] over allowed pairs, Σ_n x ≤ balance, Σ_r x ≤ remaining — per receipt and need,
    without the solver's grouping (a transportation LP: its optimum is integral)."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = {
        (r.id, n.id): lp.NumVar(0, lp.infinity(), f"x{r.id}_{n.id}")
        for r in receipts
        for n in needs
        if not refusals(r, n, TODAY)
    }
    for r in receipts:
        lp.Add(sum(v for (rid, _n), v in x.items() if rid == r.id) <= r.remaining)
    for n in needs:
        lp.Add(sum(v for (_r, nid), v in x.items() if nid == n.id) <= n.remaining)
    priority = {n.id: n.priority for n in needs}
    lp.Maximize(sum(priority[nid] * v for (_r, nid), v in x.items()))
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    return round(lp.Objective().Value())


def assert_respects_rules(plan, receipts, needs):
    by_id = {r.id: r for r in receipts}
    need_by_id = {n.id: n for n in needs}
    taken, units, covered = {}, {}, {}
    for line in plan.lines:
        receipt, n = by_id[line.receipt_id], need_by_id[line.need_id]
        assert not refusals(receipt, n, TODAY), line
        assert line.amount > 0
        if receipt.is_goods:
            assert line.quantity > 0
            assert line.amount == line.quantity * receipt.unit_value
            units[receipt.id] = units.get(receipt.id, 0) + line.quantity
        taken[receipt.id] = taken.get(receipt.id, 0) + line.amount
        covered[n.id] = covered.get(n.id, 0) + line.cover
    for rid, amount in taken.items():
        assert amount <= by_id[rid].remaining
    for rid, count in units.items():
        assert count <= by_id[rid].remaining_quantity
    for nid, cover in covered.items():
        assert cover <= need_by_id[nid].remaining


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(receipt_st, min_size=1, max_size=5), st.lists(need_st, min_size=1, max_size=7))
def test_it_reaches_the_lp_optimum_of_weighted_coverage(receipts, needs):
    receipts, needs = unique(receipts), unique(needs)
    plan = solve_plan(receipts, needs, TODAY)
    assert plan.covered_value == lp_optimum(receipts, needs)
    assert_respects_rules(plan, receipts, needs)


def test_it_matches_brute_force_on_tiny_cases():
    receipts = [money(1, 3, communes={1}), money(2, 2)]
    needs = [need(10, 2, commune=1, priority=1), need(11, 2, commune=2, priority=3), need(12, 2, commune=1, priority=2)]
    best = 0
    for xs in itertools.product(range(4), repeat=6):
        x = dict(zip(itertools.product([1, 2], [10, 11, 12]), xs, strict=True))
        receipt_by = {r.id: r for r in receipts}
        need_by = {n.id: n for n in needs}
        if any(v and refusals(receipt_by[r], need_by[n], TODAY) for (r, n), v in x.items()):
            continue
        if any(sum(v for (r, _n), v in x.items() if r == rid) > receipt_by[rid].remaining for rid in receipt_by):
            continue
        if any(sum(v for (_r, n), v in x.items() if n == nid) > need_by[nid].remaining for nid in need_by):
            continue
        best = max(best, sum(need_by[n].priority * v for (_r, n), v in x.items()))
    assert solve_plan(receipts, needs, TODAY).covered_value == best == 2 * 3 + 2 * 2 + 1 * 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(receipt_st, max_size=4),
    st.lists(goods_st, max_size=4),
    st.lists(st.one_of(need_st, goods_need_st), min_size=1, max_size=8),
)
def test_a_plan_never_breaks_an_earmark_or_a_balance(money_receipts, goods_receipts, needs):
    receipts = unique(money_receipts + goods_receipts)
    needs = unique(needs)
    for plan in (solve_plan(receipts, needs, TODAY), greedy_plan(receipts, needs, TODAY)):
        assert_respects_rules(plan, receipts, needs)
        left = {item["need"]: item["remaining"] for item in plan.unmet}
        for n in needs:
            covered = sum(line.cover for line in plan.lines if line.need_id == n.id)
            assert covered + left.get(n.id, 0) == n.remaining  # every need is either covered or explained


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(receipt_st, min_size=1, max_size=5), st.lists(need_st, min_size=1, max_size=8))
def test_the_solver_covers_at_least_as_much_value_as_greedy_money(receipts, needs):
    receipts, needs = unique(receipts), unique(needs)
    assert solve_plan(receipts, needs, TODAY).covered_value >= greedy_plan(receipts, needs, TODAY).covered_value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(goods_st, min_size=1, max_size=5), st.lists(goods_need_st, min_size=1, max_size=8))
def test_the_solver_covers_at_least_as_much_value_as_greedy_goods(receipts, needs):
    receipts, needs = unique(receipts), unique(needs)
    assert solve_plan(receipts, needs, TODAY).covered_value >= greedy_plan(receipts, needs, TODAY).covered_value


def test_greedy_wastes_earmarked_money_where_the_solver_does_not():
    receipts = [money(1, 100), money(2, 100, communes={1})]
    needs = [need(10, 100, commune=1, priority=3), need(11, 100, commune=2, priority=2)]
    greedy, solved = greedy_plan(receipts, needs, TODAY), solve_plan(receipts, needs, TODAY)
    assert greedy.covered_value == 300  # the free money went to commune 1; the earmarked money had nowhere to go
    assert solved.covered_value == 500
    assert {(line.receipt_id, line.need_id) for line in solved.lines} == {(1, 11), (2, 10)}


def test_it_prefers_whole_needs_to_scattered_amounts():
    needs = [need(i, 400, commune=1) for i in (1, 2, 3)]
    plan = solve_plan([money(9, 1000)], needs, TODAY)
    covers = sorted(line.cover for line in plan.lines)
    assert covers == [200, 400, 400]
    assert [item["reason"] for item in plan.unmet] == ["partly"]


def test_it_spreads_fairly_between_communes_of_equal_priority():
    needs = [need(1, 1000, commune=1), need(2, 1000, commune=2)]
    plan = solve_plan([money(9, 1000)], needs, TODAY)
    assert sorted(line.cover for line in plan.lines) == [500, 500]


def test_it_matches_goods_by_category_and_size_and_explains_what_stays_unmet():
    receipts = [
        goods(1, 3, size="8-9"),
        money(2, 5000, categories={"education"}),
        money(3, 100, spend_by=TODAY - dt.timedelta(days=1)),
    ]
    needs = [
        need(10, 4000, category="warm_clothing", size="8-9", quantity=2),
        need(11, 2000, category="warm_clothing", size="4-5", quantity=1),
        need(12, 1000, category="nutrition"),
    ]
    plan = solve_plan(receipts, needs, TODAY)
    goods_lines = [line for line in plan.lines if line.quantity]
    assert [(line.need_id, line.quantity, line.amount, line.cover) for line in goods_lines] == [(10, 2, 2000, 4000)]
    reasons = {item["need"]: item["reason"] for item in plan.unmet}
    assert reasons == {11: "no_earmark", 12: "no_earmark"}
    leftovers = {item["receipt"]: item["reason"] for item in plan.leftover}
    assert leftovers == {1: "needs_covered", 2: "no_need", 3: "expired"}
