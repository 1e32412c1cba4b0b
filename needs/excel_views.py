"""Excel pages for children and needs: import (upload → preview → confirm), the template, and the list exports.

Exports take the same GET parameters as the lists (needs/filters.py) and never reach past the user's scope.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from needs import spreadsheets
from needs.filters import ChildFilter, NeedFilter
from needs.models import Child, Need
from needs.selectors import CHILD_ORDER
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.spreadsheets import views as generic
from portal.spreadsheets.exporting import export_response, xlsx_response
from portal.spreadsheets.template import template_workbook
from portal.text import collated

URLS = generic.ImportUrls(
    upload="needs-import",
    preview="needs-import-preview",
    confirm="needs-import-confirm",
    cancel="needs-import-cancel",
    template="needs-import-template",
    # Once saved, the officer lands on the needs this file created, to send its drafts on in one step.
    done=lambda record: f"{reverse('needs:need-list')}?import={record.pk}",
)


def _require_import(user) -> None:
    if not spreadsheets.may_import(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_import(request.user)
    return generic.upload_page(request, spec=spreadsheets.SPEC, urls=URLS)


@login_required
@require_GET
def import_preview(request, token):
    _require_import(request.user)
    return generic.preview_page(request, spec=spreadsheets.SPEC, urls=URLS, token=token)


@login_required
@require_POST
def import_confirm(request, token):
    _require_import(request.user)
    return generic.confirm(request, spec=spreadsheets.SPEC, urls=URLS, token=token)


@login_required
@require_POST
def import_cancel(request, token):
    _require_import(request.user)
    return generic.cancel(request, spec=spreadsheets.SPEC, urls=URLS, token=token)


@login_required
@require_GET
def import_template(request):
    _require_import(request.user)
    content = template_workbook(
        sheet_name=spreadsheets.SPEC.sheet_name,
        columns=spreadsheets.SPEC.columns,
        lists=spreadsheets.template_lists(request.user),
        instructions=spreadsheets.template_instructions(),
    )
    return xlsx_response(content, "mau-nhap-tre-em-nhu-cau.xlsx")


def _require_personal_data(user) -> None:
    # Lists of named children are personal data of minors: only roles that may see it, in their scope.
    if not scope_for(user).has_perm(Perm.VIEW_PERSONAL_DATA):
        raise PermissionDenied


def _filtered(filterset):
    # A filter the user may not use (e.g. another commune) gives an empty list, never the unfiltered one.
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def _applied(filterset) -> dict:
    return {name: filterset.data.get(name) for name in filterset.filters if filterset.data.get(name)}


@login_required
@require_GET
def child_export(request):
    _require_personal_data(request.user)
    queryset = Child.objects.visible_to(request.user, Perm.VIEW_PERSONAL_DATA).active()
    filterset = ChildFilter(request.GET, queryset=queryset, request=request)
    rows = _filtered(filterset).select_related("commune", "village", "ethnic_group").order_by(*CHILD_ORDER)
    return export_response(
        user=request.user,
        what="needs.children",
        filters=_applied(filterset),
        filename=f"tre-em-{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title="TreEm",
        columns=spreadsheets.CHILD_EXPORT,
        rows=rows.iterator(chunk_size=2000),
    )


@login_required
@require_GET
def need_export(request):
    _require_personal_data(request.user)
    queryset = Need.objects.visible_to(request.user, Perm.VIEW_PERSONAL_DATA)
    filterset = NeedFilter(request.GET, queryset=queryset, request=request)
    rows = (
        _filtered(filterset)
        .select_related("child", "commune", "village")
        .order_by(collated("commune__name"), "commune_id", "pk")
    )
    return export_response(
        user=request.user,
        what="needs.needs",
        filters=_applied(filterset),
        filename=f"nhu-cau-{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title="NhuCau",
        columns=spreadsheets.NEED_EXPORT,
        rows=rows.iterator(chunk_size=2000),
    )
