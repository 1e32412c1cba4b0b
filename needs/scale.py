"""Benchmark-scale children and needs (`seed_demo --size large`): one large province, loaded with COPY. With
`--size national` the same for each province in turn, over its rural communes (where the ĐBKK communes are).

At scale 1: 200,000 children across every commune of the demo province and 600,000 needs, with the spread of
categories, seasons, priorities and statuses a province sees after two years of the programme. Children get
record codes from their commune's counter like any registration, carry the note NOTE, and are generated once; no
history rows are written for them.
"""

import datetime as dt
import math
from collections import Counter

from django.utils import timezone

from needs.demo import MIX, NAMING
from needs.models import AgeBand, Category, Child, ClothingSize, Need, NeedStatus, SchoolLevel, Sex
from needs.models.children import age_on
from needs.seasons import season_for
from needs.services import child_codes_reserve
from portal.bulk import copy_rows, next_ids
from portal.models import AdministrativeUnit, EthnicGroup, Village
from portal.text import fold

CHILDREN = 200_000
NEEDS = 600_000
VILLAGES_PER_COMMUNE = 8
NOTE = "Hồ sơ sinh tự động cho đo hiệu năng."  # every generated child says this; no other child does
JUSTIFICATION = "Hộ nghèo, vùng đặc biệt khó khăn."  # every generated need says this; the demo's never do
TODAY = dt.date(2026, 11, 1)  # fixed, so the generated data never depends on the day it runs

# status → weight, the shape of a programme two years in.
STATUS_MIX = [
    (NeedStatus.DRAFT, 4),
    (NeedStatus.SUBMITTED, 8),
    (NeedStatus.RETURNED, 2),
    (NeedStatus.VERIFIED, 8),
    (NeedStatus.OPEN, 22),
    (NeedStatus.PARTLY_FUNDED, 8),
    (NeedStatus.FUNDED, 16),
    (NeedStatus.DELIVERED, 24),
    (NeedStatus.CLOSED, 6),
    (NeedStatus.CANCELLED, 2),
]
# category → (weight, unit cost range in đồng, quantity range)
CATEGORY_MIX = {
    Category.WARM_CLOTHING: (35, (150_000, 350_000), (1, 2)),
    Category.NUTRITION: (20, (15_000, 25_000), (60, 180)),
    Category.HEALTHCARE: (20, (200_000, 2_000_000), (1, 1)),
    Category.EDUCATION: (20, (300_000, 1_500_000), (1, 1)),
    Category.PLAY: (5, (500_000, 3_000_000), (1, 3)),
}
REGISTERED_AT = dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC)
SEASON_DATES = [dt.date(2025, 11, 1), dt.date(2026, 11, 1)]  # the two programme years generated


def seed(context):
    province = context.data["province"]
    if generated_children().filter(commune__province=province).exists():
        context.stdout.write("Benchmark-scale children and needs already present; left as they are.")
        return
    rng = context.rng
    communes = AdministrativeUnit.objects.communes().current().filter(province=province).order_by("code")
    if context.size == "national":
        communes = communes.filter(division_type="Xã")
    communes = list(communes)
    villages = _villages(communes)
    groups = {g.code: g.pk for g in EthnicGroup.objects.filter(code__in=NAMING)}
    # Communes differ in size: weights from a long-tailed draw, fixed by the seeded generator.
    weights = [rng.paretovariate(1.5) for _ in communes]
    children = _children(context, communes, villages, groups, weights)
    needs = _needs(context, children)
    context.data["large"] = {"children": len(children), "needs": needs}
    context.stdout.write(f"Generated {len(children):,} children and {len(needs):,} needs.")


def generated_children():
    return Child.objects.filter(notes=NOTE)


def _villages(communes) -> dict[int, list[int]]:
    Village.objects.bulk_create(
        [
            Village(commune=commune, name=f"Thôn {number}")
            for commune in communes
            for number in range(1, VILLAGES_PER_COMMUNE + 1)
        ],
        ignore_conflicts=True,
    )
    villages: dict[int, list[int]] = {}
    for village_id, commune_id in Village.objects.filter(commune__in=communes).values_list("id", "commune_id"):
        villages.setdefault(commune_id, []).append(village_id)
    return villages


def _children(context, communes, villages, groups, weights) -> list[tuple]:
    """COPY the children; returns (id, commune_id, village_id, birth_date) per child."""
    rng = context.rng
    count = math.ceil(CHILDREN * context.scale)
    ids = next_ids(Child, count)
    now = timezone.now()
    chosen = rng.choices(communes, weights=weights, k=count)
    # Numbers taken from each commune's counter once, before the COPY, as an import of that many children would.
    sizes = Counter(commune.pk for commune in chosen)
    record_codes = {
        commune.pk: iter(child_codes_reserve(commune=commune, count=sizes[commune.pk]))
        for commune in communes
        if sizes[commune.pk]
    }
    codes = [code for code, _weight in MIX]
    code_weights = [weight for _code, weight in MIX]
    rows, summary = [], []
    for child_id, commune in zip(ids, chosen, strict=True):
        group = rng.choices(codes, weights=code_weights)[0]
        family, boys, girls = NAMING[group]
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        surname = rng.choice(family)
        name = f"{surname} {rng.choice(boys if sex == Sex.MALE else girls)}"
        birth = TODAY - dt.timedelta(days=rng.randint(365 * 2, 365 * 15))
        village = rng.choice(villages[commune.pk])
        age = age_on(birth, TODAY)
        level = (
            SchoolLevel.PRESCHOOL
            if age < 6
            else SchoolLevel.PRIMARY
            if age < 11
            else SchoolLevel.LOWER_SECONDARY
            if age < 15
            else SchoolLevel.NOT_IN_SCHOOL
        )
        rows.append(
            (
                child_id,
                next(record_codes[commune.pk]),
                name,
                fold(name),
                sex,
                birth,
                groups[group],
                commune.pk,
                village,
                "",
                level,
                "[]",
                f"{surname} {rng.choice(boys)}",
                f"09{rng.randint(10_000_000, 99_999_999)}",
                NOTE,
                "",
                "",
                now,
                now,
                1,
            )
        )
        summary.append((child_id, commune.pk, village, birth))
    copy_rows(
        Child,
        [
            "id",
            "code",
            "full_name",
            "name_key",
            "sex",
            "birth_date",
            "ethnic_group_id",
            "commune_id",
            "village_id",
            "school_name",
            "school_level",
            "special_circumstances",
            "guardian_name",
            "guardian_phone",
            "notes",
            "merge_reason",
            "anonymisation_reason",
            "created_at",
            "updated_at",
            "version",
        ],
        rows,
    )
    return summary


def _needs(context, children) -> list[tuple]:
    """COPY the needs: about three per child, never two of one category in one season for the same child,
    and one group need (a school's meals, a play area) per hundred. Returns (id, commune_id, category,
    status, estimated cost, priority) per need, for the donors and allocations generators."""
    rng = context.rng
    target = math.ceil(NEEDS * context.scale)
    categories = list(CATEGORY_MIX)
    category_weights = [CATEGORY_MIX[c][0] for c in categories]
    statuses = [status for status, _w in STATUS_MIX]
    status_weights = [weight for _s, weight in STATUS_MIX]
    ids = iter(next_ids(Need, target))
    now = timezone.now()
    # Nationally, each need is registered at a moment of the two programme years, so the provinces' needs interleave
    # in time as in a real national database (stamped with the moment of generation, one province's needs would
    # sit in one block of the "newest first" index, and a province's list would walk every later province's).
    spread = (TODAY - REGISTERED_AT.date()).days * 86_400 if context.size == "national" else 0
    rows, summary = [], []

    def add(
        child_id, commune_id, village_id, category, season, needed_by, facility="", beneficiaries=1, birth=None, band=""
    ):
        _weight, cost_range, quantity_range = CATEGORY_MIX[category]
        meals, days = (1, rng.randint(*quantity_range)) if category == Category.NUTRITION else (None, None)
        quantity = meals * days * beneficiaries if meals else rng.randint(*quantity_range)
        unit_cost = rng.randrange(cost_range[0], cost_range[1] + 1, 1_000)
        status = rng.choices(statuses, weights=status_weights)[0]
        priority = rng.choices([1, 2, 3], weights=[2, 5, 3])[0]
        size = ClothingSize.for_age(age_on(birth, needed_by)) if birth and category == Category.WARM_CLOTHING else ""
        need_id = next(ids)
        created = REGISTERED_AT + dt.timedelta(seconds=rng.randrange(spread)) if spread else now
        rows.append(
            (
                need_id,
                child_id,
                commune_id,
                village_id,
                facility,
                beneficiaries,
                band,
                category,
                "",
                size,
                "check_up" if category == Category.HEALTHCARE else "",
                meals,
                days,
                quantity,
                unit_cost,
                season,
                needed_by,
                priority,
                JUSTIFICATION,
                status,
                "",
                created,
                created,
                1,
            )
        )
        summary.append((need_id, commune_id, category, status, quantity * unit_cost, priority))

    group_every = 100
    for index, (child_id, commune_id, village_id, birth) in enumerate(children):
        if len(rows) >= target:
            break
        wanted = min(rng.choice([2, 3, 3, 4]), target - len(rows))
        combos = set()
        while len(combos) < wanted:
            category = rng.choices(categories, weights=category_weights)[0]
            combos.add((category, season_for(category, rng.choice(SEASON_DATES))))
        for category, season in sorted(combos):
            add(child_id, commune_id, village_id, category, season, _needed_by(season), birth=birth)
        if index % group_every == 0 and len(rows) < target:
            category = rng.choice([Category.NUTRITION, Category.PLAY])
            season = season_for(category, rng.choice(SEASON_DATES))
            add(
                None,
                commune_id,
                None,
                category,
                season,
                _needed_by(season),
                "Điểm trường mầm non",
                rng.randint(20, 80),
                band=AgeBand.PRESCHOOL.value,
            )
    # Children who were not reached get none; top up with group needs until the target holds.
    while len(rows) < target:
        child_id, commune_id, _village, _birth = rng.choice(children)
        season = season_for(Category.PLAY, rng.choice(SEASON_DATES))
        add(None, commune_id, None, Category.PLAY, season, _needed_by(season), "Nhà văn hóa thôn", rng.randint(20, 80))
    copy_rows(
        Need,
        [
            "id",
            "child_id",
            "commune_id",
            "village_id",
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
            "status",
            "duplicate_override_reason",
            "created_at",
            "updated_at",
            "version",
        ],
        rows,
    )
    return summary


def _needed_by(season: str) -> dt.date:
    year = int(season[-4:])
    return dt.date(year, 12, 1) if season.startswith("W") else dt.date(year, 10, 1)
