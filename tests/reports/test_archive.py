"""The archive: versions, drafts and finals, failed builds, a real worker, and the build_report command."""

import datetime as dt
import hashlib
import io
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.celery import app as celery_app
from reports import builds, services
from reports.models import Report, ReportStatus
from reports.selectors import report_latest
from tests.reports.factories import approve_acknowledged
from tests.workers import celery_worker, worker_database_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reports_root")]


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


def request(world) -> Report:
    return services.report_request(user=world.personas.staff, cycle=world.cycle, unit=world.personas.commune_b)


def leave_temporary_file(report: Report, settings) -> Path:
    """What a build killed while writing its PDF leaves behind."""
    directory = Path(settings.REPORTS_ROOT) / str(report.period_end.year)
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".building-{report.pk}-k1ll3d.part"
    temporary.write_bytes(b"%PDF-1.7 half")
    return temporary


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


def test_a_build_failing_on_a_transient_error_is_queued_again_until_its_last_attempt(world, monkeypatch, settings):
    good = build(world)
    monkeypatch.setattr("reports.documents.render_pdf", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    report = request(world)
    from reports.tasks import build_report

    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)  # let in-process retries run, at once

    assert build_report.delay(report.pk).failed()

    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.FAILED, builds.MAX_BUILD_ATTEMPTS)
    trail = list(report.events.values_list("action", "to_status"))
    assert trail == [("request", "queued")] + [("retry", "queued")] * (builds.MAX_BUILD_ATTEMPTS - 1) + [
        ("fail", "failed")
    ]
    assert latest(world) == good
    assert [p.name for p in Path(settings.REPORTS_ROOT).rglob("*") if p.is_file()] == [Path(good.file_name).name]


def test_the_same_message_delivered_again_takes_over_the_build_its_dead_delivery_left(world, settings):
    good = build(world)
    report = request(world)
    assert services.report_claim(report_id=report.pk, task_id="message-1") == 1
    leave_temporary_file(report, settings)
    assert latest(world) == good

    # The broker delivers a message again only when the worker running it died.
    assert services.report_claim(report_id=report.pk, task_id="message-1") == 2
    built = services.report_build_claimed(report_id=report.pk, attempt=2)

    assert built.status == ReportStatus.DRAFT
    assert hashlib.sha256(services.report_path(built).read_bytes()).hexdigest() == built.sha256
    assert latest(world) == built
    abandoned = built.events.get(action="abandon")
    assert (abandoned.from_status, abandoned.to_status) == (ReportStatus.BUILDING, ReportStatus.QUEUED)
    assert "Lần lập thứ 1 bị gián đoạn" in abandoned.reason
    assert not list(Path(settings.REPORTS_ROOT).rglob("*.part"))


def test_a_live_build_is_left_to_its_worker(world):
    report = request(world)
    assert services.report_claim(report_id=report.pk, task_id="message-1") == 1

    assert services.report_claim(report_id=report.pk, task_id="message-2") is None  # e.g. the periodic requeue's
    assert services.report_recover_stale() == 0

    report.refresh_from_db()
    assert (report.status, report.attempts, report.task_id) == (ReportStatus.BUILDING, 1, "message-1")
    assert not report.events.filter(action="abandon").exists()


def test_an_attempt_taken_over_can_neither_finish_nor_fail_the_build(world, settings):
    report = request(world)
    assert services.report_claim(report_id=report.pk, task_id="message-1") == 1
    assert services.report_claim(report_id=report.pk, task_id="message-1") == 2  # the first is believed dead

    assert services.report_build_claimed(report_id=report.pk, attempt=1) is None  # it was alive after all
    assert services.report_release(report_id=report.pk, attempt=1, error="late", retrying=False) is None
    assert not [p for p in Path(settings.REPORTS_ROOT).rglob("*") if p.is_file()]  # its file went with it
    built = services.report_build_claimed(report_id=report.pk, attempt=2)

    assert built.status == ReportStatus.DRAFT
    assert hashlib.sha256(services.report_path(built).read_bytes()).hexdigest() == built.sha256
    assert list(built.events.values_list("action", flat=True)) == ["request", "abandon", "build"]


def test_the_periodic_requeue_takes_back_a_build_whose_worker_died_and_it_is_built_again(world, settings):
    from reports.tasks import requeue_waiting_reports

    good = build(world)
    report = request(world)
    assert services.report_claim(report_id=report.pk, task_id="message-1") == 1
    temporary = leave_temporary_file(report, settings)
    # The whole worker died half an hour ago; its message comes back only after the broker's visibility timeout.
    long_ago = timezone.now() - builds.STALE_BUILD - dt.timedelta(minutes=1)
    Report.objects.filter(pk=report.pk).update(requested_at=long_ago, started_at=long_ago)

    assert requeue_waiting_reports.delay().get() == 1  # in-process: the build runs at once

    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.DRAFT, 2)
    assert hashlib.sha256(services.report_path(report).read_bytes()).hexdigest() == report.sha256
    assert list(report.events.values_list("action", flat=True)) == ["request", "abandon", "build"]
    assert not temporary.exists()
    assert latest(world) == report != good


def test_a_build_that_kills_its_worker_every_time_ends_failed_with_a_clear_message(world, settings):
    good = build(world)
    report = request(world)
    for attempt in range(1, builds.MAX_BUILD_ATTEMPTS + 1):
        assert services.report_claim(report_id=report.pk, task_id="message-1") == attempt
        leave_temporary_file(report, settings)  # then the worker is killed, out of memory

    assert services.report_claim(report_id=report.pk, task_id="message-1") is None

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert f"không thành công sau {builds.MAX_BUILD_ATTEMPTS} lần thử" in report.error
    assert "thiếu bộ nhớ" in report.error
    trail = list(report.events.values_list("action", "to_status"))
    assert trail == [("request", "queued")] + [("abandon", "queued")] * (builds.MAX_BUILD_ATTEMPTS - 1) + [
        ("fail", "failed")
    ]
    assert report.events.last().reason == report.error
    assert latest(world) == good
    assert services.report_build(report_id=report.pk) is None  # a failed build is not claimed again
    assert not list(Path(settings.REPORTS_ROOT).rglob("*.part"))


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
    approve_acknowledged(v1, p.leader)
    final_bytes = services.report_path(v1).read_bytes()

    v2 = build(world)
    v1.refresh_from_db()
    assert (v1.status, v2.status, v2.version) == (ReportStatus.FINAL, ReportStatus.DRAFT, 2)
    assert services.report_build(report_id=v1.pk) is None  # a final row cannot be claimed again
    assert services.report_path(v1).read_bytes() == final_bytes
    assert hashlib.sha256(final_bytes).hexdigest() == v1.sha256

    approve_acknowledged(v2, p.leader)
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
