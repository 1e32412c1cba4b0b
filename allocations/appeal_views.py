"""Pages of appeals (Decree 93/2021/NĐ-CP): the staff's list, opening one, its page with documents and releases,
and the public disclosure. Thin: parse, call a service (donors.appeals) or a selector (allocations.appeals)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allocations import appeals as selectors
from allocations.figures import notes as figure_notes
from allocations.selectors import SMALL_COUNT
from allocations.views import PUBLIC_CACHE_SECONDS, public_response
from donors import appeals as services
from donors.forms import AppealDocumentForm, AppealForm, AppealReleaseForm
from donors.models import Appeal, AppealDocument
from donors.transfer_codes import campaign_code
from portal.models import Agency
from portal.permissions import Perm
from portal.scoping import get_for_user, scope_for
from portal.uploads import serve_stored_file

NOTES = ("appeal_received", "appeal_distributed", "delivered", "children_reached")


def _add_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_GET
def appeal_list(request):
    today = timezone.localdate()
    appeals = selectors.appeals_with_related().visible_to(request.user)
    rows = selectors.appeal_rows(appeals, user=request.user, today=today)
    may_open = scope_for(request.user).has_perm(Perm.MANAGE_DONORS)
    return render(request, "allocations/appeal_list.html", {"rows": rows, "may_open": may_open})


@login_required
@require_http_methods(["GET", "POST"])
def appeal_create(request):
    if not scope_for(request.user).has_perm(Perm.MANAGE_DONORS):
        raise PermissionDenied
    form = AppealForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        campaign, appeal, communes = form.instances()
        document = (
            form.cleaned_data["document_title"],
            form.cleaned_data["document"],
            form.cleaned_data["identity_removed"],
        )
        try:
            appeal = services.appeal_open(
                user=request.user, campaign=campaign, appeal=appeal, communes=communes, documents=[document]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã mở cuộc vận động %(name)s.") % {"name": campaign.name})
            return redirect("allocations:appeal-detail", pk=appeal.pk)
    return render(request, "allocations/appeal_form.html", {"form": form})


def _appeal_page(request, appeal: Appeal, *, document_form=None, release_form=None):
    today = timezone.localdate()
    may_manage = scope_for(request.user).allows(Perm.MANAGE_DONORS, appeal.campaign.province_id)
    if may_manage:
        document_form = document_form or AppealDocumentForm()
        release_form = release_form or AppealReleaseForm(appeal=appeal)
    agency = Agency.objects.filter(province_id=appeal.campaign.province_id).first()
    figures = selectors.appeal_figures(appeal)
    context = {
        "appeal": appeal,
        "countdown": services.appeal_countdown(appeal, today),
        "code": campaign_code(appeal.campaign),
        "agency": agency,
        "figures": figures,
        "all_distributed": selectors.all_distributed(figures),
        "title": selectors.title_for(request.user, appeal, today),
        "public_title": selectors.public_title(appeal, today),
        "sees_child": bool(appeal.child_id)
        and scope_for(request.user).allows(Perm.VIEW_PERSONAL_DATA, appeal.child.commune_id),
        "identity_published": selectors.identity_published(appeal, today) if appeal.child_id else None,
        "may_manage": may_manage,
        "document_form": document_form,
        "release_form": release_form,
        "notes": figure_notes(*NOTES),
        "small": SMALL_COUNT,
    }
    return render(request, "allocations/appeal_detail.html", context)


def _appeal(request, pk, perm=Perm.VIEW_RECORDS) -> Appeal:
    return get_for_user(selectors.appeals_with_related(), request.user, perm, pk=pk)


@login_required
@require_GET
def appeal_detail(request, pk):
    return _appeal_page(request, _appeal(request, pk))


@login_required
@require_POST
def appeal_document_add(request, pk):
    appeal = _appeal(request, pk, Perm.MANAGE_DONORS)
    form = AppealDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        services.appeal_document_add(
            user=request.user,
            appeal=appeal,
            title=data["title"],
            upload=data["file"],
            identity_removed=data["identity_removed"],
        )
        messages.success(request, _("Đã thêm văn bản."))
        return redirect("allocations:appeal-detail", pk=appeal.pk)
    return _appeal_page(request, appeal, document_form=form)


@login_required
@require_POST
def appeal_release(request, pk):
    appeal = _appeal(request, pk, Perm.MANAGE_DONORS)
    form = AppealReleaseForm(request.POST, appeal=appeal)
    if form.is_valid():
        try:
            release = services.appeal_release_commune(
                user=request.user,
                appeal=appeal,
                commune=form.cleaned_data["commune"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Tiền của cuộc vận động được dùng thêm ở %(commune)s.") % {"commune": release.commune.name}
            )
            return redirect("allocations:appeal-detail", pk=appeal.pk)
    return _appeal_page(request, appeal, release_form=form)


@login_required
@require_GET
def appeal_document(request, pk, document_pk):
    """A document of a critically ill child's appeal may name the child: unless staff marked it as showing nothing
    of the child (or the publication consents are in force), only people who see children's personal data get it."""
    document = get_for_user(
        AppealDocument.objects.select_related("appeal__child"), request.user, pk=document_pk, appeal_id=pk
    )
    appeal = document.appeal
    private = appeal.child_id and not selectors.public_documents(appeal).filter(pk=document.pk).exists()
    if private and not scope_for(request.user).allows(Perm.VIEW_PERSONAL_DATA, appeal.child.commune_id):
        raise PermissionDenied
    return serve_stored_file(document.file, content_type=document.content_type, download_name=document.original_name)


# --- Public -------------------------------------------------------------------------------------------------


@require_GET
def public_appeal(request, pk):
    today = timezone.localdate()
    data = cache.get_or_set(
        f"allocations:public-appeal:v1:{pk}:{today.isoformat()}",
        lambda: selectors.public_appeal(pk, today),
        PUBLIC_CACHE_SECONDS,
    )
    return public_response(request, "allocations/public_appeal.html", {"appeal": data}, notes=NOTES)


@require_GET
def public_appeal_document(request, pk, document_pk):
    document = selectors.public_document(pk, document_pk, timezone.localdate())
    response = serve_stored_file(
        document.file, content_type=document.content_type, download_name=document.original_name
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
