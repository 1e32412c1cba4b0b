"""Reads for offline work: the officer's conflicts, and the snapshot of their communes for the device."""

from django.db.models import Q
from django.utils import timezone

from allocations.models import DistributionLine, DistributionList, DistributionStatus
from allocations.selectors import UNITS_LEFT, deliverable_needs
from needs.models import (
    AgeBand,
    CareType,
    Category,
    Child,
    ClothingSize,
    ConsentGiver,
    ConsentPurpose,
    Need,
    NeedStatus,
    Priority,
    SchoolLevel,
    Sex,
    SpecialCircumstance,
)
from needs.seasons import CATEGORY_SEASON_KIND, season_choices
from needs.selectors import ethnic_groups_common, need_return_reasons
from offline.apps import SYNC_PERMS
from offline.models import SyncConflict
from portal.models import AdministrativeUnit, EthnicGroup, ExportLog, UnitLevel, Village
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.text import collated


def conflict_list(*, user):
    """The conflicts and decisions of the changes this user sent, in their communes, open ones first."""
    return (
        SyncConflict.objects.filter(_in_sync_scope(user, "commune"), user=user)
        .select_related("commune")
        .order_by("status", "-created_at", "-id")
    )


# --- Snapshot for the device -----------------------------------------------------------------------------------

# Needs still in play: an officer may fix, send, follow or hand them out from a village.
SNAPSHOT_NEED_STATUSES = (
    NeedStatus.DRAFT,
    NeedStatus.SUBMITTED,
    NeedStatus.RETURNED,
    NeedStatus.VERIFIED,
    NeedStatus.OPEN,
    NeedStatus.PARTLY_FUNDED,
    NeedStatus.FUNDED,
)
CHILD_COLUMNS = ("id", "code", "full_name", "birth_date", "sex", "ethnic_group", "commune", "village", "version")
CHILD_VALUES = (
    "pk",
    "code",
    "full_name",
    "birth_date",
    "sex",
    "ethnic_group__code",
    "commune__code",
    "village_id",
    "version",
)
NEED_COLUMNS = (
    "id", "child", "commune", "village", "facility_name", "beneficiary_count", "age_band", "category", "description",
    "clothing_size", "care_type", "meals_per_day", "days", "quantity", "unit_cost", "season", "needed_by", "priority",
    "justification", "status", "version",
)  # fmt: skip
NEED_VALUES = ("pk", "child_id", "commune__code", *NEED_COLUMNS[3:])
SNAPSHOT_EXPORT_KIND = "offline_snapshot"


def _in_sync_scope(user, path: str) -> Q:
    scope = scope_for(user)
    return scope.q(path, SYNC_PERMS[0]) | scope.q(path, SYNC_PERMS[1])


def sync_communes(*, user):
    """The communes in force where the user registers needs or records deliveries."""
    units = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True)
    return units.filter(_in_sync_scope(user, "id"))


def _table(columns, rows) -> dict:
    return {"fields": list(columns), "rows": [list(row) for row in rows]}


def _day(value):
    return value.isoformat() if value else None


def _choices(user, today) -> dict:
    groups = EthnicGroup.objects.order_by("code").values_list("code", "name")
    common = dict(EthnicGroup.objects.filter(pk__in=ethnic_groups_common(user=user)).values_list("pk", "code"))
    return {
        "sex": Sex.choices,
        "category": Category.choices,
        "school_level": SchoolLevel.choices,
        "special_circumstance": SpecialCircumstance.choices,
        "clothing_size": ClothingSize.choices,
        "care_type": CareType.choices,
        "priority": Priority.choices,
        "age_band": AgeBand.choices,
        "season": season_choices(today),
        "need_status": NeedStatus.choices,
        "consent_giver": ConsentGiver.choices,
        "consent_purpose": ConsentPurpose.choices,
        "ethnic_group": list(groups),
        "common_ethnic_groups": [common[pk] for pk in ethnic_groups_common(user=user) if pk in common],
        "category_season_kind": CATEGORY_SEASON_KIND,
    }


def offline_snapshot(*, user, commune=None) -> dict:
    """What a commune officer takes to the villages (docs/offline.md, "Snapshot"): the children, needs in play and
    distribution lists of the communes where they register needs or record deliveries (or of one of them), and
    every choice the forms offer. Children's data is kept to what is needed in a village: no guardian, no notes.
    A fixed number of queries whatever the size. Logged as an export of personal data."""
    today = timezone.localdate()
    communes = sync_communes(user=user).order_by(collated("name"), "pk")
    if commune is not None:
        communes = communes.filter(pk=commune.pk)
    communes = list(communes.values_list("pk", "code", "name"))
    ids = [pk for pk, _code, _name in communes]
    villages: dict[int, list] = {pk: [] for pk in ids}
    for pk, name, commune_id in (
        Village.objects.filter(commune_id__in=ids, active=True)
        .order_by(collated("name"), "pk")
        .values_list("pk", "name", "commune_id")
    ):
        villages[commune_id].append([pk, name])
    # Records of pre-2025 communes merged into these stay attached to the old units: the scope covers them.
    unit_filter = _in_sync_scope(user, "commune")
    if commune is not None:
        unit_filter &= Q(commune_id=commune.pk) | Q(commune__merged_into_id=commune.pk)
    children = (
        Child.objects.visible_to(user, Perm.VIEW_PERSONAL_DATA)
        .filter(unit_filter)
        .active()
        .order_by(collated("full_name"), "pk")
        .values_list(*CHILD_VALUES)
    )
    child_rows = [[*row[:3], _day(row[3]), *row[4:]] for row in children]
    needs = list(
        Need.objects.filter(unit_filter, status__in=SNAPSHOT_NEED_STATUSES).order_by("pk").values_list(*NEED_VALUES)
    )
    returned = need_return_reasons(need_ids=[row[0] for row in needs if row[19] == NeedStatus.RETURNED])
    to_deliver = dict(
        deliverable_needs(user=user).filter(unit_filter).annotate(left=UNITS_LEFT).values_list("pk", "left")
    )
    need_rows = [
        [*row[:16], _day(row[16]), *row[17:], returned.get(row[0], ""), to_deliver.get(row[0], 0)] for row in needs
    ]
    lists = list(
        DistributionList.objects.filter(unit_filter, status__in=[DistributionStatus.DRAFT, DistributionStatus.PRINTED])
        .order_by("distributed_on", "pk")
        .values_list("pk", "commune__code", "title", "distributed_on", "place", "status", "version")
    )
    lines: dict[int, list] = {row[0]: [] for row in lists}
    for pk, distribution_id, need_id, planned in (
        DistributionLine.objects.filter(distribution_id__in=list(lines))
        .order_by("pk")
        .values_list("pk", "distribution_id", "need_id", "planned_quantity")
    ):
        lines[distribution_id].append([pk, need_id, planned])
    scope = scope_for(user)
    snapshot = {
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "user": {
            "username": user.username,
            "full_name": user.get_full_name(),
            "permissions": sorted(perm for perm in Perm.values if scope.has_perm(perm)),
        },
        "communes": [{"code": code, "name": name, "villages": villages[pk]} for pk, code, name in communes],
        "choices": _choices(user, today),
        "children": _table(CHILD_COLUMNS, child_rows),
        "needs": _table((*NEED_COLUMNS, "return_reason", "units_to_deliver"), need_rows),
        "distributions": [
            {
                "id": pk,
                "commune": code,
                "title": title,
                "distributed_on": _day(day),
                "place": place,
                "status": status,
                "version": version,
                "lines": _table(("id", "need", "planned_quantity"), lines[pk]),
            }
            for pk, code, title, day, place, status, version in lists
        ],
    }
    ExportLog.objects.create(
        user=user,
        what=SNAPSHOT_EXPORT_KIND,
        filters={"communes": ",".join(code for _pk, code, _name in communes)},
        row_count=len(child_rows),
    )
    return snapshot
