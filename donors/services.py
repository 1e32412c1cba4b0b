"""Writes for donors, pledges, receipts and sponsorships.

Every pledge status change goes through `_move` (guarded by TRANSITIONS) and leaves a PledgeEvent with who,
when and why. A pledge is a promise and never counts as money in: only receipts do, and its received total is
always the sum of its receipts (donors.selectors.received_total), recomputed under a row lock whenever a receipt
is recorded.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donors.appeals import appeal_pledge_communes, appeal_pledge_date_problems
from donors.models import (
    RECEIVABLE_STATUSES,
    Donor,
    DonorContact,
    Pledge,
    PledgeEvent,
    PledgeItem,
    PledgeKind,
    PledgeStatus,
    Receipt,
    ReceiptKind,
    Sponsorship,
)
from donors.rules import check_pledge_dates
from portal import extensions
from portal.bulk import CHANGED, RowsRefused, history_copy
from portal.models import RoleAssignment
from portal.money import format_vnd, vnd_in_words
from portal.permissions import Perm, Role
from portal.scoping import scope_for


class PledgeError(Exception):
    """The one error of this module: an illegal transition or receipt, with a message for people."""

    def __init__(self, message, *, code: str = "invalid"):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code


class BeyondPledge(PledgeError):
    """Receiving more than was pledged needs an explicit confirmation (Receipt.beyond_pledge_confirmed)."""


class FarBelowPledge(PledgeError):
    """A money receipt far below its pledge needs an explicit confirmation (see receipt_far_below_pledge)."""


def receipt_far_below_pledge(*, pledged: int | None, amount: int | None) -> bool:
    """The one rule for "a receipt far below its pledge asks for confirmation": under 1 % of the pledge.

    A dropped group of zeros (10.000 typed for 10.000.000) is a thousandfold slip; an instalment is rarely below a
    hundredth of what was promised, so asking then costs one tick and catches the slip. Forms, API and services
    all ask this function.
    """
    return bool(pledged and amount) and amount * 100 < pledged


def _far_below(pledge: Pledge, amount: int) -> FarBelowPledge:
    return FarBelowPledge(
        _(
            "Số tiền %(amount)s (%(words)s) thấp hơn nhiều so với cam kết %(pledged)s. Kiểm tra lại (có thiếu chữ số "
            "0?) rồi đánh dấu xác nhận để lưu."
        )
        % {"amount": format_vnd(amount), "words": vnd_in_words(amount), "pledged": format_vnd(pledge.amount)},
        code="far_below_pledge",
    )


S = PledgeStatus
# action → (statuses it may start from, status it leads to; None: computed from the receipts)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "create": (frozenset({""}), None),
    "confirm": (frozenset({S.PENDING}), S.PLEDGED),
    "cancel": (frozenset({S.PENDING, S.PLEDGED}), S.CANCELLED),
    "lapse": (frozenset({S.PENDING, S.PLEDGED}), S.LAPSED),
    "receive": (frozenset(RECEIVABLE_STATUSES), None),
    "correct_receipt": (frozenset(RECEIVABLE_STATUSES), None),
    "cancel_receipt": (frozenset(RECEIVABLE_STATUSES), None),
}
ACTION_LABELS = {
    "create": gettext_lazy("Ghi nhận cam kết"),
    "confirm": gettext_lazy("Xác nhận cam kết"),
    "cancel": gettext_lazy("Hủy cam kết"),
    "lapse": gettext_lazy("Hết hiệu lực do quá hạn"),
    "receive": gettext_lazy("Tiếp nhận tiền, hiện vật"),
    "correct_receipt": gettext_lazy("Sửa khoản tiếp nhận"),
    "cancel_receipt": gettext_lazy("Hủy khoản tiếp nhận"),
}
# Actions people choose on the pledge page (the others happen through receipts, creation or the beat task).
MANUAL_ACTIONS = ("confirm", "cancel")


def allowed_actions(pledge: Pledge) -> list[str]:
    return [action for action in MANUAL_ACTIONS if pledge.status in TRANSITIONS[action][0]]


def _move(pledge: Pledge, *, action: str, to_status: str, actor, reason: str = "") -> PledgeEvent | None:
    """Apply one guarded transition to a locked pledge and record it; no event when nothing changes."""
    allowed_from, _target = TRANSITIONS[action]
    from_status = "" if action == "create" else pledge.status
    if from_status not in allowed_from:
        raise PledgeError(
            _("Không thể %(action)s khi cam kết đang ở trạng thái «%(status)s».")
            % {"action": str(ACTION_LABELS[action]).lower(), "status": pledge.get_status_display()},
            code="illegal_transition",
        )
    if action != "create" and to_status == pledge.status:
        return None
    if action != "create":
        pledge.status = to_status
        pledge.save(update_fields=["status"])
    return PledgeEvent.objects.create(
        pledge=pledge, action=action, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )


# --- Donors -----------------------------------------------------------------------------------------------


@transaction.atomic
def donor_save(*, donor: Donor, contacts: Iterable[DonorContact] = ()) -> Donor:
    """Create or update a donor (duplicates are a warning shown by the form, see selectors.donor_duplicates)."""
    donor.name = " ".join(donor.name.split())
    donor.tax_code = donor.tax_code.strip()
    donor.country = donor.country.upper()
    donor.full_clean()
    donor.save()
    for contact in contacts:
        contact.donor = donor
        contact.full_clean()
        contact.save()
    return donor


@transaction.atomic
def donor_account_create(*, donor: Donor, username: str, full_name: str, email: str, phone: str = ""):
    """A login for one of the donor's people: a User with the DONOR role, added to donor.members.

    The password is random and never shown: the new user sets their own through the password-reset e-mail
    (the view sends it), so nobody else ever knows it.
    """
    User = get_user_model()
    user = User(username=username.strip(), full_name=full_name.strip(), email=email.strip(), phone=phone.strip())
    user.set_password(secrets.token_urlsafe(32))
    user.full_clean()
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.DONOR, unit=None)
    donor.members.add(user)
    return user


# --- Pledges ----------------------------------------------------------------------------------------------


def _pledge_value(pledge: Pledge, items: list[PledgeItem]) -> None:
    """An in-kind pledge has items and is worth their sum; a cash pledge has none."""
    if pledge.kind == PledgeKind.IN_KIND:
        if not items:
            raise PledgeError(_("Cam kết hiện vật cần ít nhất một mặt hàng."), code="no_items")
        pledge.amount = sum(item.quantity * item.unit_value for item in items)
    elif items:
        raise PledgeError(_("Cam kết bằng tiền không có mặt hàng."), code="items_on_cash")


def pledge_validate(pledge: Pledge, *, model: bool = True) -> None:
    """Every rule of a pledge being recorded, as one ValidationError keyed by field: the model's own (unless
    `model` is off, for rows a bulk import checked against its lookups), then the rules of donors.rules."""
    errors: dict = {}
    if model:
        try:
            pledge.full_clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    try:
        check_pledge_dates(pledge.pledged_on, pledge.receive_by)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for field, message in appeal_pledge_date_problems(pledge).items():
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def pledge_create(
    *,
    pledge: Pledge,
    actor,
    items: Iterable[PledgeItem] = (),
    earmark_communes: Iterable = (),
    online: bool = False,
    reason: str = "",
) -> Pledge:
    """Record a pledge. Staff's pledges are `pledged` at once; a donor's online pledge waits, `pending`,
    until staff confirm it. An in-kind pledge is worth the sum of its items.

    Raises PledgeError for a pledge that cannot be (no items, items on cash, a commune of another province) and
    ValidationError, keyed by field, for a field that breaks a rule (donors.rules, the model's own)."""
    items = list(items)
    _pledge_value(pledge, items)
    pledge.status = S.PENDING if online else S.PLEDGED
    pledge.submitted_by = actor
    pledge_validate(pledge)
    pledge.save()
    for item in items:
        item.pledge = pledge
        item.full_clean()
        item.save()
    communes = list(earmark_communes)
    foreign = [c for c in communes if c.province_id != pledge.donor.province_id]
    if foreign:
        raise PledgeError(_("Chỉ chọn được các xã thuộc tỉnh của nhà tài trợ."), code="foreign_commune")
    pledge.earmark_communes.set(appeal_pledge_communes(pledge, communes))
    _move(pledge, action="create", to_status=pledge.status, actor=actor, reason=reason)
    return pledge


@transaction.atomic
def pledge_transition(*, pledge_id: int, action: str, actor, reason: str = "") -> Pledge:
    """Confirm or cancel a pledge (the manual actions); cancelling needs a reason."""
    if action not in MANUAL_ACTIONS:
        raise PledgeError(_("Thao tác không hợp lệ."), code="unknown_action")
    if action == "cancel" and not reason.strip():
        raise PledgeError(_("Cần ghi lý do hủy cam kết."), code="reason_required")
    pledge = Pledge.objects.select_for_update().get(pk=pledge_id)
    _move(pledge, action=action, to_status=TRANSITIONS[action][1], actor=actor, reason=reason.strip())
    return pledge


def pledge_lapse_overdue(*, today: dt.date | None = None) -> list[int]:
    """Mark as lapsed the pledges whose receive_by has passed with nothing received. Safe to run twice at once:
    each pledge is claimed under a row lock (skip_locked) and re-checked before it moves."""
    today = today or timezone.localdate()
    lapsed = []
    candidates = Pledge.objects.filter(
        # Receipt.objects leaves out cancelled receipts, which a join through `receipts__` would not.
        ~Exists(Receipt.objects.filter(pledge=OuterRef("pk"))),
        status__in=TRANSITIONS["lapse"][0],
        receive_by__lt=today,
    ).values_list("pk", flat=True)
    for pledge_id in list(candidates):
        with transaction.atomic():
            pledge = Pledge.objects.select_for_update(skip_locked=True).filter(pk=pledge_id).first()
            if pledge is None or pledge.status not in TRANSITIONS["lapse"][0] or pledge.receipts.exists():
                continue
            reason = _("Quá hạn chuyển/giao (%(date)s) mà chưa nhận được gì.") % {
                "date": pledge.receive_by.strftime("%d/%m/%Y")
            }
            _move(pledge, action="lapse", to_status=S.LAPSED, actor=None, reason=reason)
            lapsed.append(pledge.pk)
    return lapsed


# --- Receipts ---------------------------------------------------------------------------------------------


@transaction.atomic
def receipt_record(
    *,
    pledge_id: int,
    actor,
    kind: str,
    received_on: dt.date,
    amount: int | None = None,
    method: str = "",
    bank_reference: str = "",
    item_id: int | None = None,
    quantity: int | None = None,
    unit_value: int | None = None,
    confirm_beyond_pledge: bool = False,
    confirm_small_amount: bool = False,
    note: str = "",
) -> Receipt:
    """Record money or goods received against a pledge and move the pledge to partly received / received.

    The pledge row is locked while its received total is summed, so two people recording receipts at once
    never both pass the "beyond the pledge" check. Goods are valued at quantity × unit value (the pledged
    item's unit value unless another is given). Receiving more than pledged (in value, or more of an item than
    pledged) raises BeyondPledge unless `confirm_beyond_pledge` is set; the receipt then says so. Money far below
    the pledge (receipt_far_below_pledge) raises FarBelowPledge unless `confirm_small_amount` is set.
    """
    pledge = Pledge.objects.select_for_update().select_related("donor").get(pk=pledge_id)
    if pledge.status not in RECEIVABLE_STATUSES:
        raise PledgeError(
            _("Không thể ghi nhận tiếp nhận cho cam kết đang ở trạng thái «%(status)s».")
            % {"status": pledge.get_status_display()},
            code="not_receivable",
        )
    if received_on > timezone.localdate():
        raise PledgeError(_("Ngày nhận không được sau hôm nay."), code="future_date")
    received = pledge.receipts.aggregate(total=Sum("amount"))["total"] or 0
    item = None
    beyond_items = False
    if kind == ReceiptKind.GOODS:
        item = pledge.items.filter(pk=item_id).first() if item_id else None
        if item is None:
            raise PledgeError(_("Chọn mặt hàng đã cam kết."), code="item_required")
        if not quantity or quantity <= 0:
            raise PledgeError(_("Số lượng phải lớn hơn 0."), code="quantity_required")
        unit_value = item.unit_value if unit_value is None else unit_value
        amount = quantity * unit_value
        item_received = item.receipts.aggregate(q=Sum("quantity"))["q"] or 0
        beyond_items = item_received + quantity > item.quantity
        method = method or ""
    else:
        quantity = unit_value = None
    if not amount or amount <= 0:
        raise PledgeError(_("Giá trị tiếp nhận phải lớn hơn 0."), code="amount_required")
    small = kind == ReceiptKind.MONEY and receipt_far_below_pledge(pledged=pledge.amount, amount=amount)
    if small and not confirm_small_amount:
        raise _far_below(pledge, amount)
    beyond = received + amount > pledge.amount or beyond_items
    if beyond and not confirm_beyond_pledge:
        raise _beyond(pledge, received)
    receipt = Receipt(
        pledge=pledge,
        kind=kind,
        received_on=received_on,
        amount=amount,
        method=method,
        bank_reference=bank_reference.strip(),
        item=item,
        quantity=quantity,
        unit_value=unit_value,
        beyond_pledge_confirmed=beyond,
        note=note.strip(),
        recorded_by=actor,
    )
    receipt.full_clean(exclude=["recorded_by"])  # None when a task or an import records it
    receipt.save()
    new_status = S.RECEIVED if received + amount >= pledge.amount else S.PARTLY_RECEIVED
    _move(
        pledge,
        action="receive",
        to_status=new_status,
        actor=actor,
        reason=_("Khoản tiếp nhận #%(id)s") % {"id": receipt.pk},
    )
    return receipt


def _beyond(pledge: Pledge, received: int) -> BeyondPledge:
    return BeyondPledge(
        _(
            "Khoản này vượt giá trị đã cam kết (đã nhận %(received)s / cam kết %(pledged)s). "
            "Hãy kiểm tra và đánh dấu xác nhận nhận vượt cam kết."
        )
        % {"received": f"{received:,}".replace(",", "."), "pledged": f"{pledge.amount:,}".replace(",", ".")},
        code="beyond_pledge",
    )


def _lock_receipt(receipt_id: int) -> tuple[Pledge, Receipt]:
    """Lock the pledge, then the receipt — the order receipt_record locks in — and refuse a cancelled one."""
    pledge_id = Receipt.all_objects.filter(pk=receipt_id).values_list("pledge_id", flat=True).first()
    if pledge_id is None:
        raise PledgeError(_("Không tìm thấy khoản tiếp nhận."), code="not_found")
    pledge = Pledge.objects.select_for_update().select_related("donor").get(pk=pledge_id)
    # NO KEY UPDATE: an allocation being inserted holds its receipt's balance row and needs a KEY SHARE lock on
    # the receipt (its foreign key); a FOR UPDATE here would wait on it while it waits on us for the balance row.
    receipt = Receipt.all_objects.select_for_update(of=("self",), no_key=True).select_related("item").get(pk=receipt_id)
    if receipt.cancelled_at is not None:
        raise PledgeError(_("Khoản tiếp nhận này đã bị hủy."), code="cancelled")
    return pledge, receipt


def _save_against_ledger(receipt: Receipt, *, fields: list[str], allocated: int) -> None:
    """Save a corrected or cancelled receipt. The ledger's CHECK (allocated ≤ received, migration 0006 of
    allocations) is the last word if an allocation slipped in meanwhile: its refusal becomes the same message."""
    try:
        with transaction.atomic():
            receipt.save(update_fields=fields)
    except IntegrityError as error:
        if "receipt_allocated" not in str(error):
            raise
        raise PledgeError(_below_allocated(allocated), code="below_allocated") from error
    extensions.receipt_changed(receipt)


def _below_allocated(allocated: int) -> str:
    return _(
        "Khoản này đã được phân bổ %(allocated)s cho các nhu cầu; không thể giảm xuống dưới số đó. Hãy hủy bỏ "
        "đợt phân bổ liên quan trước."
    ) % {"allocated": format_vnd(allocated)}


def _after_receipt_change(pledge: Pledge, *, action: str, actor, reason: str) -> None:
    """Move the pledge to the status its counted receipts now add up to, and always record the event."""
    received = pledge.receipts.aggregate(total=Sum("amount"))["total"] or 0
    to_status = S.PLEDGED if received == 0 else S.RECEIVED if received >= pledge.amount else S.PARTLY_RECEIVED
    if _move(pledge, action=action, to_status=to_status, actor=actor, reason=reason) is None:
        PledgeEvent.objects.create(
            pledge=pledge, action=action, from_status=pledge.status, to_status=pledge.status, actor=actor, reason=reason
        )


@transaction.atomic
def receipt_correct(
    *,
    receipt_id: int,
    actor,
    reason: str,
    amount: int | None = None,
    quantity: int | None = None,
    confirm_beyond_pledge: bool = False,
    confirm_small_amount: bool = False,
) -> Receipt:
    """Correct a receipt typed wrong: a new amount (money) or quantity (goods), with a reason.

    The old value stays in the receipt's history and the pledge's events say who changed what and why. A receipt
    cannot shrink below what the ledger has already allocated from it: its balance row is locked while this is
    checked, and the database's CHECK refuses it anyway if two people race. The same confirmations as recording a
    receipt apply (beyond the pledge, far below it).
    """
    reason = (reason or "").strip()
    if not reason:
        raise PledgeError(_("Cần ghi lý do sửa khoản tiếp nhận."), code="reason_required")
    pledge, receipt = _lock_receipt(receipt_id)
    old_amount = receipt.amount
    if receipt.kind == ReceiptKind.GOODS:
        if not quantity or quantity <= 0:
            raise PledgeError(_("Số lượng phải lớn hơn 0."), code="quantity_required")
        new_amount = quantity * receipt.unit_value
    else:
        quantity = None
        new_amount = amount
        if not new_amount or new_amount <= 0:
            raise PledgeError(_("Giá trị tiếp nhận phải lớn hơn 0."), code="amount_required")
    if new_amount == old_amount and quantity == receipt.quantity:
        raise PledgeError(_("Giá trị mới giống giá trị cũ, không có gì để sửa."), code="unchanged")
    allocated, allocated_quantity = extensions.receipt_allocated(receipt, lock=True)
    if new_amount < allocated or (quantity is not None and quantity < allocated_quantity):
        raise PledgeError(_below_allocated(allocated), code="below_allocated")
    small = receipt.kind == ReceiptKind.MONEY and receipt_far_below_pledge(pledged=pledge.amount, amount=new_amount)
    if small and not confirm_small_amount:
        raise _far_below(pledge, new_amount)
    others = pledge.receipts.exclude(pk=receipt.pk).aggregate(total=Sum("amount"))["total"] or 0
    beyond_items = False
    if receipt.item_id:
        item_others = receipt.item.receipts.exclude(pk=receipt.pk).aggregate(q=Sum("quantity"))["q"] or 0
        beyond_items = item_others + quantity > receipt.item.quantity
    beyond = others + new_amount > pledge.amount or beyond_items
    if beyond and not confirm_beyond_pledge:
        raise _beyond(pledge, others)
    receipt.amount, receipt.quantity, receipt.beyond_pledge_confirmed = new_amount, quantity, beyond
    receipt._change_reason = reason
    _save_against_ledger(receipt, fields=["amount", "quantity", "beyond_pledge_confirmed"], allocated=allocated)
    what = f"{format_vnd(old_amount)} → {format_vnd(new_amount)}"
    _after_receipt_change(
        pledge,
        action="correct_receipt",
        actor=actor,
        reason=_("Khoản tiếp nhận #%(id)s: %(what)s. Lý do: %(reason)s")
        % {"id": receipt.pk, "what": what, "reason": reason},
    )
    return receipt


@transaction.atomic
def receipt_cancel(*, receipt_id: int, actor, reason: str) -> Receipt:
    """Cancel a receipt recorded by mistake, with a reason. It then counts as received nowhere; its row stays
    (Receipt.all_objects) with who cancelled it, when and why. Refused while any of it is allocated."""
    reason = (reason or "").strip()
    if not reason:
        raise PledgeError(_("Cần ghi lý do hủy khoản tiếp nhận."), code="reason_required")
    pledge, receipt = _lock_receipt(receipt_id)
    allocated, allocated_quantity = extensions.receipt_allocated(receipt, lock=True)
    if allocated or allocated_quantity:
        raise PledgeError(_below_allocated(allocated), code="below_allocated")
    receipt.cancelled_at, receipt.cancelled_by, receipt.cancel_reason = timezone.now(), actor, reason[:250]
    receipt._change_reason = reason
    _save_against_ledger(receipt, fields=["cancelled_at", "cancelled_by", "cancel_reason"], allocated=allocated)
    _after_receipt_change(
        pledge,
        action="cancel_receipt",
        actor=actor,
        reason=_("Hủy khoản tiếp nhận #%(id)s (%(amount)s). Lý do: %(reason)s")
        % {"id": receipt.pk, "amount": format_vnd(receipt.amount), "reason": reason},
    )
    return receipt


# --- Sponsorships -----------------------------------------------------------------------------------------


@transaction.atomic
def sponsorship_save(*, sponsorship: Sponsorship) -> Sponsorship:
    sponsorship.full_clean()
    sponsorship.save()
    return sponsorship


# --- Imports ----------------------------------------------------------------------------------------------


def pledge_rows_check(rows: list[tuple[Pledge, list[PledgeItem]]]) -> dict[int, ValidationError]:
    """The rules pledge_create applies, for rows of an import: {index: error keyed by field}."""
    refused = {}
    for index, (pledge, items) in enumerate(rows):
        try:
            _pledge_value(pledge, items)
            pledge_validate(pledge, model=False)
        except PledgeError as error:
            refused[index] = ValidationError(error.message, code=error.code)
        except ValidationError as error:
            refused[index] = error
    return refused


@transaction.atomic
def pledge_bulk_create(*, actor, rows: list[tuple[Pledge, list[PledgeItem]]], reason: str) -> list[Pledge]:
    """Record many pledges by department staff in one go, for imports: each row a pledge and its items.

    The same rules, and the same side effects, as pledge_create one by one for staff (the right to manage the
    donor's province, the date rules, an in-kind pledge valued from its items, `pledged` at once, history rows and
    a `create` event), written with a few bulk statements. Raises RowsRefused ({index: ValidationError}) when any
    row breaks a rule; nothing is saved then.
    """
    if not rows:
        return []
    scope = scope_for(actor)
    for province_id in {pledge.donor.province_id for pledge, _items in rows}:
        if not scope.allows(Perm.MANAGE_DONORS, province_id):
            raise PermissionDenied
    refused = pledge_rows_check(rows)
    if refused:
        raise RowsRefused(refused)
    pledges = []
    for pledge, _items in rows:
        pledge.status = S.PLEDGED
        pledge.submitted_by = actor
        pledges.append(pledge)
    Pledge.objects.bulk_create(pledges, batch_size=1000)
    items = []
    for pledge, pledge_items in rows:
        for item in pledge_items:
            item.pledge = pledge
            items.append(item)
    PledgeItem.objects.bulk_create(items, batch_size=1000)
    appeal_communes: dict[int, list] = {}
    for pledge in pledges:
        if pledge.campaign_id and pledge.campaign_id not in appeal_communes:
            appeal_communes[pledge.campaign_id] = appeal_pledge_communes(pledge, [])
    Pledge.earmark_communes.through.objects.bulk_create(
        Pledge.earmark_communes.through(pledge_id=pledge.pk, administrativeunit_id=commune.pk)
        for pledge in pledges
        for commune in appeal_communes.get(pledge.campaign_id, ())
    )
    history_copy(Pledge, [pledge.pk for pledge in pledges], user=actor, reason=reason)
    history_copy(PledgeItem, [item.pk for item in items], user=actor, reason=reason)
    PledgeEvent.objects.bulk_create(
        [
            PledgeEvent(pledge=pledge, action="create", to_status=S.PLEDGED, actor=actor, reason=reason)
            for pledge in pledges
        ],
        batch_size=1000,
    )
    return pledges


@transaction.atomic
def receipt_bulk_record(*, actor, rows: list[dict], reason: str) -> tuple[dict[int, Receipt], dict[int, str]]:
    """Record many money receipts at once, for lines of a bank statement: each row a dict with `pledge_id`,
    `amount`, `received_on`, `bank_reference` and `note`.

    The rules of receipt_record, row by row in the given order (a pledge receiving several rows counts the earlier
    ones): the pledge must be receivable, the day not after today, the amount positive and, unless the row says
    `confirm_beyond_pledge`, within what the pledge still awaits. An amount far below the pledge is not asked
    about: the bank says what came. The same side effects, with a few bulk statements: the pledges are locked (in
    id order), receipts and their history rows written, each pledge moved to partly received / received with an
    event. Returns ({row index: receipt}, {row index: refusal code}) — a refused row writes nothing.
    """
    if not rows:
        return {}, {}
    pledge_ids = sorted({row["pledge_id"] for row in rows})
    pledges = {p.pk: p for p in Pledge.objects.select_for_update().filter(pk__in=pledge_ids).order_by("pk")}
    received = dict(
        Receipt.objects.filter(pledge_id__in=pledge_ids)
        .values("pledge_id")
        .annotate(total=Sum("amount"))
        .values_list("pledge_id", "total")
        .order_by()
    )
    today = timezone.localdate()
    made: dict[int, Receipt] = {}
    refused: dict[int, str] = {}
    for index, row in enumerate(rows):
        pledge = pledges.get(row["pledge_id"])
        amount = row["amount"]
        so_far = received.get(row["pledge_id"], 0)
        if pledge is None or pledge.status not in RECEIVABLE_STATUSES:
            refused[index] = "not_receivable"
        elif row["received_on"] > today:
            refused[index] = "future_date"
        elif not amount or amount <= 0:
            refused[index] = "amount_required"
        elif so_far + amount > pledge.amount and not row.get("confirm_beyond_pledge"):
            refused[index] = "beyond_pledge"
        else:
            received[pledge.pk] = so_far + amount
            made[index] = Receipt(
                pledge=pledge,
                kind=ReceiptKind.MONEY,
                received_on=row["received_on"],
                amount=amount,
                method="bank_transfer",
                bank_reference=row.get("bank_reference", "")[:80],
                beyond_pledge_confirmed=so_far + amount > pledge.amount,
                note=row.get("note", "")[:250],
                recorded_by=actor,
            )
    Receipt.objects.bulk_create(made.values(), batch_size=2000)
    history_copy(Receipt, [receipt.pk for receipt in made.values()], user=actor, reason=reason)
    moved, events = [], []
    for pledge_id in {receipt.pledge_id for receipt in made.values()}:
        pledge = pledges[pledge_id]
        to_status = S.RECEIVED if received[pledge_id] >= pledge.amount else S.PARTLY_RECEIVED
        if to_status != pledge.status:
            events.append(
                PledgeEvent(
                    pledge=pledge,
                    action="receive",
                    from_status=pledge.status,
                    to_status=to_status,
                    actor=actor,
                    reason=reason,
                )
            )
            pledge.status = to_status
            moved.append(pledge)
    for status in {pledge.status for pledge in moved}:  # one UPDATE per status, not bulk_update's CASE per row
        Pledge.objects.filter(pk__in=[p.pk for p in moved if p.status == status]).update(status=status)
    history_copy(Pledge, [pledge.pk for pledge in moved], user=actor, reason=reason, change=CHANGED)
    PledgeEvent.objects.bulk_create(events, batch_size=2000)
    return made, refused
