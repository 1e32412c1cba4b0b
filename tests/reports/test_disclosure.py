"""The Decree 03/2026 disclosure: its cycle, its build, its PDF/CSV/JSON, its approval and its publication."""

import csv
import datetime as dt
import io
import json
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from allocations.models import Allocation, Delivery
from portal.celery import app as celery_app
from portal.money import format_vnd
from reports import services
from reports.checklists import approval_checklist
from reports.models import CycleKind, Report, ReportingCycle, ReportKind, ReportStatus
from reports.selectors import cycle_next_defaults
from tests.pdf import pdf_text
from tests.reports.factories import CycleFactory, ProgrammeFactory, ReceiptFactory, approve_acknowledged
from tests.workers import celery_worker, worker_database_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reports_root")]

YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
TODAY = dt.date(2027, 2, 10)  # inside the window: the 2026 disclosure is due on 31/3/2027


@pytest.fixture
def february(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def disclosure_cycle(world) -> ReportingCycle:
    return CycleFactory(
        province=world.personas.province, kind=CycleKind.DISCLOSURE, **ReportingCycle.disclosure_dates(2026)
    )


def built(world, cycle=None) -> Report:
    cycle = cycle or disclosure_cycle(world)
    report = services.report_request(user=world.personas.staff, cycle=cycle, unit=world.personas.commune_b)
    return services.report_build(report_id=report.pk)


# --- The cycle ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "year", "due"),
    [
        (dt.date(2027, 2, 10), 2026, dt.date(2027, 3, 31)),
        (dt.date(2027, 3, 31), 2026, dt.date(2027, 3, 31)),  # the last day still proposes last year's
        (dt.date(2027, 4, 1), 2027, dt.date(2028, 3, 31)),
        (dt.date(2028, 1, 5), 2027, dt.date(2028, 3, 31)),
        (dt.date(2028, 12, 31), 2028, dt.date(2029, 3, 31)),
    ],
)
def test_it_proposes_the_previous_calendar_year_due_on_31_march(personas, today, year, due):
    proposed = cycle_next_defaults(province=personas.province, kind=CycleKind.DISCLOSURE, today=today)

    assert (proposed["year"], proposed["due_on"]) == (year, due)
    assert (proposed["period_start"], proposed["period_end"]) == (dt.date(year, 1, 1), dt.date(year, 12, 31))


def test_it_proposes_the_year_after_the_latest_disclosure_and_leaves_the_annual_cycle_alone(personas):
    CycleFactory(province=personas.province, kind=CycleKind.DISCLOSURE, **ReportingCycle.disclosure_dates(2026))

    disclosure = cycle_next_defaults(province=personas.province, kind=CycleKind.DISCLOSURE, today=TODAY)
    annual = cycle_next_defaults(province=personas.province, today=dt.date(2026, 2, 1))

    assert (disclosure["year"], disclosure["due_on"]) == (2027, dt.date(2028, 3, 31))
    assert (annual["year"], annual["due_on"]) == (2026, dt.date(2026, 11, 30))


def test_staff_open_a_disclosure_cycle_from_the_proposed_form(personas, february):
    ProgrammeFactory()
    client = Client()
    client.force_login(personas.staff)
    url = reverse("cycle-create") + "?kind=disclosure"
    page = client.get(url)
    assert "31/03/2027" in page.content.decode()
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for k, v in data.items()}

    response = client.post(url, data)

    cycle = ReportingCycle.objects.get(kind=CycleKind.DISCLOSURE)
    assert response.status_code == 302
    assert (cycle.year, cycle.period_start, cycle.period_end, cycle.due_on) == (
        2026,
        YEAR_START,
        YEAR_END,
        TODAY.replace(month=3, day=31),
    )
    # The annual cycle of the same year can still be opened next to it.
    CycleFactory(province=personas.province)


# --- The figures, three ways ----------------------------------------------------------------------------------


def expected_figures(world) -> dict:
    """The disclosure's figures recomputed from the ledger rows the world created (Python over the objects)."""
    p = world.personas
    province_communes = {p.commune_a.pk, p.commune_a0.pk, p.commune_b.pk}
    receipts = [r for r in world.receipts if r.pledge.donor.province_id == p.province.pk]
    in_year = [r for r in receipts if YEAR_START <= r.received_on <= YEAR_END]
    allocations = [
        a for a in Allocation.objects.filter(active=True).select_related("need", "receipt")
        if a.need.commune_id in province_communes
    ]  # fmt: skip
    allocated_in_year = [a for a in allocations if YEAR_START <= a.created_at.date() <= YEAR_END]
    delivered = 0
    for allocation in allocations:  # the share of each allocation whose units were handed over in the year
        need = allocation.need
        handed = sum(d.quantity for d in Delivery.objects.filter(need=need, delivered_on__range=(YEAR_START, YEAR_END)))
        money = sum(a.amount for a in allocations if a.need_id == need.pk and a.quantity is None)
        goods = sum(a.quantity or 0 for a in allocations if a.need_id == need.pk)
        paid = max(1, min(need.quantity, goods + money // need.unit_cost))
        delivered += allocation.amount * handed // paid
    children = set()
    groups = 0
    for delivery in Delivery.objects.filter(
        delivered_on__range=(YEAR_START, YEAR_END), need__commune_id__in=province_communes
    ):
        if delivery.need.child_id:
            children.add(delivery.need.child_id)
        else:
            groups += delivery.children_reached
    before = [r for r in receipts if r.received_on < YEAR_START]
    allocated_before = [a for a in allocations if a.created_at.date() < YEAR_START]
    return {
        "cash": sum(r.amount for r in in_year if r.kind == "money"),
        "in_kind": sum(r.amount for r in in_year if r.kind == "goods"),
        "allocated": sum(a.amount for a in allocated_in_year),
        "delivered": delivered,
        "children_reached": len(children) + groups,
        "opening": sum(r.amount for r in before) - sum(a.amount for a in allocated_before),
    }


def test_the_pdf_csv_and_json_state_the_figures_of_the_ledger(world, february):
    p = world.personas
    anonymous = world.receipts[1].pledge.donor  # the donor of the coats asks not to be named
    anonymous.anonymous_publicly = True
    anonymous.save()
    report = built(world)
    expected = expected_figures(world)
    approve_acknowledged(report, p.leader)

    client = Client()  # anyone: the public downloads
    text = pdf_text(b"".join(client.get(reverse("disclosure-public", args=[report.pk, "pdf"])).streaming_content))
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("disclosure-public", args=[report.pk, "csv"])).content.decode("utf-8-sig"))
        )
    )
    data = json.loads(client.get(reverse("disclosure-public", args=[report.pk, "json"])).content)

    def value(section, measure, key=""):
        return next(r["value"] for r in rows if (r["section"], r["key"], r["measure"]) == (section, key, measure))

    received = expected["cash"] + expected["in_kind"]
    closing = expected["opening"] + received - expected["allocated"]
    assert (data["received"]["cash"], data["received"]["in_kind"]) == (expected["cash"], expected["in_kind"])
    assert (value("received", "cash"), value("received", "in_kind")) == (
        str(expected["cash"]),
        str(expected["in_kind"]),
    )
    cash, goods = money(expected["cash"]), money(expected["in_kind"])
    assert f"đã tiếp nhận: {money(received)}, trong đó tiền: {cash}; hiện vật quy đổi: {goods}" in text
    for measure in ("allocated", "delivered"):
        assert data["use"][measure] == int(value("use", measure)) == expected[measure]
    assert (
        f"Đã phân bổ cho các nhu cầu: {money(expected['allocated'])}; đã trao tới trẻ: {money(expected['delivered'])}"
        in text
    )
    assert data["use"]["children_reached"] == int(value("use", "children_reached")) == expected["children_reached"]
    assert data["balance"]["opening"]["total"] == int(value("balance", "total", "opening")) == expected["opening"]
    assert data["balance"]["closing"]["total"] == int(value("balance", "total", "closing")) == closing
    closing_row = [money(data["balance"]["closing"][key]) for key in ("cash", "in_kind")] + [money(closing)]
    assert "Số dư chuyển kỳ sau " + " ".join(closing_row) in text
    # Donors: named unless they asked not to be; counts of 1–4 children never shown as such.
    donors = {row["name"] for row in data["received"]["donors"]}
    assert donors == {"Công ty Điện lực Thái Nguyên", "ẩn danh"}
    assert anonymous.name not in text + json.dumps(data, ensure_ascii=False) + str(rows)
    commune_b = next(r for r in data["use"]["by_commune"] if r["name"] == p.commune_b.name)
    commune_a = next(r for r in data["use"]["by_commune"] if r["name"] == p.commune_a.name)
    assert (commune_b["children_reached"], commune_a["children_reached"]) == (10, None)
    assert value("use_by_commune", "children_reached", p.commune_a.code) == "<5"
    for child in world.children:
        assert child.full_name not in text + json.dumps(data, ensure_ascii=False)
    for heading in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "/BC-SYT", "BÁO CÁO",
                    "Công khai tình hình tiếp nhận và kết quả sử dụng các khoản đóng góp năm 2026",
                    "I. CÁC KHOẢN ĐÓNG GÓP ĐÃ TIẾP NHẬN", "II. KẾT QUẢ SỬ DỤNG", "III. SỐ DƯ CHUYỂN KỲ SAU",
                    "IV. CÁCH TÍNH SỐ LIỆU", "Nơi nhận:", "Ma Thị Thu Hà"):  # fmt: skip
        assert heading in text, heading
    assert data["report"]["pdf_sha256"] == report.sha256


def money(amount) -> str:
    return format_vnd(amount).replace("\u00a0", " ")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_disclosure(world, tmp_path):
    celery_app.conf.task_always_eager = False
    cycle = disclosure_cycle(world)
    report = services.report_request(user=world.personas.staff, cycle=cycle, unit=world.personas.province)
    with celery_worker(name="disclosure", log_dir=tmp_path / "workers", env={"DATABASE_URL": worker_database_url()}):
        assert services.report_enqueue(report)
        deadline = time.monotonic() + 90
        while report.is_running and time.monotonic() < deadline:
            time.sleep(0.3)
            report.refresh_from_db()

    assert report.status == ReportStatus.DRAFT, report.error
    assert (report.kind, report.period_start, report.period_end) == (ReportKind.DISCLOSURE, YEAR_START, YEAR_END)
    assert report.file_name.startswith("2026/cong-khai-")
    assert report.figures["received"]["total"] == expected_figures(world)["cash"] + expected_figures(world)["in_kind"]


# --- Approval and publication ------------------------------------------------------------------------------


def test_approval_warns_of_a_year_not_over_and_of_figures_that_moved_since_the_build(world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 12, 20))
    report = built(world)
    assert [check.code for check in approval_checklist(report=report)] == ["period_open"]  # no commune confirms

    ReceiptFactory(pledge=world.receipts[0].pledge, amount=1_000_000, received_on=dt.date(2026, 12, 1))

    checklist = approval_checklist(report=report)
    assert [check.code for check in checklist] == ["period_open", "figures_changed"]
    with pytest.raises(services.AcknowledgementRequired):
        services.report_approve(report=report, user=world.personas.leader)
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, user=world.personas.staff, acknowledged=checklist.fingerprint)
    assert (
        services.report_approve(report=report, user=world.personas.leader, acknowledged=checklist.fingerprint).status
        == ReportStatus.FINAL
    )


def test_it_is_public_only_once_approved_and_only_its_latest_approved_version(world, february):
    cycle = disclosure_cycle(world)
    first = built(world, cycle)
    client = Client()
    urls = [reverse("disclosure-public", args=[first.pk, fmt]) for fmt in ("pdf", "csv", "json")]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert urls[0] not in client.get(reverse("allocations:public")).content.decode()

    approve_acknowledged(first, world.personas.leader)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    assert urls[0] in client.get(reverse("allocations:public")).content.decode()

    second = built(world, cycle)
    approve_acknowledged(second, world.personas.leader)
    assert client.get(urls[1]).status_code == 404  # superseded
    assert client.get(reverse("disclosure-public", args=[second.pk, "csv"])).status_code == 200
    annual = Report.objects.create(
        cycle=world.cycle, unit=world.personas.province, period_start=YEAR_START, period_end=YEAR_END, version=1,
        status=ReportStatus.FINAL, file_name=first.file_name, sha256=first.sha256,
    )  # fmt: skip
    assert client.get(reverse("disclosure-public", args=[annual.pk, "pdf"])).status_code == 404
    assert client.get(reverse("disclosure-public", args=[second.pk, "xlsx"])).status_code == 404


def test_staff_build_it_from_its_cycle_and_the_dashboard_counts_the_days_to_31_march(world, february):
    cycle = disclosure_cycle(world)
    staff = Client()
    staff.force_login(world.personas.staff)

    staff.post(reverse("report-request"), {"cycle": cycle.pk})

    report = Report.objects.get(cycle=cycle)
    assert (report.kind, report.unit) == (ReportKind.DISCLOSURE, world.personas.province)
    page = staff.get(reverse("cycle-detail", args=[cycle.pk])).content.decode()
    assert "Lập bản công khai" in page
    assert "Hạn xã xác nhận" not in page  # no commune confirms a disclosure
    staff.post(reverse("cycle-detail", args=[cycle.pk]),
               {"period_start": "01/01/2026", "period_end": "31/12/2026", "due_on": "30/03/2027"})  # fmt: skip
    cycle.refresh_from_db()
    assert (cycle.due_on, cycle.confirm_by) == (dt.date(2027, 3, 30), dt.date(2027, 3, 30))
    leader = Client()
    leader.force_login(world.personas.leader)
    assert leader.post(reverse("report-request"), {"cycle": cycle.pk}).status_code == 404
    page = leader.get(reverse("report-dashboard")).content.decode()
    assert "Công khai theo Nghị định 03/2026 — năm 2026" in page
    assert "còn <strong>48</strong> ngày" in page  # 10/2 → 30/3/2027
