"""The ministry's pages: the provinces' submissions, their approved figures side by side, the national roll-up.

Thin: national.selectors and national.services. Everyone without Perm.VIEW_NATIONAL is an outsider (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from national import services
from national.models import NationalReport
from national.selectors import (
    final_report_for_ministry,
    national_figures,
    national_year,
    national_years,
    province_submissions,
    rollup_latest,
    rollup_list,
)
from portal.permissions import Perm
from portal.scoping import scope_for
from reports.services import ReportError, report_path

FIRST_YEAR, LAST_YEAR = 2019, 2100  # the programmes the portal reports under start in 2019


def _year(request):
    """The year asked for (?year=), else the latest with a cycle; outsiders and nonsense years are 404."""
    raw = request.GET.get("year") or request.POST.get("year")
    try:
        year = int(raw) if raw else None
    except ValueError:
        raise Http404 from None
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return national_year(year)


def _context(request, year, programme, **more):
    return {"year": year, "programme": programme, "years": sorted({year, *national_years()}, reverse=True), **more}


def _require(request) -> None:
    """The national pages do not exist for anyone but the ministry (and the admin): 404, as for every outsider."""
    if not scope_for(request.user).has_perm(Perm.VIEW_NATIONAL):
        raise Http404


@login_required
def overview(request):
    """Which provinces submitted their annual report for the year: final, draft only, none; due and approved on."""
    _require(request)
    year, programme = _year(request)
    rows = province_submissions(user=request.user, year=year, programme=programme)
    counts = {state: sum(row["state"] == state for row in rows) for state in ("final", "draft", "building", "none")}
    return render(request, "national/overview.html", _context(request, year, programme, rows=rows, counts=counts))


@login_required
def figures(request):
    """The approved figures of the provinces side by side, and their sum."""
    _require(request)
    year, programme = _year(request)
    data = national_figures(user=request.user, year=year, programme=programme)
    measures = data["measures"]
    rows = [
        {"row": row, "cells": [(row["report"][name], money, label) for name, label, money in measures]}
        for row in data["provinces"]
    ]
    totals = [(data["totals"][name], money, label) for name, label, money in measures]
    context = _context(request, year, programme, data=data, rows=rows, totals=totals)
    return render(request, "national/figures.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rollup(request):
    """The year's national roll-ups; POST requests a new one, built by a worker from the final reports."""
    _require(request)
    year, programme = _year(request)
    builds = rollup_list(user=request.user, year=year, programme=programme)
    if request.method == "POST":
        try:
            report = services.rollup_request(user=request.user, year=year, programme=programme)
        except ReportError as error:
            messages.error(request, str(error))
        else:
            if services.rollup_enqueue(report):
                messages.success(request, _("Đã đưa báo cáo tổng hợp vào hàng đợi; trang này tự cập nhật tiến độ."))
            else:
                messages.warning(
                    request,
                    _(
                        "Hệ thống lập báo cáo tạm thời không hoạt động. Yêu cầu đã được ghi nhận ở trạng thái chờ lập "
                        "và sẽ được lập tự động khi hệ thống hoạt động trở lại."
                    ),
                )
        return redirect(f"{reverse('national:rollup')}?year={year}")
    context = _context(
        request,
        year,
        programme,
        builds=builds[:50],
        latest=rollup_latest(year=year, programme=programme),
        running=any(build.is_running for build in builds[:5]),
    )
    return render(request, "national/rollup.html", context)


def _download(path, filename: str, content_type: str, sha256: str):
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-SHA256"] = sha256
    return response


def _built_rollup(request, pk: int) -> NationalReport:
    _require(request)
    report = get_object_or_404(NationalReport, pk=pk)
    if not report.is_built:
        raise Http404
    return report


@login_required
def rollup_pdf(request, pk):
    report = _built_rollup(request, pk)
    filename = f"tong-hop-toan-quoc-{report.year}-v{report.version}.pdf"
    return _download(services.rollup_path(report), filename, "application/pdf", report.sha256)


@login_required
def rollup_workbook(request, pk):
    report = _built_rollup(request, pk)
    filename = f"tong-hop-toan-quoc-{report.year}-v{report.version}.xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(services.rollup_path(report, workbook=True), filename, content_type, report.workbook_sha256)


@login_required
def province_report(request, pk):
    """A province's final annual report as it approved it (the PDF it sends the ministry)."""
    _require(request)
    report = final_report_for_ministry(user=request.user, pk=pk)
    if report is None:
        raise Http404
    filename = f"bao-cao-{report.unit.code}-{report.period_end.year}-v{report.version}.pdf"
    return _download(report_path(report), filename, "application/pdf", report.sha256)
