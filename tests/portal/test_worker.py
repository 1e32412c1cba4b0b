"""A real Celery worker, through the Redis broker, does the work a request hands off."""

import time

import pytest
from django.urls import reverse

from portal.celery import app as celery_app
from tests.factories import UserFactory
from tests.workers import celery_worker


@pytest.fixture
def worker(tmp_path):
    mail_dir = tmp_path / "mail"
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    with celery_worker(name="mail", log_dir=tmp_path / "workers", env=env):
        yield mail_dir


@pytest.mark.worker
@pytest.mark.django_db
def test_the_password_reset_email_is_sent_by_the_worker(client, worker):
    UserFactory(email="can.bo@example.invalid", full_name="Hoàng Thị Dung")
    celery_app.conf.task_always_eager = False

    response = client.post(reverse("password_reset"), {"email": "can.bo@example.invalid"})
    assert response.status_code == 302

    deadline = time.monotonic() + 30
    sent = []
    # The file backend creates the file, then writes it: wait for the whole message.
    while not (sent and all("/accounts/reset/" in text for text in sent)) and time.monotonic() < deadline:
        time.sleep(0.2)
        sent = [path.read_text() for path in worker.glob("*.log")]
    assert len(sent) == 1, "the worker did not send the message"
    assert "can.bo@example.invalid" in sent[0]
    assert "/accounts/reset/" in sent[0]
