"""The officer's conflicts and decisions as pages: both values side by side, a choice per field, no JavaScript."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from offline import selectors, services
from offline.apps import may_sync
from offline.models import ConflictKind, ConflictStatus
from portal import audit
from portal.models import AccessView
from portal.money import format_vnd
from portal.scoping import get_for_user, scope_for


def _require_sync_role(user) -> None:
    if not may_sync(scope_for(user)):
        raise PermissionDenied


def _readable(model, name: str, value) -> str:
    """A value as the API wrote it, as people read it: choices by label, a village or ethnic group by name."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dict) and "handed_over" in value:  # a line of a distribution list
        if value["handed_over"]:
            return _("Đã trao %(quantity)s") % {"quantity": value["quantity"]}
        return _("Chưa trao: %(reason)s") % {"reason": value["reason"]}
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if field.choices:
        labels = dict(field.choices)
        return (
            ", ".join(str(labels.get(item, item)) for item in value)
            if isinstance(value, list)
            else str(labels.get(value, value))
        )
    if isinstance(field, models.BigIntegerField) and isinstance(value, int):  # đồng: unit costs
        return format_vnd(value)
    if field.is_relation:
        related = field.related_model.objects.filter(**{"code" if name == "ethnic_group" else "pk": value}).first()
        return str(getattr(related, "name", related) or value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _label(model, name: str) -> str:
    if name.startswith("lines."):
        return _("Dòng %(line)s của danh sách") % {"line": name.removeprefix("lines.")}
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name


def _rows(conflict) -> list[dict]:
    model = services.RECORD_MODELS[conflict.record_type]
    return [
        {
            "name": name,
            "label": _label(model, name),
            "mine": _readable(model, name, values.get("mine")),
            "server": _readable(model, name, values.get("server")),
            "choice": conflict.resolution.get(name, ""),
        }
        for name, values in conflict.fields.items()
    ]


@login_required
@require_GET
def conflict_list_view(request):
    _require_sync_role(request.user)
    conflicts = selectors.conflict_list(user=request.user)
    page = Paginator(conflicts, 50).get_page(request.GET.get("page"))
    return render(request, "offline/conflict_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def conflict_detail(request, pk):
    _require_sync_role(request.user)
    conflict = get_for_user(selectors.conflict_list(user=request.user), request.user, pk=pk)
    error = ""
    if request.method == "POST" and conflict.status == ConflictStatus.OPEN:
        keep = request.POST.get("keep")
        choices = (
            dict.fromkeys(conflict.fields, keep)
            if keep in services.CHOICES
            else {name: request.POST.get(f"field_{name}", "") for name in conflict.fields}
        )
        child = request.POST.get("child", "")
        try:
            services.conflict_resolve(
                conflict=conflict,
                user=request.user,
                choices=choices,
                decision=request.POST.get("decision", ""),
                child_id=int(child) if child.isdigit() else None,
            )
        except services.ResolveError as refused:
            error = refused.message
        else:
            messages.success(request, _("Đã giải quyết."))
            return redirect("offline:conflict-detail", pk=conflict.pk)
    candidates = services.candidate_rows(conflict, user=request.user) if conflict.kind == ConflictKind.DUPLICATE else []
    for child in candidates:
        child["born"] = dt.date.fromisoformat(child["birth_date"])
    if conflict.record_type == "child" and conflict.record_id:
        audit.access_record(
            user=request.user,
            view=AccessView.PAGE,
            commune_id=conflict.commune_id,
            record_id=conflict.record_id,
            record_code=conflict.record_code,
        )
    context = {"conflict": conflict, "rows": _rows(conflict), "candidates": candidates, "error": error}
    return render(request, "offline/conflict_detail.html", context)
