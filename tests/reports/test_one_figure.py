"""One quantity, one value: each figure computed here straight from the ledger tables of the demo, and compared
with every place that shows it — the public page, the donor's pages, /plans/, the dashboard, the figures API, the
annual report PDF (its text, as pdftotext reads it) and the Excel workbook.

The expected values are plain Python over the rows, following the definitions written in donors.figures and
allocations.figures, never calls to them.
"""

import datetime as dt
from collections import defaultdict
from io import BytesIO, StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from allocations.models import Allocation, Delivery
from donors.models import MobilisationPlan, Pledge, Receipt
from needs.models import Need
from portal.models import AdministrativeUnit
from portal.money import format_vnd
from reports.models import CommuneConfirmation, Report, ReportingCycle
from reports.services import report_path
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def money(amount) -> str:
    return format_vnd(amount).replace("\u00a0", " ")


def page(client, username, url, **params) -> str:
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(url, params)
    assert response.status_code == 200, url
    return " ".join(response.content.decode().replace("\u00a0", " ").replace("&nbsp;", " ").split())


def ledger(cycle) -> dict:
    """Every figure of the demo's cycle from the ledger rows, by the written definitions."""
    start, end = cycle.period_start, cycle.period_end

    def in_period(day):
        return start <= day <= end

    receipts = [r for r in Receipt.objects.select_related("pledge__donor", "item") if in_period(r.received_on)]
    allocations = list(Allocation.objects.filter(active=True).select_related("need", "receipt"))
    deliveries = list(Delivery.objects.select_related("need"))
    needs = {n.pk: n for n in Need.objects.all()}

    def paid_units(need):
        mine = [a for a in allocations if a.need_id == need.pk]
        goods = sum(a.quantity for a in mine if a.quantity)
        cash = sum(a.amount for a in mine if not a.quantity)
        return max(1, min(need.quantity, goods + cash // max(need.unit_cost, 1)))

    def handed_over(need, through):
        return sum(d.quantity for d in deliveries if d.need_id == need.pk and d.delivered_on <= through)

    def delivered_value(a, first=None, last=None):
        first, last = first or start, last or end
        paid = paid_units(a.need)
        return (
            a.amount * handed_over(a.need, last) // paid
            - a.amount * handed_over(a.need, first - dt.timedelta(days=1)) // paid
        )

    reached = [d for d in deliveries if in_period(d.delivered_on)]
    children = {needs[d.need_id].child_id for d in reached if needs[d.need_id].child_id}
    groups = defaultdict(int)
    for d in reached:
        if not needs[d.need_id].child_id:
            groups[d.need_id] = max(groups[d.need_id], d.children_reached)

    by_target = defaultdict(int)
    for r in receipts:
        pledge = r.pledge
        categories = {r.item.category} if r.item_id else set(pledge.earmark_categories or [])
        communes = set(pledge.earmark_communes.values_list("pk", flat=True))
        for category in {""} | categories:
            for commune in {None} | communes:
                by_target[(category, commune)] += r.amount

    made = [a for a in allocations if in_period(timezone.localtime(a.created_at).date())]
    active_communes = (
        {n.commune_id for n in needs.values() if in_period(timezone.localtime(n.created_at).date())
         and n.status not in ("draft", "cancelled")}
        | {a.need.commune_id for a in made}
        | {d.need.commune_id for d in reached}
        | set(CommuneConfirmation.objects.filter(cycle=cycle, status="confirmed").values_list("commune_id", flat=True))
    )  # fmt: skip
    communes = AdministrativeUnit.objects.filter(level="commune", province=cycle.province, valid_to__isnull=True)
    per_pledge = {}
    for pledge in Pledge.objects.filter(donor__members__username="donor"):
        mine = [a for a in allocations if a.receipt.pledge_id == pledge.pk]
        reached_needs = {a.need_id for a in mine if any(d.need_id == a.need_id for d in deliveries)}
        per_pledge[pledge.pk] = {
            "received": sum(r.amount for r in Receipt.objects.filter(pledge=pledge)),
            "allocated": sum(a.amount for a in mine),
            "delivered": sum(a.amount * handed_over(a.need, dt.date.max) // paid_units(a.need) for a in mine),
            "children": len({needs[pk].child_id for pk in reached_needs if needs[pk].child_id})
            + sum(
                max(d.children_reached for d in deliveries if d.need_id == pk)
                for pk in reached_needs
                if not needs[pk].child_id
            ),
        }
    return {
        "received": sum(r.amount for r in receipts),
        "received_money": sum(r.amount for r in receipts if r.kind == "money"),
        "received_goods": sum(r.amount for r in receipts if r.kind == "goods"),
        "allocated": sum(a.amount for a in made),
        "delivered": sum(delivered_value(a) for a in allocations),
        "delivered_items": sum(d.quantity for d in reached),
        "children": len(children),
        "children_reached": len(children) + sum(groups.values()),
        "plan": by_target,
        "quiet": communes.exclude(pk__in=active_communes).count(),
        "pledges": per_pledge,
    }


def test_every_place_shows_the_same_value_of_each_figure(client, settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"
    call_command("seed_demo", verbosity=0)
    cycle = ReportingCycle.objects.get(year=2026, kind="annual")
    expected = ledger(cycle)
    # The demo has something of each figure (see test_demo_dates for other seeding days).
    assert all(expected[k] for k in ("received", "allocated", "delivered", "delivered_items", "children_reached"))

    # The public page (the calendar year; every demo fact lies inside the cycle's period too).
    public = page(client, "donor", reverse("allocations:public"), year=2026)
    for key in ("received_money", "received_goods", "allocated", "delivered"):
        assert money(expected[key]) in public, key
    assert f"<strong>{expected['children_reached']}</strong>" in public

    # The figures API.
    client.force_login(get_user_model().objects.get(username="staff"))
    api = client.get("/api/v1/figures/").json()
    assert api["totals"] == {
        key: expected[key]
        for key in ("received", "allocated", "delivered", "delivered_items", "children", "children_reached")
    }
    assert api["resources"]["total"] == expected["received"]
    assert api["needs"]["total"]["allocated"] == expected["allocated"]
    assert api["needs"]["total"]["delivered_value"] == expected["delivered"]
    assert sum(row["delivered"] for row in api["by_month"]) == expected["delivered"]
    assert sum(row["allocated"] for row in api["by_month"]) == expected["allocated"]
    assert api["children"]["beneficiaries"] == expected["children_reached"]
    assert api["quiet_communes"] == expected["quiet"]
    plan_rows = {(row["category"], row["commune"]): row["actual_amount"] for row in api["plan"]}
    plan = MobilisationPlan.objects.get(province=cycle.province, year=2026)
    targets = list(plan.targets.select_related("commune"))
    assert sorted(plan_rows.values()) == sorted(expected["plan"][(t.category, t.commune_id)] for t in targets)
    assert api["definitions"]["delivered"]

    # The leadership dashboard.
    dashboard = page(client, "leader", reverse("report-dashboard"))
    for key in ("received", "allocated", "delivered"):
        assert money(expected[key]) in dashboard, key
    assert f"<strong>{expected['children_reached']}</strong>" in dashboard
    assert "Cách tính số liệu" in dashboard

    # /plans/: each target's progress.
    plans = page(client, "staff", reverse("plan-detail", args=[2026]))
    for target in targets:
        assert money(expected["plan"][(target.category, target.commune_id)]) in plans

    # The donor's home panel and trace.
    home = page(client, "donor", reverse("home"))
    for pk, figures in expected["pledges"].items():
        if figures["received"]:
            row = home[home.index(f"#{pk} ") :][:600]
            for key in ("received", "allocated", "delivered"):
                assert money(figures[key]) in row, (pk, key)
            trace = page(client, "donor", reverse("allocations:pledge-trace", args=[pk]))
            assert f"<strong>{figures['children']}</strong> trẻ được nhận hỗ trợ" in trace
            assert money(figures["delivered"]) in trace

    # The workbook.
    client.force_login(get_user_model().objects.get(username="leader"))
    book = load_workbook(BytesIO(client.get(reverse("report-excel")).content))
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Tổng nguồn lực (đồng)"] == expected["received"]
    assert summary["Đã phân bổ (đồng)"] == expected["allocated"]
    assert summary["Đã trao, quy đổi (đồng)"] == expected["delivered"]
    assert summary["Số trẻ hưởng lợi"] == expected["children_reached"]
    sheet_plan = sorted(row[3] for row in book["Kế hoạch"].iter_rows(min_row=2, values_only=True))
    assert sheet_plan == sorted(plan_rows.values())

    # The annual report PDF.
    call_command("build_report", "--year", "2026", "--sync", stdout=StringIO())
    report = Report.objects.filter(cycle=cycle, unit=cycle.province).latest("version")
    text = pdf_text(report_path(report))
    assert money(expected["received"]) in text
    assert f"đã phân bổ: {money(expected['allocated'])}" in text
    assert f"đã trao tới trẻ: {money(expected['delivered'])}" in text
    assert f"số trẻ được nhận hỗ trợ, kể cả từ các nhu cầu tập thể: {expected['children_reached']}" in text
    assert f"{expected['quiet']} xã, phường khác không phát sinh số liệu" in text
    for target in targets:
        assert money(expected["plan"][(target.category, target.commune_id)]) in text
    assert "Cách tính số liệu" in text
