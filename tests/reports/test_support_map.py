"""3W, who does what where: the department's support and each partner's by commune and category, gaps marked —
the same totals as computed here by hand from the rows, on the page, in the workbook and in the annual report."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from needs.models import Category
from portal.money import format_vnd
from reports import services
from reports.excel import figures_workbook
from reports.figures import figures_for
from tests.factories import UnitFactory
from tests.partners.factories import PartnerOrganisationFactory, PartnerSupportFactory
from tests.pdf import pdf_text
from tests.reports.conftest import END, START
from tests.reports.factories import NeedFactory, registered_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(world):
    p = world.personas
    women = PartnerOrganisationFactory(province=p.province, name="Hội Liên hiệp Phụ nữ tỉnh")
    red_cross = PartnerOrganisationFactory(province=p.province, name="Hội Chữ thập đỏ tỉnh")
    outsider = PartnerOrganisationFactory(province=p.other_province, name="Hội Phụ nữ tỉnh khác")
    c1 = world.children[0]
    supports = [
        PartnerSupportFactory(partner=women, child=c1, commune=p.commune_a, value=400_000),  # c1 also had n1's coat
        PartnerSupportFactory(
            partner=women,
            commune=p.commune_b,
            category=Category.NUTRITION,
            season="SY2026",
            value=2_000_000,
            quantity=20,
            children_count=20,
            given_on=dt.date(2026, 8, 1),
        ),
        # In the commune merged into A: counted for A.
        PartnerSupportFactory(
            partner=red_cross,
            commune=p.commune_a0,
            category=Category.HEALTHCARE,
            season="Y2026",
            value=1_000_000,
            children_count=12,
            given_on=dt.date(2026, 5, 1),
        ),
        PartnerSupportFactory(partner=red_cross, commune=p.commune_b, value=9_999, given_on=dt.date(2026, 12, 1)),
        PartnerSupportFactory(partner=outsider, commune=p.commune_c, value=7_777),
    ]
    return {"women": women, "red_cross": red_cross, "supports": supports}


def _root(commune, p):
    return p.commune_a.pk if commune.pk in (p.commune_a.pk, p.commune_a0.pk) else commune.pk


def _expected(world, partners):
    """Per (commune, category): needs registered, đồng allocated and each partner's đồng, from the rows."""
    p = world.personas
    cells: dict[tuple, dict] = {}

    def cell(commune, category):
        return cells.setdefault((_root(commune, p), category), {"needs": 0, "allocated": 0, "partners": {}})

    for need in world.needs:
        need.refresh_from_db()
        registered = need.status not in ("draft", "cancelled") and START <= need.created_at.date() <= END
        if registered and need.commune.province_id == p.province.pk:
            cell(need.commune, need.category)["needs"] += 1
    for allocation in world.allocations:
        need = allocation.need
        if (
            allocation.active
            and need.commune.province_id == p.province.pk
            and START <= allocation.created_at.date() <= END
        ):
            cell(need.commune, need.category)["allocated"] += allocation.amount
    for support in partners["supports"]:
        if support.partner.province_id == p.province.pk and START <= support.given_on <= END:
            by = cell(support.commune, support.category)["partners"]
            by[support.partner.name] = by.get(support.partner.name, 0) + support.value
    return cells


def test_the_3w_table_equals_the_figures_computed_from_the_rows(world, partners):
    p = world.personas
    figures = figures_for(unit=p.province, period_start=START, period_end=END)
    support = figures.support_map
    names = [partner["name"] for partner in support["partners"]]
    assert sorted(names) == ["Hội Chữ thập đỏ tỉnh", "Hội Liên hiệp Phụ nữ tỉnh"]
    expected = _expected(world, partners)
    shown = {
        (row["commune_id"], row["category"]): {
            "needs": row["needs"],
            "allocated": row["allocated"],
            "partners": {name: value for name, value in zip(names, row["partners"], strict=True) if value},
        }
        for row in support["rows"]
    }
    assert shown == expected
    gaps = {(row["commune_id"], row["category"]) for row in support["rows"] if row["gap"]}
    assert gaps == {
        key for key, cell in expected.items() if cell["needs"] and not cell["allocated"] and not cell["partners"]
    }
    assert gaps == {(p.commune_a.pk, Category.NUTRITION), (p.commune_a.pk, Category.EDUCATION)}
    assert support["totals"]["partner_total"] == 3_400_000
    assert support["totals"]["partner_children"] == 1 + 20 + 12
    # The department's column is the report's own ALLOCATED figure, never a second computation.
    assert support["totals"]["allocated"] == figures.totals()["allocated"]
    sheet = load_workbook(io.BytesIO(figures_workbook(figures)))["Ai làm gì, ở đâu (3W)"]
    assert sum(row[-3] for row in sheet.iter_rows(min_row=2, values_only=True)) == 3_400_000


def test_a_commune_with_needs_and_no_support_is_named_as_a_gap(client, world, partners):
    p = world.personas
    quiet = UnitFactory(parent=p.province, province=p.province, name="Xã Đồng Phúc")
    registered_on(NeedFactory(commune=quiet, category=Category.PLAY, season="Y2026"), dt.date(2026, 3, 2))
    assert figures_for(unit=p.province, period_start=START, period_end=END).support_map["gap_communes"] == [quiet.name]
    client.force_login(p.leader)
    page = client.get(reverse("support-map")).content.decode()
    gaps = page[page.index("Xã có nhu cầu nhưng chưa có hỗ trợ") :]
    gaps = gaps[: gaps.index("</section>")]
    assert quiet.name in gaps
    assert p.commune_a.name not in gaps
    assert p.commune_b.name not in gaps
    assert "Hội Chữ thập đỏ tỉnh" in page
    assert world.children[0].full_name not in page


def test_the_annual_report_has_the_3w_section(world, partners, settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"
    p = world.personas
    report = services.report_build(
        report_id=services.report_request(user=p.staff, cycle=world.cycle, unit=p.province).pk
    )
    text = pdf_text(services.report_path(report))
    assert "Phối hợp hỗ trợ theo địa bàn" in text
    assert "Hội Liên hiệp Phụ nữ tỉnh" in text
    assert "Hội Chữ thập đỏ tỉnh" in text
    assert format_vnd(3_400_000).replace("\u00a0", " ") in text
    assert world.children[0].full_name not in text
