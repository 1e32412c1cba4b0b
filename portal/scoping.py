"""The one scoping mechanism.

Every row that belongs to a commune names the path to it (`scope_unit_path` on the model, e.g. "commune" or
"child__commune"). `Model.objects.visible_to(user)` keeps only rows whose commune the user's roles cover;
"no access" is an empty queryset, and the only unfiltered scope is the admin's, spelled `ALL_UNITS`.
Roles bound to a commune cover it and the pre-2025 communes merged into it; roles bound to a province cover
the province itself (for province-wide rows such as donors and campaigns, `scope_unit_path = "province"`), its
communes and every older commune that rolled up into them.

Rows a donor owns name the path to the donor's user accounts (`scope_owner_path`, e.g. "donor__members");
a user holding `Perm.VIEW_OWN_DONATIONS` reads those rows, and only those, whatever their units. A partner
organisation's rows do the same with `scope_owner_perm = Perm.RECORD_PARTNER_SUPPORT` (path "partner__members").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.permissions import GRANTS, Perm, Role


class _AllUnits:
    def __repr__(self):
        return "ALL_UNITS"


ALL_UNITS = _AllUnits()


@dataclass
class Scope:
    """What one user may reach: for each permission, the commune ids it applies to."""

    user_id: int | None
    grants: list[tuple[str, object]] = field(default_factory=list)  # (role, frozenset of unit ids | ALL_UNITS)

    @property
    def roles(self) -> set[str]:
        return {role for role, _units in self.grants}

    def has_perm(self, perm: str) -> bool:
        return any(perm in GRANTS[role] for role in self.roles)

    def units(self, perm: str = Perm.VIEW_RECORDS):
        covered: set[int] = set()
        for role, units in self.grants:
            if perm not in GRANTS[role]:
                continue
            if units is ALL_UNITS:
                return ALL_UNITS
            covered |= units
        return frozenset(covered)

    def allows(self, perm: str, unit_id: int | None) -> bool:
        units = self.units(perm)
        return units is ALL_UNITS or unit_id in units

    def q(self, path: str, perm: str = Perm.VIEW_RECORDS) -> Q:
        units = self.units(perm)
        if units is ALL_UNITS:
            return Q()
        lookup = "id" if path in ("id", "pk") else f"{path}_id"
        return Q(**{f"{lookup}__in": units}) if units else Q(pk__in=[])


def scope_for(user) -> Scope:
    """The user's scope, computed once per user object (one request)."""
    if not getattr(user, "is_authenticated", False):
        return Scope(user_id=None)
    cached = getattr(user, "_portal_scope", None)
    if cached is None:
        cached = _compute_scope(user)
        user._portal_scope = cached
    return cached


def _compute_scope(user) -> Scope:
    from portal.models import AdministrativeUnit, RoleAssignment, UnitLevel

    scope = Scope(user_id=user.pk)
    if user.is_superuser:
        scope.grants.append((Role.ADMIN, ALL_UNITS))
    assignments = RoleAssignment.objects.filter(user=user).select_related("unit")
    for assignment in assignments:
        if assignment.role == Role.ADMIN:
            scope.grants.append((Role.ADMIN, ALL_UNITS))
        elif assignment.unit is None:
            scope.grants.append((assignment.role, frozenset()))
        elif assignment.unit.level == UnitLevel.PROVINCE:
            current = AdministrativeUnit.objects.filter(
                level=UnitLevel.COMMUNE, province=assignment.unit, valid_to__isnull=True
            ).values_list("id", flat=True)
            covered = _with_predecessors(set(current)) | {assignment.unit_id}
            scope.grants.append((assignment.role, frozenset(covered)))
        else:
            scope.grants.append((assignment.role, _with_predecessors({assignment.unit_id})))
    return scope


def _with_predecessors(unit_ids: set[int]) -> frozenset[int]:
    from portal.models import AdministrativeUnit

    covered, frontier = set(unit_ids), set(unit_ids)
    while frontier:
        frontier = (
            set(AdministrativeUnit.objects.filter(merged_into__in=frontier).values_list("id", flat=True)) - covered
        )
        covered |= frontier
    return frozenset(covered)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str = Perm.VIEW_RECORDS):
        path = getattr(self.model, "scope_unit_path", None)
        if path is None:
            raise TypeError(f"{self.model.__name__} does not declare scope_unit_path")
        scope = scope_for(user)
        condition = scope.q(path, perm)
        owner_path = getattr(self.model, "scope_owner_path", None)
        owner_perm = getattr(self.model, "scope_owner_perm", Perm.VIEW_OWN_DONATIONS)
        if owner_path and perm == Perm.VIEW_RECORDS and scope.has_perm(owner_perm):
            # A subquery rather than a join, so a donor with several accounts never duplicates rows.
            owned = self.model._base_manager.filter(**{owner_path: user.pk}).values("pk")
            condition |= Q(pk__in=owned)
        return self.filter(condition)


def history_visible_to(model, user, perm: str = Perm.VIEW_RECORDS):
    """The change history (django-simple-history) of a scoped model, limited like `model.objects.visible_to`.

    A historical row keeps the foreign keys of its version, so the model's scope_unit_path reaches the unit the
    same way; a history has no owners, so donors read none of it."""
    path = getattr(model, "scope_unit_path", None)
    if path is None:
        raise TypeError(f"{model.__name__} does not declare scope_unit_path")
    return model.history.filter(scope_for(user).q(path, perm))


def unit_id_of(obj) -> int | None:
    """Follow the model's scope_unit_path on an instance to the id of its commune."""
    path = type(obj).scope_unit_path
    if path in ("id", "pk"):
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
    return getattr(obj, f"{last}_id")


def get_for_user(queryset, user, perm: str = Perm.VIEW_RECORDS, **lookup):
    """An object the user may act on: 404 when out of their scope, 403 when they may only read it.

    A malformed key ("AAA" where an id belongs, which the API router lets through) is a 404 too, never a 500."""
    try:
        obj = get_object_or_404(queryset.visible_to(user), **lookup)
    except (ValueError, ValidationError):
        raise Http404 from None
    if perm != Perm.VIEW_RECORDS and not scope_for(user).allows(perm, unit_id_of(obj)):
        raise PermissionDenied
    return obj
