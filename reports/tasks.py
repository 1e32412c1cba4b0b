"""Celery tasks of the reports app: they take ids, claim rows and call services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from reports import services

# Errors worth another attempt: the database or the disk hiccuped. Anything else fails the build at once.
TRANSIENT = (OperationalError, InterfaceError, OSError)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=120, max_retries=3)
def build_report(self, report_id: int) -> int | None:
    """Build one queued report; a second delivery of the same message finds the row claimed and does nothing."""
    try:
        report = services.report_build(report_id=report_id)
    except TRANSIENT as error:
        services.report_release(
            report_id=report_id, error=repr(error), retrying=self.request.retries < self.max_retries
        )
        raise
    except Exception as error:
        services.report_release(report_id=report_id, error=repr(error), retrying=False)
        raise
    return report.pk if report else None


@shared_task
def requeue_waiting_reports() -> int:
    """Builds requested while the broker was down stay queued; hand them to a worker once it is back."""
    from reports.models import Report, ReportStatus

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
