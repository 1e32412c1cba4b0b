"""A receipt typed wrong is corrected or cancelled by staff with a reason; the ledger never lets it fall below what
is already allocated from it, through the service, the page, the API or a raw write, and under concurrency."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from allocations.models import ReceiptBalance
from allocations.selectors import allocatable_receipts
from allocations.services import LedgerError, allocation_create, batch_reverse
from donors import selectors as donor_selectors
from donors.models import PledgeStatus, Receipt
from donors.services import PledgeError, receipt_cancel, receipt_correct, receipt_record
from tests.allocations.factories import NeedFactory, receipt_for
from tests.donors.factories import DonorFactory, make_pledge
from tests.threads import race


@pytest.mark.django_db
def test_staff_correct_a_receipt_typed_wrong_and_the_history_keeps_the_old_amount(client, personas):
    pledge = make_pledge(DonorFactory(province=personas.province), amount=10_000_000, actor=personas.staff)
    receipt = receipt_record(  # "10.000.000" was read as 10 before issue 14
        pledge_id=pledge.pk, actor=None, kind="money", received_on=dt.date(2026, 2, 1), amount=10,
        confirm_small_amount=True,
    )  # fmt: skip
    client.force_login(personas.staff)
    assert (
        reverse("receipt-correct", args=[receipt.pk])
        in client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    )
    url = reverse("receipt-correct", args=[receipt.pk])
    refused = client.post(url, {"amount": "10.000.000", "reason": " ", "correct": "1"})
    assert refused.status_code == 200
    response = client.post(url, {"amount": "10.000.000", "reason": "Gõ thiếu ba nhóm số 0", "correct": "1"})
    assert response.status_code == 302
    receipt.refresh_from_db()
    pledge.refresh_from_db()
    assert receipt.amount == 10_000_000
    assert pledge.status == PledgeStatus.RECEIVED
    event = pledge.events.latest("at")
    assert (event.action, event.actor) == ("correct_receipt", personas.staff)
    assert "10\u00a0đ → 10.000.000\u00a0đ" in event.reason
    assert "Gõ thiếu ba nhóm số 0" in event.reason
    assert [h.amount for h in receipt.history.order_by("history_date")] == [10, 10_000_000]
    assert receipt.history.latest().history_change_reason == "Gõ thiếu ba nhóm số 0"
    page = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert "Gõ thiếu ba nhóm số 0" in page


@pytest.mark.django_db
def test_a_correction_below_what_is_allocated_is_refused_with_a_message(client, personas, funded):
    receipt = funded["receipt"]  # 3.000.000 đ received, 1.555.555 đ allocated
    client.force_login(personas.staff)
    url = reverse("receipt-correct", args=[receipt.pk])
    page = client.post(url, {"amount": "1.000.000", "reason": "Chuyển khoản thực tế ít hơn", "correct": "1"})
    assert "đã được phân bổ 1.555.555\u00a0đ" in page.content.decode()
    receipt.refresh_from_db()
    assert receipt.amount == 3_000_000
    receipt_correct(receipt_id=receipt.pk, actor=personas.staff, amount=2_000_000, reason="Sai số chứng từ")
    assert ReceiptBalance.objects.get(receipt=receipt).received == 2_000_000


@pytest.mark.django_db
def test_an_allocated_receipt_cannot_be_cancelled_and_a_cancelled_one_counts_nowhere(client, personas, funded):
    receipt, pledge = funded["receipt"], funded["pledge"]
    with pytest.raises(PledgeError, match="đã được phân bổ"):
        receipt_cancel(receipt_id=receipt.pk, actor=personas.staff, reason="Nhập nhầm")
    batch_reverse(user=personas.staff, batch=funded["batch"], reason="Khoản tiếp nhận nhập nhầm")
    client.force_login(personas.staff)
    response = client.post(
        reverse("receipt-correct", args=[receipt.pk]), {"cancel-reason": "Nhập nhầm nhà tài trợ", "cancel": "1"}
    )
    assert response.status_code == 302

    assert not Receipt.objects.filter(pk=receipt.pk).exists()  # the default manager counts what was received
    cancelled = Receipt.all_objects.get(pk=receipt.pk)
    assert (cancelled.cancelled_by, cancelled.cancel_reason) == (personas.staff, "Nhập nhầm nhà tài trợ")
    assert donor_selectors.received_total(pledge) == 0
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.PLEDGED
    assert ReceiptBalance.objects.get(receipt=receipt).received == 0
    assert receipt.pk not in allocatable_receipts(user=personas.staff, province=personas.province).values_list(
        "pk", flat=True
    )
    with pytest.raises(LedgerError):  # the ledger refuses to allocate from it, whatever the path
        allocation_create(user=personas.staff, receipt=receipt, need=funded["school"], amount=100_000)
    page = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert "đã hủy" in page
    assert "Nhập nhầm nhà tài trợ" in page
    with pytest.raises(PledgeError, match="đã bị hủy"):
        receipt_correct(receipt_id=receipt.pk, actor=personas.staff, amount=1_000, reason="lại")


@pytest.mark.django_db
def test_the_database_refuses_shrinking_or_cancelling_an_allocated_receipt_past_the_service(personas, funded):
    receipt = funded["receipt"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.filter(pk=receipt.pk).update(amount=1_000_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.filter(pk=receipt.pk).update(cancel_reason="x", cancelled_at="2026-11-01T00:00Z")


@pytest.mark.django_db(transaction=True)
def test_a_correction_racing_an_allocation_never_leaves_more_allocated_than_received(personas):
    need = NeedFactory(commune=personas.commune_a, unit_cost=5_000_000)
    receipt = receipt_for(personas.province, amount=1_000_000)
    results = race(
        [
            lambda: receipt_correct(receipt_id=receipt.pk, actor=personas.staff, amount=500_000, reason="Sai"),
            lambda: allocation_create(user=personas.staff, receipt=receipt, need=need, amount=800_000),
        ]
    )
    refused = [r for r in results if isinstance(r, PledgeError | LedgerError)]
    assert len(refused) == 1, results
    balance = ReceiptBalance.objects.get(receipt=receipt)
    assert balance.allocated <= balance.received


@pytest.mark.django_db
def test_staff_correct_and_cancel_through_the_api_and_a_donor_may_not(personas, funded):
    receipt = funded["receipt"]
    api = APIClient()
    api.force_authenticate(personas.donor)
    assert api.post(f"/api/v1/receipts/{receipt.pk}/cancel/", {"reason": "x"}).status_code in (403, 404)
    api.force_authenticate(personas.staff)
    below = api.post(f"/api/v1/receipts/{receipt.pk}/correct/", {"amount": "1.000.000", "reason": "Sai"})
    assert below.status_code == 400
    assert below.json()["code"] == "below_allocated"
    fixed = api.post(f"/api/v1/receipts/{receipt.pk}/correct/", {"amount": "2.500.000 đ", "reason": "Sai"})
    assert fixed.status_code == 200, fixed.json()
    assert fixed.json()["amount"] == 2_500_000
