"""Pages and API from the outside: each role logs in and sees exactly what it may."""

import re

import pytest
from django.urls import reverse

from reports import builds, services
from reports.models import CommuneConfirmation, ConfirmationStatus, ReportStatus
from tests.factories import PASSWORD
from tests.reports.factories import confirm_acknowledged

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path, monkeypatch):
    settings.REPORTS_ROOT = tmp_path / "reports"
    # The PDF itself is tested in test_pdf.py; here a few bytes stand in for it, to keep these tests fast.
    monkeypatch.setattr("reports.documents.render_pdf", lambda template, context: b"%PDF-1.7 " + template.encode())


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def built(world, unit):
    report = services.report_request(user=world.personas.staff, cycle=world.cycle, unit=unit)
    return services.report_build(report_id=report.pk)


@pytest.fixture
def reports(world):
    p = world.personas
    return {"province": built(world, p.province), "commune_a": built(world, p.commune_a)}


def test_leadership_downloads_from_the_archive_and_the_file_matches_its_checksum(client, world, reports):
    import hashlib

    response = login(client, world.personas.leader).get(reverse("report-download", args=[reports["province"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == reports["province"].sha256


def test_a_commune_officer_sees_only_their_communes_reports(client, world, reports):
    p = world.personas
    login(client, p.officer_a)

    archive = client.get(reverse("report-archive"))
    assert archive.status_code == 200
    assert list(archive.context["reports"]) == [reports["commune_a"]]
    assert client.get(reverse("report-detail", args=[reports["province"].pk])).status_code == 404
    assert client.get(reverse("report-detail", args=[reports["commune_a"].pk])).status_code == 200
    # Officers read their commune's report but downloading is a leadership/staff permission.
    assert client.get(reverse("report-download", args=[reports["commune_a"].pk])).status_code == 403
    assert client.get(reverse("report-dashboard")).status_code == 404


def test_officer_b_does_not_see_commune_a(client, world, reports):
    login(client, world.personas.officer_b)
    assert client.get(reverse("report-detail", args=[reports["commune_a"].pk])).status_code == 404
    api = client.get("/api/v1/figures/", {"unit": world.personas.commune_a.code})
    assert api.status_code == 404


@pytest.mark.parametrize("name", ["report-detail", "report-download"])
def test_staff_of_another_province_and_donors_get_404(client, world, reports, name):
    p = world.personas
    for user in (p.staff_q, p.donor):
        login(client, user)
        assert client.get(reverse(name, args=[reports["province"].pk])).status_code == 404
        client.logout()


def test_the_public_is_sent_to_log_in(client, world, reports):
    response = client.get(reverse("report-download", args=[reports["province"].pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/reports/").status_code in (401, 403)


def test_the_api_lists_downloads_and_serves_figures_in_scope(client, world, reports):
    p = world.personas
    login(client, p.leader)
    listed = client.get("/api/v1/reports/").json()
    assert {row["id"] for row in listed["results"]} == {r.pk for r in reports.values()}
    assert client.get(f"/api/v1/reports/{reports['province'].pk}/download/").status_code == 200
    figures = client.get("/api/v1/figures/").json()
    assert figures["unit"]["code"] == p.province.code
    client.logout()

    login(client, p.officer_a)
    assert [row["id"] for row in client.get("/api/v1/reports/").json()["results"]] == [reports["commune_a"].pk]
    assert client.get("/api/v1/figures/", {"unit": p.province.code}).status_code == 404
    mine = client.get("/api/v1/figures/", {"unit": p.commune_a.code}).json()
    assert mine["unit"]["code"] == p.commune_a.code
    client.logout()

    login(client, p.staff_q)
    assert client.get("/api/v1/reports/").json()["results"] == []
    assert client.get(f"/api/v1/reports/{reports['province'].pk}/").status_code == 404


def test_leadership_approves_a_draft_as_final(client, world, reports):
    report = reports["province"]
    page = login(client, world.personas.leader).get(reverse("report-detail", args=[report.pk]))
    ticked = re.search(r'name="acknowledge" value="([^"]+)"', page.content.decode()).group(1)  # no commune confirmed
    client.post(reverse("report-approve", args=[report.pk]), {"acknowledge": ticked})
    report.refresh_from_db()
    assert report.status == ReportStatus.FINAL
    client.logout()
    login(client, world.personas.staff)
    assert client.post(reverse("report-approve", args=[reports["commune_a"].pk])).status_code == 403


def test_a_running_build_page_refreshes_itself(client, world):
    report = services.report_request(user=world.personas.staff, cycle=world.cycle, unit=world.personas.province)
    page = login(client, world.personas.staff).get(reverse("report-detail", args=[report.pk]))
    assert b'<meta http-equiv="refresh" content="3">' in page.content
    assert "Đang chờ lập" in page.content.decode()


def test_a_build_whose_worker_died_says_it_is_built_again_and_after_the_last_attempt_that_it_failed(client, world):
    report = services.report_request(user=world.personas.staff, cycle=world.cycle, unit=world.personas.province)
    services.report_claim(report_id=report.pk, task_id="message-1")
    services.report_claim(report_id=report.pk, task_id="message-1")  # its worker died; the message came back
    login(client, world.personas.staff)

    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "Đang lập lại báo cáo (lần thử thứ 2)" in page
    assert "Lần lập thứ 1 bị gián đoạn" in page  # the history says why
    assert "Đang lập (lập lại)" in client.get(reverse("report-archive")).content.decode()

    while services.report_claim(report_id=report.pk, task_id="message-1"):
        pass
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert f"Lập báo cáo không thành công sau {builds.MAX_BUILD_ATTEMPTS} lần thử" in page
    assert "báo quản trị hệ thống" in page


def test_a_build_requested_while_the_broker_is_down_is_kept_queued_with_a_clear_message(client, world, settings):
    from portal.celery import app as celery_app

    def reset_pools():  # kombu keeps one pool per broker URL; make the app look its pool up again
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.task_always_eager = False
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    reset_pools()
    try:
        response = login(client, world.personas.staff).post(
            reverse("report-request"), {"unit": world.personas.province.code, "kind": "annual"}, follow=True
        )
    finally:
        celery_app.conf.broker_url = previous
        reset_pools()
    assert response.status_code == 200
    assert "tạm thời không hoạt động" in response.content.decode()
    assert response.context["report"].status == ReportStatus.QUEUED


def test_the_dashboard_shows_the_cycle_days_left_completeness_and_charts(client, world):
    p = world.personas
    confirm_acknowledged(world.cycle, p.commune_a, p.officer_a)
    page = login(client, p.leader).get(reverse("report-dashboard"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "30/11/2026" in html
    assert page.context["completeness"]["confirmed"] == 1
    assert html.count("<svg") >= 3
    assert "<script" not in html


def test_an_officer_confirms_and_staff_reopen_with_a_reason(client, world):
    p = world.personas
    login(client, p.officer_b).post(reverse("report-confirmation"), {"commune": p.commune_b.code})
    confirmation = CommuneConfirmation.objects.get(commune=p.commune_b)
    assert confirmation.status == ConfirmationStatus.CONFIRMED
    client.logout()

    login(client, p.staff).post(reverse("confirmation-reopen", args=[confirmation.pk]), {"reason": "Sai số trẻ"})
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.REOPENED
    assert confirmation.events.last().reason == "Sai số trẻ"


def test_excel_has_the_same_totals_and_neutralised_text(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    from donors.models import Donor

    Donor.objects.filter(name="Công ty Điện lực Thái Nguyên").update(name='=HYPERLINK("http://x")')
    response = login(client, world.personas.leader).get(reverse("report-excel"))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    summary = {row[0].value: row[1] for row in book["Tổng hợp"].iter_rows(min_row=2)}
    receipts = [r for r in world.receipts if r.pledge.donor.province_id == world.personas.province.pk]
    expected = sum(r.amount for r in receipts if world.cycle.period_start <= r.received_on <= world.cycle.period_end)
    assert summary["Tổng nguồn lực (đồng)"].value == expected
    assert summary["Tổng nguồn lực (đồng)"].number_format == "#,##0"
    donors = [row[0].value for row in book["Đề xuất khen thưởng"].iter_rows(min_row=2)]
    assert donors == ['\'=HYPERLINK("http://x")']


def test_after_the_due_date_the_dashboard_and_home_say_how_late_not_minus_days(client, world, monkeypatch):
    import datetime as dt

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 12, 3))
    login(client, world.personas.leader)
    for url in (reverse("report-dashboard"), reverse("home")):
        html = client.get(url).content.decode()
        assert "Hạn gửi báo cáo: 30/11/2026 — <strong>đã quá hạn 3 ngày</strong>." in html
        assert "còn <strong>-" not in html


def test_figures_for_any_period_answer_and_a_reversed_one_is_refused(client, world):
    """Found by the API fuzzer: a period ending in year 18 broke the age-band arithmetic with a 500."""
    login(client, world.personas.leader)

    ancient = client.get("/api/v1/figures/", {"start": "0001-01-01", "end": "0018-01-01"})
    reversed_period = client.get("/api/v1/figures/", {"start": "2000-01-01", "end": "0018-01-01"})

    assert ancient.status_code == 200
    assert ancient.json()["children"]["children"] == 0
    assert reversed_period.status_code == 400
    assert "end" in reversed_period.json()
