"""The province's audit log for inspectors: what changed, who read a child's record, who exported personal data.

Read by those who may read both the audit trail and children's personal data in their units (the auditor; see
portal.permissions): department staff write most of what the log records, so they do not read or export it, and
leadership and donors never read personal data, which the old values in a history hold.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.audit import AuditFilter, audit_lines, audit_log, record_kinds
from portal.dates import DayField
from portal.permissions import Perm
from portal.scoping import scope_for
from portal.spreadsheets.columns import TEXT
from portal.spreadsheets.exporting import ExportColumn, export_response

PER_PAGE = 50
EXPORT_CHUNK = 1000
EXPORT_LIMIT = 100_000  # lines in one workbook; narrow the filter for more


def _date_field(label):
    return DayField(label=label, required=False)


class AuditLogFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("Người thực hiện"), required=False, max_length=150)
    kind = forms.ChoiceField(label=gettext_lazy("Loại hồ sơ"), required=False)
    code = forms.CharField(label=gettext_lazy("Mã hồ sơ trẻ"), required=False, max_length=24)
    since = _date_field(gettext_lazy("Từ ngày"))
    until = _date_field(gettext_lazy("Đến ngày"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tất cả")), *record_kinds()]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def audit_filter(self) -> AuditFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return AuditFilter(
            user=data.get("user") or "",
            kind=data.get("kind") or "",
            code=data.get("code") or "",
            since=data.get("since"),
            until=data.get("until"),
        )


def _require_audit(user) -> None:
    scope = scope_for(user)
    if not (scope.has_perm(Perm.VIEW_AUDIT_TRAIL) and scope.has_perm(Perm.VIEW_PERSONAL_DATA)):
        raise PermissionDenied


def _form(request) -> AuditLogFilterForm:
    data = {key: value for key, value in request.GET.items() if key != "page"}
    return AuditLogFilterForm(data or None)


@login_required
@require_GET
def audit_log_view(request):
    _require_audit(request.user)
    form = _form(request)
    if form.is_bound and not form.is_valid():
        page = Paginator([], PER_PAGE).get_page(1)
        lines = []
    else:
        page = Paginator(audit_log(user=request.user, filters=form.audit_filter()), PER_PAGE).get_page(
            request.GET.get("page")
        )
        lines = audit_lines(page.object_list)
    return render(request, "portal/audit_log.html", {"form": form, "page": page, "lines": lines})


def _changes_text(line) -> str:
    return "; ".join(f"{field}: {old} → {new}" for field, old, new in line.changes)


EXPORT_COLUMNS = [
    ExportColumn(gettext_lazy("Lúc"), lambda line: f"{timezone.localtime(line.when):%H:%M:%S %d/%m/%Y}", TEXT, 20),
    ExportColumn(gettext_lazy("Người thực hiện"), lambda line: str(line.who) if line.who else _("hệ thống"), TEXT, 24),
    ExportColumn(gettext_lazy("Thao tác"), lambda line: line.kind, TEXT, 10),
    ExportColumn(gettext_lazy("Loại hồ sơ"), lambda line: line.what, TEXT, 20),
    ExportColumn(gettext_lazy("Hồ sơ"), lambda line: line.object, TEXT, 28),
    ExportColumn(gettext_lazy("Mã hồ sơ trẻ"), lambda line: line.code, TEXT, 16),
    ExportColumn(gettext_lazy("Thay đổi"), _changes_text, TEXT, 60),
    ExportColumn(gettext_lazy("Ghi chú"), lambda line: line.reason, TEXT, 30),
]


def _all_lines(rows):
    """The lines of a whole filtered log, read a chunk at a time so memory and queries stay bounded per chunk."""
    for start in range(0, EXPORT_LIMIT, EXPORT_CHUNK):
        chunk = list(rows[start : start + EXPORT_CHUNK])
        yield from audit_lines(chunk)
        if len(chunk) < EXPORT_CHUNK:
            return


@login_required
@require_GET
def audit_log_export(request):
    """The filtered log as a workbook; like every export of personal data, the download is logged in ExportLog."""
    _require_audit(request.user)
    form = _form(request)
    filters = form.audit_filter()
    logged = {
        "user": filters.user,
        "kind": filters.kind,
        "code": filters.code,
        "since": filters.since.isoformat() if filters.since else "",
        "until": filters.until.isoformat() if filters.until else "",
    }
    return export_response(
        user=request.user,
        what="audit_log",
        filters={key: value for key, value in logged.items() if value},
        filename=f"nhat-ky-kiem-tra-{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title=_("Nhật ký"),
        columns=EXPORT_COLUMNS,
        rows=_all_lines(audit_log(user=request.user, filters=filters)),
    )
