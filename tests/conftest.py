import pytest

from portal.celery import app as celery_app
from portal.reference_data import ethnic_groups_load
from tests.factories import Personas


def pytest_configure(config):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(
            "The suite runs on PostgreSQL only: set DATABASE_URL (./dev test sets a local default).", returncode=2
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference rows from data migrations, back after browser tests flushed a reused database."""
    with django_db_blocker.unblock():
        ethnic_groups_load()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and cached pages live in Redis: each test starts without another test's counts."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Unit tests run tasks in-process; tests marked `worker` use a real Celery worker through Redis."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def personas(db) -> Personas:
    return Personas.build()
