"""How the REST API applies the one scoping mechanism and the one permission vocabulary.

The JSON of every endpoint was scoped by its selectors, but the HTML a browser (or a script asking for text/html)
gets from the same URL is more than the JSON: the browsable API adds a form for each write the view offers and a
form for its filters, and their drop-downs list every row of the related model's default manager. A donor or a
leader opening /api/v1/needs/ was shown every child of the country, code and full name, in the "child" drop-down,
and the same unscoped querysets accepted other provinces' rows on write. Three pieces close that at the root:

- `ScopedPrimaryKeyRelatedField` / `ScopedSlugRelatedField`: a related field offers and accepts only the rows
  `Model.objects.visible_to(user, perm)` gives the requesting user; a row outside the caller's scope answers 404
  like its own URL, a row the caller may only read answers 403 (the same rule as `get_for_user`).
- `WritePermission`: each viewset names the permissions of its write actions (`write_perms`); a role holding none
  of them is refused with 403 before the request body is read (a donor POSTing a child gets 403, not a list of
  required fields). On an object's URL the object is looked up first, so an outsider still gets 404.
- `BrowsableAPIRenderer` asks the same permission before it renders a form, also where DRF would show one without
  looking up the object; `FilterBackend` filters related rows by id, so a filter form lists no rows at all.
"""

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import models
from django.http import Http404
from django_filters import rest_framework as filters
from rest_framework import exceptions, permissions, renderers, serializers

from portal.permissions import Perm
from portal.scoping import scope_for, unit_id_of

# --- Related fields ---------------------------------------------------------------------------------------------


class ScopedRelatedField:
    """Offer (HTML form choices) and accept (on write) only the rows the requesting user may act on with `perm`."""

    def __init__(self, *args, perm: str = Perm.VIEW_RECORDS, **kwargs):
        self.perm = perm
        super().__init__(*args, **kwargs)

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def scoped(self, queryset, user):
        """The rows this field offers and accepts; a subclass with another rule overrides this and `visible`."""
        return queryset.visible_to(user, self.perm)

    def visible(self, queryset, user):
        """The rows the user may read: one of these that `scoped` leaves out is refused with 403, not 404."""
        return queryset.visible_to(user)

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self._user()
        if user is None:
            return queryset.none()  # no request, no one to scope for: nothing is offered or accepted
        return self.scoped(queryset, user)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if "does_not_exist" not in error.get_codes():
                raise
        # Not among the rows the user may act on: read-only insiders get 403, everyone else 404 (even for an id
        # that exists nowhere, so the answer does not tell which rows exist outside the caller's scope).
        user = self._user()
        if user is not None and self.visible(super().get_queryset(), user).filter(**self.lookup(data)).exists():
            raise exceptions.PermissionDenied
        raise exceptions.NotFound


class ScopedPrimaryKeyRelatedField(ScopedRelatedField, serializers.PrimaryKeyRelatedField):
    def lookup(self, data) -> dict:
        return {"pk": data}


class ScopedSlugRelatedField(ScopedRelatedField, serializers.SlugRelatedField):
    def lookup(self, data) -> dict:
        return {self.slug_field: data}


class ScopedModelSerializer(serializers.ModelSerializer):
    # A ModelSerializer whose generated relations (fields not declared by hand) are scoped too. A comment, not a
    # docstring: the OpenAPI document would show it as the description of every serializer built on it.

    serializer_related_field = ScopedPrimaryKeyRelatedField
    serializer_related_to_field = ScopedSlugRelatedField


# --- Permission --------------------------------------------------------------------------------------------------


class WritePermission(permissions.BasePermission):
    """Writes need one of the permissions the viewset names for the action.

    `write_perms` maps an action ("create", "update", an extra action's name) to the permissions any one of which
    allows it ("partial_update" follows "update"). A write action the viewset does not name is refused: a new
    endpoint is closed until someone writes down who may use it. Reading is the selectors' business.
    """

    @staticmethod
    def perms_for(request, view) -> tuple[str, ...] | None:
        """None when the request is not a write handled by the view (a read, or a method the view answers 405)."""
        action = getattr(view, "action", None)
        if request.method in permissions.SAFE_METHODS or action is None:
            return None
        if action == "partial_update":
            action = "update"
        return tuple(getattr(view, "write_perms", {}).get(action, ()))

    @classmethod
    def role_may(cls, request, view) -> bool:
        """Whether the user's roles grant one of the action's permissions somewhere (or it is not a write)."""
        perms = cls.perms_for(request, view)
        if perms is None:
            return True
        scope = scope_for(request.user)
        return any(scope.has_perm(perm) for perm in perms)

    @classmethod
    def may_write(cls, user, perms, unit_id) -> bool:
        """Whether the user holds one of `perms` in the commune (or province) `unit_id`."""
        scope = scope_for(user)
        return any(scope.allows(perm, unit_id) for perm in perms)

    def has_permission(self, request, view):
        if getattr(view, "detail", False):
            return True  # the object decides: outsiders get 404 from the lookup, then 403 (has_object_permission)
        return self.role_may(request, view)

    def has_object_permission(self, request, view, obj):
        perms = self.perms_for(request, view)
        return perms is None or self.may_write(request.user, perms, unit_id_of(obj))


# --- Renderer and filters ----------------------------------------------------------------------------------------


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """The browsable API, with a form only where the user may write."""

    def show_form_for_method(self, view, method, request, obj):
        if obj is None and getattr(view, "detail", False) and method in view.allowed_methods:
            # An object's URL answering without the object (an error, an extra action's URL answering GET with
            # 405): DRF would check has_permission only and offer the form; look the object up as a write would.
            try:
                obj = view.get_object()
            except (Http404, DjangoPermissionDenied, exceptions.APIException):
                return False
        return super().show_form_for_method(view, method, request, obj)


class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class FilterSet(filters.FilterSet):
    """Generated filters take a related row's id: a drop-down would list the model's every row."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }


class FilterBackend(filters.DjangoFilterBackend):
    filterset_base = FilterSet
