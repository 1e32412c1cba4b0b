"""Pages for the donor registry, pledges, receipts, campaigns, the yearly plan, sponsorships and commendation."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donors import exports, figures, selectors, services
from donors.forms import (
    CampaignForm,
    CommendationForm,
    DonorAccountForm,
    DonorContactForm,
    DonorForm,
    DonorSearchForm,
    PledgeFilterForm,
    PledgeForm,
    PledgeItemFormSet,
    ReceiptCancelForm,
    ReceiptCorrectionForm,
    ReceiptForm,
    SponsorshipForm,
    TransitionForm,
)
from donors.models import RECEIVABLE_STATUSES, Donor, DonorContact, Pledge, PledgeKind, PledgeStatus, Receipt
from donors.transfer_codes import pledge_code
from needs.models import AgeBand, Category
from portal import extensions
from portal.forms import QueuedPasswordResetForm
from portal.models import Agency
from portal.pdf import render_pdf
from portal.permissions import Perm
from portal.scoping import get_for_user, scope_for

PAGE_SIZE = 25


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()  # the filters, kept by the pager's links
    return page


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: each message on its field, the others above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _require_manager(user):
    """Pages that create rows without an object yet: only users who manage donors somewhere."""
    if not scope_for(user).has_perm(Perm.MANAGE_DONORS):
        raise PermissionDenied


# --- Donors -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def donor_list(request):
    form = DonorSearchForm(request.GET)
    form.is_valid()
    donors = selectors.donor_list(
        user=request.user, search=form.cleaned_data.get("q", ""), type=form.cleaned_data.get("type", "")
    )
    if request.GET.get("format") == "xlsx":
        return exports.donors_xlsx(donors, user=request.user, filters=dict(form.cleaned_data))
    context = {
        "form": form,
        "page": _page(request, donors),
        "may_manage": scope_for(request.user).has_perm(Perm.MANAGE_DONORS),
    }
    return render(request, "donors/donor_list.html", context)


def _donor_form_page(request, donor: Donor | None):
    form = DonorForm(request.POST or None, instance=donor, user=request.user)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        candidate = form.instance
        duplicates = selectors.donor_duplicates(
            province_id=candidate.province_id,
            name=candidate.name,
            tax_code=candidate.tax_code,
            exclude_pk=candidate.pk,
        )
        if not duplicates or form.cleaned_data["confirm_duplicate"]:
            saved = services.donor_save(donor=candidate)
            messages.success(request, _("Đã lưu nhà tài trợ %(name)s.") % {"name": saved.name})
            return redirect("donor-detail", pk=saved.pk)
    return render(request, "donors/donor_form.html", {"form": form, "donor": donor, "duplicates": duplicates})


@login_required
@require_http_methods(["GET", "POST"])
def donor_create(request):
    _require_manager(request.user)
    return _donor_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def donor_edit(request, pk):
    donor = get_for_user(Donor.objects.all(), request.user, Perm.MANAGE_DONORS, pk=pk)
    return _donor_form_page(request, donor)


@login_required
@require_http_methods(["GET", "POST"])
def donor_detail(request, pk):
    donor = get_for_user(Donor.objects.select_related("province"), request.user, Perm.VIEW_RECORDS, pk=pk)
    may_manage = scope_for(request.user).allows(Perm.MANAGE_DONORS, donor.province_id)
    contact_form = DonorContactForm()
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        contact_form = DonorContactForm(request.POST)
        if contact_form.is_valid():
            services.donor_save(donor=donor, contacts=[contact_form.save(commit=False)])
            messages.success(request, _("Đã thêm người liên hệ."))
            return redirect("donor-detail", pk=donor.pk)
    context = {
        "donor": donor,
        "may_manage": may_manage,
        "contacts": donor.contacts.all(),
        "members": donor.members.order_by("username") if may_manage else None,
        "pledges": selectors.pledge_list(user=request.user, donor_id=donor.pk)[:20],
        "contact_form": contact_form,
    }
    return render(request, "donors/donor_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def donor_account_create(request, pk):
    donor = get_for_user(Donor.objects.all(), request.user, Perm.MANAGE_DONORS, pk=pk)
    initial = {}
    contact = DonorContact.objects.filter(donor=donor, pk=request.GET.get("contact") or 0).first()
    if contact:
        initial = {"full_name": contact.full_name, "email": contact.email, "phone": contact.phone}
    form = DonorAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user = services.donor_account_create(donor=donor, **form.cleaned_data)
        reset = QueuedPasswordResetForm({"email": user.email})
        if reset.is_valid():
            reset.save(request=request, use_https=request.is_secure())
        messages.success(
            request,
            _("Đã tạo tài khoản %(username)s; thư hướng dẫn đặt mật khẩu đã gửi tới %(email)s.")
            % {"username": user.username, "email": user.email},
        )
        return redirect("donor-detail", pk=donor.pk)
    return render(request, "donors/donor_account_form.html", {"form": form, "donor": donor})


# --- Pledges ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def pledge_list(request):
    form = PledgeFilterForm(request.GET)
    form.is_valid()
    pledges = selectors.pledge_list(user=request.user, status=form.cleaned_data.get("status", ""))
    if request.GET.get("format") == "xlsx":
        return exports.pledges_xlsx(pledges, user=request.user, filters=dict(form.cleaned_data))
    scope = scope_for(request.user)
    context = {
        "form": form,
        "page": _page(request, pledges),
        "may_pledge": scope.has_perm(Perm.MANAGE_DONORS) or Donor.objects.filter(members=request.user).exists(),
        "may_import": scope.has_perm(Perm.MANAGE_DONORS),
    }
    return render(request, "donors/pledge_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pledge_create(request):
    """Staff record a pledge for a donor in their province; a donor's own people submit one online (pending)."""
    scope = scope_for(request.user)
    manager = scope.has_perm(Perm.MANAGE_DONORS)
    if not manager and not Donor.objects.filter(members=request.user).exists():
        raise PermissionDenied
    donor = Donor.objects.visible_to(request.user).filter(pk=request.GET.get("donor") or 0).first()
    form = PledgeForm(request.POST or None, user=request.user, donor=donor)
    formset = PledgeItemFormSet(request.POST or None, instance=Pledge(), prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        pledge = form.save(commit=False)
        items = [f.save(commit=False) for f in formset.forms if f.has_changed()]
        if pledge.kind == PledgeKind.CASH:
            items = []
        online = not scope.allows(Perm.MANAGE_DONORS, pledge.donor.province_id)
        try:
            pledge = services.pledge_create(
                pledge=pledge,
                actor=request.user,
                items=items,
                earmark_communes=form.cleaned_data["earmark_communes"],
                online=online,
            )
        except services.PledgeError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if online:
                messages.success(request, _("Đã gửi cam kết; Sở sẽ liên hệ xác nhận."))
            else:
                messages.success(request, _("Đã ghi nhận cam kết #%(id)s.") % {"id": pledge.pk})
            return redirect("pledge-detail", pk=pledge.pk)
    return render(request, "donors/pledge_form.html", {"form": form, "formset": formset})


@login_required
@require_GET
def pledge_detail(request, pk):
    pledge = get_for_user(selectors.pledge_detail_queryset(user=request.user), request.user, pk=pk)
    may_manage = scope_for(request.user).allows(Perm.MANAGE_DONORS, pledge.donor.province_id)
    context = {
        "pledge": pledge,
        "may_manage": may_manage,
        "actions": services.allowed_actions(pledge) if may_manage else [],
        "receivable": may_manage and pledge.status in RECEIVABLE_STATUSES,
        "receipts": selectors.receipt_list(user=request.user, pledge_id=pledge.pk, include_cancelled=may_manage),
        "events": selectors.pledge_events(pledge),
        "transition_form": TransitionForm(),
        "earmark_categories": ", ".join(str(Category(c).label) for c in pledge.earmark_categories),
        "earmark_age_bands": ", ".join(str(AgeBand(b).label) for b in pledge.earmark_age_bands),
        "transfer": selectors.pledge_transfer(pledge, received=pledge.received_total),
        "code": pledge_code(pledge),
        "closed": pledge.status in (PledgeStatus.CANCELLED, PledgeStatus.LAPSED),
    }
    return render(request, "donors/pledge_detail.html", context)


@login_required
@require_POST
def pledge_transition(request, pk, action):
    pledge = get_for_user(Pledge.objects.all(), request.user, Perm.MANAGE_DONORS, pk=pk)
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        services.pledge_transition(
            pledge_id=pledge.pk, action=action, actor=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except services.PledgeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã cập nhật trạng thái cam kết."))
    return redirect("pledge-detail", pk=pledge.pk)


@login_required
@require_http_methods(["GET", "POST"])
def receipt_create(request, pk):
    pledge = get_for_user(selectors.pledge_detail_queryset(user=request.user), request.user, Perm.MANAGE_DONORS, pk=pk)
    form = ReceiptForm(request.POST or None, pledge=pledge)
    beyond = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = services.receipt_record(
                pledge_id=pledge.pk,
                actor=request.user,
                kind=data["kind"],
                received_on=data["received_on"],
                amount=data["amount"],
                method=data["method"],
                bank_reference=data["bank_reference"],
                item_id=data["item"].pk if data["item"] else None,
                quantity=data["quantity"],
                unit_value=data["unit_value"],
                confirm_beyond_pledge=data["confirm_beyond_pledge"],
                confirm_small_amount=data.get("confirm_small_amount", False),
                note=data["note"],
            )
        except services.BeyondPledge as error:
            beyond = True
            form.add_error("confirm_beyond_pledge", error.message)
        except services.FarBelowPledge as error:
            form.add_error("amount", error.message)
        except services.PledgeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã ghi nhận khoản tiếp nhận #%(id)s.") % {"id": receipt.pk})
            return redirect("pledge-detail", pk=pledge.pk)
    return render(request, "donors/receipt_form.html", {"form": form, "pledge": pledge, "beyond": beyond})


@login_required
@require_http_methods(["GET", "POST"])
def receipt_correct(request, pk):
    """Staff correct a receipt typed wrong (new amount or quantity) or cancel it, with a reason."""
    receipt = get_for_user(
        Receipt.objects.select_related("pledge__donor", "item"), request.user, Perm.MANAGE_DONORS, pk=pk
    )
    posted = request.POST if request.method == "POST" else None
    cancelling = posted is not None and "cancel" in posted
    form = ReceiptCorrectionForm(None if cancelling else posted, receipt=receipt)
    cancel_form = ReceiptCancelForm(posted if cancelling else None, prefix="cancel")
    bound = cancel_form if cancelling else form
    if posted is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if cancelling:
                services.receipt_cancel(receipt_id=receipt.pk, actor=request.user, reason=data["reason"])
            else:
                services.receipt_correct(
                    receipt_id=receipt.pk,
                    actor=request.user,
                    reason=data["reason"],
                    amount=data.get("amount"),
                    quantity=data.get("quantity"),
                    confirm_beyond_pledge=data["confirm_beyond_pledge"],
                    confirm_small_amount=data.get("confirm_small_amount", False),
                )
        except services.BeyondPledge as error:
            bound.add_error("confirm_beyond_pledge", error.message)
        except services.FarBelowPledge as error:
            bound.add_error("amount", error.message)
        except services.PledgeError as error:
            bound.add_error(None, error.message)
        else:
            done = _("Đã hủy khoản tiếp nhận #%(id)s.") if cancelling else _("Đã sửa khoản tiếp nhận #%(id)s.")
            messages.success(request, done % {"id": receipt.pk})
            return redirect("pledge-detail", pk=receipt.pledge_id)
    allocated, _units = extensions.receipt_allocated(receipt)
    context = {"receipt": receipt, "form": form, "cancel_form": cancel_form, "allocated": allocated}
    return render(request, "donors/receipt_correct.html", context)


@login_required
@require_GET
def receipt_letter(request, pk):
    """The printable receipt and thank-you letter, signed for the Agency of the donor's province."""
    receipt = get_for_user(
        Receipt.objects.select_related("pledge__donor__province", "pledge__campaign", "item"), request.user, pk=pk
    )
    donor = receipt.pledge.donor
    agency = Agency.objects.filter(province=donor.province).first()
    if agency is None:
        raise Http404
    context = {
        "receipt": receipt,
        "donor": donor,
        "agency": agency,
        "issued_on": timezone.localdate(),
        "number": f"{receipt.pk}/XN-{agency.department_abbreviation}",
        "recipients": [f"- {donor.name};", *agency.recipients.splitlines()],
        "transfer": selectors.pledge_transfer(receipt.pledge),
    }
    pdf = render_pdf("donors/pdf/receipt_letter.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="thu-cam-on-{receipt.pk}.pdf"'
    return response


# --- Campaigns and the plan -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request):
    scope = scope_for(request.user)
    may_manage = scope.has_perm(Perm.MANAGE_DONORS)
    form = CampaignForm(request.POST or None, user=request.user) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            form.instance.full_clean()
            campaign = form.save()
            messages.success(request, _("Đã thêm đợt vận động %(name)s.") % {"name": campaign.name})
            return redirect("campaign-list")
    campaigns = selectors.campaign_list(user=request.user)
    return render(request, "donors/campaign_list.html", {"page": _page(request, campaigns), "form": form})


@login_required
@require_GET
def plan_detail(request, year=None):
    year = year or timezone.localdate().year
    plan = selectors.plan_for(user=request.user, year=year)
    if plan is None:
        raise Http404
    progress = selectors.plan_progress(plan=plan)
    notes = [figures.NOTES["received"], figures.NOTES["plan_progress"]]
    context = {"plan": plan, "progress": progress, "year": year, "notes": notes}
    return render(request, "donors/plan_detail.html", context)


# --- Sponsorships -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sponsorship_list(request):
    scope = scope_for(request.user)
    may_manage = scope.has_perm(Perm.MANAGE_DONORS)
    form = SponsorshipForm(request.POST or None, user=request.user) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            services.sponsorship_save(sponsorship=form.save(commit=False))
            messages.success(request, _("Đã ghi nhận đỡ đầu."))
            return redirect("sponsorship-list")
    page = _page(request, selectors.sponsorship_list(user=request.user))
    cards = selectors.sponsorship_cards(list(page.object_list), user=request.user)
    return render(request, "donors/sponsorship_list.html", {"page": page, "cards": cards, "form": form})


# --- Commendation -----------------------------------------------------------------------------------------


@login_required
@require_GET
def commendation(request):
    if not scope_for(request.user).has_perm(Perm.VIEW_DASHBOARDS):
        raise PermissionDenied
    year = timezone.localdate().year
    form = CommendationForm(request.GET or {"start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)})
    ranking = None
    if form.is_valid():
        data = form.cleaned_data
        ranking = selectors.commendation_ranking(
            user=request.user, start=data["start"], end=data["end"], type=data["type"]
        )
        if request.GET.get("format") == "xlsx":
            return exports.commendation_xlsx(
                ranking, start=data["start"], end=data["end"], user=request.user, type=data["type"]
            )
    page = _page(request, ranking) if ranking is not None else None
    return render(request, "donors/commendation.html", {"form": form, "page": page})
