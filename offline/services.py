"""Applying what devices send (docs/offline.md): one change at a time, once per idempotency key, through the same
services, rules, duplicate checks and workflow as the pages; stale changes become conflicts, never overwrites.

Each change runs in its own transaction, not the batch in one: a batch sent over a mountain link is often cut
halfway, and an all-or-nothing batch would then throw away every change that did arrive and make the next attempt
resend (and re-validate, and re-conflict) all of it. One transaction per change keeps what arrived; the key table
makes the resend harmless.
"""

import hashlib
import os
import re
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions as api_exceptions
from rest_framework import serializers

from allocations import services as ledger
from allocations.api import DeliverySerializer
from allocations.models import DistributionList, DistributionStatus
from needs import selectors as need_selectors
from needs import services as need_services
from needs.api import ChildSerializer, NeedSerializer
from needs.models import Child, ConsentGiver, ConsentPurpose, Need
from needs.workflow import GUARDS, TransitionError, need_transition
from offline.models import ChangeStatus, ConflictKind, ConflictStatus, EvidenceUpload, SyncChange, SyncConflict
from portal import audit
from portal.models import AccessView
from portal.permissions import Perm
from portal.scoping import get_for_user, unit_id_of
from portal.uploads import CheckedUpload, check_upload, random_name

MAX_CHANGES = 50
OFFLINE_ACTIONS = ("submit", "withdraw")  # what an officer may do to a need's workflow from the device
DOMAIN_ERRORS = (
    ValidationError,
    need_services.DuplicateNeedError,
    TransitionError,
    ledger.LedgerError,
)


class Unstored(Exception):
    """An answer that is not final for its key (pending): what the change wrote is rolled back, the key stays free."""

    def __init__(self, answer: dict):
        super().__init__(answer.get("detail", ""))
        self.answer = answer


class Refused(Exception):
    """A change a rule refused: {field: [messages]}, stored as the key's answer."""

    def __init__(self, errors: dict, **extra):
        super().__init__(errors)
        self.errors, self.extra = errors, extra


class ResolveError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Reading the change ----------------------------------------------------------------------------------------


def _context(user) -> dict:
    # The API's scoped fields read the user from the request; a service has only the user.
    return {"request": SimpleNamespace(user=user)}


def _messages(errors) -> list[str]:
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in _messages(value)]
    if isinstance(errors, list):
        return [message for value in errors for message in _messages(value)]
    return [str(errors)]


def _plain(errors: dict, prefix: str = "") -> dict[str, list[str]]:
    """DRF's or Django's errors as {field: [messages]}, non-field ones under "__all__"."""
    plain = {}
    for name, value in errors.items():
        name = "__all__" if name == "non_field_errors" else name
        plain[f"{prefix}{name}"] = _messages(value)
    return plain


def _parse(serializer_class, *, user, data, instance=None, prefix: str = "") -> dict:
    """The change's fields read by the API's own serializer (types, choices, scoped villages and communes): a
    village or child outside the user's communes raises NotFound, as on the API."""
    if not isinstance(data, dict):
        raise Refused({f"{prefix}fields": [_("Dữ liệu không hợp lệ.")]})
    serializer = serializer_class(instance, data=data, partial=instance is not None, context=_context(user))
    if not serializer.is_valid():
        raise Refused(_plain(serializer.errors, prefix))
    return dict(serializer.validated_data)


def _refusal(error, prefix: str = "") -> Refused:
    """A domain error of the services as the answer's errors."""
    if isinstance(error, Refused):
        return error
    extra = {}
    if isinstance(error, need_services.DuplicateNeedError):
        extra["existing"] = error.existing.pk
        errors = {"__all__": [error.message]}
    elif isinstance(error, ledger.DistributionError) and error.lines:
        errors = {f"lines.{line}": [message] for line, message in error.lines.items()}
        errors["__all__"] = [error.message]
    elif isinstance(error, TransitionError | ledger.LedgerError):
        errors = {"__all__": [error.message]}
    elif hasattr(error, "error_dict"):
        errors = error.message_dict
    else:
        errors = {"__all__": error.messages}
    return Refused(_plain(errors, prefix), **extra)


def _record(model, *, user, perm, change):
    """The record a change names by `id`, locked: 404 outside the user's communes, 403 without `perm` there."""
    record_id = _record_id(change)
    if record_id is None:
        raise Refused({"id": [_("Thiếu số hồ sơ trên máy chủ.")]})
    found = get_for_user(model.objects.all(), user, perm, pk=record_id)
    return model.objects.select_for_update(of=("self",)).get(pk=found.pk)


def _record_id(change) -> int | None:
    record_id = change.get("id")
    return record_id if isinstance(record_id, int) and not isinstance(record_id, bool) else None


def _base_version(change) -> int:
    base = change.get("base_version")
    if not isinstance(base, int) or isinstance(base, bool):
        raise Refused({"base_version": [_("Thiếu phiên bản hồ sơ mà thay đổi dựa vào.")]})
    return base


def _differences(serializer_class, *, user, instance, data: dict) -> dict:
    """{field: {"mine", "server"}} for the fields whose value on the device differs from the record's now, both as
    the API writes them."""
    fields = serializer_class(instance, context=_context(user)).fields
    differences = {}
    for name, value in data.items():
        field = fields.get(name)
        if field is None or field.write_only or field.read_only:
            continue
        server = field.get_attribute(instance)
        server = None if server is None else field.to_representation(server)
        mine = None if value is None else field.to_representation(value)
        if mine != server:
            differences[name] = {"mine": mine, "server": server}
    return differences


# --- Answers -------------------------------------------------------------------------------------------------


def _applied(record, **more) -> dict:
    return {"status": ChangeStatus.APPLIED.value, "id": record.pk, "version": record.version, **more}


def conflict_url(conflict: SyncConflict) -> str:
    return reverse("offline:conflict-detail", args=[conflict.pk])


def candidate_rows(conflict: SyncConflict, *, user) -> list[dict]:
    """The possibly duplicate children of a decision, read again now (only those the user still sees)."""
    why = dict(conflict.candidates)
    children = (
        Child.objects.visible_to(user, Perm.VIEW_PERSONAL_DATA)
        .filter(pk__in=list(why))
        .select_related("village", "commune")
        .order_by("pk")
    )
    return [
        {
            "id": child.pk,
            "code": child.code,
            "full_name": child.full_name,
            "birth_date": child.birth_date.isoformat(),
            "village": child.village.name if child.village else "",
            "commune": child.commune.code,
            "why": why[child.pk],
        }
        for child in children
    ]


def conflict_answer(conflict: SyncConflict, *, user) -> dict:
    """The answer to a change that became a conflict or a decision (also when it is replayed)."""
    if conflict.kind == ConflictKind.DUPLICATE:
        return {
            "status": ChangeStatus.DECISION.value,
            "conflict": conflict.pk,
            "url": conflict_url(conflict),
            "candidates": candidate_rows(conflict, user=user),
        }
    return {
        "status": ChangeStatus.CONFLICT.value,
        "conflict": conflict.pk,
        "url": conflict_url(conflict),
        "id": conflict.record_id,
        "server_version": conflict.server_version,
        "fields": conflict.fields,
    }


def _stored(answer: dict) -> dict:
    """What the key table keeps of an answer: ids and statuses; what names a child is read again on replay."""
    return {name: value for name, value in answer.items() if name not in ("fields", "candidates")}


def _replay(*, user, change: dict, stored: SyncChange) -> dict:
    if change["type"] in CREATES:
        same_record = str(stored.client_id or "") == str(change.get("client_id") or "")
    else:
        same_record = stored.record_id == change.get("id")
    same = stored.change_type == change["type"] and same_record
    if not same:
        return {"status": ChangeStatus.REJECTED.value, "errors": {"key": [_("Khóa này đã dùng cho thay đổi khác.")]}}
    answer = dict(stored.answer)
    if "conflict" in answer:
        conflict = SyncConflict.objects.filter(pk=answer["conflict"]).first()
        if conflict is not None:
            answer.update(conflict_answer(conflict, user=user))
    return {**answer, "replayed": True}


def _conflict(*, user, change, kind, record_type, record, commune_id, fields, code="", candidates=()) -> dict:
    conflict = SyncConflict.objects.create(
        user=user,
        commune_id=commune_id,
        kind=kind,
        change_key=change["key"],
        change_type=change["type"],
        change=change,
        record_type=record_type,
        record_id=getattr(record, "pk", None),
        record_code=code,
        base_version=change.get("base_version"),
        server_version=getattr(record, "version", None),
        fields=fields,
        candidates=[[child.pk, why] for child, why in candidates],
    )
    return conflict_answer(conflict, user=user)


def _stale(*, user, change, record, record_type, fields, code="") -> dict | None:
    """None when the change is based on the record's current version; otherwise its answer: "applied" without a
    write when the device already holds the server's values, else a stored conflict (nothing is overwritten)."""
    if _base_version(change) == record.version:
        return None
    if not fields:
        return _applied(record, unchanged=True)
    return _conflict(
        user=user,
        change=change,
        kind=ConflictKind.FIELDS,
        record_type=record_type,
        record=record,
        commune_id=unit_id_of(record),
        fields=fields,
        code=code,
    )


# --- Changes ------------------------------------------------------------------------------------------------


class ConsentSerializer(serializers.Serializer):
    given_by = serializers.ChoiceField(choices=ConsentGiver.choices)
    giver_name = serializers.CharField(max_length=120)
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    given_on = serializers.DateField()


def _need_create(*, user, fields, child=None, commune_code=None, submit=False, prefix="") -> Need:
    payload = {**(fields if isinstance(fields, dict) else {}), "child": child.pk if child else None}
    if child is None:
        payload["commune"] = commune_code
    data = _parse(NeedSerializer, user=user, data=payload, prefix=prefix)
    child, commune = data.pop("child", None), data.pop("commune", None)
    data.pop("duplicate_override_reason", None)  # the department's decision, never taken on a device
    try:
        need = need_services.need_create(user=user, commune=commune, child=child, data=data)
        if submit:
            need = need_transition(need=need, action="submit", user=user)
    except DOMAIN_ERRORS as error:
        raise _refusal(error, prefix) from error
    return need


def _need_answer(need: Need) -> dict:
    return {"id": need.pk, "version": need.version, "record_status": need.status}


def _register(*, user, change, commune, data, child=None) -> dict:
    """A child (or the existing record the officer chose), the guardian's consents and the child's needs, all or
    nothing, as the registration page saves them."""
    if child is None:
        try:
            child = need_services.child_create(user=user, commune=commune, data=data)
        except DOMAIN_ERRORS as error:
            raise _refusal(error) from error
        for index, item in enumerate(change.get("consents") or []):
            consent = _parse(ConsentSerializer, user=user, data=item, prefix=f"consents.{index}.")
            try:
                need_services.consent_record(child=child, user=user, **consent)
            except DOMAIN_ERRORS as error:
                raise _refusal(error, f"consents.{index}.") from error
    needs = []
    for index, item in enumerate(change.get("needs") or []):
        item = item if isinstance(item, dict) else {}
        need = _need_create(
            user=user,
            fields=item.get("fields"),
            child=child,
            submit=bool(change.get("submit")),
            prefix=f"needs.{index}.",
        )
        needs.append({"client_id": item.get("client_id"), **_need_answer(need)})
    return _applied(child, code=child.code, needs=needs, _child=child)


def _child_create(*, user, change) -> dict:
    fields = change.get("fields") if isinstance(change.get("fields"), dict) else {}
    data = _parse(ChildSerializer, user=user, data={**fields, "commune": change.get("commune")})
    commune = data.pop("commune")
    if not change.get("not_a_duplicate"):
        candidates = need_selectors.child_duplicates(
            user=user, full_name=data["full_name"], birth_date=data["birth_date"], commune_id=commune.pk
        )
        if candidates:
            return _conflict(
                user=user,
                change=change,
                kind=ConflictKind.DUPLICATE,
                record_type="child",
                record=None,
                commune_id=commune.pk,
                fields={name: {"mine": value, "server": None} for name, value in fields.items()},
                candidates=candidates,
            )
    return _register(user=user, change=change, commune=commune, data=data)


def _child_update(*, user, change) -> dict:
    child = _record(Child, user=user, perm=Perm.REGISTER_NEEDS, change=change)
    data = _parse(ChildSerializer, user=user, data=change.get("fields"), instance=child)
    data.pop("commune", None)
    differences = _differences(ChildSerializer, user=user, instance=child, data=data)
    if answer := _stale(
        user=user, change=change, record=child, record_type="child", fields=differences, code=child.code
    ):
        return {**answer, "_child": child}
    try:
        child = need_services.child_update(child=child, user=user, data=data)
    except DOMAIN_ERRORS as error:
        raise _refusal(error) from error
    return _applied(child, code=child.code, _child=child)


def _created_child(*, user, client_id) -> Child:
    """The child a device created offline (child.create with this client_id), once the server registered it."""
    row = SyncChange.objects.filter(user=user, client_id=client_id, change_type="child.create").first()
    if row is not None and row.record_id is None and row.status != ChangeStatus.DECISION:
        raise Refused({"child_client_id": [_("Hồ sơ trẻ của nhu cầu này đã không được lưu; hãy đăng ký lại trẻ.")]})
    if row is not None and row.record_id is None:
        decided = SyncConflict.objects.filter(user=user, change_key=row.key, status=ConflictStatus.RESOLVED)
        if decided.exists():  # the officer discarded the child
            raise Refused({"child_client_id": [_("Hồ sơ trẻ của nhu cầu này đã bị bỏ; hãy đăng ký lại trẻ.")]})
    if row is None or row.record_id is None:
        raise Unstored(
            {
                "status": "pending",
                "waiting_for": str(client_id),
                "detail": _("Hồ sơ trẻ của nhu cầu này chưa được lưu (chưa gửi, hoặc đang chờ quyết định trùng)."),
            }
        )
    return get_for_user(Child.objects.all(), user, Perm.VIEW_PERSONAL_DATA, pk=row.record_id)


def _need_create_change(*, user, change) -> dict:
    child = None
    if change.get("child_client_id"):
        child = _created_child(user=user, client_id=change["child_client_id"])
    elif change.get("child") is not None:
        if not isinstance(change["child"], int):
            raise Refused({"child": [_("Số hồ sơ trẻ không hợp lệ.")]})
        child = get_for_user(Child.objects.all(), user, Perm.VIEW_PERSONAL_DATA, pk=change["child"])
    need = _need_create(
        user=user,
        fields=change.get("fields"),
        child=child,
        commune_code=change.get("commune"),
        submit=change.get("submit"),
    )
    return {**_applied(need), "record_status": need.status, "_child": need.child}


def _need_update(*, user, change) -> dict:
    need = _record(Need, user=user, perm=Perm.REGISTER_NEEDS, change=change)
    data = _parse(NeedSerializer, user=user, data=change.get("fields"), instance=need)
    for fixed in ("child", "commune", "duplicate_override_reason"):
        data.pop(fixed, None)
    differences = _differences(NeedSerializer, user=user, instance=need, data=data)
    code = need.child.code if need.child else ""
    if answer := _stale(user=user, change=change, record=need, record_type="need", fields=differences, code=code):
        return {**answer, "_child": need.child}
    try:
        need = need_services.need_update(need=need, user=user, data=data)
    except DOMAIN_ERRORS as error:
        raise _refusal(error) from error
    return {**_applied(need), "record_status": need.status, "_child": need.child}


def _need_transition(*, user, change) -> dict:
    action = change.get("action")
    if action not in OFFLINE_ACTIONS:
        raise Refused({"action": [_("Chỉ gửi thẩm định (submit) hoặc rút nhu cầu (withdraw) từ thiết bị.")]})
    need = _record(Need, user=user, perm=Perm.REGISTER_NEEDS, change=change)
    target = GUARDS[action].target
    differences = {"status": {"mine": target, "server": need.status}} if need.status != target else {}
    code = need.child.code if need.child else ""
    if answer := _stale(user=user, change=change, record=need, record_type="need", fields=differences, code=code):
        return {**answer, "_child": need.child}
    try:
        need = need_transition(need=need, action=action, user=user, reason=str(change.get("reason") or ""))
    except DOMAIN_ERRORS as error:
        raise _refusal(error) from error
    return {**_applied(need), "record_status": need.status, "_child": need.child}


def _uploads(*, user, ids: list) -> list[EvidenceUpload]:
    """The evidence a change names, all arrived whole; otherwise the change waits (pending, nothing saved)."""
    wanted = [str(upload_id) for upload_id in ids]
    found = {str(upload.upload_id): upload for upload in EvidenceUpload.objects.filter(user=user, upload_id__in=wanted)}
    missing = [upload_id for upload_id in wanted if upload_id not in found]
    if missing:
        raise Unstored(
            {
                "status": "pending",
                "missing_evidence": missing,
                "detail": _("Chưa nhận đủ tệp minh chứng: gửi tệp trước, rồi gửi lại thay đổi này."),
            }
        )
    return [found[upload_id] for upload_id in wanted]


def _checked(upload: EvidenceUpload) -> CheckedUpload:
    upload.file.open("rb")
    extension = os.path.splitext(upload.file.name)[1]
    return CheckedUpload(upload.file, upload.original_name, upload.content_type, upload.size, extension)


def _uuid_list(items, name: str) -> list[str]:
    try:
        return [str(item["id"]) for item in items]
    except (TypeError, KeyError):
        raise Refused({name: [_("Danh sách tệp minh chứng không hợp lệ.")]}) from None


def _delivery_record(*, user, change) -> dict:
    need_id = change.get("need")
    if not isinstance(need_id, int):
        raise Refused({"need": [_("Thiếu số nhu cầu.")]})
    need = get_for_user(Need.objects.select_related("child"), user, Perm.RECORD_DELIVERIES, pk=need_id)
    items = change.get("evidence") or []
    uploads = _uploads(user=user, ids=_uuid_list(items, "evidence"))
    fields = change.get("fields") if isinstance(change.get("fields"), dict) else {}
    data = _parse(DeliverySerializer, user=user, data={**fields, "need": need.pk})
    evidence = [
        (_checked(upload), bool(item.get("shows_children", True))) for upload, item in zip(uploads, items, strict=True)
    ]
    try:
        delivery = ledger.delivery_record(
            user=user,
            need=need,
            delivered_on=data["delivered_on"],
            quantity=data["quantity"],
            children_reached=data["children_reached"],
            handed_over_by=data["handed_over_by"],
            note=data.get("note", ""),
            evidence=evidence,
        )
    except DOMAIN_ERRORS as error:
        raise _refusal(error) from error
    EvidenceUpload.objects.filter(pk__in=[upload.pk for upload in uploads]).update(used_at=timezone.now())
    need.refresh_from_db()
    return {
        "status": ChangeStatus.APPLIED.value,
        "id": delivery.pk,
        "need": need.pk,
        "need_version": need.version,
        "record_status": need.status,
        "_child": need.child,
    }


class OutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    handed_over = serializers.BooleanField()
    quantity = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    children_reached = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=250)


def _outcome_shown(handed_over, quantity, reason) -> dict:
    return {"handed_over": handed_over, "quantity": quantity if handed_over else None, "reason": reason or ""}


def _distribution_differences(distribution, outcomes: dict) -> dict:
    """What the device recorded against the list as it is now: per line once a colleague recorded it."""
    if distribution.status == DistributionStatus.PRINTED:
        return {}
    if distribution.status != DistributionStatus.RECORDED:
        return {"status": {"mine": DistributionStatus.RECORDED.value, "server": distribution.status}}
    server = {
        line.pk: _outcome_shown(line.handed_over, line.quantity, line.reason) for line in distribution.lines.all()
    }
    differences = {}
    for line_id, outcome in outcomes.items():
        mine = _outcome_shown(outcome.handed_over, outcome.quantity, outcome.reason)
        if server.get(line_id) != mine:
            differences[f"lines.{line_id}"] = {"mine": mine, "server": server.get(line_id)}
    return differences


def _distribution_record(*, user, change) -> dict:
    distribution = _record(DistributionList, user=user, perm=Perm.RECORD_DELIVERIES, change=change)
    if not change.get("scan"):
        raise Refused({"scan": [_("Cần bản quét danh sách đã ký.")]})
    (scan,) = _uploads(user=user, ids=[change["scan"]])
    outcomes = {}
    for index, item in enumerate(change.get("lines") or []):
        line = _parse(OutcomeSerializer, user=user, data=item, prefix=f"lines.{index}.")
        outcomes[line["id"]] = ledger.Outcome(
            handed_over=line["handed_over"],
            quantity=line.get("quantity"),
            children_reached=line.get("children_reached"),
            reason=line["reason"],
        )
    # Only a list recorded meanwhile conflicts: a printed list's lines are fixed (printing it was the version the
    # device may not have seen), and the ledger checks every line again as it records them.
    differences = _distribution_differences(distribution, outcomes)
    stale = differences and _stale(
        user=user, change=change, record=distribution, record_type="distribution", fields=differences
    )
    if stale:
        return stale
    try:
        distribution = ledger.distribution_record(
            user=user,
            distribution=distribution,
            outcomes=outcomes,
            handed_over_by=str(change.get("handed_over_by") or ""),
            scan=_checked(scan),
        )
    except DOMAIN_ERRORS as error:
        raise _refusal(error) from error
    scan.used_at = timezone.now()
    scan.save(update_fields=["used_at"])
    return {**_applied(distribution), "record_status": distribution.status}


# Changes that create a record, named by the device's client_id; the others name a server record by its id.
CREATES = ("child.create", "need.create", "delivery.record")
HANDLERS = {
    "child.create": _child_create,
    "child.update": _child_update,
    "need.create": _need_create_change,
    "need.update": _need_update,
    "need.transition": _need_transition,
    "delivery.record": _delivery_record,
    "distribution.record": _distribution_record,
}


def _log_access(user, child) -> None:
    """A sync reads and writes a child's personal data: logged like opening the record."""
    if child is not None and child.pk:
        audit.access_record(
            user=user, view=AccessView.SYNC, commune_id=child.commune_id, record_id=child.pk, record_code=child.code
        )


def sync_apply(*, user, change: dict) -> dict:
    """Apply one change sent from a device (its `key` a UUID and `type` one of HANDLERS, checked by the caller) and
    return its answer (docs/offline.md, "Results"). Applied once per key and user; a replay gets the stored answer.
    """
    head = {"key": str(change["key"]), "type": change["type"]}
    if change.get("client_id"):
        head["client_id"] = str(change["client_id"])
    try:
        with transaction.atomic():
            # The key's row goes in first: a second copy of this change, even one racing this one, waits on the unique
            # index until this transaction ends, then finds the row and replays its answer.
            try:
                with transaction.atomic():
                    row = SyncChange.objects.create(
                        user=user,
                        key=change["key"],
                        change_type=change["type"],
                        client_id=change.get("client_id") or None,
                        record_id=None if change["type"] in CREATES else _record_id(change),
                    )
            except IntegrityError:
                return {
                    **head,
                    **_replay(user=user, change=change, stored=SyncChange.objects.get(user=user, key=change["key"])),
                }
            try:
                with transaction.atomic():
                    answer = HANDLERS[change["type"]](user=user, change=change)
            except (Refused, *DOMAIN_ERRORS) as error:
                refusal = _refusal(error)
                answer = {"status": ChangeStatus.REJECTED.value, "errors": refusal.errors, **refusal.extra}
            child = answer.pop("_child", None)
            row.status = answer["status"]
            if answer["status"] == ChangeStatus.APPLIED and change["type"] in CREATES:
                row.record_id = answer["id"]
            row.answer = _stored(answer)
            row.save()
            _log_access(user, child)
            return {**head, **answer}
    except Unstored as outcome:
        return {**head, **outcome.answer}
    except (Http404, api_exceptions.NotFound):
        return {**head, "status": "not_found", "detail": _("Không có hồ sơ này trong các xã của bạn.")}
    except (PermissionDenied, api_exceptions.PermissionDenied):
        return {**head, "status": "forbidden", "detail": _("Bạn không có quyền thực hiện thay đổi này ở xã đó.")}


# --- Evidence ------------------------------------------------------------------------------------------------

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class EvidenceClash(Exception):
    """The upload id was used before for another file."""


def evidence_receive(*, user, upload_id, sha256: str, file) -> tuple[EvidenceUpload, bool]:
    """Keep a photo or scan sent from a device once it arrived whole: (the upload, whether it is new).

    The file is checked like every upload (portal.uploads) and its SHA-256 computed here must be the one the
    device computed: a cut or altered upload is refused with a message and nothing is stored. Sending the same id
    and digest again answers with the upload already kept; the same id with another digest raises EvidenceClash.
    """
    sha256 = (sha256 or "").strip().lower()
    if not SHA256.match(sha256):
        raise ValidationError({"sha256": [_("Mã kiểm tra SHA-256 phải gồm 64 chữ số hệ 16.")]})
    existing = EvidenceUpload.objects.filter(user=user, upload_id=upload_id).first()
    if existing is not None:
        if existing.sha256 != sha256:
            raise EvidenceClash
        return existing, False
    try:
        checked = check_upload(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    if digest.hexdigest() != sha256:
        raise ValidationError(
            {
                "sha256": [
                    _(
                        "Tệp nhận được không trọn vẹn: mã kiểm tra không khớp với mã thiết bị gửi. "
                        "Chưa lưu gì; hãy gửi lại tệp."
                    )
                ]
            }
        )
    upload = EvidenceUpload(
        user=user,
        upload_id=upload_id,
        sha256=sha256,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
    )
    upload.file.save(random_name(checked), file, save=False)
    try:
        with transaction.atomic():
            upload.save()
    except IntegrityError:  # the same file sent twice at once: keep the first
        upload.file.delete(save=False)
        return evidence_receive(user=user, upload_id=upload_id, sha256=sha256, file=file)
    return upload, True


# --- Conflicts ------------------------------------------------------------------------------------------------

CHOICES = ("mine", "server")
RECORD_MODELS = {"child": Child, "need": Need, "distribution": DistributionList}


def _rerun(*, user, change: dict) -> dict:
    """Apply a change again at the record's current version, as the resolution of its conflict decided."""
    try:
        with transaction.atomic():
            answer = HANDLERS[change["type"]](user=user, change=change)
    except Unstored as outcome:
        raise ResolveError(outcome.answer["detail"]) from None
    except IntegrityError:  # the record moved on again while this ran: a second conflict for the same change
        raise ResolveError(_("Hồ sơ vừa thay đổi thêm lần nữa; hãy tải lại trang.")) from None
    except Refused as refusal:
        raise ResolveError(" ".join(_messages(refusal.errors))) from None
    except (Http404, api_exceptions.NotFound, PermissionDenied, api_exceptions.PermissionDenied):
        raise ResolveError(_("Hồ sơ không còn trong phạm vi của bạn.")) from None
    _log_access(user, answer.pop("_child", None))
    return answer


def _resolve_fields(conflict: SyncConflict, *, user, choices: dict) -> dict:
    if set(choices) != set(conflict.fields) or any(choice not in CHOICES for choice in choices.values()):
        raise ResolveError(_("Chọn giữ giá trị của bạn hay của máy chủ cho từng trường."))
    mine = {name for name, choice in choices.items() if choice == "mine"}
    model = RECORD_MODELS[conflict.record_type]
    current = model.objects.filter(pk=conflict.record_id).values_list("version", flat=True).first()
    if current is None:
        raise ResolveError(_("Hồ sơ không còn trên máy chủ."))
    if not mine:
        return {"id": conflict.record_id, "version": current}
    change = dict(conflict.change)
    if isinstance(change.get("fields"), dict):
        # The fields that differed take the chosen value; the others held the server's value already.
        change["fields"] = {
            name: value for name, value in change["fields"].items() if name not in conflict.fields or name in mine
        }
    change["base_version"] = current
    answer = _rerun(user=user, change=change)
    if answer["status"] != ChangeStatus.APPLIED:
        raise ResolveError(_("Hồ sơ vừa thay đổi thêm lần nữa; hãy tải lại trang."))
    return {name: answer[name] for name in ("id", "version", "code", "record_status") if name in answer}


def _resolve_duplicate(conflict: SyncConflict, *, user, decision: str, child_id) -> dict | None:
    change = conflict.change
    if decision == "discard":
        return None
    if decision == "create":
        answer = _rerun(user=user, change={**change, "not_a_duplicate": True})
    elif decision == "existing":
        if child_id not in {pk for pk, _why in conflict.candidates}:
            raise ResolveError(_("Chọn một trong các hồ sơ có thể trùng."))
        try:
            child = get_for_user(Child.objects.all(), user, Perm.REGISTER_NEEDS, pk=child_id)
            with transaction.atomic():
                answer = _register(user=user, change=change, commune=None, data={}, child=child)
        except (Http404, PermissionDenied):
            raise ResolveError(_("Hồ sơ không còn trong phạm vi của bạn.")) from None
        except Refused as refusal:
            raise ResolveError(" ".join(_messages(refusal.errors))) from None
        _log_access(user, answer.pop("_child", None))
    else:
        raise ResolveError(_("Chọn: đăng ký trẻ mới, dùng hồ sơ đã có, hoặc bỏ thay đổi này."))
    # A need sent later for this child (child_client_id) now goes to the record chosen.
    SyncChange.objects.filter(user=user, key=conflict.change_key).update(record_id=answer["id"])
    return {name: answer[name] for name in ("id", "version", "code", "needs") if name in answer}


@transaction.atomic
def conflict_resolve(*, conflict: SyncConflict, user, choices: dict | None = None, decision: str = "", child_id=None):
    """Resolve a conflict as its officer decided: field by field ("mine" or "server", the chosen values applied
    through the same services at the record's current version), or, for a possible duplicate child, register it
    anyway, add its needs to the existing record, or discard it. Raises ResolveError with a message; then nothing
    changes and the conflict stays open."""
    locked = SyncConflict.objects.select_for_update().get(pk=conflict.pk)
    if locked.user_id != user.pk:
        raise PermissionDenied
    if locked.status != ConflictStatus.OPEN:
        raise ResolveError(_("Xung đột này đã được giải quyết."))
    if locked.kind == ConflictKind.DUPLICATE:
        locked.result = _resolve_duplicate(locked, user=user, decision=decision, child_id=child_id)
        locked.resolution = {"decision": decision, **({"child": child_id} if decision == "existing" else {})}
    else:
        locked.result = _resolve_fields(locked, user=user, choices=choices or {})
        locked.resolution = dict(choices or {})
    locked.status, locked.resolved_by, locked.resolved_at = ConflictStatus.RESOLVED, user, timezone.now()
    locked.save()
    return locked


def conflicts_forget_children(child_ids) -> None:
    """An anonymised child's values must not stay in conflicts (needs.erasure): clear and close them."""
    needs = Need.objects.filter(child_id__in=child_ids).values("pk")
    touched = SyncConflict.objects.filter(record_type="child", record_id__in=child_ids) | SyncConflict.objects.filter(
        record_type="need", record_id__in=needs
    )
    touched.update(
        fields={},
        change={},
        status=ConflictStatus.RESOLVED,
        resolution={"anonymised": True},
        resolved_at=timezone.now(),
    )


UNUSED_UPLOAD_DAYS = 30


def evidence_uploads_purge(*, now=None) -> int:
    """Photos and scans sent from a device but named by no change for 30 days show children: delete them (and
    their files) instead of keeping them for nothing. Used ones stay (their copy lives with the delivery)."""
    cutoff = (now or timezone.now()) - timezone.timedelta(days=UNUSED_UPLOAD_DAYS)
    stale = EvidenceUpload.objects.filter(used_at__isnull=True, uploaded_at__lt=cutoff)
    files = [upload.file for upload in stale]
    count, _by_model = stale.delete()
    transaction.on_commit(lambda: [file.delete(save=False) for file in files])
    return count
