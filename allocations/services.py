"""Writes to the allocation ledger: allocate (one line or a batch), reverse a batch, record deliveries and
evidence, run and accept the matching assistant.

Every write locks what it changes in one order — receipt balances by id, then need balances by id, then the
children, then the needs' rows for their status — so concurrent staff never deadlock, and the second of two
people allocating the last money waits for the first and then gets a clear message. PostgreSQL checks the same
rules again (migration 0003): Python gives the message, the database gives the guarantee.
"""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from allocations.models import (
    Allocation,
    AllocationBatch,
    BatchSource,
    BatchStatus,
    Delivery,
    DeliveryEvidence,
    DistributionLine,
    DistributionList,
    DistributionStatus,
    MatchingRun,
    NeedBalance,
    PartnerSupport,
    ReceiptBalance,
    RunStatus,
)
from allocations.rules import (
    MESSAGES,
    SupportKey,
    need_facts,
    overlap_message,
    receipt_facts,
    refusals,
    support_overlaps,
    support_overlaps_of,
)
from donors.models import Receipt
from needs.models import Category, Child, Need, NeedStatus
from needs.models.needs import FUNDABLE_STATUSES
from needs.rules import season_problem, village_problem
from needs.seasons import season_for
from needs.workflow import TransitionError, need_transition, needs_set_funding_status
from portal.bulk import CHANGED, history_copy
from portal.models import AdministrativeUnit, ExportLog, PartnerOrganisation, Village
from portal.money import format_vnd
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.uploads import CheckedUpload, random_name, store_upload


class LedgerError(Exception):
    """A refused ledger write; the message is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Line:
    """One line to allocate: đồng from a money receipt, or units (quantity) of a goods receipt."""

    receipt_id: int
    need_id: int
    amount: int | None = None
    quantity: int | None = None


def _require(user, perm: str, unit_id: int | None) -> None:
    if not scope_for(user).allows(perm, unit_id):
        raise PermissionDenied


@contextmanager
def _database_refusals():
    """Turn the database's refusal of a ledger rule (a named constraint or trigger) into a clear LedgerError."""
    try:
        yield
    except IntegrityError as error:
        name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        if name not in MESSAGES:
            raise
        raise LedgerError(str(MESSAGES[name])) from error


def _lock_balances(receipt_ids, need_ids) -> None:
    """Lock in the one global order; on SQLite (no triggers) make sure the balance rows exist first."""
    if connection.vendor != "postgresql":
        _ensure_balances(receipt_ids, need_ids)
    receipts = ReceiptBalance.objects.select_for_update().filter(receipt_id__in=receipt_ids).order_by("receipt_id")
    list(receipts.values_list("receipt_id", flat=True))
    needs = NeedBalance.objects.select_for_update().filter(need_id__in=need_ids).order_by("need_id")
    list(needs.values_list("need_id", flat=True))
    child_ids = Need.objects.filter(pk__in=need_ids, child__isnull=False).values("child_id")
    list(Child.objects.select_for_update().filter(pk__in=child_ids).order_by("pk").values_list("pk", flat=True))


def _ensure_balances(receipt_ids, need_ids) -> None:
    for receipt in Receipt.objects.filter(pk__in=receipt_ids, balance__isnull=True):
        ReceiptBalance.objects.create(receipt=receipt, received=receipt.amount, received_quantity=receipt.quantity)
    for need in Need.objects.filter(pk__in=need_ids, balance__isnull=True):
        NeedBalance.objects.create(need=need, quantity=need.quantity, unit_cost=need.unit_cost)


def _count_in_python(allocations, sign: int) -> None:
    """Without PostgreSQL's triggers (the newcomer's SQLite), move the counters here instead."""
    if connection.vendor == "postgresql":
        return
    for a in allocations:
        ReceiptBalance.objects.filter(receipt_id=a.receipt_id).update(
            allocated=F("allocated") + sign * a.amount,
            allocated_quantity=F("allocated_quantity") + sign * (a.quantity or 0),
        )
        NeedBalance.objects.filter(need_id=a.need_id).update(
            allocated_money=F("allocated_money") + sign * (0 if a.quantity else a.amount),
            allocated_quantity=F("allocated_quantity") + sign * (a.quantity or 0),
        )


def _set_statuses(need_ids, user, reason: str) -> None:
    """Each need to the funding status its balance now adds up to, read for all of them in one query."""
    statuses = {}
    balances = NeedBalance.objects.filter(need_id__in=list(need_ids)).annotate(
        covered_value=F("allocated_money") + F("allocated_quantity") * F("unit_cost"),
        cost=F("quantity") * F("unit_cost"),
    )
    for need_id, covered, cost in balances.values_list("need_id", "covered_value", "cost"):
        if covered == 0:
            statuses[need_id] = NeedStatus.OPEN
        else:
            statuses[need_id] = NeedStatus.FUNDED if covered == cost else NeedStatus.PARTLY_FUNDED
    try:
        needs_set_funding_status(statuses=statuses, user=user, reason=reason)
    except TransitionError as error:
        raise LedgerError(error.message) from error


def _checked_allocations(province, lines: list[Line], today: dt.date) -> list[Allocation]:
    """Check every line against fresh (locked) balances and the earmark rules; build the rows to insert."""
    receipt_ids = sorted({line.receipt_id for line in lines})
    need_ids = sorted({line.need_id for line in lines})
    receipts = {
        r.id: r for r in receipt_facts(Receipt.objects.filter(pk__in=receipt_ids, pledge__donor__province=province))
    }
    need_rows = Need.objects.filter(pk__in=need_ids, commune__province=province)
    needs = {n.id: n for n in need_facts(need_rows, today)}
    statuses = dict(need_rows.values_list("id", "status"))
    accepted_twice = set(need_rows.exclude(duplicate_override_reason="").values_list("id", flat=True))
    # The children are locked (_lock_balances): support recorded by a partner meanwhile waits for this batch.
    overlaps = support_overlaps_of(
        SupportKey(n.child_id, n.category, n.season, need_id=n.id) for n in needs.values() if n.id not in accepted_twice
    )
    left_money = {rid: r.remaining for rid, r in receipts.items()}
    left_goods = {rid: r.remaining_quantity for rid, r in receipts.items()}
    left_need = {nid: n.remaining for nid, n in needs.items()}
    left_units = {nid: n.quantity - n.allocated_quantity for nid, n in needs.items()}
    rows = []
    for line in lines:
        receipt, need = receipts.get(line.receipt_id), needs.get(line.need_id)
        if receipt is None:
            raise LedgerError(_("Không tìm thấy khoản tiếp nhận #%(id)s trong tỉnh.") % {"id": line.receipt_id})
        if need is None:
            raise LedgerError(_("Không tìm thấy nhu cầu #%(id)s trong tỉnh.") % {"id": line.need_id})
        where = _("Khoản #%(receipt)s → nhu cầu #%(need)s: ") % {"receipt": receipt.id, "need": need.id}
        if statuses[need.id] not in FUNDABLE_STATUSES:
            raise LedgerError(where + str(MESSAGES["allocation_need_fundable"]))
        codes = refusals(receipt, need, today)
        if codes:
            raise LedgerError(where + str(MESSAGES[codes[0]]))
        overlap = overlaps.get(SupportKey(need.child_id, need.category, need.season, need_id=need.id))
        if overlap:
            raise LedgerError(where + overlap_message(overlap))
        if receipt.is_goods:
            quantity = line.quantity or 0
            if quantity <= 0:
                raise LedgerError(where + _("nhập số lượng hiện vật lớn hơn 0."))
            amount, cover = quantity * receipt.unit_value, quantity * need.unit_cost
            left_goods[receipt.id] -= quantity
            left_units[need.id] -= quantity
            if left_goods[receipt.id] < 0:
                raise LedgerError(where + str(MESSAGES["receipt_allocated_quantity_le_received"]))
            if left_units[need.id] < 0:
                raise LedgerError(where + str(MESSAGES["need_allocated_quantity_le_quantity"]))
        else:
            amount, cover, quantity = line.amount or 0, line.amount or 0, None
            if amount <= 0:
                raise LedgerError(where + _("nhập số tiền lớn hơn 0."))
        left_money[receipt.id] -= amount
        left_need[need.id] -= cover
        if left_money[receipt.id] < 0:
            raise LedgerError(
                where
                + _("khoản tiếp nhận chỉ còn %(left)s chưa phân bổ.")
                % {"left": format_vnd(left_money[receipt.id] + amount)}
            )
        if left_need[need.id] < 0:
            raise LedgerError(
                where + _("nhu cầu chỉ còn thiếu %(left)s.") % {"left": format_vnd(left_need[need.id] + cover)}
            )
        rows.append(Allocation(receipt_id=receipt.id, need_id=need.id, amount=amount, quantity=quantity))
    return rows


def batch_accept(
    *, user, province, lines: list[Line], source: str = BatchSource.MANUAL, note: str = ""
) -> AllocationBatch:
    """Allocate all lines as one batch, or nothing: balances, earmarks and need statuses are checked under
    row locks, the database re-checks them, and each need moves to partly funded / funded with an event."""
    _require(user, Perm.ALLOCATE, province.pk)
    if not lines:
        raise LedgerError(_("Chưa có dòng phân bổ nào."))
    today = timezone.localdate()
    with _database_refusals(), transaction.atomic():
        _lock_balances({line.receipt_id for line in lines}, {line.need_id for line in lines})
        rows = _checked_allocations(province, lines, today)
        batch = AllocationBatch.objects.create(province=province, source=source, note=note, created_by=user)
        for row in rows:
            row.batch = batch
        Allocation.objects.bulk_create(rows, batch_size=5_000)
        history_copy(Allocation, [row.pk for row in rows], user=user, reason=note)
        _count_in_python(rows, +1)
        _set_statuses({row.need_id for row in rows}, user, _("Đợt phân bổ #%(id)s") % {"id": batch.pk})
    return batch


def allocation_create(
    *, user, receipt: Receipt, need: Need, amount: int | None = None, quantity: int | None = None, note: str = ""
) -> Allocation:
    """Allocate part of one receipt to one need (a batch of one line)."""
    batch = batch_accept(
        user=user,
        province=receipt.pledge.donor.province,
        lines=[Line(receipt_id=receipt.pk, need_id=need.pk, amount=amount, quantity=quantity)],
        note=note,
    )
    return batch.allocations.get()


def batch_reverse(*, user, batch: AllocationBatch, reason: str) -> AllocationBatch:
    """Reverse a whole batch with a recorded reason: its allocations stop counting, the balances come back
    (database triggers) and each need returns to the funding status what is left adds up to. Support already
    handed over cannot be un-allocated (the database refuses it)."""
    _require(user, Perm.ALLOCATE, batch.province_id)
    reason = reason.strip()
    if not reason:
        raise LedgerError(_("Cần ghi lý do hủy bỏ đợt phân bổ."))
    with _database_refusals(), transaction.atomic():
        locked = AllocationBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != BatchStatus.ACCEPTED:
            raise LedgerError(_("Đợt phân bổ này đã được hủy bỏ trước đó."))
        allocations = list(locked.allocations.filter(active=True).order_by("pk"))
        need_ids = {a.need_id for a in allocations}
        _lock_balances({a.receipt_id for a in allocations}, need_ids)
        ids = [allocation.pk for allocation in allocations]
        Allocation.objects.filter(pk__in=ids).update(active=False)
        history_copy(Allocation, ids, user=user, reason=reason, change=CHANGED)
        _count_in_python(allocations, -1)
        locked.status, locked.reversed_by, locked.reversed_at = BatchStatus.REVERSED, user, timezone.now()
        locked.reversal_reason = reason
        locked._change_reason = reason
        locked.save(update_fields=["status", "reversed_by", "reversed_at", "reversal_reason"])
        _set_statuses(need_ids, user, _("Hủy đợt phân bổ #%(id)s: %(reason)s") % {"id": locked.pk, "reason": reason})
    return locked


# --- Deliveries -------------------------------------------------------------------------------------------


def delivery_record(
    *,
    user,
    need: Need,
    delivered_on: dt.date,
    quantity: int,
    children_reached: int,
    handed_over_by: str,
    note: str = "",
    evidence: list[tuple[CheckedUpload, bool]] = (),
) -> Delivery:
    """Record that (part of) a funded need reached the children, with evidence; the need becomes delivered
    when all of it is handed over."""
    _require(user, Perm.RECORD_DELIVERIES, need.commune_id)
    if delivered_on > timezone.localdate():
        raise LedgerError(_("Ngày trao không thể sau hôm nay."))
    if children_reached > need.beneficiary_count:
        raise LedgerError(_("Nhu cầu này chỉ dành cho %(count)s trẻ.") % {"count": need.beneficiary_count})
    with _database_refusals(), transaction.atomic():
        _lock_balances(set(), {need.pk})
        balance = NeedBalance.objects.get(need_id=need.pk)
        current = Need.objects.get(pk=need.pk)
        if current.status not in (NeedStatus.PARTLY_FUNDED, NeedStatus.FUNDED):
            raise LedgerError(_("Chỉ ghi nhận trao cho nhu cầu đã được tài trợ."))
        left = balance.covered_units - balance.delivered_quantity
        if quantity > left:
            raise LedgerError(_("Chỉ còn %(left)s đơn vị đã được tài trợ mà chưa trao.") % {"left": left})
        delivery = Delivery(
            need=current,
            delivered_on=delivered_on,
            quantity=quantity,
            children_reached=children_reached,
            handed_over_by=handed_over_by.strip(),
            note=note,
            recorded_by=user,
        )
        try:
            delivery.full_clean()
        except ValidationError as error:
            raise LedgerError(" ".join(error.messages)) from error
        delivery.save()
        if connection.vendor != "postgresql":
            NeedBalance.objects.filter(need_id=need.pk).update(delivered_quantity=F("delivered_quantity") + quantity)
        for upload, shows_children in evidence:
            evidence_add(user=user, delivery=delivery, upload=upload, shows_children=shows_children)
        balance.refresh_from_db()
        if balance.delivered_quantity == balance.quantity and current.status == NeedStatus.FUNDED:
            need_transition(need=current, action="deliver", user=user, reason=_("Đã trao đủ: %(n)s") % {"n": quantity})
    return delivery


def evidence_add(*, user, delivery: Delivery, upload: CheckedUpload, shows_children: bool) -> DeliveryEvidence:
    """Store a checked photo or scan for a delivery under a random name (never the child's name)."""
    _require(user, Perm.RECORD_DELIVERIES, delivery.need.commune_id)
    evidence = DeliveryEvidence(delivery=delivery, shows_children=shows_children, uploaded_by=user)
    return store_upload(evidence, upload)


# --- Distribution days ------------------------------------------------------------------------------------

DISTRIBUTION_EXPORT_KIND = "distribution_list"
# Lines on one list: its recording page stays under the 100 KB page budget, and its paper under a few pages.
DISTRIBUTION_MAX_LINES = 80


class DistributionError(LedgerError):
    """A refused distribution list; `lines` maps a line's id to why that line was refused."""

    def __init__(self, message: str, lines: dict[int, str] | None = None):
        super().__init__(message)
        self.lines = lines or {}


@dataclass(frozen=True)
class Outcome:
    """What happened to one line on the day: handed over (how many units, to how many children) or not, and why."""

    handed_over: bool
    quantity: int | None = None
    children_reached: int | None = None
    reason: str = ""


def distribution_create(
    *, user, commune, distributed_on: dt.date, title: str, place: str = "", lines: dict[int, int]
) -> DistributionList:
    """A draft list of the commune's funded needs (need id → units to hand out), each within what is paid for
    and not yet handed over, and on no other list still to be recorded."""
    from allocations.selectors import distribution_candidates

    _require(user, Perm.RECORD_DELIVERIES, commune.pk)
    if not lines:
        raise DistributionError(_("Chọn ít nhất một nhu cầu để đưa vào danh sách."))
    if len(lines) > DISTRIBUTION_MAX_LINES:
        raise DistributionError(
            _("Một danh sách có tối đa %(max)s dòng; hãy chia theo thôn/bản.") % {"max": DISTRIBUTION_MAX_LINES}
        )
    with transaction.atomic():
        _lock_balances(set(), set(lines))
        left = dict(
            distribution_candidates(user=user, commune=commune)
            .filter(pk__in=list(lines))
            .values_list("pk", "units_left")
        )
        errors = {}
        for need_id, quantity in lines.items():
            if need_id not in left:
                errors[need_id] = _("Nhu cầu #%(id)s không còn chờ trao ở xã này.") % {"id": need_id}
            elif not 0 < quantity <= left[need_id]:
                errors[need_id] = _("Nhu cầu #%(id)s: số lượng phải từ 1 đến %(left)s.") % {
                    "id": need_id,
                    "left": left[need_id],
                }
        if errors:
            raise DistributionError(" ".join(errors.values()), errors)
        distribution = DistributionList(
            commune=commune, distributed_on=distributed_on, title=title.strip(), place=place.strip(), created_by=user
        )
        try:
            distribution.full_clean()
        except ValidationError as error:
            raise DistributionError(" ".join(error.messages)) from error
        distribution.save()
        DistributionLine.objects.bulk_create(
            DistributionLine(distribution=distribution, need_id=need_id, planned_quantity=quantity)
            for need_id, quantity in sorted(lines.items())
        )
        history_copy(DistributionLine, list(distribution.lines.values_list("pk", flat=True)), user=user, reason="")
    return distribution


def distribution_remove_lines(*, user, distribution: DistributionList, line_ids) -> int:
    """Take lines off a list that is still a draft (once printed, the paper is what the guardians sign)."""
    _require(user, Perm.RECORD_DELIVERIES, distribution.commune_id)
    with transaction.atomic():
        locked = DistributionList.objects.select_for_update().get(pk=distribution.pk)
        if locked.status != DistributionStatus.DRAFT:
            raise DistributionError(_("Danh sách đã in: không bớt dòng được nữa."))
        removed, _counts = locked.lines.filter(pk__in=list(line_ids)).delete()
    return removed


def distribution_print(*, user, distribution: DistributionList) -> list[DistributionLine]:
    """The lines to print, with the children's names: an export of personal data, logged every time. The
    first print moves the list from draft to printed (its lines are then fixed)."""
    _require(user, Perm.RECORD_DELIVERIES, distribution.commune_id)
    with transaction.atomic():
        locked = DistributionList.objects.select_for_update().get(pk=distribution.pk)
        lines = list(
            locked.lines.select_related("need__child__village", "need__village").order_by(
                "need__child__village__name", "need__village__name", "need__child__full_name", "need__facility_name"
            )
        )
        if locked.status == DistributionStatus.DRAFT:
            locked.status, locked.printed_by, locked.printed_at = DistributionStatus.PRINTED, user, timezone.now()
            locked.save(update_fields=["status", "printed_by", "printed_at"])
        ExportLog.objects.create(
            user=user,
            what=DISTRIBUTION_EXPORT_KIND,
            filters={"distribution": locked.pk, "commune": distribution.commune.code},
            row_count=len(lines),
        )
    distribution.status = locked.status
    return lines


def distribution_record(
    *,
    user,
    distribution: DistributionList,
    outcomes: dict[int, Outcome],
    handed_over_by: str,
    scan: CheckedUpload,
) -> DistributionList:
    """Record the whole printed list at once: each line handed over (a Delivery through `delivery_record`, so
    every ledger rule holds) or not, with a reason; the scanned signed list kept with it. All or nothing: if
    the ledger refuses any line, nothing is saved and DistributionError names every refused line."""
    _require(user, Perm.RECORD_DELIVERIES, distribution.commune_id)
    handed_over_by = handed_over_by.strip()
    if not handed_over_by:
        raise DistributionError(_("Ghi tên người trao."))
    if distribution.distributed_on > timezone.localdate():
        raise DistributionError(_("Chưa đến ngày cấp phát: chỉ ghi kết quả sau ngày trao."))
    with transaction.atomic():
        locked = DistributionList.objects.select_for_update().get(pk=distribution.pk)
        if locked.status != DistributionStatus.PRINTED:
            raise DistributionError(
                _("Danh sách đã được ghi nhận trước đó.")
                if locked.status == DistributionStatus.RECORDED
                else _("In danh sách để người giám hộ ký trước khi ghi kết quả.")
            )
        lines = list(locked.lines.select_related("need").order_by("need_id"))
        errors: dict[int, str] = {}
        note = _("Theo danh sách cấp phát #%(id)s") % {"id": locked.pk}
        for line in lines:
            outcome = outcomes.get(line.pk)
            if outcome is None:
                errors[line.pk] = _("Chưa ghi kết quả dòng này.")
                continue
            if not outcome.handed_over:
                if not outcome.reason.strip():
                    errors[line.pk] = _("Ghi lý do chưa trao.")
                line.handed_over, line.quantity, line.reason = False, None, outcome.reason.strip()
                continue
            need = line.need
            quantity = outcome.quantity or 0
            children = outcome.children_reached if need.is_group else 1
            if children is None:
                children = need.beneficiary_count
            if not 0 < quantity <= line.planned_quantity:
                errors[line.pk] = _("Số lượng đã trao phải từ 1 đến %(n)s.") % {"n": line.planned_quantity}
                continue
            try:
                delivery = delivery_record(
                    user=user,
                    need=need,
                    delivered_on=locked.distributed_on,
                    quantity=quantity,
                    children_reached=children,
                    handed_over_by=handed_over_by,
                    note=note,
                )
            except LedgerError as error:  # its savepoint is rolled back; go on to report every refused line
                errors[line.pk] = error.message
                continue
            line.handed_over, line.quantity, line.children_reached, line.reason = True, quantity, children, ""
            line.delivery = delivery
        if errors:
            raise DistributionError(
                _("%(n)s dòng chưa ghi được; chưa lưu dòng nào, hãy sửa các dòng được đánh dấu.") % {"n": len(errors)},
                errors,
            )
        fields = ["handed_over", "quantity", "children_reached", "reason", "delivery"]
        DistributionLine.objects.bulk_update(lines, fields)
        history_copy(DistributionLine, [line.pk for line in lines], user=user, reason=note, change=CHANGED)
        locked.scan.save(random_name(scan), scan.file, save=False)
        locked.scan_name, locked.scan_type = scan.original_name, scan.content_type
        locked.status, locked.recorded_by, locked.recorded_at = DistributionStatus.RECORDED, user, timezone.now()
        locked.handed_over_by = handed_over_by
        locked.save()
    return locked


# --- Matching assistant -----------------------------------------------------------------------------------


def matching_run_start(*, user, province) -> MatchingRun:
    """Queue a run of the matching assistant; the Celery task fills in the plan (see allocations.tasks)."""
    from allocations.tasks import matching_run_execute

    _require(user, Perm.ALLOCATE, province.pk)
    run = MatchingRun.objects.create(province=province, created_by=user)
    transaction.on_commit(lambda: matching_run_execute.delay(run.pk))
    return run


def matching_run_accept(*, user, run: MatchingRun, lines: list[Line], note: str = "") -> AllocationBatch:
    """Accept the (possibly edited) plan as one batch; the ledger rules are checked again now."""
    _require(user, Perm.ALLOCATE, run.province_id)
    with transaction.atomic():
        locked = MatchingRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.READY:
            raise LedgerError(_("Phương án này không còn chờ duyệt."))
        batch = batch_accept(
            user=user,
            province=locked.province,
            lines=lines,
            source=BatchSource.MATCHING,
            note=note or _("Theo phương án ghép nối #%(id)s") % {"id": locked.pk},
        )
        locked.status, locked.batch = RunStatus.ACCEPTED, batch
        locked.save(update_fields=["status", "batch"])
    return batch


def matching_run_discard(*, user, run: MatchingRun) -> None:
    _require(user, Perm.ALLOCATE, run.province_id)
    MatchingRun.objects.filter(pk=run.pk, status__in=[RunStatus.READY, RunStatus.FAILED]).update(
        status=RunStatus.DISCARDED
    )


# --- Support partner organisations gave directly ------------------------------------------------------------


class OverlapFound(LedgerError):
    """The child already has this kind of support this season; the partner must say why it gave it again."""

    def __init__(self, overlaps):
        super().__init__(overlap_message(overlaps))
        self.overlaps = overlaps


def partner_check_member(*, user, partner: PartnerOrganisation) -> None:
    """Only the organisation's own accounts, holding the partner role in its province, record its support."""
    if not scope_for(user).allows(Perm.RECORD_PARTNER_SUPPORT, partner.province_id):
        raise PermissionDenied
    if not partner.members.filter(pk=user.pk).exists():
        raise PermissionDenied


def partner_support_build(
    *,
    partner: PartnerOrganisation,
    category: str,
    given_on: dt.date,
    description: str,
    value: int,
    quantity: int,
    child: Child | None = None,
    commune: AdministrativeUnit | None = None,
    village: Village | None = None,
    children_count: int | None = None,
    season: str = "",
    overlap_reason: str = "",
) -> PartnerSupport:
    """A partner's support record, checked but not saved: ValidationError keyed by the field at fault.

    For a child the commune is the child's; for a group the commune (and the village, if given) must be of the
    partner's province. The season, when not given, is the one the category is planned by on the day given."""
    errors: dict[str, list[str]] = {}
    if child is not None:
        commune, children_count = child.commune, 1
    if commune is None:
        errors["commune"] = [_("Chọn xã, hoặc ghi mã hồ sơ của trẻ.")]
    elif child is None and commune.province_id != partner.province_id:
        # A child found by code may live in a commune merged into one of the province's (partners.selectors).
        errors["commune"] = [_("Xã này không thuộc tỉnh của tổ chức.")]
    problem = village_problem(village, commune.pk if commune else None)
    if problem:
        errors["village"] = [problem]
    if given_on > timezone.localdate():
        errors["given_on"] = [_("Ngày hỗ trợ ở tương lai.")]
    if category in Category.values and not season:
        season = season_for(category, given_on)
    problem = season_problem(category, season)
    if problem:
        errors["season"] = [problem]
    if not children_count:
        errors["children_count"] = [_("Ghi số trẻ đã nhận.")]
    if errors:
        raise ValidationError(errors)
    support = PartnerSupport(
        partner=partner,
        child=child,
        commune=commune,
        village=village,
        category=category,
        season=season,
        description=description,
        value=value,
        quantity=quantity,
        children_count=children_count,
        given_on=given_on,
        overlap_reason=overlap_reason.strip(),
    )
    support.full_clean(exclude=["partner", "child", "commune", "village", "evidence", "recorded_by"])
    return support


def partner_support_record(*, user, support: PartnerSupport, evidence: CheckedUpload | None = None) -> PartnerSupport:
    """Save a partner's support record (built by partner_support_build) with its evidence.

    The child's row is locked first, as the ledger does, so the no-overlap rule (allocations.rules) sees every
    support recorded before and none can slip in between the check and the save. A child already supported in the
    category and season raises OverlapFound unless the partner gave a reason; the record is then saved with it and
    shows on the department's overlap list. Partners are not refused outright: the support was already handed
    over, and refusing the record would only hide the overlap from the department."""
    partner_check_member(user=user, partner=support.partner)
    if not scope_for(user).allows(Perm.RECORD_PARTNER_SUPPORT, support.commune_id):
        raise PermissionDenied
    with transaction.atomic():
        if support.child_id is not None:
            Child.objects.select_for_update().filter(pk=support.child_id).values_list("pk", flat=True).get()
        overlaps = support_overlaps(child_id=support.child_id, category=support.category, season=support.season)
        if overlaps and not support.overlap_reason:
            raise OverlapFound(overlaps)
        if not overlaps:
            support.overlap_reason = ""
        support.recorded_by = user
        if evidence is not None:
            support.evidence_name, support.evidence_type = evidence.original_name, evidence.content_type
            support.evidence.save(random_name(evidence), evidence.file, save=False)
        support.save()
    return support


def partner_supports_import(*, user, supports: list[PartnerSupport], reason: str) -> None:
    """Save the rows of an import at once, or none: the rule is checked again under the children's locks, so a
    record saved by someone else since the preview refuses the list (each row was checked against the file's
    other rows when it was read)."""
    if not supports:
        return
    for partner in {support.partner for support in supports}:
        partner_check_member(user=user, partner=partner)
    with transaction.atomic():
        child_ids = sorted({support.child_id for support in supports if support.child_id})
        list(Child.objects.select_for_update().filter(pk__in=child_ids).order_by("pk").values_list("pk", flat=True))
        overlaps = support_overlaps_of(SupportKey(s.child_id, s.category, s.season) for s in supports)
        late = [
            s for s in supports if not s.overlap_reason and SupportKey(s.child_id, s.category, s.season) in overlaps
        ]
        if late:
            key = SupportKey(late[0].child_id, late[0].category, late[0].season)
            raise LedgerError(overlap_message(overlaps[key]))
        for support in supports:
            support.recorded_by = user
        PartnerSupport.objects.bulk_create(supports)
        history_copy(PartnerSupport, [support.pk for support in supports], user=user, reason=reason)
