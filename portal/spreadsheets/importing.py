"""Upload → preview (a django-import-export dry run, nothing kept) → confirm (all rows in one transaction, or none).

An app describes one kind of list with an `ImportSpec` and a `ScopedImportResource` subclass. The resource reads
rows with widgets over lookups it prepares once (`prepare`), so a 10,000-row file costs a handful of queries, and
saves with bulk inserts. The rows read from the uploaded file wait in the database, on an `ImportRecord` tied to
its owner, whose token the confirm step must present; confirming validates every row again against the database
as it is then. Once confirmed or cancelled only the file's name, size, SHA-256 and the counts remain.
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export.results import RowResult

from portal.models import ImportRecord, ImportStatus
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

    def column_labels(self) -> dict[str, str]:
        return {column.key: str(column.header) for column in self.columns}


class ImportNotFound(Exception):
    """No pending import with this token belongs to this user."""


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
    record = ImportRecord.objects.filter(token=token, user=user, kind=spec.kind, status=ImportStatus.PENDING).first()
    if record is None:
        raise ImportNotFound
    return record


def import_confirm(*, spec: ImportSpec, user, token) -> ImportRecord:
    """Validate the stored file again and save every row in one transaction, or nothing.

    Only the user who uploaded the file may confirm it, once. Raises ImportNotFound, or ImportRejected with
    the fresh report when a row became invalid since the preview (e.g. someone registered the same need).
    """
    rejected = None
    with transaction.atomic():
        record = (
            ImportRecord.objects.select_for_update()
            .filter(token=token, user=user, kind=spec.kind, status=ImportStatus.PENDING)
            .first()
        )
        if record is None:
            raise ImportNotFound
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
    with transaction.atomic():
        record = (
            ImportRecord.objects.select_for_update()
            .filter(token=token, user=user, kind=spec.kind, status=ImportStatus.PENDING)
            .first()
        )
        if record is None:
            raise ImportNotFound
        record.rows = None
        record.status = ImportStatus.CANCELLED
        record.finished_at = timezone.now()
        record.save()
    return record


def import_purge_stale(*, older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Cancel pending imports nobody confirmed and drop their rows: they hold children's personal data.

    Meant for a periodic task; returns how many were purged.
    """
    stale = ImportRecord.objects.filter(status=ImportStatus.PENDING, created_at__lt=timezone.now() - older_than)
    return stale.update(rows=None, status=ImportStatus.CANCELLED, finished_at=timezone.now())


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
