"""The needs workflow: one guard table and one service that moves a need through it.

draft → submitted → verified (or returned with a reason, then fixed and resubmitted) → open → partly funded →
funded → delivered → closed; or cancelled before any money is attached. The funding and delivery steps are
driven by the allocations app through `need_set_funding_status` and `need_transition(action="deliver")`.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from needs.models import Need, NeedEvent, NeedStatus
from portal.bulk import CHANGED, among, history_copy
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.versioning import VERSION_BUMP_SQL

S = NeedStatus


class TransitionError(Exception):
    """A transition the guard table refuses; the message is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Guard:
    label: str
    sources: frozenset
    target: str
    perms: tuple  # any of these, in the need's commune
    reason_required: bool = False


def _guard(label, sources, target, *perms, reason_required=False):
    return Guard(label, frozenset(sources), target, tuple(perms), reason_required)


# action → (allowed from-statuses, to-status, permissions, reason required)
GUARDS: dict[str, Guard] = {
    # Staff may register a need too (e.g. to accept a duplicate with a reason), so they may also submit it.
    "submit": _guard(
        gettext_lazy("Gửi thẩm định"), {S.DRAFT, S.RETURNED}, S.SUBMITTED, Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS
    ),
    "verify": _guard(gettext_lazy("Xác nhận thẩm định"), {S.SUBMITTED}, S.VERIFIED, Perm.VERIFY_NEEDS),
    "return": _guard(
        gettext_lazy("Trả lại để sửa"), {S.SUBMITTED, S.VERIFIED}, S.RETURNED, Perm.VERIFY_NEEDS, reason_required=True
    ),
    "open": _guard(gettext_lazy("Mở kêu gọi tài trợ"), {S.VERIFIED}, S.OPEN, Perm.VERIFY_NEEDS),
    "fund_partly": _guard(
        gettext_lazy("Ghi nhận tài trợ một phần"), {S.VERIFIED, S.OPEN, S.FUNDED}, S.PARTLY_FUNDED, Perm.ALLOCATE
    ),
    "fund": _guard(gettext_lazy("Ghi nhận đủ tài trợ"), {S.VERIFIED, S.OPEN, S.PARTLY_FUNDED}, S.FUNDED, Perm.ALLOCATE),
    # An allocation reversed in full puts the need back on offer.
    "unfund": _guard(gettext_lazy("Hủy ghi nhận tài trợ"), {S.PARTLY_FUNDED, S.FUNDED}, S.OPEN, Perm.ALLOCATE),
    "deliver": _guard(gettext_lazy("Ghi nhận đã trao"), {S.FUNDED}, S.DELIVERED, Perm.RECORD_DELIVERIES),
    "close": _guard(gettext_lazy("Đóng hồ sơ"), {S.DELIVERED}, S.CLOSED, Perm.VERIFY_NEEDS),
    # The officer may withdraw what the department has not verified yet; staff may cancel until money is attached.
    "withdraw": _guard(
        gettext_lazy("Rút, hủy nhu cầu"),
        {S.DRAFT, S.SUBMITTED, S.RETURNED},
        S.CANCELLED,
        Perm.REGISTER_NEEDS,
        reason_required=True,
    ),
    "cancel": _guard(
        gettext_lazy("Hủy nhu cầu"),
        {S.DRAFT, S.SUBMITTED, S.RETURNED, S.VERIFIED, S.OPEN},
        S.CANCELLED,
        Perm.VERIFY_NEEDS,
        reason_required=True,
    ),
}
# Actions that the need's own page offers; the funding and delivery ones come from allocations.
PAGE_ACTIONS = ("submit", "verify", "return", "open", "close", "withdraw", "cancel")
FUNDING_ACTION = {S.PARTLY_FUNDED: "fund_partly", S.FUNDED: "fund", S.OPEN: "unfund"}
# Statuses in which the registering commune may still change a need.
EDITABLE_STATUSES = (S.DRAFT, S.RETURNED)


def may_act(user, need: Need, action: str) -> bool:
    guard = GUARDS[action]
    scope = scope_for(user)
    return need.status in guard.sources and any(scope.allows(perm, need.commune_id) for perm in guard.perms)


def actions_for(user, need: Need, actions=PAGE_ACTIONS) -> list[tuple[str, Guard]]:
    """The actions this user may take on this need now, for buttons."""
    return [(action, GUARDS[action]) for action in actions if may_act(user, need, action)]


def _check(guard: Guard, status: str, commune_id: int, user, reason: str) -> None:
    scope = scope_for(user)
    if not any(scope.allows(perm, commune_id) for perm in guard.perms):
        raise TransitionError(_("Bạn không có quyền “%(action)s” với nhu cầu này.") % {"action": guard.label})
    if status not in guard.sources:
        raise TransitionError(
            _("Không thể “%(action)s” nhu cầu đang ở trạng thái “%(status)s”.")
            % {"action": guard.label, "status": NeedStatus(status).label}
        )
    if guard.reason_required and not reason.strip():
        raise TransitionError(_("Cần ghi lý do để “%(action)s”.") % {"action": guard.label})


@transaction.atomic
def need_transition(*, need: Need, action: str, user, reason: str = "") -> Need:
    """Move a need by one action of the guard table, record who/when/why, and return the fresh row.

    Locks the row first, so two people acting at once see each other's result; raises TransitionError
    (with a message for the user) for an unknown action, a missing permission, a wrong status or a missing reason.
    """
    guard = GUARDS.get(action)
    if guard is None:
        raise TransitionError(_("Thao tác không hợp lệ: %(action)s.") % {"action": action})
    locked = Need.objects.select_for_update().get(pk=need.pk)
    _check(guard, locked.status, locked.commune_id, user, reason)
    NeedEvent.objects.create(
        need=locked, action=action, from_status=locked.status, to_status=guard.target, actor=user, reason=reason.strip()
    )
    locked.status = guard.target
    locked._change_reason = reason.strip() or str(guard.label)
    locked.save(update_fields=["status", "updated_at"])
    need.status = locked.status
    return locked


@transaction.atomic
def need_set_funding_status(*, need: Need, status: str, user, reason: str = "") -> Need:
    """For allocations: put a need in the funding status its allocations add up to (open, partly funded, funded).

    Does nothing when the need is already there, so callers may call it after every allocation change.
    """
    needs_set_funding_status(statuses={need.pk: status}, user=user, reason=reason)
    return Need.objects.get(pk=need.pk)


@transaction.atomic
def needs_set_funding_status(*, statuses: dict[int, str], user, reason: str = "") -> int:
    """`need_set_funding_status` for many needs at once ({need id: status}), as an accepted batch of tens of
    thousands of lines needs: the same guard table and checks under the same row locks, the same records (an
    event and a history row per need that moves), written with a few statements in all instead of a handful per
    need. Returns how many needs moved."""
    unknown = set(statuses.values()) - set(FUNDING_ACTION)
    if unknown:
        raise TransitionError(_("Trạng thái tài trợ không hợp lệ: %(status)s.") % {"status": ", ".join(unknown)})
    reason = reason.strip()
    locked = Need.objects.select_for_update().filter(pk__in=list(statuses)).order_by("pk")
    moved: dict[str, list[int]] = {}
    for pk, status, commune_id in locked.values_list("pk", "status", "commune_id"):
        target = statuses[pk]
        if status == target:
            continue
        try:
            _check(GUARDS[FUNDING_ACTION[target]], status, commune_id, user, reason)
        except TransitionError as error:
            raise TransitionError(f"#{pk}: {error.message}") from error
        moved.setdefault(target, []).append(pk)
    for target, ids in moved.items():
        _move(ids, action=FUNDING_ACTION[target], user=user, reason=reason)
    return sum(len(ids) for ids in moved.values())


@transaction.atomic
def needs_bulk_transition(*, ids, action: str, user, reason: str = "") -> tuple[list[int], dict[int, str]]:
    """`need_transition` for many needs at once, as a page of checkboxes or "all drafts of this import" asks.

    One transaction: every named need is locked (in id order, so two batches never deadlock) and checked against
    the guard table as it is now; those that may move move together, each with its event and history row, and
    those that may not stay as they are, each with the reason the single-need action would have given (a need a
    colleague has already sent, one out of the user's scope). The rest is not held back by them: each need is
    independent, and the person who ticked thirty drafts expects the thirty to go and to be told about the one that
    did not. Returns (ids moved, {id: why not}).
    """
    guard = GUARDS.get(action)
    if guard is None:
        raise TransitionError(_("Thao tác không hợp lệ: %(action)s.") % {"action": action})
    if guard.reason_required and not reason.strip():
        raise TransitionError(_("Cần ghi lý do để “%(action)s”.") % {"action": guard.label})
    moved, refused = [], {}
    ids = sorted(set(ids))
    locked = Need.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    for pk, status, commune_id in locked.values_list("pk", "status", "commune_id"):
        try:
            _check(guard, status, commune_id, user, reason)
        except TransitionError as error:
            refused[pk] = error.message
        else:
            moved.append(pk)
    _move(moved, action=action, user=user, reason=reason.strip())
    return moved, refused


def _move(ids: list[int], *, action: str, user, reason: str) -> None:
    """Write the move of already checked and locked needs: an event and a history row each, a few statements in
    all (the same records need_transition writes one by one)."""
    if not ids:
        return
    target = GUARDS[action].target
    now = timezone.now()
    need_table, event_table = (connection.ops.quote_name(m._meta.db_table) for m in (Need, NeedEvent))
    condition, id_params = among(ids)
    with connection.cursor() as cursor:
        # The events read each need's status before the UPDATE below moves it.
        cursor.execute(
            f"INSERT INTO {event_table} (need_id, action, from_status, to_status, actor_id, at, reason) "  # noqa: S608
            f"SELECT id, %s, status, %s, %s, %s, %s FROM {need_table} WHERE id {condition}",
            [action, target, getattr(user, "pk", None), now, reason, *id_params],
        )
        cursor.execute(
            f"UPDATE {need_table} SET status = %s, updated_at = %s, {VERSION_BUMP_SQL} WHERE id {condition}",  # noqa: S608
            [target, now, *id_params],
        )
    history_copy(Need, ids, user=user, reason=reason or str(GUARDS[action].label), change=CHANGED)
