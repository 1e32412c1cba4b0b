"""Pages for children and needs. Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from needs import erasure, selectors, services, spreadsheets
from needs.filters import ChildFilter, NeedFilter
from needs.forms import (
    AnonymiseForm,
    AttachmentForm,
    BulkActionForm,
    ChildForm,
    ConsentForm,
    MergeForm,
    NeedForm,
    QuickChildForm,
    ShareForm,
    TransitionForm,
)
from needs.models import Child, ConsentGiver, ConsentPurpose, Need, NeedAttachment
from needs.workflow import (
    EDITABLE_STATUSES,
    GUARDS,
    TransitionError,
    actions_for,
    may_act,
    need_transition,
    needs_bulk_transition,
)
from portal import audit
from portal.models import AccessView, Agency, ImportRecord
from portal.pdf import render_pdf
from portal.permissions import Perm
from portal.scoping import get_for_user, scope_for
from portal.uploads import serve_stored_file

PER_PAGE = 25
# What the commune's lists let an officer do to many needs at once; the department's queue offers its own.
COMMUNE_BULK_ACTIONS = ("submit", "withdraw")
QUEUE_BULK_ACTIONS = ("verify", "return")
REFUSALS_SHOWN = 20


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _add_errors(form, error: ValidationError, *, skip=()) -> None:
    """Put a service's validation errors next to the fields they name, the rest on top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            if field not in skip:
                form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _duplicate_error(form, error: services.DuplicateNeedError) -> None:
    url = reverse("needs:need-detail", args=[error.existing.pk])
    form.add_error(None, format_html('{} <a href="{}">{}</a>', error.message, url, _("Xem nhu cầu đã có")))


def _mark_personal(user, needs) -> None:
    """Names are shown only where the user may see children's personal data (leaders see needs, not names)."""
    scope = scope_for(user)
    for need in needs:
        need.show_child = scope.allows(Perm.VIEW_PERSONAL_DATA, need.commune_id)


def _require_perm(user, perm) -> None:
    if not scope_for(user).has_perm(perm):
        raise PermissionDenied


# --- Children ---------------------------------------------------------------------------------------------


@login_required
def child_list(request):
    _require_perm(request.user, Perm.VIEW_PERSONAL_DATA)
    filterset = ChildFilter(request.GET or None, queryset=selectors.child_list(user=request.user), request=request)
    page = _page(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "may_register": scope_for(request.user).has_perm(Perm.REGISTER_NEEDS),
        "may_import": spreadsheets.may_import(request.user),
    }
    return render(request, "needs/child_list.html", context)


@login_required
def child_detail(request, pk):
    child = get_for_user(
        Child.objects.select_related("commune", "village", "ethnic_group", "merged_into", "merged_by", "anonymised_by"),
        request.user,
        Perm.VIEW_PERSONAL_DATA,
        pk=pk,
    )
    scope = scope_for(request.user)
    may_edit = not (child.merged_into_id or child.anonymised_at) and (
        scope.allows(Perm.REGISTER_NEEDS, child.commune_id) or scope.allows(Perm.VERIFY_NEEDS, child.commune_id)
    )
    needs = child.needs.select_related("commune", "village").order_by("-created_at", "-pk")
    audit.access_record(
        user=request.user, view=AccessView.PAGE, commune_id=child.commune_id, record_id=child.pk, record_code=child.code
    )
    may_audit = scope.allows(Perm.VIEW_AUDIT_TRAIL, child.commune_id)
    context = {
        "child": child,
        "needs": needs,
        "consents": child.consents.select_related("recorded_by").order_by("-given_on", "-pk"),
        "merged_from": child.merged_from.select_related("merged_by").order_by("merged_at"),
        "may_edit": may_edit,
        "may_register": may_edit and scope.allows(Perm.REGISTER_NEEDS, child.commune_id),
        "may_merge": may_edit and scope.allows(Perm.VERIFY_NEEDS, child.commune_id),
        "may_export": erasure.may_export(request.user, child),
        "may_anonymise": may_edit and erasure.may_anonymise(request.user, child),
        "consent_form": ConsentForm(child=child, prefix="consent"),
        "shares": child.shares.select_related("partner", "consent", "child").order_by("partner__name"),
        "share_form": ShareForm(child=child, prefix="share"),
        "merge_form": MergeForm(prefix="merge"),
        "age": child.age(),
        "circumstances": child.circumstance_labels(),
        "history": selectors.child_history(child=child) if may_audit else None,
        "reads": selectors.child_reads_list(child=child) if may_audit else None,
    }
    return render(request, "needs/child_detail.html", context)


@login_required
@require_POST
def child_share(request, pk):
    """Share the child with a partner organisation on the guardian's consent, or stop sharing (`stop`)."""
    child = _child_for_change(request, pk)
    if request.POST.get("stop"):
        share = get_object_or_404(child.shares.select_related("child__commune"), pk=request.POST["stop"])
        services.child_share_stop(share=share, user=request.user)
        messages.success(request, _("Đã ngừng chia sẻ với %(partner)s.") % {"partner": share.partner.name})
        return redirect("needs:child-detail", pk=child.pk)
    form = ShareForm(request.POST, child=child, prefix="share")
    if form.is_valid():
        try:
            share = services.child_share_with_partner(child=child, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã chia sẻ với %(partner)s.") % {"partner": share.partner.name})
            return redirect("needs:child-detail", pk=child.pk)
    return render(request, "needs/share_form.html", {"form": form, "child": child})


def _child_for_change(request, pk, perms=(Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS)):
    child = get_for_user(Child.objects.select_related("commune"), request.user, Perm.VIEW_PERSONAL_DATA, pk=pk)
    scope = scope_for(request.user)
    if not any(scope.allows(perm, child.commune_id) for perm in perms):
        raise PermissionDenied
    return child


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request, pk):
    child = _child_for_change(request, pk)
    form = ChildForm(request.POST or None, instance=child, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(child=child, user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu hồ sơ của trẻ."))
            return redirect("needs:child-detail", pk=child.pk)
    return render(request, "needs/child_form.html", {"form": form, "child": child})


@login_required
@require_POST
def consent_add(request, pk):
    child = _child_for_change(request, pk)
    form = ConsentForm(request.POST, child=child, prefix="consent")
    if form.is_valid():
        try:
            services.consent_record(child=child, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã ghi nhận sự đồng ý."))
            return redirect("needs:child-detail", pk=child.pk)
    return render(request, "needs/consent_form.html", {"form": form, "child": child})


@login_required
@require_POST
def child_merge(request, pk):
    keep = _child_for_change(request, pk, perms=(Perm.VERIFY_NEEDS,))
    form = MergeForm(request.POST, prefix="merge")
    if form.is_valid():
        merged = Child.objects.visible_to(request.user, Perm.VERIFY_NEEDS).filter(
            code__iexact=form.cleaned_data["other_code"].strip()
        )
        merged = merged.first()
        if merged is None:
            form.add_error("other_code", _("Không tìm thấy hồ sơ có mã này trong phạm vi của bạn."))
        else:
            try:
                services.child_merge(keep=keep, merged=merged, user=request.user, reason=form.cleaned_data["reason"])
            except services.MergeError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Đã gộp hồ sơ %(old)s vào hồ sơ này.") % {"old": merged.code})
                return redirect("needs:child-detail", pk=keep.pk)
    return render(request, "needs/merge_form.html", {"form": form, "child": keep})


@login_required
@require_GET
def child_export(request, pk):
    """The guardian's copy of everything held about the child, as a printable PDF; every copy is logged."""
    child = _child_for_change(request, pk)
    agency = Agency.objects.filter(province_id=child.commune.province_id).first()
    context = erasure.child_record(child=child, user=request.user) | {
        "agency": agency,
        "issued_on": timezone.localdate(),
        "issued_by": request.user,
        "symbol": "PCCTT",
    }
    response = HttpResponse(render_pdf("needs/pdf/child_record.html", context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ho-so-tre-{child.code}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def child_anonymise(request, pk):
    child = _child_for_change(request, pk, perms=(Perm.VERIFY_NEEDS,))
    form = AnonymiseForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.child_anonymise(child=child, user=request.user, reason=form.cleaned_data["reason"])
        except erasure.ErasureError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã ẩn danh hồ sơ %(code)s.") % {"code": child.code})
            return redirect("needs:child-detail", pk=child.pk)
    return render(request, "needs/anonymise_form.html", {"form": form, "child": child})


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """The commune officer's one-page flow: a child and their first need, with consents, on a phone."""
    _require_perm(request.user, Perm.REGISTER_NEEDS)
    child_form = QuickChildForm(request.POST or None, user=request.user, prefix="child")
    need_form = NeedForm(request.POST or None, user=request.user, prefix="need")
    duplicates = []
    # Both forms are read before anything stops, so the page lists every problem of the child and the need at once.
    forms_valid = [child_form.is_valid(), need_form.is_valid()]
    if request.method == "POST" and not all(forms_valid):
        _check_need_of_new_child(child_form, need_form)
    elif request.method == "POST":
        data = child_form.cleaned_data
        duplicates = selectors.child_duplicates(
            user=request.user, full_name=data["full_name"], birth_date=data["birth_date"], commune_id=data["commune"].pk
        )
        if duplicates and not data.get("not_a_duplicate"):
            child_form.add_error(None, _("Có hồ sơ có thể là cùng một trẻ. Hãy xem lại trước khi lưu."))
            _check_need_of_new_child(child_form, need_form)
        else:
            need = _register_child_and_need(request, child_form, need_form)
            if need is not None:
                messages.success(
                    request,
                    _("Đã lưu hồ sơ trẻ %(name)s và nhu cầu số %(number)s.")
                    % {"name": need.child.full_name, "number": need.pk},
                )
                return redirect("needs:need-detail", pk=need.pk)
    return render(
        request,
        "needs/register.html",
        {"child_form": child_form, "need_form": need_form, "duplicates": duplicates},
    )


def _check_need_of_new_child(child_form, need_form) -> None:
    """The need's own problems, in the round that reports the child's: the service reaches them only once the
    child is saved, which would make the officer fix the page twice."""
    data = child_form.cleaned_data
    if data.get("commune") is None:
        return
    child = Child(commune=data["commune"], birth_date=data.get("birth_date"), village=data.get("village"))
    _check_need(need_form, child=child)


def _check_need(form, *, child=None, commune=None) -> None:
    """Add the need service's rules to a form that refused something, so one round reports everything."""
    try:
        services.need_check(data=form.service_data(), child=child, commune=commune)
    except ValidationError as error:
        # A field the form already refused is left out of the need checked here: the service finds it missing.
        _add_errors(form, error, skip=set(form.errors))


def _register_child_and_need(request, child_form, need_form):
    """All or nothing: the child, the consents, the need and (if asked) its submission."""
    data, user, stage = child_form.cleaned_data, request.user, child_form
    try:
        with transaction.atomic():
            child = services.child_create(user=user, commune=data["commune"], data=data)
            today = timezone.localdate()
            if data.get("guardian_consents"):
                services.consent_record(
                    child=child,
                    user=user,
                    given_by=ConsentGiver.GUARDIAN,
                    giver_name=data["guardian_name"],
                    purpose=ConsentPurpose.PROCESS_DATA,
                    given_on=today,
                )
            if data.get("child_consents") and child.age(today) >= 7:
                services.consent_record(
                    child=child,
                    user=user,
                    given_by=ConsentGiver.CHILD,
                    giver_name=child.full_name,
                    purpose=ConsentPurpose.PROCESS_DATA,
                    given_on=today,
                )
            stage = need_form
            need = services.need_create(user=user, commune=child.commune, child=child, data=need_form.service_data())
            if "submit" in request.POST:
                need_transition(need=need, action="submit", user=user)
            return need
    except ValidationError as error:
        _add_errors(stage, error)
        if stage is child_form:
            _check_need_of_new_child(child_form, need_form)
    except TransitionError as error:
        need_form.add_error(None, error.message)
    return None


# --- Needs ------------------------------------------------------------------------------------------------


def _need_filter(request, queryset):
    data = request.GET.copy() if request.GET else None
    query = (data or {}).get("q", "").strip().lstrip("#")
    if data and query and not query.isdigit() and not scope_for(request.user).has_perm(Perm.VIEW_PERSONAL_DATA):
        data["q"] = ""  # searching by a child's name would reveal it to roles that may not see names
    return NeedFilter(data, queryset=queryset, request=request)


def _mark_pickable(user, needs, actions) -> None:
    """Tick boxes only where one of the page's bulk actions could apply (the service checks again)."""
    for need in needs:
        need.may_pick = any(may_act(user, need, action) for action in actions)


def _bulk_act(request, form):
    """Run the form's action on its needs in one service call; say what moved and, need by need, what did not."""
    action = form.cleaned_data["action"]
    try:
        moved, refused = needs_bulk_transition(
            ids=form.need_ids(), action=action, user=request.user, reason=form.cleaned_data["reason"]
        )
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect(request.get_full_path())
    if moved:
        messages.success(
            request,
            _("%(action)s: %(count)s nhu cầu.") % {"action": GUARDS[action].label, "count": len(moved)},
        )
    for pk, message in list(refused.items())[:REFUSALS_SHOWN]:
        messages.error(request, f"#{pk}: {message}")
    if len(refused) > REFUSALS_SHOWN:
        messages.error(
            request, _("… và %(count)s nhu cầu khác không chuyển được.") % {"count": len(refused) - REFUSALS_SHOWN}
        )
    if not moved and not refused:
        messages.error(request, _("Không có nhu cầu nào để chuyển."))
    return redirect(request.get_full_path())


def _commune_bulk_form(request, queryset):
    """The commune officer's bulk form over the needs they may act on, or None for other roles."""
    if not scope_for(request.user).has_perm(Perm.REGISTER_NEEDS):
        return None
    return BulkActionForm(request.POST or None, queryset=queryset, actions=COMMUNE_BULK_ACTIONS)


def _import_filter(request, queryset):
    """`?import=<id>`: only the needs that one Excel import created (within the already scoped queryset), the
    import's id, and the import itself when it is the user's own, to name its file."""
    number = request.GET.get("import", "")
    if not number.isdigit():
        return queryset, None, None
    record = ImportRecord.objects.filter(pk=int(number), user=request.user).first()
    return queryset.filter(import_record_id=int(number)), int(number), record


@login_required
@require_http_methods(["GET", "POST"])
def need_list(request):
    _require_perm(request.user, Perm.VIEW_RECORDS)
    needs = selectors.need_list(user=request.user)
    form = _commune_bulk_form(request, Need.objects.visible_to(request.user, Perm.REGISTER_NEEDS))
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            return _bulk_act(request, form)
    needs, import_id, imported = _import_filter(request, needs)
    filterset = _need_filter(request, needs)
    page = _page(request, filterset.qs)
    _mark_personal(request.user, page)
    scope = scope_for(request.user)
    if form is not None:
        _mark_pickable(request.user, page, COMMUNE_BULK_ACTIONS)
    import_drafts = form.import_drafts(import_id).count() if form is not None and import_id else 0
    return render(
        request,
        "needs/need_list.html",
        {
            "filter": filterset,
            "page": page,
            "form": form,
            "selected": {str(pk) for pk in request.POST.getlist("needs")},
            "imported": imported,
            "import_drafts": import_drafts,
            "may_register": scope.has_perm(Perm.REGISTER_NEEDS) or scope.has_perm(Perm.VERIFY_NEEDS),
            "may_import": spreadsheets.may_import(request.user),
            "may_export": scope.has_perm(Perm.VIEW_PERSONAL_DATA),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_to_fix(request):
    _require_perm(request.user, Perm.REGISTER_NEEDS)
    to_fix = selectors.need_to_fix(user=request.user)
    form = _commune_bulk_form(request, to_fix)
    if request.method == "POST" and form.is_valid():
        return _bulk_act(request, form)
    page = _page(request, to_fix)
    _mark_personal(request.user, page)
    _mark_pickable(request.user, page, COMMUNE_BULK_ACTIONS)
    # The department's reason is the last "return" event of each need: one query for the page.
    reasons = selectors.need_return_reasons(need_ids=[need.pk for need in page])
    for need in page:
        need.return_reason = reasons.get(need.pk, "")
    selected = {str(pk) for pk in request.POST.getlist("needs")}
    return render(request, "needs/to_fix.html", {"page": page, "form": form, "selected": selected})


@login_required
@require_http_methods(["GET", "POST"])
def need_queue(request):
    _require_perm(request.user, Perm.VERIFY_NEEDS)
    queue = selectors.need_queue(user=request.user)
    form = BulkActionForm(request.POST or None, queryset=queue, actions=QUEUE_BULK_ACTIONS)
    if request.method == "POST" and form.is_valid():
        return _bulk_act(request, form)
    filterset = _need_filter(request, queue)
    page = _page(request, filterset.qs)
    _mark_personal(request.user, page)
    _mark_pickable(request.user, page, QUEUE_BULK_ACTIONS)
    selected = {str(pk) for pk in request.POST.getlist("needs")}
    return render(request, "needs/queue.html", {"filter": filterset, "page": page, "form": form, "selected": selected})


@login_required
def need_detail(request, pk):
    need = get_for_user(
        Need.objects.select_related("child", "commune", "village", "created_by"), request.user, Perm.VIEW_RECORDS, pk=pk
    )
    scope = scope_for(request.user)
    may_change = any(scope.allows(perm, need.commune_id) for perm in (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS))
    _mark_personal(request.user, [need])
    context = {
        "need": need,
        "events": selectors.need_events(need=need),
        "attachments": need.attachments.select_related("uploaded_by") if need.show_child else None,
        "actions": actions_for(request.user, need),
        "may_edit": may_change and need.status in EDITABLE_STATUSES,
        "may_attach": may_change,
        "attachment_form": AttachmentForm(),
    }
    return render(request, "needs/need_detail.html", context)


def _need_create(request, *, child=None, group=False):
    form = NeedForm(request.POST or None, user=request.user, group=group)
    if request.method == "POST" and not form.is_valid():
        if child or form.cleaned_data.get("commune"):
            _check_need(form, child=child, commune=form.cleaned_data.get("commune"))
    elif request.method == "POST":
        try:
            need = services.need_create(
                user=request.user,
                commune=form.cleaned_data.get("commune"),
                child=child,
                data=form.service_data(),
                duplicate_override_reason=form.cleaned_data.get("duplicate_override_reason", ""),
            )
        except services.DuplicateNeedError as error:
            _duplicate_error(form, error)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu nhu cầu số %(number)s (nháp).") % {"number": need.pk})
            return redirect("needs:need-detail", pk=need.pk)
    return render(request, "needs/need_form.html", {"form": form, "child": child, "group": group})


@login_required
@require_http_methods(["GET", "POST"])
def need_create_for_child(request, pk):
    child = _child_for_change(request, pk)
    if child.merged_into_id:
        return redirect("needs:child-detail", pk=child.merged_into_id)
    return _need_create(request, child=child)


@login_required
@require_http_methods(["GET", "POST"])
def need_create_for_group(request):
    scope = scope_for(request.user)
    if not (scope.has_perm(Perm.REGISTER_NEEDS) or scope.has_perm(Perm.VERIFY_NEEDS)):
        raise PermissionDenied
    return _need_create(request, group=True)


def _need_for_change(request, pk):
    need = get_for_user(Need.objects.select_related("child", "commune"), request.user, Perm.VIEW_RECORDS, pk=pk)
    scope = scope_for(request.user)
    if not any(scope.allows(perm, need.commune_id) for perm in (Perm.REGISTER_NEEDS, Perm.VERIFY_NEEDS)):
        raise PermissionDenied
    return need


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request, pk):
    need = _need_for_change(request, pk)
    if need.status not in EDITABLE_STATUSES:
        messages.error(
            request,
            _("Nhu cầu đang ở trạng thái “%(status)s”, không sửa được.") % {"status": need.get_status_display()},
        )
        return redirect("needs:need-detail", pk=need.pk)
    form = NeedForm(request.POST or None, instance=need, user=request.user, group=need.is_group)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(need=need, user=request.user, data=form.service_data())
        except services.DuplicateNeedError as error:
            _duplicate_error(form, error)
        except ValidationError as error:
            _add_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã lưu nhu cầu."))
            return redirect("needs:need-detail", pk=need.pk)
    return render(request, "needs/need_form.html", {"form": form, "need": need, "child": need.child})


@login_required
@require_POST
def need_transition_view(request, pk):
    need = get_for_user(Need.objects.all(), request.user, Perm.VIEW_RECORDS, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("needs:need-detail", pk=need.pk)
    action = form.cleaned_data["action"]
    scope = scope_for(request.user)
    if not any(scope.allows(perm, need.commune_id) for perm in GUARDS[action].perms):
        raise PermissionDenied  # a read-only insider: 403, not a message
    try:
        need_transition(need=need, action=action, user=request.user, reason=form.cleaned_data["reason"])
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Nhu cầu số %(number)s: %(status)s.") % {"number": need.pk, "status": need.get_status_display()},
        )
    return redirect("needs:need-detail", pk=need.pk)


@login_required
@require_POST
def attachment_add(request, pk):
    need = _need_for_change(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.need_attachment_add(need=need, user=request.user, upload=form.cleaned_data["file"])
        messages.success(request, _("Đã đính kèm tệp."))
    else:
        for error in form.errors.get("file", []):
            messages.error(request, error)
    return redirect("needs:need-detail", pk=need.pk)


@login_required
def attachment_download(request, pk, attachment_pk):
    """Attachments may show children: only people who may see their personal data get them, never a media URL."""
    attachment = get_for_user(
        NeedAttachment.objects.all(), request.user, Perm.VIEW_PERSONAL_DATA, pk=attachment_pk, need_id=pk
    )
    return serve_stored_file(
        attachment.file, content_type=attachment.content_type, download_name=attachment.original_name
    )
