"""With Redis down (cache and broker), people can still log in, work and reset their password."""

import pytest
from django.core import mail

from portal.celery import app as celery_app
from tests.factories import PASSWORD

DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": DEAD,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = DEAD, False
    _drop_broker_connections()
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
    _drop_broker_connections()


def _drop_broker_connections():
    """Celery caches its connection and producer pools; forget them so the next publish uses the current URL."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db
def test_pages_and_the_api_still_work(client, personas, redis_down):
    assert client.post("/accounts/login/", {"username": "staff", "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/communes/").status_code == 200
    token = client.post("/api/v1/auth/token/", {"username": "officer_a", "password": PASSWORD})
    assert token.status_code == 200
    assert "token" in token.json()


@pytest.mark.django_db
def test_a_password_reset_still_sends_its_link(client, personas, redis_down):
    response = client.post("/accounts/password_reset/", {"email": personas.officer_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert personas.officer_a.email in mail.outbox[0].to
    assert "/accounts/reset/" in mail.outbox[0].body
