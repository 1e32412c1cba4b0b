"""Faults: a real Celery worker SIGKILLed in the middle of a report build; it is built again, the archive stays good."""

import hashlib
import os
import signal
import time
from pathlib import Path

import pytest

from portal.celery import app as celery_app
from reports import services
from reports.models import Report, ReportStatus
from reports.selectors import report_latest
from tests.workers import celery_worker, worker_database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 2  # seconds before a started worker takes back the message a killed one was running


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path, monkeypatch):
    settings.REPORTS_ROOT = tmp_path / "reports"
    monkeypatch.setenv("REPORTS_ROOT", str(tmp_path / "reports"))  # for the worker subprocesses


@pytest.fixture(autouse=True)
def _tasks_on_workers():
    celery_app.conf.task_always_eager = False  # the suite's autouse fixture puts it back


@pytest.fixture
def good(world):
    """A version built and stored before the one the worker builds: the latest until a newer one is done."""
    report = services.report_request(user=world.personas.staff, cycle=world.cycle, unit=world.personas.commune_b)
    return services.report_build(report_id=report.pk)


def latest(world):
    c = world.cycle
    return report_latest(cycle=c, unit=world.personas.commune_b, period_start=c.period_start, period_end=c.period_end)


def request_on_worker(world) -> Report:
    report = services.report_request(user=world.personas.staff, cycle=world.cycle, unit=world.personas.commune_b)
    assert services.report_enqueue(report)
    return report


def wait_until_building(report: Report, worker) -> None:
    deadline = time.monotonic() + 60
    while Report.objects.filter(pk=report.pk, status=ReportStatus.BUILDING).count() == 0:
        assert time.monotonic() < deadline, f"the worker did not start the build\n{worker.output()}"
        time.sleep(0.01)


def wait_until_done(report: Report, world, good: Report, worker) -> None:
    """Wait for the build to end, checking all along that the earlier good version stays the latest."""
    deadline = time.monotonic() + 90
    while True:
        # The latest version is read before the build's status: a build that ends in between is then seen as
        # done, and only a version still running may never be the latest.
        current = latest(world)
        report.refresh_from_db()
        if not report.is_running:
            return
        assert current == good
        assert time.monotonic() < deadline, f"the report stayed {report.status}\n{worker.output()}"
        time.sleep(0.2)


def assert_rebuilt_after_one_abandoned_attempt(report: Report, world, settings) -> None:
    assert report.status == ReportStatus.DRAFT, report.error
    assert hashlib.sha256(services.report_path(report).read_bytes()).hexdigest() == report.sha256
    assert latest(world) == report
    trail = list(report.events.values_list("action", "from_status", "to_status"))
    assert trail == [
        ("request", "", ReportStatus.QUEUED),
        ("abandon", ReportStatus.BUILDING, ReportStatus.QUEUED),
        ("build", ReportStatus.BUILDING, ReportStatus.DRAFT),
    ]
    assert "Lần lập thứ 1 bị gián đoạn" in report.events.get(action="abandon").reason
    assert report.attempts == 2
    assert not list(Path(settings.REPORTS_ROOT).rglob("*.part"))


def test_a_build_whose_pool_process_is_killed_is_retried_and_the_good_report_stays_latest(
    world, good, tmp_path, settings
):
    env = {"DATABASE_URL": worker_database_url()}
    with celery_worker(name="prefork", pool="prefork", log_dir=tmp_path / "workers", env=env) as worker:
        [child] = worker.pool_pids()
        report = request_on_worker(world)
        wait_until_building(report, worker)

        os.kill(child, signal.SIGKILL)

        assert latest(world) == good
        wait_until_done(report, world, good, worker)
        assert worker.pool_pids() != [child]

    assert_rebuilt_after_one_abandoned_attempt(report, world, settings)


def test_a_build_whose_whole_worker_is_killed_is_built_by_the_next_worker(world, good, tmp_path, settings):
    env = {"DATABASE_URL": worker_database_url(), "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    with celery_worker(name="first", pool="prefork", log_dir=tmp_path / "workers", env=env) as first:
        report = request_on_worker(world)
        wait_until_building(report, first)
        first.kill()
    killed = time.monotonic()

    report.refresh_from_db()
    assert report.status == ReportStatus.BUILDING  # nobody is left to finish or release it
    assert latest(world) == good
    # A starting worker takes back the messages left unacknowledged for longer than the visibility timeout.
    time.sleep(max(0.0, killed + VISIBILITY_TIMEOUT - time.monotonic()))
    with celery_worker(name="second", log_dir=tmp_path / "workers", env=env, purge=False) as second:
        wait_until_done(report, world, good, second)
        assert "succeeded" in second.output()

    assert_rebuilt_after_one_abandoned_attempt(report, world, settings)
