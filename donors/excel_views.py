"""Excel import pages for donors and pledges (upload → preview → confirm), on the shared mechanism.

Only users who manage donors (department staff) may import, and only into the provinces they manage: the
resources look donors, campaigns and provinces up within `Perm.MANAGE_DONORS` scope.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donors import spreadsheets
from portal.spreadsheets import views as generic
from portal.spreadsheets.exporting import xlsx_response
from portal.spreadsheets.template import template_workbook

IMPORTS = {
    "donors": (
        spreadsheets.DONOR_SPEC,
        generic.ImportUrls(
            upload="donors-import",
            preview="donors-import-preview",
            confirm="donors-import-confirm",
            cancel="donors-import-cancel",
            template="donors-import-template",
            done="donor-list",
        ),
        spreadsheets.donor_template_lists,
        spreadsheets.donor_template_instructions,
        "mau-nhap-nha-tai-tro.xlsx",
    ),
    "pledges": (
        spreadsheets.PLEDGE_SPEC,
        generic.ImportUrls(
            upload="pledges-import",
            preview="pledges-import-preview",
            confirm="pledges-import-confirm",
            cancel="pledges-import-cancel",
            template="pledges-import-template",
            done="pledge-list",
        ),
        spreadsheets.pledge_template_lists,
        spreadsheets.pledge_template_instructions,
        "mau-nhap-cam-ket.xlsx",
    ),
}


def _import(user, what: str):
    if not spreadsheets.may_import(user):
        raise PermissionDenied
    return IMPORTS[what]


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, what):
    spec, urls, *_rest = _import(request.user, what)
    return generic.upload_page(request, spec=spec, urls=urls)


@login_required
@require_GET
def import_preview(request, what, token):
    spec, urls, *_rest = _import(request.user, what)
    return generic.preview_page(request, spec=spec, urls=urls, token=token)


@login_required
@require_POST
def import_confirm(request, what, token):
    spec, urls, *_rest = _import(request.user, what)
    return generic.confirm(request, spec=spec, urls=urls, token=token)


@login_required
@require_POST
def import_cancel(request, what, token):
    spec, urls, *_rest = _import(request.user, what)
    return generic.cancel(request, spec=spec, urls=urls, token=token)


@login_required
@require_GET
def import_template(request, what):
    spec, _urls, lists, instructions, filename = _import(request.user, what)
    content = template_workbook(
        sheet_name=spec.sheet_name, columns=spec.columns, lists=lists(request.user), instructions=instructions()
    )
    return xlsx_response(content, filename)
