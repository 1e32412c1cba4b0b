"""Pages of the allocation ledger, the matching assistant, deliveries, the donor's trace and the public page.
Thin: parse, call one service or selector, render."""

import heapq

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allocations import selectors, services
from allocations.appeals import public_appeal_list
from allocations.figures import notes as figure_notes
from allocations.forms import AllocationForm, DeliveryForm, DistributionForm, DistributionRecordForm, ReverseForm
from allocations.ledger import PER_PAGE as LEDGER_PER_PAGE
from allocations.ledger import LedgerPaginator, LedgerSearch, ledger_receipts, ledger_rows
from allocations.models import AllocationBatch, DistributionList, DistributionStatus, MatchingRun, RunStatus
from donors.models import Campaign
from donors.selectors import campaign_transfer
from donors.transfer_codes import campaign_code
from needs.models import Category, Need, Priority
from portal.extensions import public_panels
from portal.models import AdministrativeUnit, UnitLevel, Village
from portal.money import parse_vnd
from portal.numbers import read_grouped
from portal.pdf import render_pdf
from portal.permissions import Perm
from portal.scoping import ALL_UNITS, get_for_user, scope_for
from portal.text import collated
from portal.uploads import serve_stored_file

PER_PAGE = 50
PLAN_PER_PAGE = 100  # lines of a matching plan per page: a few tens of KB on a slow mountain link
EXPLAINED_SHOWN = 100  # unmet needs and leftover receipts listed under a plan
PUBLIC_CACHE_SECONDS = 300
LEDGER_CACHE_SECONDS = 60  # a donor checking for a transfer that has just been matched should not wait long
POLL_SECONDS = 2

WHY = {
    "earmark:category": gettext_lazy("đúng loại hỗ trợ nhà tài trợ chỉ định"),
    "earmark:commune": gettext_lazy("đúng xã nhà tài trợ chỉ định"),
    "earmark:age_band": gettext_lazy("đúng độ tuổi nhà tài trợ chỉ định"),
    "goods:size": gettext_lazy("hiện vật đúng loại và đúng cỡ"),
    "goods:category": gettext_lazy("hiện vật đúng loại"),
    "appeal:commune": gettext_lazy("tiền của cuộc vận động, dành trước cho xã bị ảnh hưởng"),
    "appeal:child": gettext_lazy("tiền của cuộc vận động cho chính trẻ này"),
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
    deliveries = _page(request, selectors.delivery_list(user=request.user))
    for delivery in deliveries:  # names and villages only to those who may see the children of that commune
        delivery.show_child = scope.allows(Perm.VIEW_PERSONAL_DATA, delivery.need.commune_id)
    context = {
        "needs": selectors.deliverable_needs(user=request.user)[:200],
        "deliveries": deliveries,
        "may_record": scope.has_perm(Perm.RECORD_DELIVERIES),
        "may_see_lists": scope.has_perm(Perm.VIEW_PERSONAL_DATA),
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


# --- Distribution days ------------------------------------------------------------------------------------


def _require_perm(user, perm: str) -> None:
    """Someone without the permission anywhere: 403 for an insider who reads records, 404 for everyone else."""
    scope = scope_for(user)
    if not scope.has_perm(perm):
        raise PermissionDenied if scope.has_perm(Perm.VIEW_RECORDS) else Http404


@login_required
@require_GET
def distribution_index(request):
    _require_perm(request.user, Perm.VIEW_PERSONAL_DATA)
    context = {
        "distributions": _page(request, selectors.distribution_list(user=request.user)),
        "may_create": scope_for(request.user).has_perm(Perm.RECORD_DELIVERIES),
    }
    return render(request, "allocations/distribution_list.html", context)


def _distribution_communes(user):
    units = scope_for(user).units(Perm.RECORD_DELIVERIES)
    communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True).order_by(
        collated("name")
    )
    return communes if units is ALL_UNITS else communes.filter(pk__in=units)


def _pick(queryset, value):
    try:
        return queryset.filter(pk=int(value)).first() if value else None
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def distribution_create(request):
    """Pick the funded needs of a commune (by village and category) for a distribution day; all ticked at first."""
    _require_perm(request.user, Perm.RECORD_DELIVERIES)
    communes = _distribution_communes(request.user)
    commune = _pick(communes, request.GET.get("commune")) or communes.first()
    if commune is None:
        raise Http404
    # Every commune's villages, grouped, for the village choice to follow the commune (static/js/villages.js on
    # main's forms); a village of another commune than the chosen one is ignored here.
    villages = Village.objects.filter(commune__in=communes, active=True).order_by(collated("name"))
    village = _pick(villages.filter(commune=commune), request.GET.get("village"))
    groups = [(c, [v for v in villages if v.commune_id == c.pk]) for c in communes]
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    found = selectors.distribution_candidates(user=request.user, commune=commune, village=village, category=category)
    candidates = list(found[: services.DISTRIBUTION_MAX_LINES + 1])
    more = len(candidates) > services.DISTRIBUTION_MAX_LINES
    candidates = candidates[: services.DISTRIBUTION_MAX_LINES]
    form = DistributionForm(request.POST or None)
    line_errors = {}
    if request.method == "POST":
        ticked = set(request.POST.getlist("need"))
        lines = {}
        for need in candidates:
            if str(need.pk) in ticked:
                quantity = read_grouped(request.POST.get(f"quantity_{need.pk}", "").strip())
                if quantity is None:
                    line_errors[need.pk] = _("Nhập số lượng là số nguyên.")
                else:
                    lines[need.pk] = quantity
        if form.is_valid() and not line_errors:
            data = form.cleaned_data
            try:
                distribution = services.distribution_create(
                    user=request.user, commune=commune, distributed_on=data["distributed_on"], title=data["title"],
                    place=data["place"], lines=lines,
                )  # fmt: skip
            except services.DistributionError as error:
                form.add_error(None, error.message)
                line_errors = error.lines
            else:
                messages.success(
                    request, _("Đã lập danh sách cấp phát gồm %(n)s nhu cầu.") % {"n": distribution.lines.count()}
                )
                return redirect("allocations:distribution-detail", pk=distribution.pk)
        for need in candidates:
            need.ticked = str(need.pk) in ticked
            need.typed = request.POST.get(f"quantity_{need.pk}", need.units_left)
    else:
        for need in candidates:
            need.ticked, need.typed = True, need.units_left
    for need in candidates:
        need.error = line_errors.get(need.pk, "")
    context = {
        "form": form,
        "communes": communes,
        "commune": commune,
        "village_groups": groups,
        "village": village,
        "categories": Category.choices,
        "category": category,
        "candidates": candidates,
        "more": more,
        "max_lines": services.DISTRIBUTION_MAX_LINES,
    }
    return render(request, "allocations/distribution_form.html", context)


def _distribution(request, pk, perm=Perm.VIEW_PERSONAL_DATA):
    return get_for_user(DistributionList.objects.select_related("commune__province"), request.user, perm, pk=pk)


def _lines(distribution):
    return distribution.lines.select_related(
        "need__child__village", "need__village", "need__commune", "delivery"
    ).order_by(
        *map(
            collated,
            ("need__child__village__name", "need__village__name", "need__child__full_name", "need__facility_name"),
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def distribution_detail(request, pk):
    distribution = _distribution(request, pk)
    may_record = scope_for(request.user).allows(Perm.RECORD_DELIVERIES, distribution.commune_id)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        try:
            removed = services.distribution_remove_lines(
                user=request.user, distribution=distribution, line_ids=request.POST.getlist("remove")
            )
        except services.DistributionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Đã bớt %(n)s dòng khỏi danh sách.") % {"n": removed})
        return redirect("allocations:distribution-detail", pk=distribution.pk)
    lines = list(_lines(distribution))
    context = {
        "distribution": distribution,
        "lines": lines,
        "total": sum(line.planned_value for line in lines),
        "may_record": may_record,
        "statuses": DistributionStatus,
    }
    return render(request, "allocations/distribution_detail.html", context)


@login_required
@require_GET
def distribution_pdf(request, pk):
    """The list to print and have signed (Decree 30 layout); it names children, so every print is logged."""
    distribution = _distribution(request, pk, Perm.RECORD_DELIVERIES)
    lines = services.distribution_print(user=request.user, distribution=distribution)
    context = {
        "distribution": distribution,
        "lines": lines,
        "total": sum(line.planned_value for line in lines),
        "issued_by": request.user,
    }
    pdf = render_pdf("allocations/pdf/distribution_list.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"danh-sach-cap-phat-{distribution.commune.code}-{distribution.distributed_on:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def distribution_record(request, pk):
    """After the day: the whole list at once, the signed list's scan attached, all or nothing."""
    distribution = _distribution(request, pk, Perm.RECORD_DELIVERIES)
    if distribution.status != DistributionStatus.PRINTED:
        messages.error(
            request,
            _("Danh sách đã được ghi nhận.")
            if distribution.status == DistributionStatus.RECORDED
            else _("In danh sách để người giám hộ ký trước khi ghi kết quả."),
        )
        return redirect("allocations:distribution-detail", pk=distribution.pk)
    lines = list(_lines(distribution))
    initial = {"handed_over_by": request.user.get_full_name() or request.user.username}
    form = DistributionRecordForm(request.POST or None, request.FILES or None, lines=lines, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.distribution_record(
                user=request.user, distribution=distribution, outcomes=form.outcomes(),
                handed_over_by=form.cleaned_data["handed_over_by"], scan=form.cleaned_data["scan"],
            )  # fmt: skip
        except services.DistributionError as error:
            form.add_error(None, error.message)
            for line_id, message in error.lines.items():
                form.add_error(f"handed_{line_id}", message)
        else:
            given = sum(1 for line in distribution.lines.all() if line.handed_over)
            messages.success(
                request,
                _("Đã ghi nhận trao %(given)s/%(total)s dòng của danh sách.") % {"given": given, "total": len(lines)},
            )
            return redirect("allocations:distribution-detail", pk=distribution.pk)
    context = {"distribution": distribution, "form": form, "rows": form.rows()}
    return render(request, "allocations/distribution_record.html", context)


@login_required
@require_GET
def distribution_scan(request, pk):
    distribution = _distribution(request, pk)
    if not distribution.scan:
        raise Http404
    return serve_stored_file(
        distribution.scan, content_type=distribution.scan_type, download_name=distribution.scan_name
    )


# --- Donor trace and public page --------------------------------------------------------------------------


@login_required
@require_GET
def pledge_trace_view(request, pk):
    trace = selectors.pledge_trace(user=request.user, pledge_id=pk)
    notes = figure_notes("received", "allocated", "delivered", "children_reached")
    return render(request, "allocations/pledge_trace.html", {"trace": trace, "notes": notes})


PUBLIC_NOTES = ("received", "allocated", "delivered", "children_reached")


def public_response(request, template: str, context: dict, seconds: int = PUBLIC_CACHE_SECONDS, notes=PUBLIC_NOTES):
    """A public page: the small-count rule and the figures' definitions beside it, cached by browsers a while."""
    context = {**context, "small": selectors.SMALL_COUNT, "notes": figure_notes(*notes)}
    response = render(request, template, context)
    response["Cache-Control"] = f"public, max-age={seconds}"
    return response


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
        f"allocations:public:v3:{year}", lambda: selectors.public_figures(year), PUBLIC_CACHE_SECONDS
    )
    today = timezone.localdate()
    appeals = cache.get_or_set(
        f"allocations:public-appeals:v1:{today.isoformat()}",
        lambda: public_appeal_list(today),
        PUBLIC_CACHE_SECONDS,
    )
    context = {
        "figures": figures,
        "appeals": appeals,
        "years": range(this_year, 2018, -1),
        "panels": public_panels(request),
    }
    return public_response(request, "allocations/public.html", context, PUBLIC_CACHE_SECONDS)


@require_GET
def public_ledger(request):
    """Money received, searchable by transfer code, amount, day or donor name; where each sum went."""
    search = LedgerSearch.parse(request.GET.get("q", ""))
    paginator = LedgerPaginator(ledger_receipts(search), LEDGER_PER_PAGE, unsearched=not search)
    page = paginator.get_page(request.GET.get("page"))
    context = {"search": search, "page": page, "rows": ledger_rows(page.object_list)}
    return public_response(request, "allocations/public_ledger.html", context, LEDGER_CACHE_SECONDS)


@require_GET
def public_campaign(request, pk):
    """A campaign's public page: what it is, how to give (VietQR), and its aggregates."""
    campaign = get_object_or_404(Campaign.objects.select_related("province"), pk=pk)
    context = {
        "campaign": campaign,
        "figures": selectors.campaign_figures(campaign),
        "transfer": campaign_transfer(campaign),
        "code": campaign_code(campaign),
    }
    return public_response(request, "allocations/public_campaign.html", context, LEDGER_CACHE_SECONDS)
