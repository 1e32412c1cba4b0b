"""Celery tasks of the reports app: they take ids, claim rows and call services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from reports import services
from reports.models import Report, ReportStatus

# Errors worth another attempt: the database or the disk hiccuped. Anything else fails the build at once.
TRANSIENT = (OperationalError, InterfaceError, OSError)


@shared_task(bind=True, max_retries=None)  # services.MAX_BUILD_ATTEMPTS bounds the attempts, whatever ended them
def build_report(self, report_id: int) -> int | None:
    """Build one queued report.

    Another delivery of the same message (its worker died: acks_late and reject_on_worker_lost bring it back)
    takes the build over; a delivery that finds the row held by a live attempt, or built already, does nothing.
    """
    attempt = services.report_claim(report_id=report_id, task_id=self.request.id)
    if attempt is None:
        return None
    try:
        report = services.report_build_claimed(report_id=report_id, attempt=attempt)
    except TRANSIENT as error:
        status = services.report_release(report_id=report_id, attempt=attempt, error=repr(error), retrying=True)
        if status == ReportStatus.QUEUED:
            raise self.retry(exc=error, countdown=min(5 * 2**self.request.retries, 120)) from error
        raise
    except Exception as error:
        services.report_release(report_id=report_id, attempt=attempt, error=repr(error), retrying=False)
        raise
    return report.pk if report else None


@shared_task
def requeue_waiting_reports() -> int:
    """Every 10 minutes: take back builds whose worker died, and hand queued builds to a worker (those requested
    while the broker was down, and those taken back)."""
    services.report_recover_stale()
    waiting = Report.objects.filter(
        status=ReportStatus.QUEUED, requested_at__lt=timezone.now() - services.STALE_BUILD / 6
    ).values_list("pk", flat=True)
    for pk in waiting:
        build_report.delay(pk)
    return len(waiting)


@shared_task
def send_deadline_reminders() -> int:
    """Daily: remind communes that have not confirmed their figures, and staff before the due date."""
    from reports.reminders import reminders_send

    return reminders_send(today=timezone.localdate())
