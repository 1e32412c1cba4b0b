from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal.celery import app as celery_app
from portal.extensions import home_panels
from portal.forms import VillageForm
from portal.models import AdministrativeUnit, UnitLevel
from portal.permissions import Perm, Role
from portal.scoping import get_for_user, scope_for
from portal.selectors import commune_list, unit_history


def home(request):
    if not request.user.is_authenticated:
        return render(request, "portal/home_public.html")
    scope = scope_for(request.user)
    context = {
        "roles": [Role(role).label for role in sorted(scope.roles)],
        "panels": home_panels(request, scope),
    }
    if scope.has_perm(Perm.VIEW_RECORDS):
        communes = commune_list(user=request.user)
        context["communes"] = communes[:12]
        context["commune_count"] = communes.count()
    template = "portal/home_donor.html" if scope.roles == {Role.DONOR} else "portal/home.html"
    return render(request, template, context)


def login_locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes answers while a username is locked out on this address: a page, or JSON for the API."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    if request.path.startswith("/api/"):
        message = _("Đăng nhập sai quá nhiều lần. Hãy thử lại sau %(minutes)s phút.") % {"minutes": minutes}
        return JsonResponse({"detail": message}, status=429)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


@login_required
def commune_list_view(request):
    communes = commune_list(user=request.user)
    return render(request, "portal/commune_list.html", {"communes": communes})


@login_required
@require_http_methods(["GET", "POST"])
def commune_detail(request, code):
    commune = get_for_user(
        AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).current(),
        request.user,
        Perm.VIEW_RECORDS,
        code=code,
    )
    scope = scope_for(request.user)
    may_manage_villages = scope.allows(Perm.MANAGE_VILLAGES, commune.pk)
    form = VillageForm(commune=commune)
    if request.method == "POST":
        if not may_manage_villages:
            raise PermissionDenied  # visible to a read-only role: 403, not 404
        form = VillageForm(request.POST, commune=commune)
        if form.is_valid():
            village = form.save()
            messages.success(request, _("Đã thêm thôn/bản %(name)s.") % {"name": village.name})
            return redirect("commune-detail", code=commune.code)
    context = {
        "commune": commune,
        "classification": commune.classification_on(),
        "villages": commune.villages.filter(active=True),
        "predecessors": commune.merged_from.select_related("parent").order_by("name"),
        "form": form,
        "may_manage_villages": may_manage_villages,
        "history": unit_history(commune) if scope.allows(Perm.VIEW_AUDIT_TRAIL, commune.pk) else None,
    }
    return render(request, "portal/commune_detail.html", context)


@require_GET
@never_cache
def healthz(request):
    """200 when the database answers; the broker's state is reported but does not fail the check."""
    status = {"database": _database_status(), "broker": _broker_status()}
    healthy = status["database"] == "ok"
    return JsonResponse({"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # any failure means the database does not answer
        return f"error: {type(error).__name__}"


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as error:  # any failure means the broker does not answer
        return f"error: {type(error).__name__}"
