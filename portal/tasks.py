import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from kombu.exceptions import OperationalError

from portal.spreadsheets.importing import import_purge_stale

logger = logging.getLogger(__name__)


def enqueue(task, **kwargs) -> bool:
    """Queue a task; False (and a log line) when the broker cannot be reached, so the caller can say so."""
    try:
        task.apply_async(kwargs=kwargs)
    except OperationalError as error:
        logger.error("Broker unavailable, %s not queued: %s", task.name, error)
        return False
    return True


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_kwargs={"max_retries": 5})
def send_email(*, subject: str, body: str, to: list[str], html: str | None = None) -> None:
    """Send one message; SMTP on a provincial network is slow and flaky, so it never blocks a request."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task
def purge_stale_imports() -> int:
    """Unconfirmed imports hold children's personal data: drop them after two days."""
    return import_purge_stale()
