"""Benchmark-scale allocations and deliveries (`seed_demo --size large`), loaded with COPY through the ledger.

At scale 1 about 400,000 allocations: every generated need shown as partly funded, funded, delivered or closed
gets one allocation from the generated receipts, earmarked money first, or two when it is paid from two gifts (a
share of them, as in a real province) or a small receipt runs out under it; delivered and closed needs get a
delivery of their whole quantity.

The database enforces the ledger (allocations/migrations/0003 and 0004) and COPY fires its triggers, so the
balances are kept by the same code as in production and the rules are checked for every row.
The rules only let money go to needs that are still fundable, so those needs are set to "open" while the
allocations load and given their status back afterwards — or a lower one when the money ran out under them.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from allocations.models import Allocation, AllocationBatch, BatchSource, Delivery
from needs.models import NeedStatus
from portal.bulk import copy_rows, next_ids

NOTE = "Phân bổ dữ liệu quy mô lớn"
PER_BATCH = 100  # allocations per accepted batch
SPLIT_SHARE = 0.2  # needs paid from two receipts on purpose: ~324,000 needs → ~400,000 allocations
FULLY = {NeedStatus.FUNDED, NeedStatus.DELIVERED, NeedStatus.CLOSED}
DELIVERED = {NeedStatus.DELIVERED, NeedStatus.CLOSED}
HANDED_OVER_BY = "Cán bộ xã"


def seed(context):
    large = context.data.get("large", {})
    province = context.data["province"]
    if "receipts" not in large or AllocationBatch.objects.filter(province=province, note=NOTE).exists():
        context.stdout.write("Benchmark-scale allocations already present (or nothing to allocate); left as they are.")
        return
    rng = context.rng
    needs = [need for need in large["needs"] if need[3] in FULLY or need[3] == NeedStatus.PARTLY_FUNDED]
    rng.shuffle(needs)
    lines, final = _plan(rng, needs, large["receipts"])
    need_ids = [need[0] for need in needs]
    with connection.cursor() as cursor:
        facts = _quantities(cursor, need_ids)
        cursor.execute("UPDATE needs_need SET status = %s WHERE id = ANY(%s)", [NeedStatus.OPEN, need_ids])
        # The rows just loaded are in this transaction, unseen by autovacuum: without statistics the ledger
        # triggers' lookups (e.g. "has this child had this category this season") plan as sequential scans
        # over 600,000 needs for every allocation — 60 rows a second instead of thousands.
        for table in ("needs_need", "needs_child", "donors_receipt", "donors_pledge", "allocations_allocation"):
            cursor.execute(f"ANALYZE {table}")
    staff = context.data.get("users", {}).get("staff")
    count = _copy(rng, province, staff, lines)
    with connection.cursor() as cursor:
        by_status: dict[str, list[int]] = {}
        for need_id, status in final.items():
            by_status.setdefault(status, []).append(need_id)
        for status, ids in by_status.items():
            cursor.execute("UPDATE needs_need SET status = %s WHERE id = ANY(%s)", [status, ids])
    deliveries = _deliveries(rng, staff, [(need_id, *facts[need_id]) for need_id, s in final.items() if s in DELIVERED])
    with connection.cursor() as cursor:
        for table in ("allocations_allocation", "allocations_receiptbalance", "allocations_needbalance", "needs_need"):
            cursor.execute(f"ANALYZE {table}")  # the benchmarks' plans should see the loaded volumes
    context.stdout.write(f"Generated {count:,} allocations and {deliveries:,} deliveries.")


def _plan(rng, needs, receipts) -> tuple[list[tuple[int, int, int]], dict[int, str]]:
    """Hand the receipts out to the needs: (receipt_id, need_id, amount) lines and each need's final status.

    Earmarked money goes first to needs of its category; unearmarked money covers the rest. A need whose money
    runs out keeps what it got and becomes partly funded (or open when it got nothing)."""
    pools: dict[str | None, list[list[int]]] = {}
    for receipt_id, _pledge, amount, earmark in receipts:
        pools.setdefault(earmark, []).append([receipt_id, amount])
    for pool in pools.values():
        rng.shuffle(pool)
    lines, final = [], {}
    for need_id, _commune, category, status, cost, _priority in needs:
        wanted = cost if status in FULLY else max(1_000, int(round(cost * rng.uniform(0.2, 0.8), -3)))
        wanted = min(wanted, cost - 1) if status == NeedStatus.PARTLY_FUNDED else wanted
        if wanted <= 0:
            final[need_id] = NeedStatus.OPEN
            continue
        left = wanted
        first_share = _first_share(rng, wanted)
        for pool in (pools.get(category, []), pools.get(None, [])):
            while left and pool:
                receipt = pool[-1]
                split_here = first_share is not None and len(pool) > 1
                take = min(left, receipt[1], first_share if split_here else left)
                lines.append((receipt[0], need_id, take))
                receipt[1] -= take
                left -= take
                if not receipt[1]:
                    pool.pop()
                elif split_here:
                    pool[-1], pool[-2] = pool[-2], pool[-1]  # the rest comes from another receipt
                first_share = None
        if left == 0:
            final[need_id] = status
        else:
            final[need_id] = NeedStatus.PARTLY_FUNDED if left < wanted else NeedStatus.OPEN
    return lines, final


def _first_share(rng, wanted: int) -> int | None:
    """For a need paid from two receipts, what the first one pays (whole thousands, less than the need)."""
    if rng.random() >= SPLIT_SHARE:
        return None
    share = int(round(wanted * rng.uniform(0.3, 0.7), -3))
    return share if 0 < share < wanted else None


def _quantities(cursor, need_ids) -> dict[int, tuple[int, int]]:
    cursor.execute("SELECT id, quantity, beneficiary_count FROM needs_need WHERE id = ANY(%s)", [need_ids])
    return {need_id: (quantity, beneficiaries) for need_id, quantity, beneficiaries in cursor.fetchall()}


def _copy(rng, province, staff, lines) -> int:
    """COPY the batches, then the allocations (the ledger's triggers check and count every row)."""
    batch_count = -(-len(lines) // PER_BATCH)
    batch_ids = next_ids(AllocationBatch, batch_count)
    started = dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)
    batches, stamps = [], []
    for number, batch_id in enumerate(batch_ids):
        at = started + dt.timedelta(hours=number * 14_000 // max(batch_count, 1))
        source = BatchSource.MATCHING if rng.random() < 0.4 else BatchSource.MANUAL
        batches.append((batch_id, province.pk, source, "accepted", NOTE, staff.pk if staff else None, at, ""))
        stamps.append(at)
    copy_rows(
        AllocationBatch,
        ["id", "province_id", "source", "status", "note", "created_by_id", "created_at", "reversal_reason"],
        batches,
    )
    rows = (
        (batch_ids[index // PER_BATCH], receipt_id, need_id, amount, None, True, stamps[index // PER_BATCH])
        for index, (receipt_id, need_id, amount) in enumerate(lines)
    )
    return copy_rows(
        Allocation, ["batch_id", "receipt_id", "need_id", "amount", "quantity", "active", "created_at"], rows
    )


def _deliveries(rng, staff, needs) -> int:
    """One delivery of the whole quantity per delivered or closed need."""
    now = timezone.now()
    rows = (
        (
            need_id,
            dt.date(2025, 6, 1) + dt.timedelta(days=rng.randint(0, 520)),
            quantity,
            beneficiaries,
            HANDED_OVER_BY,
            "",
            staff.pk if staff else None,
            now,
        )
        for need_id, quantity, beneficiaries in needs
    )
    return copy_rows(
        Delivery,
        [
            "need_id",
            "delivered_on",
            "quantity",
            "children_reached",
            "handed_over_by",
            "note",
            "recorded_by_id",
            "recorded_at",
        ],
        rows,
    )
