from celery import shared_task

from donors.services import pledge_lapse_overdue


@shared_task
def lapse_overdue_pledges() -> int:
    """Daily: pledges whose receive-by date passed with nothing received become `lapsed` (with an event)."""
    return len(pledge_lapse_overdue())
