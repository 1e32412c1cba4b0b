"""Reads of the core data, always through the user's scope."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q

from portal.audit import history_lines
from portal.models import AdministrativeUnit, CommuneClassification, UnitLevel, Village
from portal.permissions import Perm
from portal.text import collated

# The name reports.views knows the shared history lines by (portal.audit is their one home).
history_entries = history_lines


def commune_list(*, user, on: dt.date | None = None):
    """The communes in force that the user may see, with the flags of the classification in effect."""
    on = on or dt.date.today()
    in_effect = CommuneClassification.objects.filter(commune=OuterRef("pk"), period_start__lte=on).filter(
        Q(period_end__isnull=True) | Q(period_end__gte=on)
    )
    return (
        AdministrativeUnit.objects.visible_to(user, Perm.VIEW_RECORDS)
        .filter(level=UnitLevel.COMMUNE)
        .current(on)
        .select_related("province")
        .annotate(
            extremely_disadvantaged=Exists(in_effect.filter(extremely_disadvantaged=True)),
            mountainous=Exists(in_effect.filter(mountainous=True)),
            village_count=Count("villages", filter=Q(villages__active=True), distinct=True),
        )
        .order_by(collated("name"), "pk")
    )


def unit_history(unit: AdministrativeUnit):
    """Who changed what on a commune's classifications and villages, newest first."""
    entries = [
        *CommuneClassification.history.filter(commune_id=unit.pk),
        *Village.history.filter(commune_id=unit.pk),
    ]
    return history_lines(entries)
