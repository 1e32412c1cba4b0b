"""Pages of the reports app: dashboard, archive, builds, downloads, confirmations. Thin: selectors and services."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from allocations.appeals import open_appeals
from portal.permissions import Perm
from portal.scoping import get_for_user, scope_for
from portal.selectors import history_entries
from reports import charts, services
from reports.checklists import approval_checklist, confirmation_checklist, reopen_checklist, report_changes
from reports.excel import figures_workbook
from reports.figures import DEFINITIONS, figures_for, reconciliation_for
from reports.forms import (
    CycleCreateForm,
    CycleDatesForm,
    CycleTextsForm,
    PeriodForm,
    ReopenForm,
    ReportRequestForm,
)
from reports.models import CommuneConfirmation, ConfirmationStatus, CycleKind, Report, ReportingCycle
from reports.publication import disclosure_csv, disclosure_json
from reports.selectors import (
    completeness,
    cycle_current,
    cycle_final_report,
    cycle_for_unit,
    cycle_list,
    cycle_next_defaults,
    cycle_provinces,
    cycles_current,
    disclosures_published,
    final_reports_outdated,
    officer_communes,
    report_list,
    unit_for_figures,
    with_outdated,
)


def _require(request, perm: str) -> None:
    """Outsiders (no such permission anywhere) get 404: the page does not exist for them."""
    if not scope_for(request.user).has_perm(perm):
        raise Http404


def _period(request, cycle) -> tuple[dt.date, dt.date]:
    try:
        start = dt.date.fromisoformat(request.GET["start"]) if request.GET.get("start") else cycle.period_start
        end = dt.date.fromisoformat(request.GET["end"]) if request.GET.get("end") else cycle.period_end
    except ValueError as error:
        raise Http404 from error
    return start, end


def _deadline(cycle) -> dict:
    days_left = (cycle.due_on - timezone.localdate()).days
    return {"cycle": cycle, "days_left": days_left, "days_late": -days_left}


@login_required
def dashboard(request):
    _require(request, Perm.VIEW_DASHBOARDS)
    cycle = cycle_current(user=request.user)
    disclosure = cycle_current(user=request.user, kind=CycleKind.DISCLOSURE)
    context = {
        "cycle": cycle,
        "disclosure": _deadline(disclosure) if disclosure else None,
        "appeals": open_appeals(user=request.user, today=timezone.localdate()),
    }
    if cycle is not None:
        figures = figures_for(
            unit=cycle.province, period_start=cycle.period_start, period_end=cycle.period_end, cycle=cycle
        )
        needs_series = [
            ("registered", _("Đăng ký")),
            ("funded", _("Đủ tài trợ")),
            ("delivered", _("Đã trao")),
        ]
        money_series = [("received", _("Tiếp nhận")), ("allocated", _("Phân bổ")), ("delivered", _("Đã trao"))]
        plan_rows = [
            {
                "label": f"{row['category']} — {row['commune']}",
                "target": row["target_amount"],
                "actual": row["actual_amount"],
            }
            for row in figures.plan
        ]
        context.update(
            figures=figures,
            days_left=(cycle.due_on - timezone.localdate()).days,
            days_late=(timezone.localdate() - cycle.due_on).days,
            completeness=completeness(cycle=cycle),
            needs_by_category_chart=charts.grouped_bars(
                figures.needs_by_category(), needs_series, title=_("Nhu cầu theo loại hỗ trợ")
            ),
            needs_by_commune_chart=charts.grouped_bars(
                [row for row in figures.needs_by_commune() if row["registered"]],
                needs_series,
                title=_("Nhu cầu theo xã"),
            ),
            money_chart=charts.monthly_columns(figures.by_month, money_series, title=_("Tiền, hàng theo tháng")),
            plan_chart=charts.grouped_bars(
                plan_rows, [("target", _("Kế hoạch")), ("actual", _("Thực hiện"))], title=_("Kế hoạch"), money=True
            )
            if plan_rows
            else None,
            may_prepare=scope_for(request.user).allows(Perm.PREPARE_REPORTS, cycle.province_id),
            outdated_finals=final_reports_outdated(cycle=cycle),
            totals=figures.totals(),
            notes=list(DEFINITIONS.values()),
        )
    return render(request, "reports/dashboard.html", context)


@login_required
def support_map(request):
    """3W, who does what where: by commune and category, the department's support and each partner's, gaps marked."""
    _require(request, Perm.VIEW_DASHBOARDS)
    cycle = cycle_current(user=request.user)
    context = {"cycle": cycle}
    if cycle is not None:
        start, end = _period(request, cycle)
        figures = figures_for(unit=cycle.province, period_start=start, period_end=end, cycle=cycle)
        context.update(
            figures=figures,
            support=figures.support_map,
            notes=[DEFINITIONS[key] for key in ("allocated", "delivered", "partner_support", "support_gap")],
        )
    return render(request, "reports/support_map.html", context)


@login_required
def archive(request):
    _require(request, Perm.VIEW_RECORDS)
    reports = with_outdated(report_list(user=request.user))[:200]
    cycle = cycle_current(user=request.user)
    form = None
    if cycle is not None and scope_for(request.user).has_perm(Perm.PREPARE_REPORTS):
        form = ReportRequestForm(user=request.user, cycle=cycle)
    return render(request, "reports/archive.html", {"reports": reports, "form": form, "cycle": cycle})


@login_required
@require_POST
def report_request_view(request):
    """Build the current annual cycle's report as the form asks, or a disclosure cycle's (its page posts `cycle`)."""
    _require(request, Perm.PREPARE_REPORTS)
    if request.POST.get("cycle"):
        cycle = get_for_user(ReportingCycle.objects.select_related("province"), request.user, Perm.PREPARE_REPORTS,
                             pk=request.POST["cycle"], kind=CycleKind.DISCLOSURE)  # fmt: skip
        report = services.report_request(user=request.user, cycle=cycle, unit=cycle.province)
    else:
        cycle = cycle_current(user=request.user)
        if cycle is None:
            raise Http404
        form = ReportRequestForm(request.POST, user=request.user, cycle=cycle)
        if not form.is_valid():
            context = {"reports": report_list(user=request.user)[:200], "form": form, "cycle": cycle}
            return render(request, "reports/archive.html", context, status=400)
        report = services.report_request(user=request.user, cycle=cycle, **form.cleaned_data)
    if services.report_enqueue(report):
        messages.success(request, _("Đã đưa báo cáo vào hàng đợi; trang này tự cập nhật tiến độ."))
    else:
        messages.warning(
            request,
            _(
                "Hệ thống lập báo cáo tạm thời không hoạt động. Yêu cầu đã được ghi nhận ở trạng thái chờ lập "
                "và sẽ được lập tự động khi hệ thống hoạt động trở lại."
            ),
        )
    return redirect("report-detail", pk=report.pk)


@login_required
def report_detail(request, pk):
    report = get_for_user(
        Report.objects.select_related("unit", "cycle__programme", "requested_by", "approved_by"), request.user, pk=pk
    )
    scope = scope_for(request.user)
    may_approve = report.status == "draft" and scope.allows(Perm.APPROVE_REPORTS, report.unit_id)
    context = {
        "report": report,
        "events": report.events.select_related("actor"),
        "may_download": report.is_built and scope.allows(Perm.DOWNLOAD_REPORTS, report.unit_id),
        "may_approve": may_approve,
        # What to read before approving; a final report says instead which communes changed since it was built.
        "checklist": approval_checklist(report=report) if may_approve else None,
        "changes": report_changes(report=report) if report.status == "final" else [],
    }
    return render(request, "reports/report_detail.html", context)


@login_required
def report_download(request, pk):
    report = get_for_user(Report.objects.select_related("unit"), request.user, Perm.DOWNLOAD_REPORTS, pk=pk)
    if not report.is_built:
        raise Http404
    path = services.report_path(report)
    if not path.exists():
        raise Http404
    filename = f"bao-cao-{report.unit.code}-{report.period_end.year}-v{report.version}.pdf"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-SHA256"] = report.sha256
    return response


PUBLIC_FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "json": "application/json"}


def disclosure_public(request, pk, fmt):
    """An approved Decree 03/2026 disclosure, for anyone: its PDF, or the same figures as CSV or JSON."""
    report = get_object_or_404(disclosures_published(), pk=pk)
    if fmt not in PUBLIC_FORMATS:
        raise Http404
    filename = f"cong-khai-{report.unit.code}-{report.period_end.year}-v{report.version}.{fmt}"
    if fmt == "pdf":
        path = services.report_path(report)
        if not path.exists():
            raise Http404
        response = FileResponse(
            path.open("rb"), as_attachment=True, filename=filename, content_type=PUBLIC_FORMATS[fmt]
        )
        response["X-Content-SHA256"] = report.sha256
    else:
        content = disclosure_csv(report.figures) if fmt == "csv" else disclosure_json(report)
        response = HttpResponse(content, content_type=PUBLIC_FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
@require_POST
def report_approve_view(request, pk):
    report = get_for_user(Report.objects.all(), request.user, Perm.APPROVE_REPORTS, pk=pk)
    try:
        services.report_approve(report=report, user=request.user, acknowledged=request.POST.get("acknowledge", ""))
        messages.success(request, _("Đã phê duyệt bản chính thức."))
    except services.ReportError as error:
        messages.error(request, str(error))
    return redirect("report-detail", pk=report.pk)


@login_required
def excel_download(request):
    unit = unit_for_figures(user=request.user, code=request.GET.get("unit"))
    if not scope_for(request.user).allows(Perm.DOWNLOAD_REPORTS, unit.pk):
        raise PermissionDenied
    cycle = cycle_for_unit(unit=unit)
    if cycle is None:
        raise Http404
    start, end = _period(request, cycle)
    figures = figures_for(unit=unit, period_start=start, period_end=end, cycle=cycle)
    response = HttpResponse(
        figures_workbook(figures), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="so-lieu-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


@login_required
def cycle_list_view(request):
    _require(request, Perm.VIEW_DASHBOARDS)
    cycles = list(cycle_list(user=request.user))
    context = {
        "cycles": cycles,
        "current_ids": {cycle.pk for cycle in cycles_current(cycles)},
        "may_create": scope_for(request.user).has_perm(Perm.PREPARE_REPORTS),
    }
    return render(request, "reports/cycle_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create_view(request):
    """Staff open the next cycle of their province, annual or (?kind=disclosure) the Decree 03/2026 disclosure;
    the form proposes the dates the portal would use."""
    _require(request, Perm.VIEW_DASHBOARDS)
    kind = CycleKind.DISCLOSURE if request.GET.get("kind") == CycleKind.DISCLOSURE else CycleKind.ANNUAL
    provinces = list(cycle_provinces(user=request.user))
    if not provinces:  # leadership and auditors read the cycles; opening one is the department's work
        raise PermissionDenied
    province = provinces[0]
    if len(provinces) > 1:  # an administrator: which province comes from the query string
        province = next((p for p in provinces if p.code == request.GET.get("province")), province)
    form = CycleCreateForm(
        request.POST or None,
        initial=cycle_next_defaults(province=province, kind=kind),
        instance=ReportingCycle(kind=kind),
    )
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(user=request.user, province=province, kind=kind, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã mở kỳ báo cáo năm %(year)s.") % {"year": cycle.year})
            return redirect("cycle-detail", pk=cycle.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "province": province,
        "provinces": provinces if len(provinces) > 1 else None,
        "kind": kind,
    }
    return render(request, "reports/cycle_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_detail(request, pk):
    """A cycle's dates, read by leadership and auditors, changed by staff until a report of it is final."""
    cycle = get_for_user(
        ReportingCycle.objects.visible_to(request.user, Perm.VIEW_DASHBOARDS).select_related("programme", "province"),
        request.user,
        pk=pk,
    )
    scope = scope_for(request.user)
    may_change = scope.allows(Perm.PREPARE_REPORTS, cycle.province_id)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    final = cycle_final_report(cycle=cycle)
    form = None
    if may_change and final is None:
        form = CycleDatesForm(request.POST or None, instance=ReportingCycle.objects.get(pk=cycle.pk))
        if request.method == "POST" and form.is_valid():
            try:
                reopened = services.cycle_update_dates(cycle=cycle, user=request.user, **form.cleaned_data)
            except services.ReportError as error:  # a report was approved meanwhile
                messages.error(request, str(error))
            else:
                messages.success(request, _("Đã lưu các mốc thời gian của kỳ báo cáo."))
                if reopened:
                    messages.warning(
                        request,
                        ngettext(
                            "Kỳ báo cáo đã đổi: %(count)s xã đã xác nhận số liệu theo kỳ cũ cần xác nhận lại.",
                            "Kỳ báo cáo đã đổi: %(count)s xã đã xác nhận số liệu theo kỳ cũ cần xác nhận lại.",
                            reopened,
                        )
                        % {"count": reopened},
                    )
            return redirect("cycle-detail", pk=cycle.pk)
    elif request.method == "POST":
        messages.error(request, _("Kỳ báo cáo đã có báo cáo chính thức nên không sửa được các mốc thời gian."))
        return redirect("cycle-detail", pk=cycle.pk)
    context = {
        "cycle": cycle,
        "form": form,
        "final": final,
        "may_change": may_change,
        "reports": report_list(user=request.user).filter(cycle=cycle)[:20] if cycle.is_disclosure else None,
        "history": history_entries(cycle.history.select_related("history_user"))
        if scope.allows(Perm.VIEW_AUDIT_TRAIL, cycle.province_id)
        else None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/cycle_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_texts(request, pk):
    cycle = get_for_user(ReportingCycle.objects.select_related("programme"), request.user, Perm.PREPARE_REPORTS, pk=pk)
    form = CycleTextsForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        services.cycle_update_texts(
            cycle=cycle,
            user=request.user,
            difficulties=form.cleaned_data["difficulties"],
            proposals=form.cleaned_data["proposals"],
        )
        messages.success(request, _("Đã lưu nội dung báo cáo."))
        return redirect("report-dashboard")
    return render(request, "reports/cycle_texts.html", {"cycle": cycle, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def confirmation(request):
    """The commune officer's page: this cycle's figures of each of their communes, and the button to confirm."""
    _require(request, Perm.CONFIRM_FIGURES)
    communes = list(officer_communes(user=request.user))
    if request.method == "POST":
        commune = get_object_or_404(officer_communes(user=request.user), code=request.POST.get("commune"))
        cycle = cycle_for_unit(unit=commune)
        if cycle is None:
            raise Http404
        try:
            services.confirmation_confirm(
                cycle=cycle, commune=commune, user=request.user, acknowledged=request.POST.get("acknowledge", "")
            )
            messages.success(request, _("Đã xác nhận số liệu của %(name)s.") % {"name": commune.name})
        except services.ReportError as error:
            messages.error(request, str(error))
        return redirect("report-confirmation")
    rows = []
    for commune in communes:  # an officer has one or a few communes
        cycle = cycle_for_unit(unit=commune)
        if cycle is None:
            continue
        confirmation = CommuneConfirmation.objects.filter(cycle=cycle, commune=commune).first()
        confirmed = confirmation is not None and confirmation.status == ConfirmationStatus.CONFIRMED
        checklist = None if confirmed else confirmation_checklist(cycle=cycle, commune=commune)
        figures = (
            checklist.figures
            if checklist is not None
            else figures_for(unit=commune, period_start=cycle.period_start, period_end=cycle.period_end, cycle=cycle)
        )
        rows.append(
            {
                "commune": commune,
                "cycle": cycle,
                "confirmation": confirmation,
                "confirmed": confirmed,
                "checklist": checklist,
                "figures": figures,
                "days_left": (cycle.confirm_by - timezone.localdate()).days,
            }
        )
    return render(request, "reports/confirmation.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def confirmation_reopen_view(request, pk):
    """Staff reopen a commune's confirmed figures, saying why; the page warns when a final report states them."""
    confirmation = get_for_user(
        CommuneConfirmation.objects.select_related("cycle", "commune", "confirmed_by"),
        request.user,
        Perm.PREPARE_REPORTS,
        pk=pk,
    )
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirmation_reopen(
                confirmation=confirmation,
                user=request.user,
                reason=form.cleaned_data["reason"],
                acknowledged=request.POST.get("acknowledge", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.ReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã mở lại số liệu của %(name)s.") % {"name": confirmation.commune.name})
            return redirect("report-dashboard")
    context = {
        "confirmation": confirmation,
        "form": form,
        "checklist": reopen_checklist(confirmation=confirmation),
        "confirmed": confirmation.status == ConfirmationStatus.CONFIRMED,
    }
    return render(request, "reports/confirmation_reopen.html", context, status=400 if request.method == "POST" else 200)


@login_required
def reconciliation(request):
    """Statement credits vs receipts vs allocations of the province for a period (default: the current cycle's),
    with every difference listed and explained (reports.figures.reconciliation_for)."""
    _require(request, Perm.VIEW_DASHBOARDS)
    cycle = cycle_current(user=request.user)
    if cycle is None:
        raise Http404
    form = PeriodForm(request.GET or None)
    start, end = cycle.period_start, cycle.period_end
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"] or start, form.cleaned_data["end"] or end
    elif not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    figures = reconciliation_for(province=cycle.province, start=start, end=end)
    notes = [DEFINITIONS[key] for key in ("statement_credits", "on_statement", "received", "allocated", "unallocated")]
    context = {"cycle": cycle, "form": form, "r": figures, "notes": notes}
    return render(request, "reports/reconciliation.html", context)
