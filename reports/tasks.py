"""Celery tasks of the reports app: they take ids, claim rows and call services."""

from celery import shared_task
from django.utils import timezone

from reports import builds, services
from reports.models import Report


@shared_task(bind=True, max_retries=None)  # builds.MAX_BUILD_ATTEMPTS bounds the attempts, whatever ended them
def build_report(self, report_id: int) -> int | None:
    """Build one queued report (reports.builds.build_task: claim, build, retry transient errors)."""
    report = builds.build_task(self, Report, pk=report_id, build=services.report_build_attempt)
    return report.pk if report else None


@shared_task
def requeue_waiting_reports() -> int:
    """Every 10 minutes: take back builds whose worker died, and hand queued builds to a worker (those requested
    while the broker was down, and those taken back)."""
    services.report_recover_stale()
    waiting = builds.build_waiting(Report)
    for pk in waiting:
        build_report.delay(pk)
    return len(waiting)


@shared_task
def send_deadline_reminders() -> int:
    """Daily: remind communes that have not confirmed their figures, and staff before the due date."""
    from reports.reminders import reminders_send

    return reminders_send(today=timezone.localdate())
