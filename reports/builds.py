"""The build machinery every generated document shares: a province's report and the national roll-up.

A build is a row queued, claimed by one attempt at a time (a conditional UPDATE fenced by the attempt number), its
files written to a temporary name, fsynced and renamed, and the row made built by the one UPDATE that records the
file's name and checksum. A build model subclasses reports.models.Build and gives:
- `build_prefix`: the start of its temporary files' names, different for each model;
- `build_directory()`: the folder under REPORTS_ROOT its files go to;
- `record_event(pk, **fields)`: records a status change (action, from_status, to_status, reason, actor).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import ReportStatus

logger = logging.getLogger(__name__)

# A build claimed longer ago than this was lost with its worker; another worker may take it over.
STALE_BUILD = dt.timedelta(minutes=30)
# Attempts a build gets, whatever ended them (an error, its worker killed): a document that kills its worker every
# time, e.g. out of memory, ends failed with a message instead of looping.
MAX_BUILD_ATTEMPTS = 4
# Errors worth another attempt: the database or the disk hiccuped. Anything else fails the build at once.
TRANSIENT = (OperationalError, InterfaceError, OSError)


def reports_root() -> Path:
    return Path(settings.REPORTS_ROOT)


def build_enqueue(task, pk: int) -> bool:
    """Hand a build to a worker; False when the broker does not answer (the row stays queued for the requeue)."""
    try:
        task.apply_async(args=[pk], retry=False)
    except Exception:  # kombu raises several types when Redis is down; the row stays queued either way
        logger.exception("Could not queue %s %s", task.name, pk)
        return False
    return True


def build_claim(model, *, pk: int, task_id: str = "") -> int | None:
    """Claim a row for one build attempt and return the attempt's number; None when there is nothing to build.

    A queued row is claimed. A building row is taken over only when the attempt holding it is dead: its own
    message came back (the broker delivers a message again only when the worker running it died) or it was
    claimed longer ago than STALE_BUILD. The attempt number fences the claim: progress, the file and a failure are
    recorded only by the attempt that holds it, so an attempt taken over can never finish the build.
    """
    now = timezone.now()
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            return None
        if row.status == ReportStatus.BUILDING and _holder_died(row, task_id=task_id, now=now):
            _abandon(row)
        if row.status != ReportStatus.QUEUED:
            return None
        attempt = row.attempts + 1
        model.objects.filter(pk=pk).update(
            status=ReportStatus.BUILDING, started_at=now, progress=5, error="", attempts=attempt, task_id=task_id
        )
    return attempt


def _holder_died(row, *, task_id: str, now: dt.datetime) -> bool:
    return (bool(task_id) and row.task_id == task_id) or row.started_at < now - STALE_BUILD


def build_recover_stale(model) -> int:
    """Builds claimed longer ago than STALE_BUILD lost their worker: back to the queue, or failed after their last
    attempt. Returns how many; the periodic requeue then hands the queued ones to a worker."""
    stale = model.objects.filter(status=ReportStatus.BUILDING, started_at__lt=timezone.now() - STALE_BUILD)
    recovered = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            row = stale.select_for_update().filter(pk=pk).first()  # None if it was finished or taken meanwhile
            if row is not None:
                _abandon(row)
                recovered += 1
    return recovered


def build_waiting(model):
    """Queued builds requested a while ago: requested while the broker was down, or taken back from a dead worker."""
    return model.objects.filter(
        status=ReportStatus.QUEUED, requested_at__lt=timezone.now() - STALE_BUILD / 6
    ).values_list("pk", flat=True)


def _abandon(row) -> None:
    """The attempt holding a building row died: the build is queued again, or fails once it used every attempt.

    Called with the row locked. The dead attempt may have left its temporary files: they are removed.
    """
    if row.attempts < MAX_BUILD_ATTEMPTS:
        status, action, error = ReportStatus.QUEUED, "abandon", ""
        reason = _(
            "Lần lập thứ %(attempt)s bị gián đoạn: tiến trình lập báo cáo đã dừng giữa chừng. "
            "Báo cáo được đưa lại hàng đợi để lập lại."
        ) % {"attempt": row.attempts}
    else:
        status, action = ReportStatus.FAILED, "fail"
        reason = error = _(
            "Lập báo cáo không thành công sau %(attempts)s lần thử: lần cuối, tiến trình lập báo cáo đã dừng giữa "
            "chừng (có thể do máy chủ thiếu bộ nhớ). Các phiên bản trước vẫn giữ nguyên. Hãy báo quản trị hệ thống "
            "trước khi lập lại."
        ) % {"attempts": row.attempts}
    type(row).objects.filter(pk=row.pk).update(status=status, progress=0, error=error)
    type(row).record_event(row.pk, action=action, from_status=ReportStatus.BUILDING, to_status=status, reason=reason)
    row.status = status
    for temporary in (reports_root() / row.build_directory()).glob(f"{row.build_prefix}{row.pk}-*.part"):
        temporary.unlink(missing_ok=True)


def build_progress(model, *, pk: int, attempt: int) -> Callable[[int], None]:
    """A callback recording progress, only while this attempt holds the row."""
    mine = model.objects.filter(pk=pk, status=ReportStatus.BUILDING, attempts=attempt)
    return lambda percent: mine.update(progress=percent)


def build_store(model, *, pk: int, attempt: int, files: dict[str, tuple[Path, bytes]], **fields) -> bool:
    """Write a claimed build's files and make it a draft, in the one UPDATE that names them; False (and no file
    left) when this attempt was taken over meanwhile.

    `files` maps a field prefix to (name under REPORTS_ROOT, content): "file" fills file_name, sha256 and size; any
    other prefix fills <prefix>_name and <prefix>_sha256. `fields` are stored in the same UPDATE (the figures).
    """
    row = model(pk=pk)
    written = []
    try:
        for name, content in files.values():
            target = reports_root() / name
            write_atomically(target, content, prefix=f"{row.build_prefix}{pk}-")
            written.append(target)
        for prefix, (name, content) in files.items():
            checksum = hashlib.sha256(content).hexdigest()
            if prefix == "file":
                fields.update(file_name=str(name), sha256=checksum, size=len(content))
            else:
                fields.update({f"{prefix}_name": str(name), f"{prefix}_sha256": checksum})
        done = model.objects.filter(pk=pk, status=ReportStatus.BUILDING, attempts=attempt).update(
            status=ReportStatus.DRAFT, built_at=timezone.now(), progress=100, **fields
        )
    except BaseException:
        for target in written:
            target.unlink(missing_ok=True)
        raise
    if not done:  # taken over meanwhile; the attempt holding the row owns the build
        for target in written:
            target.unlink(missing_ok=True)
        return False
    model.record_event(pk, action="build", from_status=ReportStatus.BUILDING, to_status=ReportStatus.DRAFT)
    return True


def write_atomically(target: Path, content: bytes, *, prefix: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def build_release(model, *, pk: int, attempt: int, error: str, retrying: bool) -> str | None:
    """After a failed attempt: back to the queue when it may be retried, otherwise failed for good.

    Returns the new status, or None when the attempt no longer holds the row (it was taken over).
    """
    status = ReportStatus.QUEUED if retrying and attempt < MAX_BUILD_ATTEMPTS else ReportStatus.FAILED
    if not model.objects.filter(pk=pk, status=ReportStatus.BUILDING, attempts=attempt).update(
        status=status, error=error[:2000], progress=0
    ):
        return None
    model.record_event(
        pk,
        action="retry" if status == ReportStatus.QUEUED else "fail",
        from_status=ReportStatus.BUILDING,
        to_status=status,
        reason=error[:2000],
    )
    return status


def build_now(model, *, pk: int, build: Callable[..., object]):
    """Claim and build one queued row in this process (the commands' --sync); None when another attempt holds it
    or it was built already; an error fails the build. `build(pk=…, attempt=…)` is the model's claimed build."""
    attempt = build_claim(model, pk=pk)
    if attempt is None:
        return None
    try:
        return build(pk=pk, attempt=attempt)
    except Exception as error:
        build_release(model, pk=pk, attempt=attempt, error=repr(error), retrying=False)
        raise


def build_task(task, model, *, pk: int, build: Callable[..., object]):
    """The body of a Celery build task (bound, acks_late): claim, build, and on a transient error release the row
    and retry with backoff; any other error fails the build. Returns what `build` returned, None when there was
    nothing to do.

    Another delivery of the same message (its worker died: acks_late and reject_on_worker_lost bring it back)
    takes the build over; a delivery that finds the row held by a live attempt, or built already, does nothing.
    """
    attempt = build_claim(model, pk=pk, task_id=task.request.id)
    if attempt is None:
        return None
    try:
        return build(pk=pk, attempt=attempt)
    except TRANSIENT as error:
        status = build_release(model, pk=pk, attempt=attempt, error=repr(error), retrying=True)
        if status == ReportStatus.QUEUED:
            raise task.retry(exc=error, countdown=min(5 * 2**task.request.retries, 120)) from error
        raise
    except Exception as error:
        build_release(model, pk=pk, attempt=attempt, error=repr(error), retrying=False)
        raise
