"""Staff pages: manual allocation, matching run → review → accept, reverse; access; pinned query counts."""

import pytest
from django.urls import reverse

from allocations.models import AllocationBatch, BatchStatus, MatchingRun, RunStatus
from needs.models import NeedStatus
from tests.allocations.factories import NeedFactory, child_need, goods_receipt, receipt_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_staff_allocate_by_hand_and_a_refusal_keeps_what_was_typed(client, personas):
    need = NeedFactory(commune=personas.commune_a, unit_cost=200_000)
    receipt = receipt_for(personas.province, amount=1_000_000)
    client.login(username="staff", password=PASSWORD)
    url = reverse("allocations:allocation-new")
    response = client.post(url, {"receipt": receipt.pk, "need": need.pk, "amount": 250_000})
    assert response.status_code == 200
    assert "chỉ còn thiếu 200.000" in response.content.decode()
    assert 'value="250000"' in response.content.decode()
    response = client.post(url, {"receipt": receipt.pk, "need": need.pk, "amount": 200_000})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.FUNDED


@pytest.mark.parametrize("username", ["officer_a", "leader", "donor"])
def test_others_cannot_allocate(client, personas, username):
    client.login(username=username, password=PASSWORD)
    assert client.get(reverse("allocations:allocation-new")).status_code == 404
    assert client.post(reverse("allocations:matching-list")).status_code == 404


def test_staff_run_the_assistant_edit_the_plan_and_accept_it_then_reverse_it(
    client, personas, django_capture_on_commit_callbacks
):
    needs = [NeedFactory(commune=personas.commune_a, unit_cost=300_000, priority=3) for _ in range(2)]
    coat = child_need(personas.commune_b, clothing_size="8-9", unit_cost=200_000)
    receipt = receipt_for(personas.province, amount=500_000)
    goods_receipt(receipt.pledge, size="8-9", quantity=3)
    client.login(username="staff", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("allocations:matching-list"))
    run = MatchingRun.objects.get()
    assert response.url == reverse("allocations:matching-detail", args=[run.pk])
    assert run.status == RunStatus.READY  # tasks run in-process in tests
    page = client.get(response.url).content.decode()
    assert "đủ toàn bộ nhu cầu" in page
    lines = run.result["lines"]
    assert len(lines) == 3
    post = {"shown": ",".join(str(i) for i in range(len(lines)))}
    post |= {f"keep_{i}": "on" for i in range(len(lines))}
    post |= {f"value_{i}": line["quantity"] or line["amount"] for i, line in enumerate(lines)}
    money_index = next(i for i, line in enumerate(lines) if line["need"] == needs[0].pk)
    post[f"value_{money_index}"] = 999_999  # edited beyond the need: refused, nothing saved
    response = client.post(reverse("allocations:matching-detail", args=[run.pk]), post)
    assert response.status_code == 200
    assert not AllocationBatch.objects.exists()
    post[f"value_{money_index}"] = 250_000
    response = client.post(reverse("allocations:matching-detail", args=[run.pk]), post)
    batch = AllocationBatch.objects.get()
    assert response.url == reverse("allocations:batch-detail", args=[batch.pk])
    coat.refresh_from_db()
    assert coat.status == NeedStatus.FUNDED
    response = client.post(reverse("allocations:batch-reverse", args=[batch.pk]), {"reason": "Sai nhà tài trợ"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REVERSED
    coat.refresh_from_db()
    assert coat.status == NeedStatus.OPEN


def _more_rows(personas, funded):
    from allocations.services import allocation_create, delivery_record

    for _ in range(3):
        receipt = receipt_for(personas.province, amount=100_000)
        allocation_create(user=personas.staff, receipt=receipt, need=funded["school"], amount=10_000)
        need = child_need(personas.commune_a, unit_cost=100_000)
        allocation_create(user=personas.staff, receipt=receipt_for(personas.province), need=need, amount=100_000)
        delivery_record(
            user=personas.officer_a, need=need, delivered_on=need.created_at.date(), quantity=1, children_reached=1,
            handed_over_by="Cô Hà",
        )  # fmt: skip


# Session, user, role assignments and the scope (3 unit queries) come first on every page.
@pytest.mark.parametrize(
    ("username", "url_name", "queries"),
    [
        ("staff", "allocations:batch-list", 8),
        ("officer_a", "allocations:delivery-list", 8),
        ("staff", "allocations:matching-list", 8),
    ],
)
def test_the_list_pages_have_a_fixed_number_of_queries(
    client, personas, funded, django_assert_num_queries, username, url_name, queries
):
    client.login(username=username, password=PASSWORD)
    url = reverse(url_name)
    _more_rows(personas, funded)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _more_rows(personas, funded)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_a_run_keeps_the_highest_priority_unmet_needs_and_counts_the_rest(
    client, personas, monkeypatch, django_capture_on_commit_callbacks
):
    from allocations import tasks

    monkeypatch.setattr(tasks, "UNMET_KEPT", 2)
    urgent = NeedFactory(commune=personas.commune_a, unit_cost=100_000, priority=3)
    others = [NeedFactory(commune=personas.commune_a, unit_cost=100_000 * n, priority=1) for n in (1, 2, 3)]
    client.login(username="staff", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("allocations:matching-list"))  # no receipt at all: every need stays unmet

    result = MatchingRun.objects.get().result
    assert [item["need"] for item in result["unmet"]] == [urgent.pk, others[2].pk]
    assert result["unmet_count"] == 4
    assert result["unmet_total"] == 700_000
    assert set(result["needs"]) == {str(urgent.pk), str(others[2].pk)}  # labels only for what is kept
