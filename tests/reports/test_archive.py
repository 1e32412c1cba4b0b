"""The archive: versions, drafts and finals, failed builds, a real worker, and the build_report command."""

import hashlib
import io
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from portal.celery import app as celery_app
from reports import services
from reports.models import Report, ReportStatus
from reports.selectors import report_latest
from tests.workers import celery_worker, worker_database_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path, monkeypatch):
    settings.REPORTS_ROOT = tmp_path / "reports"
    monkeypatch.setenv("REPORTS_ROOT", str(tmp_path / "reports"))  # for the worker subprocess


@pytest.fixture
def worker(tmp_path):
    """A real Celery worker through Redis, on the test database."""
    with celery_worker(
        name="reports", log_dir=tmp_path / "workers", env={"DATABASE_URL": worker_database_url()}
    ) as running:
        yield running


def build(world, user=None):
    p = world.personas
    report = services.report_request(user=user or p.staff, cycle=world.cycle, unit=p.commune_b)
    return services.report_build(report_id=report.pk) or Report.objects.get(pk=report.pk)


def latest(world):
    c = world.cycle
    return report_latest(cycle=c, unit=world.personas.commune_b, period_start=c.period_start, period_end=c.period_end)


def test_a_failed_build_never_becomes_the_latest_and_leaves_no_file(world, monkeypatch, settings):
    good = build(world)

    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setattr("reports.documents.render_pdf", broken)
    report = services.report_request(user=world.personas.staff, cycle=world.cycle, unit=world.personas.commune_b)
    from reports.tasks import build_report

    with pytest.raises(RuntimeError):
        build_report.delay(report.pk)

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "WeasyPrint crashed" in report.error
    assert report.sha256 == ""
    assert report.file_name == ""
    assert latest(world) == good
    files = sorted(p.name for p in Path(settings.REPORTS_ROOT).rglob("*") if p.is_file())
    assert files == [Path(good.file_name).name]


def test_a_retried_build_goes_back_to_the_queue_not_to_the_archive(world, monkeypatch):
    good = build(world)
    report = services.report_request(user=world.personas.staff, cycle=world.cycle, unit=world.personas.commune_b)
    assert services.report_build.__name__  # the service the task calls
    monkeypatch.setattr("reports.documents.render_pdf", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    services_claimed = Report.objects.filter(pk=report.pk, status=ReportStatus.QUEUED).update(
        status=ReportStatus.BUILDING
    )
    assert services_claimed
    services.report_release(report_id=report.pk, error="OSError('disk full')", retrying=True)

    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert latest(world) == good


def test_two_workers_never_build_the_same_report_twice(world):
    report = services.report_request(user=world.personas.staff, cycle=world.cycle, unit=world.personas.commune_b)

    first = services.report_build(report_id=report.pk)
    second = services.report_build(report_id=report.pk)

    assert first is not None
    assert second is None
    assert report.events.filter(action="build").count() == 1


def test_a_final_is_never_overwritten_and_a_new_version_supersedes_it(world):
    p = world.personas
    v1 = build(world)
    services.report_approve(report=v1, user=p.leader)
    final_bytes = services.report_path(v1).read_bytes()

    v2 = build(world)
    v1.refresh_from_db()
    assert (v1.status, v2.status, v2.version) == (ReportStatus.FINAL, ReportStatus.DRAFT, 2)
    assert services.report_build(report_id=v1.pk) is None  # a final row cannot be claimed again
    assert services.report_path(v1).read_bytes() == final_bytes
    assert hashlib.sha256(final_bytes).hexdigest() == v1.sha256

    services.report_approve(report=v2, user=p.leader)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (ReportStatus.SUPERSEDED, ReportStatus.FINAL)
    assert services.report_path(v1).read_bytes() == final_bytes


def test_only_leadership_approves_a_final(world):
    from django.core.exceptions import PermissionDenied

    draft = build(world)
    with pytest.raises(PermissionDenied):
        services.report_approve(report=draft, user=world.personas.staff)


def test_build_report_prints_the_stored_pdf_path(world):
    out = io.StringIO()
    call_command("build_report", "--year", "2026", "--unit", world.personas.commune_b.code, "--sync", stdout=out)

    path = Path(out.getvalue().strip())
    report = Report.objects.get()
    assert path.exists()
    assert path == services.report_path(report)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == report.sha256


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_report_and_records_its_checksum(world, worker):
    celery_app.conf.task_always_eager = False
    report = services.report_request(user=world.personas.staff, cycle=world.cycle, unit=world.personas.commune_b)

    assert services.report_enqueue(report)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if not report.is_running:
            break
        time.sleep(0.3)

    assert report.status == ReportStatus.DRAFT, report.error
    assert hashlib.sha256(services.report_path(report).read_bytes()).hexdigest() == report.sha256
