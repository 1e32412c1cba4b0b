"""Reads of the core data, always through the user's scope."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from portal.models import AdministrativeUnit, CommuneClassification, UnitLevel, Village
from portal.permissions import Perm

HISTORY_KINDS = {"+": gettext_lazy("Tạo"), "~": gettext_lazy("Sửa"), "-": gettext_lazy("Xóa")}


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
        .order_by("name")
    )


def unit_history(unit: AdministrativeUnit):
    """Who changed what on a commune's classifications and villages, newest first."""
    entries = [
        *CommuneClassification.history.filter(commune_id=unit.pk).select_related("history_user"),
        *Village.history.filter(commune_id=unit.pk).select_related("history_user"),
    ]
    return history_entries(entries)


def history_entries(records) -> list[dict]:
    """Historical records (django-simple-history) as the rows of portal/_history.html, newest first."""
    entries = sorted(records, key=lambda entry: entry.history_date, reverse=True)
    return [
        {
            "when": entry.history_date,
            "who": entry.history_user,
            "what": entry.instance._meta.verbose_name,
            "object": entry.instance,
            "kind": HISTORY_KINDS[entry.history_type],
            "changes": _changes(entry),
        }
        for entry in entries
    ]


def _changes(entry) -> list[tuple[str, object, object]]:
    previous = entry.prev_record
    if previous is None:
        return []
    delta = entry.diff_against(previous)
    return [
        (
            capfirst(entry.instance._meta.get_field(change.field).verbose_name),
            _readable(change.old),
            _readable(change.new),
        )
        for change in delta.changes
    ]


def _readable(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y}"
    return str(value)
