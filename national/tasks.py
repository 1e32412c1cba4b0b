"""Celery tasks of the national app: they take ids and run the shared build machinery (reports.builds)."""

from celery import shared_task

from national import services
from national.models import NationalReport
from reports import builds


@shared_task(bind=True, max_retries=None)  # builds.MAX_BUILD_ATTEMPTS bounds the attempts, whatever ended them
def build_rollup(self, report_id: int) -> int | None:
    """Build one queued national roll-up (claim, build, retry transient errors: reports.builds.build_task)."""
    report = builds.build_task(self, NationalReport, pk=report_id, build=services.rollup_build_attempt)
    return report.pk if report else None


@shared_task
def requeue_waiting_rollups() -> int:
    """Every 10 minutes: take back roll-ups whose worker died and hand queued ones to a worker."""
    builds.build_recover_stale(NationalReport)
    waiting = builds.build_waiting(NationalReport)
    for pk in waiting:
        build_rollup.delay(pk)
    return len(waiting)
