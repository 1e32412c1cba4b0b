"""Demo allocations: the matching assistant runs once on the demo receipts and needs and staff accept its
plan; the commune officer then records deliveries (some partial) with a small generated photo as evidence.

Runs only the first time (the batch is found by its note), so a second seed adds no rows and no history.
"""

import datetime as dt
import struct
import zlib

from django.core.files.base import ContentFile
from django.utils import timezone

from allocations.matching import greedy_plan, solve_plan
from allocations.models import Allocation, AllocationBatch, MatchingRun, RunStatus
from allocations.selectors import matching_inputs, plan_labels
from allocations.services import LedgerError, Line, delivery_record, matching_run_accept
from needs.models import ConsentPurpose, NeedStatus
from portal.demo import demo_date, demo_moment
from portal.uploads import check_upload

DEMO_NOTE = "Phương án ghép nối đầu năm (dữ liệu demo)"
# Staff accept the plan after the last receipt (10/9) and the communes hand over before the cycle's period ends
# (15/11); portal.demo.demo_date keeps both inside the period and not after the day the demo is seeded.
ALLOCATED_ON = dt.date(2026, 10, 1)
DELIVERED_ON = dt.date(2026, 10, 25)
HANDED_OVER_BY = "Hoàng Thị Dung, cán bộ xã"
FULL_DELIVERIES = 6


def tiny_png(rgb=(179, 38, 30)) -> bytes:
    """A valid 1×1 PNG in the portal's red, made here so the demo needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb)))
        + chunk(b"IEND", b"")
    )


def seed(context):
    province = context.data["province"]
    if AllocationBatch.objects.filter(province=province, note=DEMO_NOTE).exists():
        return
    users = context.data["users"]
    batch = _accept_plan(province, users["staff"])
    if batch is not None:
        _date_allocations(batch)
        _deliver(batch, users["commune"])


def _accept_plan(province, staff):
    today = timezone.localdate()
    receipts, needs = matching_inputs(user=staff, province=province, today=today)
    plan = solve_plan(receipts, needs, today)
    if not plan.lines:
        return None
    result = plan.as_dict()
    greedy = greedy_plan(receipts, needs, today)
    result["greedy"] = {"covered": greedy.covered, "covered_value": greedy.covered_value}
    result["needed"] = sum(n.remaining for n in needs)
    result.update(
        plan_labels(
            {line.receipt_id for line in plan.lines} | {item["receipt"] for item in plan.leftover},
            {line.need_id for line in plan.lines} | {item["need"] for item in plan.unmet},
        )
    )
    run = MatchingRun.objects.create(
        province=province, created_by=staff, status=RunStatus.READY, progress=100, result=result,
        finished_at=timezone.now(),
    )  # fmt: skip
    lines = [
        Line(line.receipt_id, line.need_id, None if line.quantity else line.amount, line.quantity)
        for line in plan.lines
    ]
    return matching_run_accept(user=staff, run=run, lines=lines, note=DEMO_NOTE)


def _date_allocations(batch):
    """Stamp the batch, its run and its allocations with the demo's allocation day, inside the reporting cycle:
    the report counts allocations made in its period."""
    moment = demo_moment(ALLOCATED_ON)
    AllocationBatch.objects.filter(pk=batch.pk).update(created_at=moment)
    MatchingRun.objects.filter(batch=batch).update(created_at=moment, finished_at=moment)
    Allocation.objects.filter(batch=batch).update(created_at=moment)


def _deliver(batch, officer):
    """Full deliveries for the first funded needs in the officer's communes, and one partial delivery."""
    from portal.permissions import Perm
    from portal.scoping import scope_for

    communes = scope_for(officer).units(Perm.RECORD_DELIVERIES)
    needs = (
        batch.allocations.filter(need__commune__in=communes)
        .select_related("need__child", "need__balance")
        .order_by("need_id")
    )
    seen, full, partial = set(), 0, False
    for allocation in needs:
        need = allocation.need
        if need.pk in seen:
            continue
        seen.add(need.pk)
        need.refresh_from_db()
        balance = need.balance
        balance.refresh_from_db()
        if need.status == NeedStatus.FUNDED and full < FULL_DELIVERIES:
            quantity, full = balance.quantity - balance.delivered_quantity, full + 1
        elif need.status == NeedStatus.PARTLY_FUNDED and not partial and balance.covered_units > 1:
            quantity, partial = balance.covered_units // 2, True
        else:
            continue
        consented = need.child is not None and need.child.consents_to(ConsentPurpose.USE_PHOTOS)
        photo = check_upload(ContentFile(tiny_png(), name=f"trao-ho-tro-{need.pk}.png"))
        try:
            delivery_record(
                user=officer,
                need=need,
                delivered_on=demo_date(DELIVERED_ON),
                quantity=quantity,
                children_reached=need.beneficiary_count
                if quantity == need.quantity
                else max(1, need.beneficiary_count // 2),
                handed_over_by=HANDED_OVER_BY,
                note="Trao tại nhà văn hóa thôn (dữ liệu demo)",
                evidence=[(photo, consented)],
            )
        except LedgerError:
            continue  # a demo need that cannot be handed over yet is simply left waiting
