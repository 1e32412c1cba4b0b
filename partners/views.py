"""Partner organisations' pages: their support records (page, Excel), the child lookup by record code, and the
department's overlap list. Partners never reach the province's children, needs or donors (no VIEW_RECORDS)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from allocations.models import PartnerSupport
from allocations.rules import SupportKey, support_overlaps_of
from allocations.services import OverlapFound, partner_support_build, partner_support_record
from partners import selectors
from partners.forms import LookupForm, SupportForm
from portal.permissions import Perm
from portal.scoping import get_for_user, scope_for
from portal.uploads import serve_stored_file


def _partners(user):
    partners = list(selectors.partners_of(user))
    if not partners:
        raise Http404  # not a partner organisation's account
    return partners


@login_required
@require_GET
def home(request):
    partners = _partners(request.user)
    supports = selectors.support_list(user=request.user, partner_ids=[p.pk for p in partners])
    page = Paginator(supports, 50).get_page(request.GET.get("page"))
    names = selectors.shared_names(user=request.user, child_ids=[s.child_id for s in page if s.child_id])
    for support in page:
        support.shared_name = names.get(support.child_id)
    context = {"partners": partners, "supports": page, "totals": selectors.support_totals(supports)}
    return render(request, "partners/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def support_new(request):
    partners = _partners(request.user)
    initial = {"child_code": request.GET.get("child_code", "")}  # from the lookup page
    form = SupportForm(
        request.POST or None, request.FILES or None, user=request.user, partners=partners, initial=initial
    )
    overlaps = None
    if request.method == "POST" and form.is_valid():
        try:
            support = partner_support_build(**form.service_arguments())
            partner_support_record(user=request.user, support=support, evidence=form.cleaned_data.get("evidence"))
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        except OverlapFound as found:
            overlaps = found.overlaps
            form.add_error("overlap_reason", found.message)
        else:
            messages.success(request, _("Đã ghi nhận hỗ trợ."))
            return redirect("partners:home")
    return render(request, "partners/support_form.html", {"form": form, "overlaps": overlaps})


def _support(request, pk):
    return get_for_user(
        PartnerSupport.objects.select_related("partner", "commune", "village", "child"), request.user, pk=pk
    )


@login_required
@require_GET
def support_detail(request, pk):
    support = _support(request, pk)
    scope = scope_for(request.user)
    name = None
    if support.child_id:
        if scope.allows(Perm.VIEW_PERSONAL_DATA, support.commune_id):
            name = support.child.full_name
        else:
            name = selectors.shared_names(user=request.user, child_ids=[support.child_id]).get(support.child_id)
    return render(request, "partners/support_detail.html", {"support": support, "child_name": name})


@login_required
@require_GET
def support_evidence(request, pk):
    support = _support(request, pk)
    if not support.evidence:
        raise Http404
    return serve_stored_file(support.evidence, content_type=support.evidence_type, download_name=support.evidence_name)


@login_required
@require_GET
def lookup(request):
    if not scope_for(request.user).has_perm(Perm.LOOK_UP_CHILD_BY_CODE):
        raise Http404
    form = LookupForm(request.GET or None)
    found = None
    if form.is_valid():
        found = selectors.child_lookup(user=request.user, code=form.cleaned_data["code"])
    return render(request, "partners/lookup.html", {"form": form, "found": found, "asked": form.is_bound})


@login_required
@require_GET
def overlap_list(request):
    """The department's list of children supported twice in a category and season, once at least by a partner."""
    if not scope_for(request.user).has_perm(Perm.VIEW_RECORDS):
        raise Http404
    supports = Paginator(selectors.overlap_list(user=request.user), 50).get_page(request.GET.get("page"))
    overlaps = support_overlaps_of(SupportKey(s.child_id, s.category, s.season, support_id=s.pk) for s in supports)
    for support in supports:
        support.overlaps = overlaps.get(
            SupportKey(support.child_id, support.category, support.season, support_id=support.pk), []
        )
    return render(request, "partners/overlap_list.html", {"supports": supports})
