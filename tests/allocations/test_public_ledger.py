"""The public ledger: a donor finds their transfer in one search, typed as people type; nobody who asked for
anonymity and no child is ever shown."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from allocations.ledger import LedgerSearch
from allocations.services import Line, batch_accept, delivery_record
from donors.models import Donor
from donors.services import receipt_cancel
from donors.transfer_codes import pledge_code
from needs.models import Category, Child
from tests.allocations.factories import NeedFactory, PledgeFactory, ReceiptFactory, receipt_for

pytestmark = pytest.mark.django_db

LEDGER = reverse("allocations:public-ledger")
API = "/api/v1/ledger/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ledger(personas, funded):
    """Besides `funded` (3.000.000 đ from Công ty Chè Tân Cương on 01/10/2026, allocated to three needs): a named
    individual's 10.000.000 đ, an anonymous company's 7.777.000 đ and a cancelled receipt of 4.444.000 đ."""
    named = Donor.objects.create(province=personas.province, type="individual", name="Nguyễn Văn Ấn")
    hidden = Donor.objects.create(
        province=personas.province, type="company", name="Công ty Kín Tiếng", anonymous_publicly=True
    )
    named_receipt = ReceiptFactory(
        pledge=PledgeFactory(donor=named), amount=10_000_000, received_on=dt.date(2026, 11, 3)
    )
    hidden_receipt = ReceiptFactory(
        pledge=PledgeFactory(donor=hidden), amount=7_777_000, received_on=dt.date(2026, 11, 3)
    )
    cancelled = ReceiptFactory(pledge=PledgeFactory(donor=named), amount=4_444_000)
    receipt_cancel(receipt_id=cancelled.pk, actor=personas.staff, reason="Ghi nhầm")
    delivery_record(
        user=personas.officer_a, need=funded["girl"], delivered_on=dt.date(2026, 11, 20), quantity=2,
        children_reached=1, handed_over_by="Cô Hà",
    )  # fmt: skip
    delivery_record(
        user=personas.officer_b, need=funded["school"], delivered_on=dt.date(2026, 11, 20), quantity=5,
        children_reached=30, handed_over_by="Thầy Lý",
    )  # fmt: skip
    return dict(funded, named=named_receipt, hidden=hidden_receipt, cancelled=cancelled)


def _amounts(client, query) -> list[int]:
    return [row["amount"] for row in client.get(API, {"q": query}).json()["results"]]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("10.000.000", [10_000_000]),
        ("10000000 đ", [10_000_000]),
        ("3.000.000đ", [3_000_000]),
        ("03/11/2026", [7_777_000, 10_000_000]),
        ("3/11/2026", [7_777_000, 10_000_000]),
        ("nguyen van an", [10_000_000]),
        ("NGUYỄN VĂN ẤN", [10_000_000]),
        ("che tan cuong 3.000.000", [3_000_000]),
        ("che tan cuong 10.000.000", []),
    ],
)
def test_it_finds_a_transfer_as_people_type_it(client, ledger, typed, found):
    assert _amounts(client, typed) == found


def test_it_finds_a_transfer_by_its_code_in_any_case_and_spacing(client, ledger):
    code = str(pledge_code(ledger["named"].pledge))
    for typed in (code, code.lower(), f"{code[:4]} {code[4:9]} {code[9:]}", f"MBVCB.123.{code}.CHUYEN TIEN"):
        assert _amounts(client, typed) == [10_000_000], typed
    body = client.get(LEDGER, {"q": code.lower()}).content.decode()
    assert "Nguyễn Văn Ấn" in body
    assert "10.000.000" in body


def test_it_never_names_a_donor_who_asked_for_anonymity(client, ledger):
    code = str(pledge_code(ledger["hidden"].pledge))
    body = client.get(LEDGER).content.decode()
    assert "Kín Tiếng" not in body
    assert "ẩn danh" in body
    assert "7.777.000" in body
    rows = client.get(API, {"q": code}).json()["results"]
    assert [(row["donor"], row["anonymous"], row["amount"]) for row in rows] == [(None, True, 7_777_000)]
    assert "Kín Tiếng" not in client.get(API).content.decode()
    # Searching for the name finds nothing: the name is only echoed in the search box the visitor typed it in.
    assert _amounts(client, "Công ty Kín Tiếng") == []
    assert _amounts(client, "kin tieng") == []
    body = client.get(LEDGER, {"q": "kin tieng"}).content.decode()
    assert "7.777.000" not in body


def test_cancelled_receipts_never_appear(client, ledger):
    assert _amounts(client, "4.444.000") == []
    assert "4.444.000" not in client.get(LEDGER).content.decode()


def test_it_shows_where_each_sum_went_in_counts_never_names(client, ledger, personas):
    body = client.get(LEDGER, {"q": "3.000.000"}).content.decode()
    for child in Child.objects.all():
        assert child.full_name not in body
        assert child.code not in body
    assert "Cô Hà" not in body
    assert personas.commune_a.name in body
    assert "&lt;5 trẻ" in body  # one child reached in commune A
    assert "30 trẻ" in body
    assert "1.444.445" in body  # not yet allocated: 3.000.000 − 1.555.555
    rows = client.get(API, {"q": "3.000.000"}).json()["results"]
    children = {entry["commune"]: entry["children"] for entry in rows[0]["destinations"]}
    assert children == {personas.commune_a.name: None, personas.commune_b.name: 30}


def test_it_reads_a_page_in_the_same_few_queries_however_many_rows(client, ledger, django_assert_num_queries):
    day = {"q": "03/11/2026"}
    with django_assert_num_queries(5):  # count, rows, allocations per destination, receipt → need pairs, needs
        client.get(LEDGER, day)
    for n in range(10):
        ReceiptFactory(pledge=ledger["named"].pledge, amount=100_000 + n, received_on=dt.date(2026, 11, 3))
    with django_assert_num_queries(5):
        response = client.get(LEDGER, day)
    assert response.content.decode().count('class="code"') == 12
    client.get(LEDGER)
    with django_assert_num_queries(4):  # the unsearched list's count is kept for a minute
        client.get(LEDGER)


def test_the_api_is_open_read_only_and_paginated(client, ledger):
    response = client.get(API)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert {"received_on", "amount", "donor", "anonymous", "code", "destinations", "unallocated"} <= set(
        data["results"][0]
    )
    assert client.post(API, {}).status_code == 405


def test_it_reads_the_search_box():
    search = LedgerSearch.parse("  Nguyễn Văn Ấn 10.000.000 đ 25/12/2026 ")
    assert (search.name, search.amounts, search.days) == ("nguyen van an", [10_000_000], [dt.date(2026, 12, 25)])
    assert LedgerSearch.parse("10,5 31/02/2026").unread == ["10,5", "31/02/2026"]
    assert not LedgerSearch.parse("   ")


@pytest.mark.parametrize("typed", ["a\x00b", "99/99/99999", "1" * 300, "TE" * 100, "%", "_"])
def test_it_answers_any_search_without_an_error(client, typed):
    assert client.get(LEDGER, {"q": typed}).status_code == 200
    assert client.get(API, {"q": typed}).status_code == 200


def test_a_gift_spread_wide_lists_its_largest_destinations_and_sums_the_rest(client, personas):
    receipt = receipt_for(personas.province, amount=5_000_000, received_on=dt.date(2026, 11, 5))
    places = [(commune, category) for commune in (personas.commune_a, personas.commune_b) for category in Category]
    needs = [NeedFactory(commune=commune, category=category, unit_cost=1_000_000) for commune, category in places[:7]]
    lines = [Line(receipt.pk, need.pk, amount=100_000 * (n + 1)) for n, need in enumerate(needs)]
    batch_accept(user=personas.staff, province=personas.province, lines=lines)
    body = client.get(LEDGER, {"q": "05/11/2026"}).content.decode()
    went = re.search(r'<ul class="went">(.*?)</ul>', body, re.S).group(1)
    assert went.count("<li>") == 7  # five destinations, one line for the rest, and what is not yet allocated
    assert "và 2 nơi nhận khác: phân bổ 300.000\u00a0đ" in body
    assert len(client.get(API, {"q": "05/11/2026"}).json()["results"][0]["destinations"]) == 7
