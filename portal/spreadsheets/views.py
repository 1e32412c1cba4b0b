"""The upload → preview → confirm pages, the same for every kind of list; an app passes its spec and URL names."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import ImportRecord
from portal.spreadsheets.importing import (
    ImportExpired,
    ImportNotFound,
    ImportRejected,
    ImportSpec,
    import_cancel,
    import_confirm,
    import_pending,
    import_replace,
    import_stage,
    pending_lifetime,
    preview_rows,
)
from portal.spreadsheets.upload import SpreadsheetError, max_bytes, max_rows


@dataclass(frozen=True)
class ImportUrls:
    """URL names of one import's pages: `preview`, `confirm` and `cancel` take the token."""

    upload: str
    preview: str
    confirm: str
    cancel: str
    template: str
    done: str | Callable  # where to go once the rows are saved: a URL name, or a function of the ImportRecord

    def done_url(self, record) -> str:
        return self.done(record) if callable(self.done) else reverse(self.done)


PREVIEW_PER_PAGE = 25


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    # The pending import a corrected file replaces (sent from the preview's error page): it is cancelled once the
    # new file is read, so the old rows do not linger.
    replaces = forms.UUIDField(required=False, widget=forms.HiddenInput)


def upload_page(request, *, spec: ImportSpec, urls: ImportUrls):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = import_stage(spec=spec, user=request.user, upload=form.cleaned_data["file"])
        except SpreadsheetError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            if form.cleaned_data.get("replaces"):
                import_replace(spec=spec, user=request.user, token=form.cleaned_data["replaces"])
            return redirect(urls.preview, token=record.token)
    recent = ImportRecord.objects.filter(user=request.user, kind=spec.kind)[:5]
    context = {
        "form": form,
        "spec": spec,
        "urls": urls,
        "recent": recent,
        "max_rows": max_rows(),
        "max_mb": max_bytes() // 1024 // 1024,
        "lifetime_hours": int(pending_lifetime().total_seconds() // 3600),
    }
    return render(request, "portal/import_upload.html", context)


def _expired(request, urls: ImportUrls, error: ImportExpired):
    messages.error(
        request,
        _(
            "Lần nhập tệp “%(name)s” đã hết hạn vì chưa được xác nhận trong %(hours)s giờ; dữ liệu đã được xóa, "
            "chưa có dòng nào được lưu. Hãy tải tệp lên lại."
        )
        % {"name": error.record.original_name, "hours": int(pending_lifetime().total_seconds() // 3600)},
    )
    return redirect(urls.upload)


def preview_page(request, *, spec: ImportSpec, urls: ImportUrls, token):
    try:
        record = import_pending(spec=spec, user=request.user, token=token)
    except ImportExpired as error:
        return _expired(request, urls, error)
    except ImportNotFound:
        raise Http404 from None
    report = record.report
    counts = [(label, report.get("counts", {}).get(key, 0)) for key, label in spec.count_labels.items()]
    labels = spec.column_labels()
    rows = preview_rows(spec=spec, record=record, page=request.GET.get("page"), per_page=PREVIEW_PER_PAGE)
    context = {
        "record": record,
        "report": report,
        "counts": counts,
        "spec": spec,
        "urls": urls,
        "rows": rows,
        "headers": [labels.get(key, key) for key in spec.preview_keys()],
        "upload_form": UploadForm(initial={"replaces": record.token}),
        "expires_at": record.created_at + pending_lifetime(),
    }
    return render(request, "portal/import_preview.html", context)


def confirm(request, *, spec: ImportSpec, urls: ImportUrls, token):
    try:
        record = import_confirm(spec=spec, user=request.user, token=token)
    except ImportExpired as error:
        return _expired(request, urls, error)
    except ImportNotFound:
        raise Http404 from None
    except ImportRejected:
        messages.error(request, _("Dữ liệu đã thay đổi kể từ khi kiểm tra: có dòng lỗi, chưa lưu dòng nào."))
        return redirect(urls.preview, token=token)
    summary = ", ".join(f"{label}: {record.counts.get(key, 0)}" for key, label in spec.count_labels.items())
    messages.success(
        request, _("Đã nhập “%(name)s”. %(summary)s.") % {"name": record.original_name, "summary": summary}
    )
    return redirect(urls.done_url(record))


def cancel(request, *, spec: ImportSpec, urls: ImportUrls, token):
    try:
        import_cancel(spec=spec, user=request.user, token=token)
    except ImportExpired as error:
        return _expired(request, urls, error)
    except ImportNotFound:
        raise Http404 from None
    messages.success(request, _("Đã hủy lần nhập; tệp đã được xóa, không có dòng nào được lưu."))
    return redirect(urls.upload)
