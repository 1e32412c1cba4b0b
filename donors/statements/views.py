"""Pages of the bank statements: upload and column mapping, the import's progress, the matching queue, one line.

Staff who manage donors in the province upload, map, import, match and mark; leadership and auditors of the
province read every page (and get 403 on a change); communes and donors have nothing here (404): the account's
lines name people who gave, and are the department's books.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from donors import services as donor_services
from donors.models import (
    MARKED_STATUSES,
    ImportStatus,
    LineStatus,
    StatementImport,
    StatementLine,
)
from donors.statements import services
from donors.statements.forms import (
    LineMarkForm,
    LineMatchForm,
    MappingForm,
    QueueFilterForm,
    StatementUploadForm,
    mapping_of,
)
from donors.statements.parsing import COLUMN_LABELS, Mapping, preview
from donors.transfer_codes import pledge_code
from portal.models import AdministrativeUnit, UnitLevel
from portal.permissions import Perm
from portal.scoping import ALL_UNITS, get_for_user, scope_for

PAGE_SIZE = 50


def _provinces(user, perm):
    units = scope_for(user).units(perm)
    provinces = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE)
    return provinces if units is ALL_UNITS else provinces.filter(pk__in=units)


def _require_reader(user):
    if not _provinces(user, Perm.VIEW_RECORDS).exists() or not scope_for(user).has_perm(Perm.VIEW_DASHBOARDS):
        raise Http404


def _may_manage(user, province_id) -> bool:
    return scope_for(user).allows(Perm.MANAGE_DONORS, province_id)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_http_methods(["GET", "POST"])
def statement_list(request):
    _require_reader(request.user)
    managed = list(_provinces(request.user, Perm.MANAGE_DONORS).order_by("name"))
    province = managed[0] if managed else None
    if request.method == "POST" and province is None:
        raise PermissionDenied
    form = None
    if province is not None:
        form = StatementUploadForm(request.POST or None, request.FILES or None, province_id=province.pk)
        if request.method == "POST" and form.is_valid():
            mapping, saved = mapping_of(form.cleaned_data["mapping"], province.pk)
            try:
                statement = services.statement_upload(
                    actor=request.user,
                    province=province,
                    data=form.cleaned_data["file"],
                    original_name=request.FILES["file"].name,
                    mapping=mapping,
                    statement_format=saved,
                )
            except services.StatementRefused as error:
                form.add_error(None, error.message)
            else:
                return redirect("statement-detail", pk=statement.pk)
    statements = StatementImport.objects.visible_to(request.user).select_related("uploaded_by")
    queue = StatementLine.objects.visible_to(request.user).filter(status=LineStatus.UNMATCHED).count()
    context = {"form": form, "page": _page(request, statements), "queue": queue, "province": province}
    return render(request, "donors/statements/statement_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def statement_detail(request, pk):
    """The mapping step (preview of how the file reads, the mapping to change and save), then the import's
    progress and what it did."""
    _require_reader(request.user)
    statement = get_for_user(StatementImport.objects.select_related("format", "uploaded_by"), request.user, pk=pk)
    may_manage = _may_manage(request.user, statement.province_id)
    mapping = Mapping.from_dict(statement.mapping)
    form = MappingForm(initial=MappingForm.initial_of(mapping))
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        try:
            if "import" in request.POST:
                services.statement_import_start(actor=request.user, statement_id=statement.pk)
                messages.success(request, _("Đã bắt đầu nhập sao kê."))
                return redirect("statement-detail", pk=statement.pk)
            form = MappingForm(request.POST)
            if form.is_valid():
                services.statement_mapping_set(
                    actor=request.user,
                    statement_id=statement.pk,
                    mapping=form.mapping(mapping.name),
                    save_as=form.cleaned_data["save_as"],
                )
                messages.success(request, _("Đã cập nhật cách đọc các cột."))
                return redirect("statement-detail", pk=statement.pk)
        except services.StatementRefused as error:
            messages.error(request, error.message)
            return redirect("statement-detail", pk=statement.pk)
    shown = None
    if statement.status in (ImportStatus.UPLOADED, ImportStatus.FAILED):
        with statement.file.open("rb") as stored:
            shown = preview(stored.read(), statement.mapping.get("kind", "xlsx"), mapping)
        shown["columns"] = [(COLUMN_LABELS[key], header) for key, header in shown.get("columns", {}).items()]
    context = {
        "statement": statement,
        "may_manage": may_manage,
        "form": form,
        "preview": shown,
        "running": statement.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "mapping": mapping,
    }
    return render(request, "donors/statements/statement_detail.html", context)


@login_required
@require_http_methods(["GET"])
def statement_queue(request):
    _require_reader(request.user)
    form = QueueFilterForm(request.GET)
    form.is_valid()
    status = form.cleaned_data.get("status") or LineStatus.UNMATCHED
    lines = StatementLine.objects.visible_to(request.user).select_related("suggested_pledge__donor")
    if status != "all":
        lines = lines.filter(status=status)
    search = request.GET.get("q", "").strip()
    if search:
        lines = lines.filter(Q(description__icontains=search) | Q(bank_reference__icontains=search))
    page = _page(request, lines.order_by("booked_on", "pk"))
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()
    return render(request, "donors/statements/statement_queue.html", {"form": form, "page": page, "search": search})


@login_required
@require_http_methods(["GET", "POST"])
def statement_line(request, pk):
    """One line: match it to a pledge (or split it), or mark it, with a reason."""
    _require_reader(request.user)
    line = get_for_user(
        StatementLine.objects.select_related("statement", "suggested_pledge__donor", "decided_by"), request.user, pk=pk
    )
    may_manage = _may_manage(request.user, line.province_id)
    initial = {}
    if line.suggested_pledge_id:
        initial = {"pledge_1": str(pledge_code(line.suggested_pledge))}
    match_form = LineMatchForm(initial=initial, line=line)
    mark_form = LineMarkForm(prefix="mark")
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        marking = "mark-status" in request.POST
        bound = LineMarkForm(request.POST, prefix="mark") if marking else LineMatchForm(request.POST, line=line)
        if bound.is_valid():
            try:
                if marking:
                    services.statement_line_mark(
                        line_id=line.pk,
                        actor=request.user,
                        status=bound.cleaned_data["status"],
                        reason=bound.cleaned_data["reason"],
                    )
                else:
                    services.statement_line_match(
                        line_id=line.pk,
                        actor=request.user,
                        parts=bound.cleaned_data["parts"],
                        confirm_beyond_pledge=bound.cleaned_data["confirm_beyond_pledge"],
                    )
            except (services.StatementRefused, donor_services.PledgeError) as error:
                bound.add_error(None, error.message)
            else:
                messages.success(request, _("Đã xử lý dòng sao kê."))
                return redirect("statement-queue")
        if marking:
            mark_form = bound
        else:
            match_form = bound
    parts = line.parts.select_related("receipt__pledge__donor").order_by("part")
    context = {
        "line": line,
        "may_manage": may_manage and line.status == LineStatus.UNMATCHED,
        "match_form": match_form,
        "mark_form": mark_form,
        "parts": parts,
        "marked": line.status in MARKED_STATUSES,
        "suggested": line.suggested_pledge,
    }
    return render(request, "donors/statements/statement_line.html", context)
