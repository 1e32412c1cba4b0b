from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_kwargs={"max_retries": 5})
def send_email(*, subject: str, body: str, to: list[str], html: str | None = None) -> None:
    """Send one message; SMTP on a provincial network is slow and flaky, so it never blocks a request."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
