"""The matching assistant: propose how to spend what was received on the open, verified needs.

Goal: maximise the priority-weighted covered need, Σ priority × đồng covered, subject to the receipts'
balances, the needs' remaining cost and every earmark (category, commune, age band, spend-by date; for goods
also the item's category, size and age band) — the same rules as allocations.rules and the database.

The model (OR-Tools SimpleMinCostFlow; flow = đồng for money, units for goods)
--------------------------------------------------------------------------------
Aggregation keeps the graph small. Receipts with the same earmark signature (allocations.rules.ReceiptFacts.
signature) can go to exactly the same needs, so they become one node R_g with capacity = their remaining
balance. Needs with the same (commune, category, age band, priority[, clothing size, unit cost for goods]) are
interchangeable, so they become one node N_h with capacity = their remaining cost (units for goods). Between
them, one node K_k per kind of need — what the rules look at: (commune, category, age band[, size]) — so the
rules are checked and arcs drawn once per (receipt group, kind), not per priority or unit cost. Only kinds in a
receipt's earmarked categories and communes are looked at. 100,000 needs × 5,000 receipts shrink to some
tens of thousands of nodes.

    source ──cap=balance──▶ R_g ──(allowed by the rules)──▶ K_k ──▶ N_h ──cap=remaining, cost=−4·priority──▶ C_commune
    C_commune ──4 tranches of ¼ of the commune's remaining need, cost 0,1,2,3──▶ sink
    source ──cost 0──▶ sink          (money left where nothing may take it)

* Priority: a đồng covering a need of priority p earns −4p. The commune tranches add at most 3, so a higher
  priority always wins and covering something always beats leaving money idle (−4 + 3 < 0); it follows (a
  negative-cycle argument) that the plan's weighted coverage is the true maximum, which tests check against an LP.
* Fair spread: the tranche costs are convex (0 ≤ 1 ≤ 2 ≤ 3), so among equally urgent needs the solver first
  covers the first quarter of every commune's need, then the second, and so on, instead of pouring everything
  into the commune that happens to match first.
* Whole needs over scattered amounts: the flow into a need group is handed out to its needs in order (earliest
  needed-by date, then smallest remaining cost), so all but at most one need per group are covered in full.
  Receipts in a group are spent earliest spend-by first.
* Goods are matched first, in units, with the same graph (a unit of a need with unit cost c and priority p earns
  −4·p·⌈c/1000⌉); what they cover is taken off the needs before the money is matched. Two phases keep each
  flow in one unit of measure; each phase is optimal, the pair is not guaranteed to be (documented trade-off).

* Appeals first (Decree 93/2021/NĐ-CP): money and goods received for an appeal (ReceiptFacts.preferred_communes,
  its affected communes) are first offered only the needs of those communes — children already registered there —
  in a phase of their own before everything is matched as above; what they leave (balances, needs) goes on to the
  normal phase, where the appeal's earmark still keeps its money inside the communes it may reach (the affected
  ones and those staff released with a reason). Each such line is explained ("appeal:commune"). Like goods before
  money, the phases are each optimal, not jointly: the appeal's priority claim on its communes is the point.
  What a critically ill child's appeal received goes only to that child's needs (a rule, allocations.rules), most
  urgent first, before anything else; the flow phases never see it (their kinds of need do not tell children apart).

The greedy baseline (`greedy_plan`) funds needs one by one in priority order from the first receipts allowed;
the bench and the tests compare both on covered value.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow

from allocations.rules import NeedFacts, ReceiptFacts, refusals

PRIORITY_SCALE = 4  # > the largest fairness penalty (3), see the module docstring
TRANCHES = 4


@dataclass
class PlanLine:
    receipt_id: int
    need_id: int
    amount: int  # đồng taken from the receipt (goods: quantity × the receipt's unit value)
    quantity: int | None  # goods units, None for money
    cover: int  # đồng of the need covered (goods: quantity × the need's unit cost)
    why: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "receipt": self.receipt_id,
            "need": self.need_id,
            "amount": self.amount,
            "quantity": self.quantity,
            "cover": self.cover,
            "why": self.why,
        }


@dataclass
class Plan:
    lines: list[PlanLine]
    unmet: list[dict]  # {"need", "remaining", "reason"}
    leftover: list[dict]  # {"receipt", "remaining", "reason"}
    covered: int  # đồng of need covered
    covered_value: int  # Σ priority × đồng covered
    method: str
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "lines": [line.as_dict() for line in self.lines],
            "unmet": self.unmet,
            "leftover": self.leftover,
            "covered": self.covered,
            "covered_value": self.covered_value,
            "method": self.method,
            "seconds": round(self.seconds, 3),
        }


class _State:
    """Remaining balances while a plan is built, and the lines so far."""

    def __init__(self, receipts: list[ReceiptFacts], needs: list[NeedFacts]):
        self.receipts = {r.id: r for r in receipts}
        self.needs = {n.id: n for n in needs}
        self.money = {r.id: r.remaining for r in receipts if not r.is_goods}
        self.goods = {r.id: r.remaining_quantity for r in receipts if r.is_goods}
        self.cost_left = {n.id: n.remaining for n in needs}
        self.units_left = {n.id: n.quantity - n.allocated_quantity for n in needs}
        self.lines: list[PlanLine] = []

    def goods_room(self, need: NeedFacts) -> int:
        if need.unit_cost:
            return min(self.units_left[need.id], self.cost_left[need.id] // need.unit_cost)
        return self.units_left[need.id]

    def take(self, receipt: ReceiptFacts, need: NeedFacts, wanted: int) -> int:
        """Move up to `wanted` (đồng, or units for goods) from receipt to need; return what moved."""
        if receipt.is_goods:
            units = min(wanted, self.goods[receipt.id], self.goods_room(need))
            if units <= 0:
                return 0
            self.goods[receipt.id] -= units
            self.units_left[need.id] -= units
            self.cost_left[need.id] -= units * need.unit_cost
            self._line(receipt, need, units * receipt.unit_value, units, units * need.unit_cost)
            return units
        amount = min(wanted, self.money[receipt.id], self.cost_left[need.id])
        if amount <= 0:
            return 0
        self.money[receipt.id] -= amount
        self.cost_left[need.id] -= amount
        self._line(receipt, need, amount, None, amount)
        return amount

    def _line(self, receipt, need, amount, quantity, cover):
        why = [f"priority:{need.priority}"]
        if receipt.categories:
            why.append("earmark:category")
        if receipt.communes:
            why.append("earmark:commune")
        if receipt.age_bands:
            why.append("earmark:age_band")
        if receipt.for_child:
            why.append("appeal:child")
        elif need.commune_id in receipt.preferred_communes:
            why.append("appeal:commune")
        if receipt.is_goods:
            why.append("goods:size" if receipt.item_size else "goods:category")
        why.append("whole" if self.cost_left[need.id] == 0 else "part")
        self.lines.append(PlanLine(receipt.id, need.id, amount, quantity, cover, why))

    def plan(self, method: str, compatible_needs: set, compatible_receipts: set, today, started) -> Plan:
        # One line per (receipt, need): the phases and groups may have produced several.
        merged: dict[tuple, PlanLine] = {}
        for line in self.lines:
            key = (line.receipt_id, line.need_id)
            if key in merged:
                kept = merged[key]
                kept.amount += line.amount
                kept.cover += line.cover
                kept.quantity = None if line.quantity is None else (kept.quantity or 0) + line.quantity
                kept.why[-1] = line.why[-1]
            else:
                merged[key] = line
        lines = sorted(merged.values(), key=lambda line: (line.need_id, line.receipt_id))
        unmet = []
        for need_id, left in sorted(self.cost_left.items()):
            if left > 0:
                need = self.needs[need_id]
                reason = "partly" if left < need.remaining else "no_funds"
                if need_id not in compatible_needs:
                    reason = "no_earmark"
                unmet.append({"need": need_id, "remaining": left, "reason": reason})
        leftover = []
        for receipt_id, receipt in sorted(self.receipts.items()):
            left = self.goods.get(receipt_id, 0) if receipt.is_goods else self.money.get(receipt_id, 0)
            if left > 0:
                if receipt.spend_by and today > receipt.spend_by:
                    reason = "expired"
                elif receipt_id not in compatible_receipts:
                    reason = "no_need"
                else:
                    reason = "needs_covered"
                leftover.append({"receipt": receipt_id, "remaining": left, "goods": receipt.is_goods, "reason": reason})
        covered = sum(line.cover for line in lines)
        value = sum(line.cover * self.needs[line.need_id].priority for line in lines)
        return Plan(lines, unmet, leftover, covered, value, method, time.monotonic() - started)


def _need_order(need: NeedFacts, left: int):
    return (need.needed_by or dt.date.max, left, need.id)


def _receipt_order(receipt: ReceiptFacts):
    return (receipt.spend_by or dt.date.max, receipt.id)


def _rule_key(need: NeedFacts, goods: bool) -> tuple:
    """What the rules look at: needs with the same rule key accept exactly the same receipts."""
    return (need.commune_id, need.category, need.age_band, need.clothing_size if goods else "")


def _group_key(need: NeedFacts, goods: bool) -> tuple:
    """A need group: same rule key and the same value per unit of flow (priority; unit cost for goods)."""
    return (*_rule_key(need, goods), need.priority, need.unit_cost if goods else 0)


def _compatibility(receipt_groups: dict, kinds: dict, today, preferred_only: bool = False) -> list[tuple]:
    """Pairs (receipt group, rule key) the rules allow, checked once per pair on representatives; only the
    kinds of need in the receipt's earmarked categories and communes (with `preferred_only`, only in its
    appeal's affected communes) are looked at."""
    by_category: dict[str, list] = defaultdict(list)
    by_commune: dict[tuple, list] = defaultdict(list)
    for key in kinds:
        by_category[key[1]].append(key)
        by_commune[(key[1], key[0])].append(key)
    pairs = []
    for g_key, members in receipt_groups.items():
        receipt = members[0]
        categories = [receipt.item_category] if receipt.is_goods else (receipt.categories or list(by_category))
        for category in categories:
            if receipt.communes:
                candidates = [k for commune in receipt.communes for k in by_commune.get((category, commune), ())]
            else:
                candidates = by_category.get(category, ())
            if preferred_only:
                candidates = [key for key in candidates if key[0] in receipt.preferred_communes]
            pairs.extend((g_key, key) for key in candidates if not refusals(receipt, kinds[key], today))
    return pairs


def _solve_phase(
    state: _State, receipts: list[ReceiptFacts], needs: list[NeedFacts], today, goods: bool, seen, preferred_only=False
):
    """One min-cost-flow phase (goods in units, or money in đồng); adds lines to `state`. With `preferred_only`,
    receipts reach only the needs of their appeal's affected communes."""
    if goods:
        supply_of = {r.id: state.goods[r.id] for r in receipts}
        need_cap = {n.id: state.goods_room(n) for n in needs}
    else:
        supply_of = {r.id: state.money[r.id] for r in receipts}
        need_cap = {n.id: state.cost_left[n.id] for n in needs}
    receipt_groups: dict[tuple, list] = defaultdict(list)
    for receipt in receipts:
        if supply_of[receipt.id] > 0 and not (receipt.spend_by and today > receipt.spend_by):
            receipt_groups[receipt.signature].append(receipt)
    need_groups: dict[tuple, list] = defaultdict(list)
    kinds: dict[tuple, NeedFacts] = {}
    groups_of_kind: dict[tuple, list] = defaultdict(list)
    for need in needs:
        if need_cap[need.id] > 0:
            key = _group_key(need, goods)
            if key not in need_groups:
                groups_of_kind[key[:4]].append(key)
            need_groups[key].append(need)
            kinds.setdefault(key[:4], need)
    pairs = _compatibility(receipt_groups, kinds, today, preferred_only)
    for g_key in {g for g, _a in pairs}:
        seen[1].update(r.id for r in receipt_groups[g_key])
    for a_key in {a for _g, a in pairs}:
        for h_key in groups_of_kind[a_key]:
            seen[0].update(n.id for n in need_groups[h_key])
    if not pairs:
        return

    # Nodes: 0 source, 1 sink, receipt groups, kinds of need, need groups, communes.
    index: dict[tuple, int] = {}
    for prefix, keys in (("g", receipt_groups), ("a", kinds), ("h", need_groups)):
        for key in keys:
            index[(prefix, key)] = 2 + len(index)
    communes = sorted({key[0] for key in need_groups})
    c_index = {commune: 2 + len(index) + i for i, commune in enumerate(communes)}
    g_cap = {key: sum(supply_of[r.id] for r in members) for key, members in receipt_groups.items()}
    h_cap = {key: sum(need_cap[n.id] for n in members) for key, members in need_groups.items()}
    a_cap = {a: sum(h_cap[h] for h in groups_of_kind[a]) for a in kinds}
    total = sum(g_cap.values())
    tails, heads, caps, costs = [], [], [], []

    def arc(tail, head, cap, cost):
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(cost)

    arc(0, 1, total, 0)
    for key, cap in g_cap.items():
        arc(0, index[("g", key)], cap, 0)
    first_ga = len(tails)
    for g_key, a_key in pairs:
        arc(index[("g", g_key)], index[("a", a_key)], min(g_cap[g_key], a_cap[a_key]), 0)
    first_ah = len(tails)
    ah = [(a_key, h_key) for a_key, h_keys in groups_of_kind.items() for h_key in h_keys]
    for a_key, h_key in ah:
        arc(index[("a", a_key)], index[("h", h_key)], h_cap[h_key], 0)
    for key, cap in h_cap.items():
        weight = key[4] * ((key[5] + 999) // 1000 if goods else 1)
        arc(index[("h", key)], c_index[key[0]], cap, -PRIORITY_SCALE * weight)
    commune_need = defaultdict(int)
    for key, cap in h_cap.items():
        commune_need[key[0]] += cap
    for commune, need_total in commune_need.items():
        step = -(-need_total // TRANCHES)
        for tranche in range(TRANCHES):
            cap = min(step, need_total - tranche * step)
            if cap > 0:
                arc(c_index[commune], 1, cap, tranche)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    solver.set_node_supply(0, total)
    solver.set_node_supply(1, -total)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")

    # Every receipt group sending to a kind of need may serve every need group of that kind: pair the inflows
    # and outflows of each kind in order, then hand each pair's flow out to single receipts and needs.
    inflow, outflow = defaultdict(list), defaultdict(list)
    flows = solver.flows(list(range(first_ga, first_ah + len(ah))))
    for (g_key, a_key), flow in zip(pairs, flows[: len(pairs)], strict=True):
        if flow > 0:
            inflow[a_key].append([g_key, int(flow)])
    for (a_key, h_key), flow in zip(ah, flows[len(pairs) :], strict=True):
        if flow > 0:
            outflow[a_key].append([h_key, int(flow)])
    receipt_queue = {key: sorted(members, key=_receipt_order) for key, members in receipt_groups.items()}
    need_queue = {
        key: sorted(members, key=lambda n: _need_order(n, need_cap[n.id])) for key, members in need_groups.items()
    }
    receipt_left = state.goods if goods else state.money
    room = state.goods_room if goods else (lambda need: state.cost_left[need.id])
    r_pos, n_pos = defaultdict(int), defaultdict(int)
    for a_key, sources in inflow.items():
        sinks = outflow[a_key]
        i = j = 0
        while i < len(sources) and j < len(sinks):
            (g_key, g_flow), (h_key, h_flow) = sources[i], sinks[j]
            flow = min(g_flow, h_flow)
            sources[i][1] -= flow
            sinks[j][1] -= flow
            i += sources[i][1] == 0
            j += sinks[j][1] == 0
            rq, nq = receipt_queue[g_key], need_queue[h_key]
            while flow > 0:
                while r_pos[g_key] < len(rq) and receipt_left[rq[r_pos[g_key]].id] <= 0:
                    r_pos[g_key] += 1
                while n_pos[h_key] < len(nq) and room(nq[n_pos[h_key]]) <= 0:
                    n_pos[h_key] += 1
                if r_pos[g_key] == len(rq) or n_pos[h_key] == len(nq):
                    break  # cannot happen: group capacities are the sums of their members'
                flow -= state.take(rq[r_pos[g_key]], nq[n_pos[h_key]], flow)


def _child_appeals(state: _State, receipts: list[ReceiptFacts], needs: list[NeedFacts], today, seen) -> None:
    """What a critically ill child's appeal received, to that child's needs only: most urgent first."""
    by_child: dict[int, list[NeedFacts]] = defaultdict(list)
    for need in needs:
        if need.child_id:
            by_child[need.child_id].append(need)
    for receipt in sorted(receipts, key=_receipt_order):
        allowed = [n for n in by_child.get(receipt.for_child, ()) if not refusals(receipt, n, today)]
        if allowed:
            seen[1].add(receipt.id)
            seen[0].update(n.id for n in allowed)
        for need in sorted(allowed, key=lambda n: (-n.priority, *_need_order(n, n.remaining))):
            room = state.goods_room(need) if receipt.is_goods else state.cost_left[need.id]
            left = state.goods[receipt.id] if receipt.is_goods else state.money[receipt.id]
            if room > 0 and left > 0:
                state.take(receipt, need, room)


def solve_plan(receipts: list[ReceiptFacts], needs: list[NeedFacts], today: dt.date, progress=None) -> Plan:
    """The optimised plan (min-cost flow): goods first, then money, each starting with what appeals received on their
    affected communes. `progress(percent)` is called as it goes."""
    started = time.monotonic()
    state = _State(receipts, needs)
    seen = (set(), set())
    _child_appeals(state, [r for r in receipts if r.for_child], needs, today, seen)
    receipts = [r for r in receipts if not r.for_child]
    goods = [r for r in receipts if r.is_goods]
    money = [r for r in receipts if not r.is_goods]
    for is_goods, group in ((True, goods), (False, money)):
        appeal = [r for r in group if r.preferred_communes]
        if appeal:
            _solve_phase(state, appeal, needs, today, goods=is_goods, seen=seen, preferred_only=True)
        if group:
            _solve_phase(state, group, needs, today, goods=is_goods, seen=seen)
        if progress and is_goods:
            progress(50)
    if progress:
        progress(90)
    return state.plan("min_cost_flow", seen[0], seen[1], today, started)


def greedy_plan(receipts: list[ReceiptFacts], needs: list[NeedFacts], today: dt.date) -> Plan:
    """Baseline: needs in priority order (then needed-by), each filled from the first receipts allowed, goods
    before money. Receipts are grouped by signature and the rules checked once per (group, kind of need), so
    the baseline also runs at provincial scale."""
    started = time.monotonic()
    state = _State(receipts, needs)
    compatible_needs, compatible_groups = set(), set()
    child_seen = (set(), set())
    _child_appeals(state, [r for r in receipts if r.for_child], needs, today, child_seen)
    groups: dict[tuple, list] = defaultdict(list)
    for receipt in sorted((r for r in receipts if not r.for_child), key=_receipt_order):
        groups[receipt.signature].append(receipt)
    ordered = sorted(groups.values(), key=lambda members: (not members[0].is_goods, *_receipt_order(members[0])))
    position = [0] * len(ordered)
    anywhere, by_commune = [], defaultdict(list)
    for i, members in enumerate(ordered):
        for commune in members[0].communes or [None]:
            (by_commune[commune] if commune else anywhere).append(i)
    allowed_for: dict[tuple, list[int]] = {}
    for need in sorted(needs, key=lambda n: (-n.priority, *_need_order(n, n.remaining))):
        key = (need.commune_id, need.category, need.age_band, need.clothing_size)
        if key not in allowed_for:
            candidates = sorted(anywhere + by_commune.get(need.commune_id, []))
            allowed_for[key] = [i for i in candidates if not refusals(ordered[i][0], need, today)]
            compatible_groups.update(allowed_for[key])
        if allowed_for[key]:
            compatible_needs.add(need.id)
        for index in allowed_for[key]:
            members = ordered[index]
            while position[index] < len(members) and state.cost_left[need.id] > 0:
                receipt = members[position[index]]
                room = state.goods_room(need) if receipt.is_goods else state.cost_left[need.id]
                if room <= 0:
                    break
                state.take(receipt, need, room)
                left = state.goods[receipt.id] if receipt.is_goods else state.money[receipt.id]
                if left > 0:
                    break  # the need is as full as this receipt can make it
                position[index] += 1
    compatible_receipts = {receipt.id for index in compatible_groups for receipt in ordered[index]} | child_seen[1]
    return state.plan("greedy", compatible_needs | child_seen[0], compatible_receipts, today, started)
