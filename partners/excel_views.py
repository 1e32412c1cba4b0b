"""Excel import of a partner organisation's support records (upload → preview → confirm), for its accounts only."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners import spreadsheets
from portal.spreadsheets import views as generic
from portal.spreadsheets.exporting import xlsx_response
from portal.spreadsheets.template import template_workbook

URLS = generic.ImportUrls(
    upload="partners-import",
    preview="partners-import-preview",
    confirm="partners-import-confirm",
    cancel="partners-import-cancel",
    template="partners-import-template",
    done="partners:home",
)


def _check(user) -> None:
    if not spreadsheets.may_import(user):
        raise Http404  # not a partner organisation's account


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _check(request.user)
    return generic.upload_page(request, spec=spreadsheets.SPEC, urls=URLS)


@login_required
@require_GET
def import_preview(request, token):
    _check(request.user)
    return generic.preview_page(request, spec=spreadsheets.SPEC, urls=URLS, token=token)


@login_required
@require_POST
def import_confirm(request, token):
    _check(request.user)
    return generic.confirm(request, spec=spreadsheets.SPEC, urls=URLS, token=token)


@login_required
@require_POST
def import_cancel(request, token):
    _check(request.user)
    return generic.cancel(request, spec=spreadsheets.SPEC, urls=URLS, token=token)


@login_required
@require_GET
def import_template(request):
    _check(request.user)
    content = template_workbook(
        sheet_name=spreadsheets.SPEC.sheet_name,
        columns=spreadsheets.SPEC.columns,
        lists=spreadsheets.template_lists(request.user),
        instructions=spreadsheets.template_instructions(),
    )
    return xlsx_response(content, "mau-nhap-ho-tro-to-chuc.xlsx")
