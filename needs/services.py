"""Writes for children and needs. Keyword-only, atomic, validated; every status change goes through workflow."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from needs.models import (
    Category,
    Child,
    ChildConsent,
    ChildShare,
    ClothingSize,
    ConsentGiver,
    ConsentPurpose,
    Need,
    NeedAttachment,
    NeedEvent,
    NeedStatus,
)
from needs.models.children import CHILD_CONSENT_AGE, child_code, highest_code_numbers
from needs.rules import check_birth_date, season_problem, village_problem
from needs.seasons import season_for
from needs.workflow import EDITABLE_STATUSES, TransitionError
from portal.bulk import RowsRefused, history_copy
from portal.models import AdministrativeUnit
from portal.money import format_vnd, vnd_in_words
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.text import fold
from portal.uploads import CheckedUpload, store_upload

CHILD_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "ethnic_group",
    "village",
    "school_name",
    "school_level",
    "special_circumstances",
    "guardian_name",
    "guardian_phone",
    "notes",
)
NEED_FIELDS = (
    "village",
    "facility_name",
    "beneficiary_count",
    "age_band",
    "category",
    "description",
    "clothing_size",
    "care_type",
    "meals_per_day",
    "days",
    "quantity",
    "unit_cost",
    "season",
    "needed_by",
    "priority",
    "justification",
)


class DuplicateNeedError(Exception):
    """The child already has a need of this category in this season; `existing` is that need."""

    def __init__(self, existing: Need):
        self.existing = existing
        self.message = _("Trẻ này đã có nhu cầu “%(category)s” trong %(season)s (nhu cầu số %(number)s).") % {
            "category": existing.get_category_display(),
            "season": existing.season_label,
            "number": existing.pk,
        }
        super().__init__(self.message)


class MergeError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _require(user, perms, unit_id) -> None:
    scope = scope_for(user)
    if not any(scope.allows(perm, unit_id) for perm in perms):
        raise PermissionDenied


# --- Children ---------------------------------------------------------------------------------------------


def _refuse_anonymised(child: Child) -> None:
    """An anonymised record only keeps the figures: whatever is written to it would identify the child again."""
    if child.anonymised_at:
        raise ValidationError(_("Hồ sơ này đã được ẩn danh theo yêu cầu; không ghi thêm thông tin vào được."))


# Table needs_childcodecounter (ChildCodeCounter); the same statements run on PostgreSQL and SQLite >= 3.35.
COUNTER_ADVANCE = "UPDATE needs_childcodecounter SET last = last + %s WHERE commune_id = %s RETURNING last"
COUNTER_START = (
    "INSERT INTO needs_childcodecounter (commune_id, last) VALUES (%s, %s) "
    "ON CONFLICT (commune_id) DO UPDATE SET last = needs_childcodecounter.last + %s RETURNING last"
)
COUNTER_RAISE = (
    "INSERT INTO needs_childcodecounter (commune_id, last) VALUES (%s, %s) "
    "ON CONFLICT (commune_id) DO UPDATE SET last = GREATEST(needs_childcodecounter.last, EXCLUDED.last)"
)
COUNTER_RAISE_SQLITE = COUNTER_RAISE.replace("GREATEST(", "MAX(")


def child_codes_reserve(*, commune, count: int = 1) -> list[str]:
    """Hand out the commune's next `count` record codes, "<commune code>-00001" onwards, in order.

    One row per commune (ChildCodeCounter) is moved with a single UPDATE … RETURNING, so quick registrations and
    imports never draw the same number, and no code of the commune is read. The row stays locked until the caller's
    transaction ends: a registration in the same commune waits for a running import to commit, other communes never
    wait. Numbers are taken inside the caller's transaction, so a rolled-back import or registration gives its
    numbers back to the next caller; numbers of a deleted child are never handed out again. A gap in the numbers
    is fine; a code used twice is not. A child keeps its code for good, also when its commune is merged into
    another: new children get codes of the commune they are registered in.
    """
    if count < 1:
        return []
    with connection.cursor() as cursor:
        cursor.execute(COUNTER_ADVANCE, [count, commune.pk])
        row = cursor.fetchone()
        if row is None:
            # First code of this commune: start after any numeric code with its prefix, which a loader, or a merged
            # commune whose code this one kept, may have written.
            codes = Child.objects.filter(code__startswith=f"{commune.code}-").values_list("code", flat=True)
            start = highest_code_numbers(codes, {commune.code: commune.pk}).get(commune.pk, 0)
            cursor.execute(COUNTER_START, [commune.pk, start + count, count])
            row = cursor.fetchone()
    last = row[0]
    return [child_code(commune.code, number) for number in range(last - count + 1, last + 1)]


def child_code_counters_catch_up(*, communes) -> None:
    """Raise the counters of these communes past every numeric code with their prefix.

    For loaders that write fixed codes themselves (the demo, so that running it again finds its own children):
    call once at the end, in the same transaction, so codes handed out afterwards follow on from theirs.
    """
    by_code = {unit.code: unit.pk for unit in communes}
    if not by_code:
        return
    # By code, not by the children's commune: a commune merged into one that kept its code shares its numbers.
    prefixed = Q.create([("code__startswith", f"{code}-") for code in by_code], connector=Q.OR)
    codes = Child.objects.filter(prefixed).values_list("code", flat=True).iterator()
    highest = highest_code_numbers(codes, by_code)
    statement = COUNTER_RAISE if connection.vendor == "postgresql" else COUNTER_RAISE_SQLITE
    with connection.cursor() as cursor:
        cursor.executemany(statement, sorted(highest.items()))


def child_validate(child: Child, *, birth_date_changed: bool = True) -> None:
    """Every rule of a child's record, as one ValidationError keyed by field: the model's own, then the rules of
    needs.rules. The age rule holds when a record is registered or its birth date is corrected, not for a record
    whose child has since grown up."""
    errors: dict = {}
    try:
        child.full_clean(exclude=["name_key", "code"] if not child.code else ["name_key"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if birth_date_changed and "birth_date" not in errors:
        try:
            check_birth_date(child.birth_date)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if "village" not in errors and (problem := village_problem(child.village, child.commune_id)):
        errors["village"] = [problem]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def child_create(*, user, commune, data: dict) -> Child:
    """Register a child in a commune the user may register in."""
    _require(user, (Perm.REGISTER_NEEDS,), commune.pk)
    child = Child(commune=commune, created_by=user, **{name: data[name] for name in CHILD_FIELDS if name in data})
    child.name_key = ""  # set by save(); full_clean must not ask for it
    child_validate(child)
    (child.code,) = child_codes_reserve(commune=commune)
    child.save()
    return child


@transaction.atomic
def child_update(*, child: Child, user, data: dict) -> Child:
    _require(user, (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS), child.commune_id)
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.merged_into_id:
        raise ValidationError(_("Hồ sơ này đã được gộp vào hồ sơ khác; hãy sửa hồ sơ được giữ lại."))
    _refuse_anonymised(child)
    born = child.birth_date
    for name in CHILD_FIELDS:
        if name in data:
            setattr(child, name, data[name])
    child_validate(child, birth_date_changed=child.birth_date != born)
    child.save()
    return child


@transaction.atomic
def consent_record(
    *, child: Child, user, given_by: str, giver_name: str, purpose: str, given_on: dt.date, note: str = ""
) -> ChildConsent:
    """Record a consent given by the guardian or by the child (from age 7)."""
    _require(user, (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS), child.commune_id)
    _refuse_anonymised(child)
    consent = ChildConsent(
        child=child,
        given_by=given_by,
        giver_name=giver_name.strip(),
        purpose=purpose,
        given_on=given_on,
        note=note,
        recorded_by=user,
    )
    consent.full_clean()
    consent.save()
    return consent


def child_share_with_partner(
    *, child: Child, user, partner, giver_name: str, given_on: dt.date, child_agrees: bool = False
) -> ChildShare:
    """Share who a child is with one partner organisation of the child's province, on the guardian's consent
    (and, from age 7, the child's own), both recorded as consents to share with partners. Sharing again with the
    same partner (e.g. after a consent was withdrawn) moves the share onto the new consent."""
    _require(user, (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS), child.commune_id)
    _refuse_anonymised(child)
    if partner.province_id != child.commune.province_id:
        raise ValidationError({"partner": [_("Tổ chức này không thuộc tỉnh của trẻ.")]})
    if child.age(given_on) >= CHILD_CONSENT_AGE and not child_agrees:
        raise ValidationError({"child_agrees": [_("Trẻ từ đủ 7 tuổi: cần cả sự đồng ý của trẻ.")]})
    note = _("Chia sẻ với %(partner)s") % {"partner": partner.name}
    with transaction.atomic():
        consent = consent_record(
            child=child,
            user=user,
            given_by=ConsentGiver.GUARDIAN,
            giver_name=giver_name,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
            given_on=given_on,
            note=note,
        )
        if child_agrees and child.age(given_on) >= CHILD_CONSENT_AGE:
            consent_record(
                child=child,
                user=user,
                given_by=ConsentGiver.CHILD,
                giver_name=child.full_name,
                purpose=ConsentPurpose.SHARE_WITH_PARTNER,
                given_on=given_on,
                note=note,
            )
        share, _created = ChildShare.objects.update_or_create(
            child=child, partner=partner, defaults={"consent": consent, "created_by": user}
        )
    return share


def child_share_stop(*, share: ChildShare, user) -> None:
    """Stop sharing a child with a partner (the guardian asked, or the partner no longer needs it)."""
    _require(user, (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS), share.child.commune_id)
    share.delete()


# Fields the kept record takes over from the merged one when it has nothing itself.
MERGE_FILL_FIELDS = ("village", "school_name", "guardian_name", "guardian_phone")


@transaction.atomic
def child_merge(*, keep: Child, merged: Child, user, reason: str) -> Child:
    """Merge a duplicate record into the one kept: needs and consents move, the merged record stays for history.

    Refused when both records have a need of the same category in the same season: one must be cancelled
    first, or the child would be supported twice.
    """
    reason = reason.strip()
    if not reason:
        raise MergeError(_("Cần ghi lý do gộp hồ sơ."))
    if keep.pk == merged.pk:
        raise MergeError(_("Không thể gộp một hồ sơ vào chính nó."))
    locked = {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=[keep.pk, merged.pk]).order_by("pk")}
    keep, merged = locked[keep.pk], locked[merged.pk]
    for child in (keep, merged):
        _require(user, (Perm.VERIFY_NEEDS,), child.commune_id)
        if child.merged_into_id:
            raise MergeError(_("Hồ sơ %(code)s đã được gộp trước đó.") % {"code": child.code})
    kept_keys = set(
        keep.needs.exclude(status=NeedStatus.CANCELLED)
        .filter(duplicate_override_reason="")
        .values_list("category", "season")
    )
    moving = list(merged.needs.all())
    clashes = [
        need
        for need in moving
        if (need.category, need.season) in kept_keys
        and need.status != NeedStatus.CANCELLED
        and not need.duplicate_override_reason
    ]
    if clashes:
        raise MergeError(
            _(
                "Cả hai hồ sơ đều có nhu cầu cùng loại trong cùng mùa (nhu cầu số %(numbers)s); "
                "hãy hủy một nhu cầu trước."
            )
            % {"numbers": ", ".join(str(need.pk) for need in clashes)}
        )
    note = _("Gộp hồ sơ %(old)s vào %(new)s: %(reason)s") % {"old": merged.code, "new": keep.code, "reason": reason}
    for need in moving:
        need.child = keep
        need._change_reason = note
        need.save(update_fields=["child", "updated_at"])
    for consent in merged.consents.all():
        consent.child = keep
        consent._change_reason = note
        consent.save(update_fields=["child"])
    filled = [name for name in MERGE_FILL_FIELDS if not getattr(keep, name) and getattr(merged, name)]
    for name in filled:
        setattr(keep, name, getattr(merged, name))
    keep.special_circumstances = sorted(set(keep.special_circumstances) | set(merged.special_circumstances))
    keep._change_reason = note
    keep.save()
    merged.merged_into, merged.merged_at, merged.merged_by, merged.merge_reason = keep, timezone.now(), user, reason
    merged._change_reason = note
    merged.save(update_fields=["merged_into", "merged_at", "merged_by", "merge_reason", "updated_at"])
    return keep


# --- Needs ------------------------------------------------------------------------------------------------


def need_duplicate(*, child: Child | None, category: str, season: str, exclude_pk: int | None = None) -> Need | None:
    """The need that would make this one a second support of the same kind for the child in the season."""
    if child is None or not category or not season:
        return None
    existing = (
        Need.objects.filter(child=child, category=category, season=season, duplicate_override_reason="")
        .exclude(status=NeedStatus.CANCELLED)
        .exclude(pk=exclude_pk)
        .order_by("pk")
    )
    return existing.first()


def need_fill_derived(need: Need, *, today: dt.date | None = None) -> None:
    """Fill what the officer may leave to the portal: commune/village from the child, season from the date,
    clothing size from the child's age, and a nutrition need's quantity as meals × days × pupils."""
    today = today or timezone.localdate()
    on = need.needed_by or today
    if need.child is not None:  # also a child being registered on the same page, not saved yet
        need.commune_id = need.child.commune_id
        need.village_id = need.village_id or need.child.village_id
        need.beneficiary_count = 1
        need.age_band = ""
    if need.category and not need.season:
        need.season = season_for(need.category, on)
    if need.category == Category.WARM_CLOTHING and need.child and need.child.birth_date and not need.clothing_size:
        need.clothing_size = ClothingSize.for_age(need.child.age(on))
    if need.category == Category.NUTRITION and need.meals_per_day and need.days:
        need.quantity = need.meals_per_day * need.days * (need.beneficiary_count or 1)
    elif need.child is not None and not need.quantity:
        need.quantity = 1  # one coat, one check-up, one set of books for one child


def need_check_details(need: Need) -> None:
    """The category-specific details each kind of need must carry."""
    errors = {}
    if need.category == Category.HEALTHCARE and not need.care_type:
        errors["care_type"] = _("Chọn khám sức khỏe hay điều trị.")
    if need.category == Category.NUTRITION:
        for name in ("meals_per_day", "days"):
            if not getattr(need, name):
                errors[name] = _("Bắt buộc với nhu cầu bữa ăn.")
    if need.category == Category.WARM_CLOTHING and not need.clothing_size and need.child is None:
        errors["clothing_size"] = _("Chọn cỡ quần áo.")
    if need.category != Category.WARM_CLOTHING:
        need.clothing_size = ""
    if need.category != Category.HEALTHCARE:
        need.care_type = ""
    if not need.quantity:
        errors.setdefault("quantity", _("Nhập số lượng."))
    if problem := season_problem(need.category, need.season):
        errors["season"] = problem
    if problem := village_problem(need.village, need.commune_id):
        errors["village"] = problem
    if errors:
        raise ValidationError(errors)


# A unit cost under this many đồng is more often a typing slip (35.000 read as 35) than a price: confirm it.
LOW_UNIT_COST = 1_000


def unit_cost_needs_confirmation(unit_cost) -> bool:
    """The one rule for "a unit cost under 1.000 đ asks for confirmation"; forms, API and services ask it."""
    return unit_cost is not None and unit_cost < LOW_UNIT_COST


def _check_unit_cost(need: Need, *, before, confirmed: bool) -> None:
    if need.unit_cost != before and unit_cost_needs_confirmation(need.unit_cost) and not confirmed:
        raise ValidationError(
            {
                "unit_cost": ValidationError(
                    _(
                        "Đơn giá %(amount)s (%(words)s) thấp bất thường. Kiểm tra lại (có thiếu chữ số 0?) rồi "
                        "đánh dấu xác nhận để lưu."
                    ),
                    code="low_unit_cost",
                    params={"amount": format_vnd(need.unit_cost), "words": vnd_in_words(need.unit_cost)},
                )
            }
        )


def need_validate(need: Need, *, before, confirmed: bool) -> None:
    """Every rule of a need's own fields as one ValidationError keyed by field, so a page lists them all at once:
    the category's details, the low unit cost, the model's own. The duplicate check comes after, on saving."""
    errors: dict = {}
    unsaved_child = need.child is not None and need.child.pk is None
    checks = (
        lambda: need_check_details(need),
        lambda: _check_unit_cost(need, before=before, confirmed=confirmed),
        lambda: need.full_clean(
            exclude=["child"] if unsaved_child else None, validate_unique=not unsaved_child, validate_constraints=False
        ),
    )
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def need_check(*, data: dict, child: Child | None = None, commune=None) -> None:
    """The rules need_create applies to a need's own fields, without saving anything: for a page whose form refused
    something, so it reports these in the same round (also for a child being registered on the same page)."""
    need = Need(child=child, commune_id=child.commune_id if child else getattr(commune, "pk", None))
    for name in NEED_FIELDS:
        if name in data and data[name] is not None:
            setattr(need, name, data[name])
    need_fill_derived(need)
    need_validate(need, before=None, confirmed=bool(data.get("confirm_low_unit_cost")))


def _save_need(need: Need) -> None:
    """Insert or update; the database's no-duplicate constraint is the last word if two officers race."""
    existing = need_duplicate(child=need.child, category=need.category, season=need.season, exclude_pk=need.pk)
    if existing and not need.duplicate_override_reason:
        raise DuplicateNeedError(existing)
    need.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            need.save()
    except IntegrityError as error:
        if "need_once_per_child_category_season" not in str(error):
            raise
        raise DuplicateNeedError(
            need_duplicate(child=need.child, category=need.category, season=need.season, exclude_pk=need.pk)
        ) from error


@transaction.atomic
def need_create(*, user, commune, data: dict, child: Child | None = None, duplicate_override_reason: str = "") -> Need:
    """Register a need (a draft) for one child or for a group/facility in a commune.

    A second need of the same category and season for the same child is refused with DuplicateNeedError,
    unless department staff record why they accept it.
    """
    commune_id = child.commune_id if child else commune.pk
    _require(user, (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS), commune_id)
    override = duplicate_override_reason.strip()
    if override:
        _require(user, (Perm.VERIFY_NEEDS,), commune_id)
    if child is not None and child.merged_into_id:
        raise ValidationError(_("Hồ sơ trẻ này đã được gộp; hãy đăng ký nhu cầu cho hồ sơ được giữ lại."))
    if child is not None:
        _refuse_anonymised(child)
    need = Need(child=child, commune_id=commune_id, created_by=user, duplicate_override_reason=override)
    for name in NEED_FIELDS:
        if name in data and data[name] is not None:
            setattr(need, name, data[name])
    need_fill_derived(need)
    need_validate(need, before=None, confirmed=bool(data.get("confirm_low_unit_cost")))
    _save_need(need)
    reason = _("Chấp nhận trùng: %(reason)s") % {"reason": override} if override else ""
    NeedEvent.objects.create(
        need=need, action="create", from_status="", to_status=need.status, actor=user, reason=reason
    )
    return need


@transaction.atomic
def need_update(*, need: Need, user, data: dict) -> Need:
    """Change a need while it is a draft or returned for fixing."""
    need = Need.objects.select_for_update(of=("self",)).select_related("child").get(pk=need.pk)
    _require(user, (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS), need.commune_id)
    if need.status not in EDITABLE_STATUSES:
        raise TransitionError(
            _("Nhu cầu đang ở trạng thái “%(status)s”, không sửa được.") % {"status": need.get_status_display()}
        )
    before = need.unit_cost
    for name in NEED_FIELDS:
        if name in data and data[name] is not None:
            setattr(need, name, data[name])
    if "season" in data and not data["season"]:
        need.season = ""
    need_fill_derived(need)
    need_validate(need, before=before, confirmed=bool(data.get("confirm_low_unit_cost")))
    _save_need(need)
    return need


@transaction.atomic
def need_attachment_add(*, need: Need, user, upload: CheckedUpload) -> NeedAttachment:
    """Store a checked photo or document for a need, under a random file name."""
    _require(user, (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS), need.commune_id)
    return store_upload(NeedAttachment(need=need, uploaded_by=user), upload)


# --- Imports ----------------------------------------------------------------------------------------------


def child_need_rows_check(needs: list[Need], *, today: dt.date | None = None) -> dict[int, ValidationError]:
    """The rules child_create and need_create apply, for rows of an import: {index: error keyed by field}.

    Each need's `child` is a new Child (no pk) or one already registered; only new children are checked, since an
    import only links a need to a child already registered and does not change the record. Villages must be loaded
    with the rows (no query per row).
    """
    today = today or timezone.localdate()
    refused = {}
    for index, need in enumerate(needs):
        errors: dict = {}
        child = need.child
        if child is not None and child.pk is None:
            try:
                check_birth_date(child.birth_date, today=today)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            if problem := village_problem(child.village, child.commune_id):
                errors["village"] = [problem]
        if problem := season_problem(need.category, need.season, today=today):
            errors["season"] = [problem]
        if "village" not in errors and (problem := village_problem(need.village, need.commune_id)):
            errors["village"] = [problem]
        if errors:
            refused[index] = ValidationError(errors)
    return refused


@transaction.atomic
def child_need_bulk_create(*, user, needs: list[Need], reason: str, import_record=None) -> list[Need]:
    """Register many needs (drafts), each of one child, new or already registered, in one go: for imports.

    The same rules, and the same side effects, as child_create and need_create one by one (the user's right to
    register in each commune, the age rule, the derived season and clothing size, a record code from each commune's
    counter, history rows and a workflow event), written with a few bulk statements, since a 10,000-row list must
    save in seconds. The database's no-duplicate constraint refuses the whole list if two rows are one support.
    Raises RowsRefused ({index: ValidationError}) when any row breaks a rule; nothing is saved then. Each need
    remembers the `import_record` it came from, so its drafts can be sent on together.
    """
    if not needs:
        return []
    scope = scope_for(user)
    communes = {need.child.commune_id for need in needs}
    for commune_id in communes:
        if not (scope.allows(Perm.REGISTER_NEEDS, commune_id) or scope.allows(Perm.VERIFY_NEEDS, commune_id)):
            raise PermissionDenied
    refused = child_need_rows_check(needs)
    if refused:
        raise RowsRefused(refused)
    today = timezone.localdate()
    new_children = list({id(need.child): need.child for need in needs if need.child.pk is None}.values())
    by_commune: dict[int, list[Child]] = {}
    for child in new_children:
        child.created_by = user
        child.name_key = fold(child.full_name)  # what save() would set; bulk_create does not call it
        by_commune.setdefault(child.commune_id, []).append(child)
    # Communes in id order, so two imports that share communes take their counters in the same order.
    units = {unit.pk: unit for unit in AdministrativeUnit.objects.filter(pk__in=by_commune)}
    for commune_id, group in sorted(by_commune.items()):
        for child, code in zip(group, child_codes_reserve(commune=units[commune_id], count=len(group)), strict=True):
            child.code = code
    Child.objects.bulk_create(new_children, batch_size=1000)
    history_copy(Child, [child.pk for child in new_children], user=user, reason=reason)
    for need in needs:
        need.child_id = need.child.pk
        need.created_by = user
        need.status = NeedStatus.DRAFT
        need.import_record = import_record
        need_fill_derived(need, today=today)
    Need.objects.bulk_create(needs, batch_size=1000)
    history_copy(Need, [need.pk for need in needs], user=user, reason=reason)
    NeedEvent.objects.bulk_create(
        [
            NeedEvent(need=need, action="import", to_status=NeedStatus.DRAFT, actor=user, reason=reason)
            for need in needs
        ],
        batch_size=1000,
    )
    return needs
