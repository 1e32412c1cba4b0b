"""The ministry's view: which provinces submitted, their approved figures side by side, and the national roll-up,
which equals the sum of the provinces' approved figures and ignores whatever a province reopens after approval."""

import datetime as dt
import io
import time

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from national import services as national_services
from national.models import NationalReport
from national.selectors import approved_figures
from portal.celery import app as celery_app
from reports import services
from reports.checklists import reopen_checklist
from reports.figures import figures_for
from reports.models import ReportStatus
from tests.pdf import pdf_text
from tests.reports.factories import PledgeFactory, ReceiptFactory, approve_acknowledged, confirm_acknowledged
from tests.workers import celery_worker, worker_database_url

pytestmark = pytest.mark.django_db

MEASURES = ("received", "cash", "in_kind", "allocated", "delivered", "children", "children_reached")


@pytest.fixture
def fast_province_pdfs(monkeypatch):
    """The provinces' own PDFs are another test's business (tests/reports): a stand-in keeps these fast."""
    monkeypatch.setattr("reports.documents.render_pdf", lambda template, context: b"%PDF-1.7 province")


def build(unit, cycle):
    report = services.report_request(user=None, cycle=cycle, unit=unit)
    return services.report_build(report_id=report.pk)


def approve(unit, cycle, leader):
    return approve_acknowledged(build(unit, cycle), leader)


def figures_now(unit, cycle) -> dict:
    """A province's headline figures as reports.figures computes them (what its report states when built now)."""
    figures = figures_for(unit=unit, period_start=cycle.period_start, period_end=cycle.period_end, cycle=cycle)
    totals = figures.totals()
    return {
        "received": totals["received"],
        "cash": figures.resources["cash"],
        "in_kind": figures.resources["in_kind"],
        "allocated": totals["allocated"],
        "delivered": totals["delivered"],
        "children": totals["children"],
        "children_reached": totals["children_reached"],
    }


def added(*rows) -> dict:
    return {measure: sum(row[measure] for row in rows) for measure in MEASURES}


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lists_every_province_with_the_state_of_its_annual_report(nation, fast_province_pdfs):
    n = nation
    final = approve(n.p.province, n.cycle_p, n.p.leader)
    build(n.p.other_province, n.cycle_q)  # Q: a draft, never approved
    page = client_of(n.ministry).get(reverse("national:overview"), {"year": 2026}).content.decode()

    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0] for name in (n.p.province.name, "Tỉnh Chưa Mở Kỳ")}
    assert "Đã phê duyệt" in rows[n.p.province.name]
    assert timezone.localtime(final.approved_at).strftime("%d/%m/%Y") in rows[n.p.province.name]
    assert "30/11/2026" in rows[n.p.province.name]
    assert "Mới có dự thảo" in page.split(n.p.other_province.name, 1)[1].split("</tr>", 1)[0]
    assert "Chưa có báo cáo" in rows["Tỉnh Chưa Mở Kỳ"]
    assert "tỉnh chưa mở kỳ báo cáo" in rows["Tỉnh Chưa Mở Kỳ"]
    assert "1/3 tỉnh, thành phố đã có báo cáo chính thức" in page
    download = client_of(n.ministry).get(reverse("national:province-report", args=[final.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.7 province"


def test_the_rollup_equals_the_sum_of_the_provinces_approved_figures(nation, fast_province_pdfs, monkeypatch):
    n = nation
    monkeypatch.setattr("national.documents.render_pdf", lambda template, context: b"%PDF-1.7 national")
    expected_p = figures_now(n.p.province, n.cycle_p)
    approve(n.p.province, n.cycle_p, n.p.leader)
    expected_q = figures_now(n.p.other_province, n.cycle_q)
    approve(n.p.other_province, n.cycle_q, n.leader_q)
    assert expected_q["received"] == 30_000_000  # Q's one receipt, counted by hand
    assert expected_p["received"] > 0
    assert expected_p["children_reached"] > 0

    page = client_of(n.ministry).get(reverse("national:figures"), {"year": 2026})
    assert page.context["data"]["totals"] == added(expected_p, expected_q)
    assert [row["province"].name for row in page.context["data"]["missing"]] == ["Tỉnh Chưa Mở Kỳ"]

    response = client_of(n.ministry).post(reverse("national:rollup"), {"year": 2026})
    assert response.status_code == 302
    rollup = NationalReport.objects.get()  # built in-process: tasks run eagerly in unit tests
    assert rollup.status == ReportStatus.DRAFT, rollup.error
    assert rollup.figures["totals"] == added(expected_p, expected_q)
    assert {row["name"]: row["received"] for row in rollup.figures["provinces"]} == {
        n.p.province.name: expected_p["received"],
        n.p.other_province.name: 30_000_000,
    }
    assert [row["name"] for row in rollup.figures["missing"]] == ["Tỉnh Chưa Mở Kỳ"]
    workbook = client_of(n.ministry).get(reverse("national:rollup-workbook", args=[rollup.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).worksheets[0]
    total_row = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng cộng")
    assert total_row[2] == expected_p["received"] + 30_000_000


def test_a_province_reopening_after_approval_changes_nothing_until_it_approves_again(nation, fast_province_pdfs):
    n, p = nation, nation.p
    confirmation = confirm_acknowledged(n.cycle_p, p.commune_a, p.officer_a)
    approved = figures_now(p.province, n.cycle_p)
    approve(p.province, n.cycle_p, p.leader)

    # After approval: staff reopen commune A's figures and more money comes in.
    services.confirmation_reopen(
        confirmation=confirmation,
        user=p.staff,
        reason="Xã báo sai số trẻ",
        acknowledged=reopen_checklist(confirmation=confirmation).fingerprint,
    )
    donor = n.world.receipts[0].pledge.donor
    ReceiptFactory(pledge=PledgeFactory(donor=donor), amount=7_000_000, received_on=dt.date(2026, 10, 20))
    assert figures_now(p.province, n.cycle_p)["received"] == approved["received"] + 7_000_000

    figures = approved_figures(year=2026, programme=n.cycle_p.programme)
    assert figures["totals"] == approved
    page = client_of(n.ministry).get(reverse("national:overview"), {"year": 2026}).content.decode()
    assert "tỉnh đã mở lại số liệu sau phê duyệt" in page

    v2 = build(p.province, n.cycle_p)  # a new draft changes nothing either, until leadership approve it
    assert approved_figures(year=2026, programme=n.cycle_p.programme)["totals"] == approved
    approve_acknowledged(v2, p.leader)
    again = approved_figures(year=2026, programme=n.cycle_p.programme)
    assert again["totals"]["received"] == approved["received"] + 7_000_000
    assert again["provinces"][0]["report"]["version"] == 2


def test_only_the_ministry_requests_a_rollup(nation):
    for user in (nation.p.leader, nation.p.staff, nation.p.auditor):
        assert client_of(user).post(reverse("national:rollup"), {"year": 2026}).status_code == 404
    assert not NationalReport.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_national_rollup_pdf_and_workbook(nation, fast_province_pdfs, tmp_path):
    n = nation
    approve(n.p.province, n.cycle_p, n.p.leader)
    approve(n.p.other_province, n.cycle_q, n.leader_q)
    expected = approved_figures(year=2026, programme=n.cycle_p.programme)["totals"]
    rollup = national_services.rollup_request(user=n.ministry, year=2026, programme=n.cycle_p.programme)
    celery_app.conf.task_always_eager = False
    with celery_worker(name="national", log_dir=tmp_path / "w", env={"DATABASE_URL": worker_database_url()}) as w:
        assert national_services.rollup_enqueue(rollup)
        deadline = time.monotonic() + 90
        while rollup.is_running and time.monotonic() < deadline:
            time.sleep(0.3)
            rollup.refresh_from_db()
        assert rollup.status == ReportStatus.DRAFT, rollup.error or w.output()

    assert rollup.figures["totals"] == expected
    text = pdf_text(national_services.rollup_path(rollup))
    assert text.startswith("BỘ Y TẾ")
    assert "BÁO CÁO Tổng hợp kết quả vận động, hỗ trợ trẻ em vùng dân tộc thiểu số và miền núi năm 2026" in text
    assert "2/3 tỉnh, thành phố" in text
    assert f"Tổng cộng {expected['received']:,} đ".replace(",", ".") in text
    assert "Tỉnh Chưa Mở Kỳ Chưa có báo cáo 30/11/2026" in text


def _final_reports(count: int, programme) -> None:
    """`count` provinces with a final report whose stored figures are known, without building any PDF."""
    from reports.models import Report
    from tests.factories import ProvinceFactory
    from tests.reports.factories import CycleFactory

    for index in range(count):
        cycle = CycleFactory(province=ProvinceFactory(), programme=programme)
        Report.objects.create(
            cycle=cycle, unit=cycle.province, period_start=cycle.period_start, period_end=cycle.period_end,
            version=1, status=ReportStatus.FINAL, file_name=f"r{index}.pdf", sha256="0" * 64,
            approved_at=timezone.now(),
            figures={"totals": dict.fromkeys(MEASURES, index), "resources": {"cash": index, "in_kind": 0},
                     "needs": {"by_category": []}},
        )  # fmt: skip


def test_the_ministry_pages_read_a_fixed_number_of_queries_whatever_the_number_of_provinces(nation):
    """34 provinces (or more rows in each) cost the same queries as 3: the database extracts and sums the figures."""
    client = client_of(nation.ministry)
    programme = nation.cycle_p.programme
    _final_reports(2, programme)
    counts = {}
    for more in (0, 5):
        _final_reports(more, programme)
        for name in ("national:overview", "national:figures"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(name), {"year": 2026}).status_code == 200
            counts.setdefault(name, []).append(len(captured))
    assert all(first == second for first, second in counts.values()), counts
    totals = approved_figures(year=2026, programme=programme)["totals"]
    assert totals["received"] == (0 + 1) + (0 + 1 + 2 + 3 + 4)
