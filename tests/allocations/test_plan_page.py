"""The plan review page at provincial scale: lines paginated and filtered, accepting posts one page's edits only,
the unmet needs list cut short with what is left out."""

import re

import pytest
from django.urls import reverse

from allocations.models import AllocationBatch, MatchingRun, RunStatus
from allocations.selectors import plan_labels
from needs.models import Category, Priority
from tests.allocations.factories import NeedFactory, receipt_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _ready_run(personas, needs, receipt, *, lines, unmet=(), **extra) -> MatchingRun:
    """A READY run whose stored result is built here instead of by the assistant, at any size."""
    result = {
        "lines": [
            {"receipt": receipt.pk, "need": need.pk, "amount": amount, "quantity": None, "cover": amount, "why": []}
            for need, amount in lines
        ],
        "unmet": [{"need": need.pk, "remaining": remaining, "reason": "no_funds"} for need, remaining in unmet],
        "leftover": [],
        "covered": sum(amount for _, amount in lines),
        "covered_value": 0,
        "greedy": {"covered": 0, "covered_value": 0},
        "needed": 0,
        "priorities": {str(need.pk): need.priority for need in needs},
        **plan_labels([receipt.pk], [need.pk for need in needs]),
        **extra,
    }
    return MatchingRun.objects.create(
        province=personas.province, status=RunStatus.READY, result=result, created_by=personas.staff
    )


@pytest.fixture
def plan(personas):
    """150 needs of 100,000 đ in two communes, one receipt that covers them all, a plan line for each."""
    needs = [
        NeedFactory(commune=personas.commune_a if i % 3 else personas.commune_b, unit_cost=100_000) for i in range(150)
    ]
    receipt = receipt_for(personas.province, amount=20_000_000)
    return needs, _ready_run(personas, needs, receipt, lines=[(need, 100_000) for need in needs])


def test_the_plan_shows_one_page_of_lines_and_how_many_there_are(client, personas, plan):
    _, run = plan
    client.login(username="staff", password=PASSWORD)
    url = reverse("allocations:matching-detail", args=[run.pk])
    page = client.get(url).content.decode()
    assert "Đang xem dòng 1–100 trên tổng 150 dòng." in page
    assert 'name="value_99"' in page
    assert 'name="value_100"' not in page
    assert "mọi dòng ở các trang khác được chấp nhận đúng như đề xuất" in page
    page = client.get(url, {"page": 2}).content.decode()
    assert "Đang xem dòng 101–150 trên tổng 150 dòng." in page
    assert 'name="value_100"' in page
    assert 'name="value_99"' not in page


def test_the_lines_can_be_filtered_by_commune_and_category(client, personas, plan):
    _, run = plan
    client.login(username="staff", password=PASSWORD)
    url = reverse("allocations:matching-detail", args=[run.pk])
    page = client.get(url, {"commune": personas.commune_b.name}).content.decode()
    assert "Đang xem dòng 1–50 trên tổng 50 dòng." in page
    assert 'name="value_0"' in page
    assert 'name="value_1"' not in page
    page = client.get(url, {"category": Category.HEALTHCARE}).content.decode()
    assert "Không có dòng nào khớp bộ lọc." in page
    page = client.get(url, {"category": Category.NUTRITION}).content.decode()
    assert "Đang xem dòng 1–100 trên tổng 150 dòng." in page
    assert f'href="?category={Category.NUTRITION}&amp;page=2"' in page  # the next page keeps the filter


def test_accepting_from_page_two_applies_that_pages_edits_and_keeps_every_other_line(client, personas, plan):
    needs, run = plan
    client.login(username="staff", password=PASSWORD)
    url = reverse("allocations:matching-detail", args=[run.pk]) + "?page=2"
    post = {"shown": ",".join(str(i) for i in range(100, 150)), "accept": "1"}
    post |= {f"keep_{i}": "on" for i in range(101, 150)}  # line 100 unticked: removed
    post |= {f"value_{i}": "100000" for i in range(100, 150)}
    post["value_101"] = "60.000"
    response = client.post(url, post)
    batch = AllocationBatch.objects.get()
    assert response.url == reverse("allocations:batch-detail", args=[batch.pk])
    amounts = dict(batch.allocations.values_list("need_id", "amount"))
    assert len(amounts) == 149
    assert needs[100].pk not in amounts
    assert amounts[needs[101].pk] == 60_000
    assert all(amounts[need.pk] == 100_000 for need in needs[:100] + needs[102:])


def test_a_refused_accept_shows_the_same_page_with_what_was_typed(client, personas, plan):
    _, run = plan
    client.login(username="staff", password=PASSWORD)
    url = reverse("allocations:matching-detail", args=[run.pk]) + "?page=2"
    post = {"shown": "100", "keep_100": "on", "value_100": "999999", "accept": "1"}
    response = client.post(url, post)
    assert response.status_code == 200
    assert not AllocationBatch.objects.exists()
    page = response.content.decode()
    assert 'value="999999"' in page
    assert "Đang xem dòng 101–150 trên tổng 150 dòng." in page


def test_the_form_of_a_thousand_line_plan_stays_far_below_the_field_limit(client, personas):
    needs = [NeedFactory(commune=personas.commune_a, unit_cost=100_000) for _ in range(4)]
    receipt = receipt_for(personas.province, amount=1_000_000)
    run = _ready_run(personas, needs, receipt, lines=[(needs[i % 4], 1_000) for i in range(1_000)])
    client.login(username="staff", password=PASSWORD)
    page = client.get(reverse("allocations:matching-detail", args=[run.pk])).content.decode()
    form = re.search(r'<form method="post">.*?</form>', page, re.S).group(0)
    assert len(re.findall(r"<(?:input|select|textarea|button)\b", form)) <= 250
    assert len(page.encode()) < 100_000


def test_the_unmet_needs_list_shows_the_most_urgent_first_and_says_how_many_more(client, personas):
    urgent = NeedFactory(commune=personas.commune_a, unit_cost=100_000, priority=Priority.HIGH)
    others = [NeedFactory(commune=personas.commune_a, unit_cost=100_000, priority=Priority.LOW) for _ in range(119)]
    receipt = receipt_for(personas.province, amount=1_000_000)
    unmet = [(need, 10_000) for need in others] + [(urgent, 10_000)]
    run = _ready_run(personas, [urgent, *others], receipt, lines=[], unmet=unmet)
    client.login(username="staff", password=PASSWORD)
    page = client.get(reverse("allocations:matching-detail", args=[run.pk])).content.decode()
    assert f"#{urgent.pk} " in page
    assert "và 20 nhu cầu khác (200.000\xa0đ)." in page


def test_the_unmet_count_and_total_come_from_the_result_when_it_keeps_only_the_top(client, personas):
    needs = [NeedFactory(commune=personas.commune_a, unit_cost=100_000) for _ in range(3)]
    receipt = receipt_for(personas.province, amount=1_000_000)
    unmet = [(need, 50_000) for need in needs]
    run = _ready_run(personas, needs, receipt, lines=[], unmet=unmet, unmet_count=40, unmet_total=2_150_000)
    client.login(username="staff", password=PASSWORD)
    page = client.get(reverse("allocations:matching-detail", args=[run.pk])).content.decode()
    assert "và 37 nhu cầu khác (2.000.000\xa0đ)." in page
