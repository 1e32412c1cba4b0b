"""The audit trail as people read it: what changed (django-simple-history), who read a child's record (AccessLog)
and who exported personal data (ExportLog).

The one home for turning history rows into plain Vietnamese lines — who, when, which record, each changed field by
its verbose name with old → new, choices by their label, booleans Có/Không, dates dd/mm/yyyy, đồng as money and
foreign keys by their display. Every page that shows history uses it: a commune, a reporting cycle, a child's record
(with its needs, consents, allocations and deliveries) and the province's audit log with its export.

Nothing here brings back what anonymisation removed (needs.erasure): history rows are read as they are stored, and
the access log names a child by record code only.
"""

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import registered_models

from portal.models import AccessLog, AccessView, ExportLog, RoleAssignment
from portal.permissions import Perm
from portal.scoping import history_visible_to, scope_for

HISTORY_KINDS = {"+": gettext_lazy("Tạo"), "~": gettext_lazy("Sửa"), "-": gettext_lazy("Xóa")}
ACCESS = "access"
EXPORT = "export"
# Fields that name a record in a line, in this order; others are shown by number.
LABEL_FIELDS = ("code", "name", "full_name", "title", "original_name")


@dataclass
class AuditLine:
    """One line of the audit trail: a change, a read of a child's record or an export of personal data."""

    when: dt.datetime
    who: object  # a user, or None for the system (a migration, a command)
    kind: str  # Tạo / Sửa / Xóa / Xem / Xuất
    what: str  # the kind of record, e.g. "trẻ em"
    object: str  # which record, e.g. "08134-00027 Giàng Thị Mỷ" or "#12"
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    reason: str = ""
    code: str = ""  # the child's record code, when the line is about a child

    def __getitem__(self, key: str):
        return getattr(self, key)  # read like the dicts the history pages were first given


# --- Change history -----------------------------------------------------------------------------------------


def history_lines(records: Iterable, *, codes: dict | None = None) -> list[AuditLine]:
    """Historical rows of any models as lines, newest first, in a fixed number of queries.

    The version before each row is taken from `records` when it is there (a record's whole history) and otherwise
    fetched with one query per model; users and the objects foreign keys point to, with one query per model.
    `codes` maps (history model, history_id) to the child's record code shown with the line.
    """
    records = sorted(records, key=lambda row: (row.history_date, row.history_id), reverse=True)
    previous = _previous_versions(records)
    raw = {id(row): _raw_changes(row, previous.get(id(row))) for row in records}
    labels = _foreign_labels(change for changes in raw.values() for change in changes)
    users = _users(records)
    codes = codes or {}
    return [
        AuditLine(
            when=row.history_date,
            who=users.get(row.history_user_id),
            kind=str(HISTORY_KINDS[row.history_type]),
            what=str(row.instance_type._meta.verbose_name),
            object=_label(row),
            changes=[
                (
                    capfirst(str(model_field.verbose_name)),
                    _readable(model_field, old, labels),
                    _readable(model_field, new, labels),
                )
                for model_field, old, new in raw[id(row)]
            ],
            reason=row.history_change_reason or "",
            code=codes.get((type(row), row.history_id), ""),
        )
        for row in records
    ]


def _object_id(row):
    return getattr(row, row.instance_type._meta.pk.attname)


def _previous_versions(records: list) -> dict[int, object]:
    """{id(row): the version of the same object just before it}, for rows that have one."""
    by_object = defaultdict(list)
    for row in records:
        by_object[(type(row), _object_id(row))].append(row)
    previous, missing = {}, defaultdict(list)
    for (history_model, _pk), versions in by_object.items():
        versions.sort(key=lambda row: (row.history_date, row.history_id))
        for earlier, later in itertools.pairwise(versions):
            previous[id(later)] = earlier
        if versions[0].history_type != "+":
            missing[history_model].append(versions[0])
    for history_model, rows in missing.items():
        pk = history_model.instance_type._meta.pk.attname
        before = (
            history_model.objects.filter(**{pk: OuterRef(pk)}, history_date__lt=OuterRef("history_date"))
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        wanted = history_model.objects.filter(history_id__in=[row.history_id for row in rows]).annotate(
            before=Subquery(before)
        )
        found = {_object_id(row): row for row in history_model.objects.filter(history_id__in=wanted.values("before"))}
        for row in rows:
            if _object_id(row) in found:
                previous[id(row)] = found[_object_id(row)]
    return previous


def _tracked(history_model) -> list:
    model = history_model.instance_type
    # Non-editable fields (auto_now timestamps, search keys) change with every save and say nothing to a reader.
    return [
        model._meta.get_field(tracked.name)
        for tracked in history_model.tracked_fields
        if model._meta.get_field(tracked.name).editable
    ]


def _raw_changes(row, before) -> list[tuple]:
    if before is None:
        return []
    changes = []
    for model_field in _tracked(type(row)):
        old, new = getattr(before, model_field.attname), getattr(row, model_field.attname)
        if old != new:
            changes.append((model_field, old, new))
    return changes


def _foreign_labels(changes) -> dict[tuple, str]:
    wanted = defaultdict(set)
    for model_field, old, new in changes:
        if model_field.is_relation and model_field.many_to_one:
            wanted[model_field.related_model].update(value for value in (old, new) if value is not None)
    labels = {}
    for related, ids in wanted.items():
        for pk, obj in related._base_manager.in_bulk(ids).items():
            labels[(related, pk)] = str(obj)
    return labels


def _users(records: list) -> dict:
    ids = {row.history_user_id for row in records if row.history_user_id is not None}
    return get_user_model().objects.in_bulk(ids) if ids else {}


def _label(row) -> str:
    names = {tracked.name for tracked in type(row).tracked_fields}
    parts = [str(getattr(row, name)) for name in LABEL_FIELDS if name in names and getattr(row, name)]
    return " ".join(parts[:2]) if parts else f"#{_object_id(row)}"


def _readable(model_field, value, labels: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if model_field.is_relation:
        return labels.get((model_field.related_model, value), f"#{value}")
    choices = dict(model_field.flatchoices) or getattr(model_field.model, "history_choices", {}).get(model_field.name)
    if isinstance(value, list):
        choices = dict(choices or {})
        return ", ".join(str(choices.get(item, item)) for item in value)
    if choices and value in dict(choices):
        return str(dict(choices)[value])
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%H:%M %d/%m/%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(model_field, models.BigIntegerField) and not isinstance(model_field, models.PositiveBigIntegerField):
        from portal.money import format_vnd

        return format_vnd(value)
    return str(value)


# --- Reads and exports of personal data -------------------------------------------------------------------------


def access_record(*, user, view: str, commune_id: int, record_id: int, record_code: str) -> None:
    """Log one read of a child's personal data: a single INSERT, nothing read."""
    AccessLog.objects.create(user=user, view=view, commune_id=commune_id, record_id=record_id, record_code=record_code)


def access_lines(accesses: Iterable[AccessLog]) -> list[AuditLine]:
    return [
        AuditLine(
            when=access.at,
            who=access.user,
            kind=gettext("Xem"),
            what=gettext("hồ sơ trẻ"),
            object=access.record_code,
            reason=str(AccessView(access.view).label),
            code=access.record_code,
        )
        for access in accesses
    ]


def export_lines(exports: Iterable[ExportLog]) -> list[AuditLine]:
    lines = []
    for export in exports:
        filters = "; ".join(
            f"{key}: {value}" for key, value in sorted(export.filters.items()) if value not in ("", None)
        )
        lines.append(
            AuditLine(
                when=export.at,
                who=export.user,
                kind=gettext("Xuất"),
                what=str(ExportLog._meta.verbose_name),
                object=export.what,
                reason=gettext("%(rows)s dòng") % {"rows": export.row_count} + (f"; {filters}" if filters else ""),
                code=str(export.filters.get("child", "")),
            )
        )
    return lines


def child_reads(*, record_id: int, code: str, export_kind: str, limit: int) -> list[AuditLine]:
    """Who read one child's record (page, API) and who printed its copy (ExportLog), newest first: two queries."""
    accesses = AccessLog.objects.filter(record_id=record_id).select_related("user").order_by("-at", "-id")[:limit]
    exports = (
        ExportLog.objects.filter(what=export_kind, filters__child=code).select_related("user").order_by("-at", "-id")
    )[:limit]
    lines = access_lines(accesses) + export_lines(exports)
    return sorted(lines, key=lambda line: line.when, reverse=True)[:limit]


# --- The province's audit log -------------------------------------------------------------------------------------


def audited_models() -> list:
    """Models whose history the audit log shows: those kept by simple_history that belong to a unit."""
    return sorted(
        (model for model in registered_models.values() if getattr(model, "scope_unit_path", None)),
        key=lambda model: model._meta.label,
    )


def record_kinds() -> list[tuple[str, str]]:
    """The choices of the log's "record" filter: each audited model, reads of a child's record, exports."""
    kinds = [(model._meta.label_lower, capfirst(str(model._meta.verbose_name))) for model in audited_models()]
    kinds.append((ACCESS, gettext("Lượt xem hồ sơ trẻ")))
    kinds.append((EXPORT, gettext("Xuất dữ liệu cá nhân")))
    return kinds


@dataclass
class AuditFilter:
    user: str = ""  # a username or part of a name
    kind: str = ""  # a model label, ACCESS or EXPORT; empty for all
    code: str = ""  # a child's record code
    since: dt.date | None = None
    until: dt.date | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filtered(queryset, *, at: str, user: str, filters: AuditFilter, code_path: str | None):
    if filters.user:
        text = filters.user.strip()
        users = get_user_model().objects.filter(
            Q(username__iexact=text) | Q(full_name__icontains=text) | Q(last_name__icontains=text)
        )
        queryset = queryset.filter(**{f"{user}__in": users.values("pk")})
    if filters.since:
        queryset = queryset.filter(**{f"{at}__gte": _day_start(filters.since)})
    if filters.until:
        queryset = queryset.filter(**{f"{at}__lt": _day_start(filters.until + dt.timedelta(days=1))})
    if filters.code:
        if code_path is None:
            return queryset.none()
        queryset = queryset.filter(**{f"{code_path}__iexact": filters.code.strip()})
    return queryset


def _source(queryset, *, name: str, pk: str, at: str):
    # No ordering of its own (a model's Meta ordering included): SQLite refuses ORDER BY inside a UNION's parts.
    return (
        queryset.annotate(a_source=Value(name, output_field=CharField()), a_pk=F(pk), a_at=F(at))
        .order_by()
        .values_list("a_source", "a_pk", "a_at")
    )


def audit_log(*, user, filters: AuditFilter):
    """Every line of the audit trail the user may read, newest first, as (source, id, when) rows to paginate.

    One UNION ALL over the history tables of the audited models, the access log and the export log, each scoped
    like its records (portal.scoping) to the units where the user may read both the audit trail and children's
    personal data: a role without personal data never reads old values through it. `audit_lines` turns a page of
    these rows into lines.
    """
    sources = []
    for model in audited_models():
        label = model._meta.label_lower
        if filters.kind and filters.kind != label:
            continue
        history = history_visible_to(model, user, Perm.VIEW_AUDIT_TRAIL) & history_visible_to(
            model, user, Perm.VIEW_PERSONAL_DATA
        )
        history = _filtered(
            history,
            at="history_date",
            user="history_user",
            filters=filters,
            code_path=getattr(model, "child_code_path", None),
        )
        sources.append(_source(history, name=label, pk="history_id", at="history_date"))
    if filters.kind in ("", ACCESS):
        accesses = AccessLog.objects.visible_to(user, Perm.VIEW_AUDIT_TRAIL) & AccessLog.objects.visible_to(
            user, Perm.VIEW_PERSONAL_DATA
        )
        accesses = _filtered(accesses, at="at", user="user", filters=filters, code_path="record_code")
        sources.append(_source(accesses, name=ACCESS, pk="id", at="at"))
    if filters.kind in ("", EXPORT):
        sources.append(_source(_exports(user, filters), name=EXPORT, pk="id", at="at"))
    if not sources:
        return AccessLog.objects.none().values_list("id", "id", "at")
    first, *rest = sources
    return first.union(*rest, all=True).order_by("-a_at", "-a_pk")


def _exports(user, filters: AuditFilter):
    """Exports by the people who work in the units the user audits (ExportLog names no unit of its own)."""
    scope = scope_for(user)
    staff = RoleAssignment.objects.filter(
        scope.q("unit", Perm.VIEW_AUDIT_TRAIL) & scope.q("unit", Perm.VIEW_PERSONAL_DATA)
    ).values("user_id")
    exports = ExportLog.objects.filter(user_id__in=staff).annotate(
        child_code=Coalesce(KT("filters__child"), Value(""), output_field=CharField())
    )
    return _filtered(exports, at="at", user="user", filters=filters, code_path="child_code")


def audit_lines(rows: Iterable[tuple[str, int, dt.datetime]]) -> list[AuditLine]:
    """A page of audit_log() rows as lines, in the same order: a few queries per kind of record on the page."""
    rows = list(rows)
    wanted = defaultdict(list)
    for source, pk, _at in rows:
        wanted[source].append(pk)
    models_by_label = {model._meta.label_lower: model for model in audited_models()}
    found: dict[tuple[str, int], AuditLine] = {}
    for source, ids in wanted.items():
        if source == ACCESS:
            accesses = {access.pk: access for access in AccessLog.objects.filter(pk__in=ids).select_related("user")}
            found.update(
                {(source, pk): line for pk, line in zip(accesses, access_lines(accesses.values()), strict=True)}
            )
        elif source == EXPORT:
            exports = {export.pk: export for export in ExportLog.objects.filter(pk__in=ids).select_related("user")}
            found.update({(source, pk): line for pk, line in zip(exports, export_lines(exports.values()), strict=True)})
        else:
            model = models_by_label[source]
            history_model = model.history.model
            queryset = history_model.objects.filter(history_id__in=ids)
            code_path = getattr(model, "child_code_path", None)
            if code_path:
                queryset = queryset.annotate(child_code=F(code_path))
            records = list(queryset)
            codes = {(history_model, row.history_id): getattr(row, "child_code", "") or "" for row in records}
            for row, line in zip(
                sorted(records, key=lambda row: (row.history_date, row.history_id), reverse=True),
                history_lines(records, codes=codes),
                strict=True,
            ):
                found[(source, row.history_id)] = line
    return [found[(source, pk)] for source, pk, _at in rows if (source, pk) in found]
