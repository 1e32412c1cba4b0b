"""Reads of children and needs, always through the acting user's scope."""

import datetime as dt
import hashlib

from django.core.cache import cache
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from needs.erasure import EXPORT_KIND
from needs.models import Child, ChildConsent, ConsentGiver, Need, NeedEvent, NeedStatus
from needs.models.children import CHILD_CONSENT_AGE
from portal import extensions
from portal.audit import AuditLine, child_reads, history_lines
from portal.permissions import Perm
from portal.scoping import ALL_UNITS, scope_for
from portal.text import collated, fold


def child_list(*, user):
    """Children in use (not merged away) whose personal data the user may see, with what a list row shows."""
    return (
        Child.objects.visible_to(user, Perm.VIEW_PERSONAL_DATA)
        .active()
        .select_related("commune", "village", "ethnic_group")
        .order_by(*CHILD_ORDER)
    )


# Children by commune, then name, in Vietnamese order ("Hầu" before "Hoàng"); the index child_active_vi (needs
# migration 0008) serves it on PostgreSQL.
CHILD_ORDER = (collated("commune__name"), "commune_id", collated("full_name"), "pk")

COMMON_GROUPS_MAX = 8  # at most this many "common" groups before the rest
COMMON_GROUPS_SHARE = 0.01  # a group is common from 1 % of the children in scope
COMMON_GROUPS_SECONDS = 60 * 60


def ethnic_groups_common(*, user) -> list[int]:
    """The ids of the ethnic groups most frequent among the children the user sees, most frequent first: offered
    first when registering a child (a Tày–Nùng province sees Tày and Nùng on top, a Mông one Mông).

    One aggregated query over the user's communes, kept an hour per set of communes: the proportions of a
    province's groups do not change from one registration to the next.
    """
    units = scope_for(user).units(Perm.VIEW_PERSONAL_DATA)
    if not units:
        return []
    scope_key = "all" if units is ALL_UNITS else ",".join(map(str, sorted(units)))
    key = "ethnic-groups-common:" + hashlib.sha256(scope_key.encode()).hexdigest()[:32]
    common = cache.get(key)
    if common is None:
        counts = list(
            Child.objects.visible_to(user, Perm.VIEW_PERSONAL_DATA)
            .active()
            .values_list("ethnic_group")
            .annotate(n=Count("pk"))
            .order_by("-n", "ethnic_group")
        )
        total = sum(n for _group, n in counts)
        common = [group for group, n in counts[:COMMON_GROUPS_MAX] if n >= total * COMMON_GROUPS_SHARE]
        cache.set(key, common, COMMON_GROUPS_SECONDS)
    return common


def need_list(*, user):
    """Needs the user may see, with the child, commune and village a list row shows (one query per page)."""
    return Need.objects.visible_to(user, Perm.VIEW_RECORDS).select_related("child", "commune", "village")


def need_to_fix(*, user):
    """Needs the department returned to the user's communes, oldest first: the officer's "to fix" list."""
    return (
        Need.objects.visible_to(user, Perm.REGISTER_NEEDS)
        .filter(status=NeedStatus.RETURNED)
        .select_related("child", "commune", "village")
        .order_by("updated_at", "pk")
    )


def need_queue(*, user):
    """Needs waiting for verification across the units the user verifies, oldest first, most urgent first."""
    return (
        Need.objects.visible_to(user, Perm.VERIFY_NEEDS)
        .filter(status=NeedStatus.SUBMITTED)
        .select_related("child", "commune", "village")
        .order_by("-priority", "created_at", "pk")
    )


def need_counts(*, user) -> dict[str, int]:
    """Drafts and returned needs in the communes the user registers for, submitted ones in those they verify."""
    scope = scope_for(user)
    counts = {}
    if scope.has_perm(Perm.REGISTER_NEEDS):
        counts.update(
            Need.objects.visible_to(user, Perm.REGISTER_NEEDS).aggregate(
                drafts=Count("pk", filter=Q(status=NeedStatus.DRAFT)),
                to_fix=Count("pk", filter=Q(status=NeedStatus.RETURNED)),
                waiting=Count("pk", filter=Q(status=NeedStatus.SUBMITTED)),
            )
        )
    if scope.has_perm(Perm.VERIFY_NEEDS):
        waiting = Need.objects.visible_to(user, Perm.VERIFY_NEEDS).filter(status=NeedStatus.SUBMITTED)
        counts["to_verify"] = waiting.count()
    return counts


def need_return_reasons(*, need_ids: list[int]) -> dict[int, str]:
    """The reason of the latest return of each need, in one query."""
    returns = NeedEvent.objects.filter(need_id__in=need_ids, action="return").order_by("at", "pk")
    return dict(returns.values_list("need_id", "reason"))  # later events overwrite earlier ones


def need_events(*, need: Need):
    return need.events.select_related("actor").order_by("at", "pk")


CHILD_TIMELINE_LIMIT = 100


def child_history(*, child: Child, limit: int = CHILD_TIMELINE_LIMIT) -> list[AuditLine]:
    """What changed on a child's record, its consents and needs, and (through the apps that hold them) the
    allocations and deliveries of those needs: one timeline, newest first, the latest `limit` lines.

    A fixed number of queries whatever the length: one per kind of record, one for the people, one per kind of
    object a changed foreign key points to. Needs and consents are found by their current child, so those moved
    here by a merge bring their earlier versions."""
    querysets = [
        Child.history.filter(id=child.pk).order_by("-history_date", "-history_id"),
        ChildConsent.history.filter(id__in=child.consents.values("pk")).order_by("-history_date", "-history_id"),
        Need.history.filter(id__in=child.needs.values("pk")).order_by("-history_date", "-history_id"),
        *extensions.child_history(child),
    ]
    records = [row for queryset in querysets for row in queryset[:limit]]
    records.sort(key=lambda row: (row.history_date, row.history_id), reverse=True)
    return history_lines(records[:limit], codes={(type(row), row.history_id): child.code for row in records[:limit]})


def child_reads_list(*, child: Child, limit: int = CHILD_TIMELINE_LIMIT) -> list[AuditLine]:
    """Who opened the child's record (page, API) and who printed the family's copy, newest first."""
    lines = child_reads(record_id=child.pk, code=child.code, export_kind=EXPORT_KIND, limit=limit)
    for line in lines:
        if line.object == EXPORT_KIND:
            line.reason = gettext("Phiếu thông tin cho gia đình (PDF)")
    return lines


def child_duplicates(
    *, user, full_name: str, birth_date: dt.date | None, commune_id: int | None, exclude_pk: int | None = None
) -> list[tuple[Child, str]]:
    """Records that may be the same child, with why: shown to the officer before a new record is saved.

    Same folded name (case and diacritics ignored) and birth date in the same commune is a likely duplicate;
    near matches are the same name and birth date in another commune the user sees, the same name born within
    a year, or the same given name born the same day (a family name spelt differently).
    """
    key = fold(full_name or "")
    if not key or birth_date is None:
        return []
    given = key.split()[-1]
    year = dt.timedelta(days=366)
    candidates = (
        Child.objects.visible_to(user, Perm.VIEW_PERSONAL_DATA)
        .active()
        .filter(
            Q(name_key=key, birth_date=birth_date)
            | Q(commune_id=commune_id, name_key=key, birth_date__range=(birth_date - year, birth_date + year))
            | Q(commune_id=commune_id, birth_date=birth_date, name_key__endswith=f" {given}")
        )
        .exclude(pk=exclude_pk)
        .select_related("commune", "village")
        .order_by("pk")[:10]
    )
    found = []
    for child in candidates:
        if child.name_key == key and child.birth_date == birth_date and child.commune_id == commune_id:
            why = "same"
        elif child.name_key == key and child.birth_date == birth_date:
            why = "other_commune"
        elif child.name_key == key:
            why = "close_birth"
        else:
            why = "same_given_name"
        found.append((child, why))
    found.sort(key=lambda pair: pair[1] != "same")
    return found


def consent_in_force(purpose: str, *, on: dt.date | None = None, child: str = "") -> ExpressionWrapper:
    """Child.consents_to as one SQL expression, to annotate a whole list in one query instead of one per row.

    True when the guardian's consent to `purpose` is in force on `on`, and, for a child aged 7 or more that day,
    the child's own too. `child` is the path from the queryset's model to the Child ("" on Child itself,
    "child" on a sponsorship or a need).
    """
    on = on or timezone.localdate()
    prefix = f"{child}__" if child else ""

    def given_by(giver: str) -> Exists:
        return Exists(
            ChildConsent.objects.filter(
                Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on),
                child_id=OuterRef(f"{prefix}pk"),
                purpose=purpose,
                given_by=giver,
                given_on__lte=on,
            )
        )

    # Aged CHILD_CONSENT_AGE or more on `on` ⇔ born on or before this day (29 February falls back to the 28th).
    year = on.year - CHILD_CONSENT_AGE
    try:
        latest_birth = on.replace(year=year)
    except ValueError:
        latest_birth = dt.date(year, 2, 28)
    younger = Q(**{f"{prefix}birth_date__gt": latest_birth})
    return ExpressionWrapper(
        Q(given_by(ConsentGiver.GUARDIAN)) & (Q(given_by(ConsentGiver.CHILD)) | younger),
        output_field=BooleanField(),
    )
