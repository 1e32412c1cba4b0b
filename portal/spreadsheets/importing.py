"""Upload → preview (a django-import-export dry run, nothing kept) → confirm (all rows in one transaction, or none).

An app describes one kind of list with an `ImportSpec` and a `ScopedImportResource` subclass. The resource reads
rows with widgets over lookups it prepares once (`prepare`), so a 10,000-row file costs a handful of queries, and
saves with bulk inserts. The rows read from the uploaded file wait in the database, on an `ImportRecord` tied to
its owner, whose token the confirm step must present; confirming validates every row again against the database
as it is then. Once confirmed or cancelled only the file's name, size, SHA-256 and the counts remain; an import
left unconfirmed expires after `pending_lifetime()` (checked whenever it is opened, and by a nightly task) and
its rows are dropped the same way.
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export.results import RowResult

from portal.models import ImportRecord, ImportStatus
from portal.spreadsheets.cells import display
from portal.spreadsheets.columns import Column
from portal.spreadsheets.upload import ROW_KEY, read_dataset, read_upload

logger = logging.getLogger(__name__)


class _LeanRowResult(RowResult):
    def add_instance_info(self, instance):
        # The default also renders str(instance) for every row, which the preview never shows.
        self.object_id = getattr(instance, "pk", None)


class ScopedImportResource(resources.ModelResource):
    """A ModelResource tuned for large, all-new imports by one user.

    No per-row lookup of an existing instance (`force_init_instance`), no diff, bulk inserts in batches; model
    validation that would query per row (foreign keys, unique constraints) is replaced by checks against the
    dicts `prepare` builds. Subclasses add `warn(row, message)` for rows that import but deserve a look.
    """

    class Meta:
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_html_diff = True
        force_init_instance = True
        clean_model_instances = False
        store_instance = False
        report_skipped = False

    def __init__(self, *, user, record: ImportRecord):
        super().__init__()
        self.user = user
        self.record = record
        self.warnings: dict[int, list[str]] = {}
        self.counts: dict[str, int] = {}

    def get_row_result_class(self):
        return _LeanRowResult

    def before_import(self, dataset, **kwargs):
        self.prepare(dataset)

    def prepare(self, dataset) -> None:
        """Load every lookup the rows need, in a few queries."""

    def warn(self, row, message) -> None:
        self.warnings.setdefault(row[ROW_KEY], []).append(str(message))

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


@dataclass
class ImportSpec:
    """One kind of list an app imports: its columns, the sheet it lives on and the resource that saves it."""

    kind: str
    title: str
    sheet_name: str
    columns: list[Column]
    resource_class: type[ScopedImportResource]
    count_labels: dict[str, str] = field(default_factory=dict)  # resource count key → label on the pages
    hint: str = ""  # how to fill the list, in one sentence on the upload page
    preview_columns: tuple[str, ...] = ()  # what the preview shows of each row; the first columns when empty

    def preview_keys(self) -> list[str]:
        return list(self.preview_columns) or [column.key for column in self.columns[:6]]

    def column_labels(self) -> dict[str, str]:
        return {column.key: str(column.header) for column in self.columns}


class ImportNotFound(Exception):
    """No pending import with this token belongs to this user."""


class ImportExpired(ImportNotFound):
    """The user's import was left unconfirmed past its lifetime; its rows are gone and the file must be uploaded
    again. A kind of ImportNotFound, so a caller that does not tell the two apart still refuses it."""

    def __init__(self, record: ImportRecord):
        super().__init__(record.token)
        self.record = record


def pending_lifetime() -> dt.timedelta:
    """How long an uploaded list waits for its owner to confirm it (the rows are children's personal data)."""
    return dt.timedelta(hours=getattr(settings, "SPREADSHEET_PENDING_HOURS", 48))


class ImportRejected(Exception):
    """Confirming found bad rows (the data changed since the preview); nothing was saved."""

    def __init__(self, record: ImportRecord):
        super().__init__(record.report)
        self.record = record


def import_stage(*, spec: ImportSpec, user, upload) -> ImportRecord:
    """Check an uploaded file, keep it privately for its owner and preview it. Raises SpreadsheetError."""
    data = read_upload(upload)
    dataset = read_dataset(data, columns=spec.columns, sheet_name=spec.sheet_name)
    record = ImportRecord(
        kind=spec.kind,
        user=user,
        original_name=(upload.name or "")[-200:],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        row_count=len(dataset),
    )
    record.rows = {"headers": dataset.headers, "rows": [list(values) for values in dataset]}
    record.save()
    import_preview(spec=spec, record=record, dataset=dataset)
    return record


def import_preview(*, spec: ImportSpec, record: ImportRecord, dataset=None) -> dict:
    """Run the whole import as a dry run (rolled back) and keep the report of every bad row on the record."""
    dataset = dataset if dataset is not None else _stored_dataset(spec, record)
    resource = spec.resource_class(user=record.user, record=record)
    result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True)
    record.report = _report(spec, dataset, result, resource)
    record.error_count = len(record.report["errors"])
    record.save(update_fields=["report", "error_count"])
    return record.report


def import_pending(*, spec: ImportSpec, user, token) -> ImportRecord:
    """The user's import waiting for confirmation. Raises ImportExpired for one left too long (expiring it now if
    the nightly task has not yet), ImportNotFound for anything else."""
    return _pending(ImportRecord.objects.all(), spec=spec, user=user, token=token)


def _pending(records, *, spec: ImportSpec, user, token) -> ImportRecord:
    record = records.filter(token=token, user=user, kind=spec.kind).first()
    if record is not None and record.status == ImportStatus.PENDING and _stale(record):
        _expire(ImportRecord.objects.filter(pk=record.pk))
        record.refresh_from_db()
    if record is not None and record.status == ImportStatus.EXPIRED:
        raise ImportExpired(record)
    if record is None or record.status != ImportStatus.PENDING:
        raise ImportNotFound
    return record


def _stale(record: ImportRecord) -> bool:
    return record.created_at < timezone.now() - pending_lifetime()


def _expire(records) -> int:
    return records.filter(status=ImportStatus.PENDING).update(
        rows=None, status=ImportStatus.EXPIRED, finished_at=timezone.now()
    )


def import_confirm(*, spec: ImportSpec, user, token) -> ImportRecord:
    """Validate the stored file again and save every row in one transaction, or nothing.

    Only the user who uploaded the file may confirm it, once. Raises ImportNotFound (ImportExpired when it was left
    too long), or ImportRejected with
    the fresh report when a row became invalid since the preview (e.g. someone registered the same need).
    """
    import_pending(spec=spec, user=user, token=token)  # an expired import expires here, outside the rollback below
    rejected = None
    with transaction.atomic():
        record = _pending(ImportRecord.objects.select_for_update(), spec=spec, user=user, token=token)
        dataset = _stored_dataset(spec, record)
        resource = spec.resource_class(user=user, record=record)
        result = resource.import_data(
            dataset, dry_run=False, raise_errors=False, use_transactions=True, rollback_on_validation_errors=True
        )
        report = _report(spec, dataset, result, resource)
        if report["errors"] or report["file_errors"]:
            rejected = report
            transaction.set_rollback(True)
        else:
            record.rows = None  # children's personal data: once imported, only the checksum stays
            record.status = ImportStatus.IMPORTED
            record.finished_at = timezone.now()
            record.report = report
            record.error_count = 0
            record.counts = resource.counts
            record.save()
    if rejected is not None:
        record.report = rejected
        record.error_count = len(rejected["errors"])
        record.save(update_fields=["report", "error_count"])
        raise ImportRejected(record)
    return record


def import_cancel(*, spec: ImportSpec, user, token) -> ImportRecord:
    import_pending(spec=spec, user=user, token=token)  # one left too long says it expired rather than "not found"
    with transaction.atomic():
        record = _pending(ImportRecord.objects.select_for_update(), spec=spec, user=user, token=token)
        record.rows = None
        record.status = ImportStatus.CANCELLED
        record.finished_at = timezone.now()
        record.save()
    return record


def import_purge_stale(*, older_than: dt.timedelta | None = None) -> int:
    """Expire pending imports nobody confirmed and drop their rows: they hold children's personal data.

    Run nightly by a periodic task (an import opened after its lifetime expires on the spot too); returns how many
    were expired.
    """
    older_than = pending_lifetime() if older_than is None else older_than
    return _expire(ImportRecord.objects.filter(created_at__lt=timezone.now() - older_than))


def import_replace(*, spec: ImportSpec, user, token) -> None:
    """Cancel the user's pending import `token` (if still pending) once a corrected file has replaced it."""
    ImportRecord.objects.filter(token=token, user=user, kind=spec.kind, status=ImportStatus.PENDING).update(
        rows=None, status=ImportStatus.CANCELLED, finished_at=timezone.now()
    )


def preview_rows(*, spec: ImportSpec, record: ImportRecord, page=None, per_page: int = 25) -> Page:
    """One page of a pending import's rows as the preview shows them: each row's Excel row number, the cells of the
    spec's preview columns as they will be read (dates dd/mm/yyyy, amounts in đồng), and its errors and warnings.
    Only the page's rows are read cell by cell, so a 20,000-row file pages as fast as a short one."""
    stored = record.rows or {}
    rows = Paginator(stored.get("rows", []), per_page).get_page(page)
    keys = spec.preview_keys()
    kinds = {column.key: column.kind for column in spec.columns}
    report = record.report or {}
    errors = {item["row"]: item["messages"] for item in report.get("errors", [])}
    warnings = {item["row"]: item["messages"] for item in report.get("warnings", [])}
    headers = stored.get("headers", [])
    shown = []
    for values in rows.object_list:
        cells = dict(zip(headers, values, strict=False))
        number = cells.get(ROW_KEY)
        shown.append(
            {
                "row": number,
                "cells": [display(cells.get(key), kinds.get(key)) for key in keys],
                "errors": errors.get(number, []),
                "warnings": warnings.get(number, []),
            }
        )
    rows.object_list = shown
    return rows


def _stored_dataset(spec: ImportSpec, record: ImportRecord) -> tablib.Dataset:
    """The rows as read at upload. Reading the file again would give the same rows; the checks run again."""
    return tablib.Dataset(*(tuple(values) for values in record.rows["rows"]), headers=record.rows["headers"])


def _report(spec: ImportSpec, dataset, result, resource: ScopedImportResource) -> dict:
    """What the preview page shows: every bad row with its Excel row number and why, warnings and counts."""
    labels = spec.column_labels()
    excel_rows = dataset.get_col(0)
    errors: dict[int, list[str]] = {}
    for invalid in result.invalid_rows:
        errors.setdefault(excel_rows[invalid.number - 1], []).extend(_messages(invalid.error, labels))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            logger.error("Import row %s failed: %s", number, error.error, exc_info=error.error)
        errors.setdefault(excel_rows[number - 1], []).append(_("Lỗi không mong đợi khi đọc dòng này."))
    file_errors = []
    for error in result.base_errors:
        logger.error("Import %s failed while saving: %s", resource.record.token, error.error)
        file_errors.append(
            _("Cơ sở dữ liệu từ chối lưu danh sách (%(error)s). Không có dòng nào được lưu.")
            % {"error": str(error.error).splitlines()[0][:200]}
        )
    return {
        "rows": len(dataset),
        "errors": [{"row": row, "messages": messages} for row, messages in sorted(errors.items())],
        "warnings": [
            {"row": row, "messages": messages}
            for row, messages in sorted(resource.warnings.items())
            if row not in errors
        ],
        "file_errors": file_errors,
        "counts": {key: resource.counts.get(key, 0) for key in spec.count_labels},
    }


def _messages(error: ValidationError, labels: dict[str, str]) -> list[str]:
    if not hasattr(error, "error_dict"):
        return [str(message) for message in error.messages]
    messages = []
    for key, field_errors in error.error_dict.items():
        for field_error in field_errors:
            for message in field_error.messages:
                messages.append(message if key == NON_FIELD_ERRORS else f"{labels.get(key, key)}: {message}")
    return messages
