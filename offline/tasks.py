from celery import shared_task

from offline.services import evidence_uploads_purge


@shared_task
def purge_unused_uploads() -> int:
    """Evidence sent from devices and never used: deleted after 30 days (offline.services)."""
    return evidence_uploads_purge()
