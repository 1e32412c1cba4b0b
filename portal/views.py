import logging
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal.celery import app as celery_app
from portal.extensions import home_panels
from portal.forms import VillageForm
from portal.models import AdministrativeUnit, UnitLevel
from portal.permissions import Perm, Role
from portal.scoping import get_for_user, scope_for
from portal.selectors import commune_list, unit_history
from portal.text import collated


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
        "villages": commune.villages.filter(active=True).order_by(collated("name"), "pk"),
        "predecessors": commune.merged_from.select_related("parent").order_by(collated("name"), "pk"),
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


logger = logging.getLogger(__name__)

DATABASE_RETRY_AFTER = 60  # seconds: a restart or a failover of PostgreSQL takes seconds to a minute


def server_error(request):
    """The answer to an unhandled error (with DEBUG off): the 500 page, or a 503 when the database is out of reach.

    A database restart, failover or killed backend is not a bug: the request is refused with 503 and Retry-After,
    in JSON on the API, by a page that needs no database (no context processors, no session). PostgreSQL discards
    what the lost connection had not committed; Django drops the broken connection when the request ends, and
    CONN_HEALTH_CHECKS replaces one that died while idle before the next request uses it: nothing to restart once
    the database is back.
    """
    error = sys.exc_info()[1]
    if not _database_unreachable(error):
        return defaults.server_error(request)
    message = _("Hệ thống tạm thời không kết nối được cơ sở dữ liệu, vui lòng thử lại sau ít phút.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(loader.get_template("503.html").render({"message": message}), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    # One line per refused request instead of Django's traceback: in an outage every request fails for the same
    # outside reason, and the message says whether connecting was refused or the connection broke mid-request.
    # Tracebacks would bury the log, and any real bug's 500 in it.
    reason = " ".join(str(error).split())
    logger.error(
        "Database unreachable: %s %s answered 503 (%s: %s)", request.method, request.path, type(error).__name__, reason
    )
    response._has_been_logged = True  # read by django.utils.log.log_response
    return response


def _database_unreachable(error: BaseException | None) -> bool:
    """Connecting to PostgreSQL failed or the connection was lost: psycopg2's error has no SQLSTATE (refused,
    closed unexpectedly, already closed) or one of class 08 (connection exception) or 57P (the server shut down,
    crashed or is starting; a killed backend). A query that fails on a live connection (a deadlock, a statement
    timeout) stays a 500. The connection's state cannot tell: Django may have reconnected since, while cleaning up.
    """
    if not isinstance(error, OperationalError | InterfaceError) or not hasattr(error.__cause__, "pgcode"):
        return False
    sqlstate = error.__cause__.pgcode or ""
    return not sqlstate or sqlstate.startswith(("08", "57P"))
