"""Benchmark-scale partner support (`seed_demo --size large` and `national`), loaded with COPY.

At scale 1, 20,000 records per large province (200,000 nationally): three partner organisations of the province
(Women's Union, Red Cross, Youth Union) give directly to one generated child in ten, mostly in a category and
season the child has no need in, so the no-overlap rule holds; one record in thirty is a known overlap with the
department's support, recorded with a reason as the partner's page asks; one in ten goes to a group in a commune.
Every record's description ends with NOTE.
"""

import datetime as dt
import math

from django.db import connection
from django.utils import timezone

from allocations.models import PartnerSupport
from needs.models import Category
from needs.scale import CATEGORY_MIX, generated_children
from needs.seasons import season_for
from portal.bulk import copy_rows
from portal.models import PartnerKind, PartnerOrganisation
from portal.text import fold

SUPPORTS = 20_000
NOTE = "(dữ liệu quy mô lớn)"
OVERLAP_SHARE = 1 / 30
GROUP_SHARE = 0.1
OVERLAP_REASON = "Trẻ mồ côi, gia đình đặc biệt khó khăn: hội vẫn hỗ trợ thêm."
KINDS = [PartnerKind.WOMEN_UNION, PartnerKind.RED_CROSS, PartnerKind.YOUTH_UNION]
FIRST_DAY, DAYS = dt.date(2025, 7, 1), 488  # given between July 2025 and October 2026
FUNDED = ("partly_funded", "funded", "delivered", "closed")


def seed(context):
    province = context.data["province"]
    if PartnerSupport.objects.filter(partner__province=province, description__endswith=NOTE).exists():
        context.stdout.write("Benchmark-scale partner support already present; left as they are.")
        return
    rng = context.rng
    partners = [_organisation(province, kind) for kind in KINDS]
    children = list(
        generated_children()
        .filter(commune__province=province)
        .order_by("id")
        .values_list("id", "commune_id", "village_id")
    )
    if not children:
        return
    count = math.ceil(SUPPORTS * context.scale)
    chosen = rng.sample(children, min(len(children), count - int(count * GROUP_SHARE)))
    taken, funded = _needs_of([child_id for child_id, _commune, _village in chosen])
    now = timezone.now()
    rows = []
    for child_id, commune_id, village_id in chosen:
        if funded.get(child_id) and rng.random() < OVERLAP_SHARE:
            category, season = rng.choice(funded[child_id])
            given_on = _within(season, rng)
            reason = OVERLAP_REASON
        else:
            given_on = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
            free = [
                (category, season_for(category, given_on))
                for category in CATEGORY_MIX
                if (category, season_for(category, given_on)) not in taken.get(child_id, set())
            ]
            if not free:
                continue
            category, season = rng.choice(free)
            reason = ""
        rows.append(_row(rng, rng.choice(partners), child_id, commune_id, village_id, category, season, given_on,
                         reason, 1, now))  # fmt: skip
        taken.setdefault(child_id, set()).add((category, season))
    for _ in range(count - len(chosen)):
        _child, commune_id, village_id = rng.choice(children)
        category = rng.choice([Category.NUTRITION, Category.PLAY, Category.WARM_CLOTHING])
        given_on = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        rows.append(_row(rng, rng.choice(partners), None, commune_id, village_id, category,
                         season_for(category, given_on), given_on, "", rng.randint(15, 60), now))  # fmt: skip
    copy_rows(
        PartnerSupport,
        ["partner_id", "child_id", "commune_id", "village_id", "category", "season", "description", "value",
         "quantity", "children_count", "given_on", "overlap_reason", "evidence", "evidence_name", "evidence_type",
         "recorded_by_id", "recorded_at"],
        rows,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE allocations_partnersupport")
    context.stdout.write(f"Generated {len(rows):,} partner support records.")


def _organisation(province, kind):
    name = f"{PartnerKind(kind).label} {province.name.lower()}"
    organisation = PartnerOrganisation.objects.filter(province=province, name_key=fold(name)).first()
    return organisation or PartnerOrganisation.objects.create(province=province, kind=kind, name=name)


def _needs_of(child_ids) -> tuple[dict[int, set], dict[int, list]]:
    """Each child's (category, season) with a need, and those the department funded."""
    taken: dict[int, set] = {}
    funded: dict[int, list] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child_id, category, season, status FROM needs_need WHERE child_id = ANY(%s)", [child_ids]
        )
        for child_id, category, season, status in cursor.fetchall():
            taken.setdefault(child_id, set()).add((category, season))
            if status in FUNDED:
                funded.setdefault(child_id, []).append((category, season))
    return taken, funded


def _within(season: str, rng) -> dt.date:
    """A day inside the season (W2025: winter 2025–26, SY2025: school year 2025–26, Y2026: the year)."""
    year = int(season.lstrip("WSY"))
    start = {"W": dt.date(year, 11, 1), "S": dt.date(year, 9, 5)}.get(season[0], dt.date(year, 1, 15))
    return min(start + dt.timedelta(days=rng.randrange(90)), dt.date(2026, 11, 1))


def _row(rng, partner, child_id, commune_id, village_id, category, season, given_on, reason, children, now):
    _weight, cost_range, quantity_range = CATEGORY_MIX[category]
    quantity = rng.randint(*quantity_range) * children
    value = rng.randrange(cost_range[0], cost_range[1] + 1, 1_000) * quantity
    description = f"{Category(category).label} {NOTE}"
    return (partner.pk, child_id, commune_id, village_id, category, season, description, value, quantity, children,
            given_on, reason, "", "", "", None, now)  # fmt: skip
