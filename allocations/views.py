"""Pages of the allocation ledger, the matching assistant, deliveries, the donor's trace and the public page.
Thin: parse, call one service or selector, render."""

import heapq

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allocations import selectors, services
from allocations.figures import notes as figure_notes
from allocations.forms import AllocationForm, DeliveryForm, ReverseForm
from allocations.models import AllocationBatch, MatchingRun, RunStatus
from needs.models import Category, Need, Priority
from portal.models import AdministrativeUnit, UnitLevel
from portal.money import parse_vnd
from portal.permissions import Perm
from portal.scoping import ALL_UNITS, get_for_user, scope_for
from portal.uploads import serve_stored_file

PER_PAGE = 50
PLAN_PER_PAGE = 100  # lines of a matching plan per page: a few tens of KB on a slow mountain link
EXPLAINED_SHOWN = 100  # unmet needs and leftover receipts listed under a plan
PUBLIC_CACHE_SECONDS = 300
POLL_SECONDS = 2

WHY = {
    "earmark:category": gettext_lazy("đúng loại hỗ trợ nhà tài trợ chỉ định"),
    "earmark:commune": gettext_lazy("đúng xã nhà tài trợ chỉ định"),
    "earmark:age_band": gettext_lazy("đúng độ tuổi nhà tài trợ chỉ định"),
    "goods:size": gettext_lazy("hiện vật đúng loại và đúng cỡ"),
    "goods:category": gettext_lazy("hiện vật đúng loại"),
    "whole": gettext_lazy("đủ toàn bộ nhu cầu"),
    "part": gettext_lazy("một phần nhu cầu"),
}
UNMET = {
    "no_earmark": gettext_lazy("không có khoản nào có chỉ định phù hợp (loại, xã, độ tuổi, cỡ)"),
    "no_funds": gettext_lazy("không đủ kinh phí phù hợp; đã ưu tiên nhu cầu cấp thiết hơn"),
    "partly": gettext_lazy("chỉ đủ một phần; phần còn lại chờ khoản sau"),
}
LEFTOVER = {
    "expired": gettext_lazy("đã quá hạn sử dụng nhà tài trợ yêu cầu"),
    "no_need": gettext_lazy("không có nhu cầu đang mở nào khớp chỉ định của nhà tài trợ"),
    "needs_covered": gettext_lazy("các nhu cầu phù hợp đã đủ"),
}


def _province_for(user):
    """The province this user allocates for; 404 for everyone without the permission anywhere."""
    units = scope_for(user).units(Perm.ALLOCATE)
    provinces = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).order_by("pk")
    province = provinces.first() if units is ALL_UNITS else provinces.filter(pk__in=units).first()
    if province is None:
        raise Http404
    return province


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


# --- Ledger -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def batch_list_view(request):
    scope = scope_for(request.user)
    if not scope.has_perm(Perm.VIEW_RECORDS):
        raise Http404
    context = {
        "batches": _page(request, selectors.batch_list(user=request.user)),
        "may_allocate": scope.has_perm(Perm.ALLOCATE),
    }
    return render(request, "allocations/batch_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def allocation_new(request):
    province = _province_for(request.user)
    receipts = selectors.allocatable_receipts(user=request.user, province=province)
    needs = selectors.fundable_needs(user=request.user, province=province)
    form = AllocationForm(request.POST or None, receipts=receipts, needs=needs, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocation = services.allocation_create(
                user=request.user,
                receipt=data["receipt"],
                need=data["need"],
                amount=data["amount"] if data["receipt"].kind == "money" else None,
                quantity=data["quantity"] if data["receipt"].kind == "goods" else None,
                note=data["note"],
            )
        except services.LedgerError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã phân bổ cho nhu cầu #%(id)s.") % {"id": allocation.need_id})
            return redirect("allocations:batch-detail", pk=allocation.batch_id)
    return render(request, "allocations/allocation_form.html", {"form": form, "province": province})


@login_required
@require_GET
def batch_detail(request, pk):
    batch = get_for_user(AllocationBatch.objects.select_related("created_by", "reversed_by"), request.user, pk=pk)
    allocations = batch.allocations.select_related("need__commune", "need__child", "receipt__pledge__donor")
    may_reverse = scope_for(request.user).allows(Perm.ALLOCATE, batch.province_id) and batch.status == "accepted"
    context = {"batch": batch, "allocations": allocations, "may_reverse": may_reverse, "form": ReverseForm()}
    return render(request, "allocations/batch_detail.html", context)


@login_required
@require_POST
def batch_reverse_view(request, pk):
    batch = get_for_user(AllocationBatch.objects.all(), request.user, Perm.ALLOCATE, pk=pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            services.batch_reverse(user=request.user, batch=batch, reason=form.cleaned_data["reason"])
        except services.LedgerError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Đã hủy bỏ đợt phân bổ #%(id)s.") % {"id": batch.pk})
    else:
        messages.error(request, _("Cần ghi lý do hủy bỏ đợt phân bổ."))
    return redirect("allocations:batch-detail", pk=batch.pk)


# --- Matching assistant -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def matching_list(request):
    province = _province_for(request.user)
    if request.method == "POST":
        run = services.matching_run_start(user=request.user, province=province)
        return redirect("allocations:matching-detail", pk=run.pk)
    runs = _page(request, selectors.matching_run_list(user=request.user))
    return render(request, "allocations/matching_list.html", {"runs": runs, "province": province})


def _plan_filter(result: dict, commune: str, category: str) -> list[int]:
    """Indexes of the plan's lines whose need is in the chosen commune and category (read from the stored labels)."""
    if not commune and not category:
        return list(range(len(result.get("lines", []))))
    needs = result.get("needs", {})
    indexes = []
    for index, line in enumerate(result.get("lines", [])):
        need = needs.get(str(line["need"]), {})
        if (not commune or need.get("commune") == commune) and (not category or need.get("category") == category):
            indexes.append(index)
    return indexes


def _plan_communes(result: dict) -> list[str]:
    needs = result.get("needs", {})
    return sorted({needs.get(str(line["need"]), {}).get("commune", "") for line in result.get("lines", [])} - {""})


def _plan_rows(result: dict, indexes, posted=None) -> list[dict]:
    lines, receipts, needs = result.get("lines", []), result.get("receipts", {}), result.get("needs", {})
    rows = []
    for index in indexes:
        line = lines[index]
        need = needs.get(str(line["need"]), {})
        why = [Priority(int(code.split(":")[1])).label for code in line["why"] if code.startswith("priority:")]
        why += [str(WHY[code]) for code in line["why"] if code in WHY]
        value = line["quantity"] if line["quantity"] else line["amount"]
        if posted is not None:
            value = posted.get(f"value_{index}", value)
        rows.append(
            dict(
                index=index,
                line=line,
                receipt=receipts.get(str(line["receipt"]), {}),
                need=need,
                category=Category(need["category"]).label if need else "",
                why=why,
                value=value,
                keep=posted is None or posted.get(f"keep_{index}") == "on",
            )
        )
    return rows


def _explained(result: dict) -> dict:
    """The first unmet needs by priority and the first leftover receipts, with how many (and how much) are not shown.
    The stored result may hold only the top unmet needs, with their full count and total alongside."""
    receipts, needs, priorities = result.get("receipts", {}), result.get("needs", {}), result.get("priorities", {})
    items = result.get("unmet", [])
    first = heapq.nsmallest(
        EXPLAINED_SHOWN,
        items,
        key=lambda item: (-priorities.get(str(item["need"]), 0), -item["remaining"], item["need"]),
    )
    unmet = []
    for item in first:
        need = needs.get(str(item["need"]), {})
        category = Category(need["category"]).label if need else ""
        unmet.append(dict(item, label=need, reason_text=UNMET[item["reason"]], category=category))
    unmet_count = result.get("unmet_count", len(items))
    unmet_total = result.get("unmet_total", sum(item["remaining"] for item in items))
    leftover = [
        dict(item, label=receipts.get(str(item["receipt"]), {}), reason_text=LEFTOVER[item["reason"]])
        for item in result.get("leftover", [])[:EXPLAINED_SHOWN]
    ]
    return {
        "unmet": unmet,
        "unmet_more": unmet_count - len(unmet),
        "unmet_more_total": unmet_total - sum(item["remaining"] for item in unmet),
        "leftover": leftover,
        "leftover_more": len(result.get("leftover", [])) - len(leftover),
    }


def _posted_lines(run: MatchingRun, post) -> list[services.Line]:
    """Every line of the plan: those shown on the posted page as the reviewer left them, the rest as proposed."""
    proposed = run.result.get("lines", [])
    try:
        shown = {int(index) for index in post.get("shown", "").split(",") if index}
    except ValueError as error:
        raise services.LedgerError(_("Biểu mẫu không hợp lệ; hãy tải lại trang.")) from error
    lines = []
    for index, line in enumerate(proposed):
        goods = bool(line["quantity"])
        value = line["quantity"] if goods else line["amount"]
        if index in shown:
            if post.get(f"keep_{index}") != "on":
                continue
            typed = post.get(f"value_{index}", "")
            try:
                value = int(typed.strip()) if goods else parse_vnd(typed)
            except (ValueError, ValidationError) as error:
                why = " ".join(error.messages) if isinstance(error, ValidationError) else ""
                raise services.LedgerError(
                    " ".join([_("Dòng %(n)s: số không hợp lệ.") % {"n": index + 1}, why]).strip()
                ) from error
            if value <= 0:
                continue  # a line set to zero is a line removed
        lines.append(
            services.Line(
                receipt_id=line["receipt"],
                need_id=line["need"],
                amount=None if goods else value,
                quantity=value if goods else None,
            )
        )
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def matching_detail(request, pk):
    run = get_for_user(MatchingRun.objects.select_related("batch", "created_by"), request.user, Perm.ALLOCATE, pk=pk)
    posted = None
    if request.method == "POST":
        if request.POST.get("discard"):
            services.matching_run_discard(user=request.user, run=run)
            messages.success(request, _("Đã bỏ phương án."))
            return redirect("allocations:matching-list")
        try:
            batch = services.matching_run_accept(user=request.user, run=run, lines=_posted_lines(run, request.POST))
        except services.LedgerError as error:
            messages.error(request, error.message)
            posted = request.POST
        else:
            messages.success(
                request,
                _("Đã chấp nhận phương án thành đợt phân bổ #%(id)s (%(n)s dòng).")
                % {"id": batch.pk, "n": batch.allocations.count()},
            )
            return redirect("allocations:batch-detail", pk=batch.pk)
    commune, category = request.GET.get("commune", ""), request.GET.get("category", "")
    lines = Paginator(_plan_filter(run.result, commune, category), PLAN_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "lines": lines,
        "rows": _plan_rows(run.result, lines, posted),
        "shown": ",".join(str(index) for index in lines),
        "communes": _plan_communes(run.result),
        "categories": Category.choices,
        "commune": commune,
        "category": category,
        "result": run.result,
        "reviewable": run.status == RunStatus.READY,
        **_explained(run.result),
    }
    response = render(request, "allocations/matching_detail.html", context)
    if run.in_progress:
        response["Refresh"] = str(POLL_SECONDS)  # the page polls itself without any script
    return response


# --- Deliveries -------------------------------------------------------------------------------------------


@login_required
@require_GET
def delivery_list_view(request):
    scope = scope_for(request.user)
    if not scope.has_perm(Perm.VIEW_RECORDS):
        raise Http404
    context = {
        "needs": selectors.deliverable_needs(user=request.user)[:200],
        "deliveries": _page(request, selectors.delivery_list(user=request.user)),
        "may_record": scope.has_perm(Perm.RECORD_DELIVERIES),
    }
    return render(request, "allocations/delivery_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delivery_new(request, need_pk):
    need = get_for_user(
        Need.objects.select_related("commune", "balance", "child"), request.user, Perm.RECORD_DELIVERIES, pk=need_pk
    )
    form = DeliveryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evidence = [(data["evidence"], data["shows_children"])] if data.get("evidence") else []
        try:
            services.delivery_record(
                user=request.user,
                need=need,
                delivered_on=data["delivered_on"],
                quantity=data["quantity"],
                children_reached=data["children_reached"],
                handed_over_by=data["handed_over_by"],
                note=data["note"],
                evidence=evidence,
            )
        except services.LedgerError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã ghi nhận trao hỗ trợ cho nhu cầu #%(id)s.") % {"id": need.pk})
            return redirect("allocations:delivery-list")
    return render(request, "allocations/delivery_form.html", {"form": form, "need": need})


@login_required
@require_GET
def evidence_file(request, pk):
    evidence = selectors.evidence_for_user(user=request.user, evidence_id=pk)
    return serve_stored_file(evidence.file, content_type=evidence.content_type, download_name=evidence.original_name)


# --- Donor trace and public page --------------------------------------------------------------------------


@login_required
@require_GET
def pledge_trace_view(request, pk):
    trace = selectors.pledge_trace(user=request.user, pledge_id=pk)
    notes = figure_notes("received", "allocated", "delivered", "children_reached")
    return render(request, "allocations/pledge_trace.html", {"trace": trace, "notes": notes})


@require_GET
def public_page(request):
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if not 2019 <= year <= this_year:  # a bounded key space: the cache cannot be flooded with years
        year = this_year
    figures = cache.get_or_set(
        f"allocations:public:v2:{year}", lambda: selectors.public_figures(year), PUBLIC_CACHE_SECONDS
    )
    context = {
        "figures": figures,
        "years": range(this_year, 2018, -1),
        "small": selectors.SMALL_COUNT,
        "notes": figure_notes("received", "allocated", "delivered", "children_reached"),
    }
    response = render(request, "allocations/public.html", context)
    response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
    return response
