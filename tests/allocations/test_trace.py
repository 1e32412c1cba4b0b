"""The donor's trace: reconciles to the đồng with the ledger, counts only, consent-gated photos, 404 for others."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from allocations.models import Allocation
from allocations.selectors import pledge_trace
from allocations.services import delivery_record
from donors.models import Donor, Pledge
from needs.models import Need, NeedStatus
from portal.uploads import check_upload
from tests.allocations.conftest import png_upload
from tests.allocations.factories import PledgeFactory, ReceiptFactory
from tests.factories import PASSWORD, user_with_role

User = get_user_model()

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def _deliver(personas, need, quantity, shows_children=True):
    return delivery_record(
        user=personas.officer_a if need.commune_id == personas.commune_a.pk else personas.officer_b,
        need=need, delivered_on=TODAY, quantity=quantity, children_reached=1, handed_over_by="Cô Hà",
        evidence=[(check_upload(png_upload()), shows_children)],
    )  # fmt: skip


def test_the_trace_reconciles_to_the_dong_with_the_ledger(personas, funded):
    _deliver(personas, funded["girl"], 1)
    _deliver(personas, funded["school"], 3)
    trace = pledge_trace(user=personas.donor, pledge_id=funded["pledge"].pk)
    ledger = Allocation.objects.filter(receipt__pledge=funded["pledge"], active=True).aggregate(total=Sum("amount"))
    assert trace["received"] == 3_000_000
    assert trace["allocated"] == ledger["total"] == 1_555_555
    assert sum(row["allocated"] for row in trace["rows"]) == trace["allocated"]
    # Girl: 600,000 × 1 of her 2 paid units; school: 555,555 paid 5 of its 10 units, 3 of them handed over
    # (a partly funded need counts the units it paid for, not all those it asked for).
    paid_units = Need.objects.get(pk=funded["school"].pk).balance.covered_units
    assert paid_units < funded["school"].quantity
    assert trace["delivered"] == 300_000 + 555_555 * 3 // paid_units
    assert sum(row["delivered"] for row in trace["rows"]) == trace["delivered"]
    assert trace["unallocated"] + trace["allocated"] == trace["received"]
    assert trace["delivered"] + trace["awaiting"] == trace["allocated"]
    # Children who received something: the girl, and the one child the school's delivery recorded; the boy's
    # coat is paid for but not handed over yet.
    assert trace["children"] == 1 + 1


def test_the_trace_page_shows_counts_never_names_and_photos_only_with_consent(client, personas, funded):
    consented = _deliver(personas, funded["girl"], 1).evidence.get()
    no_consent = _deliver(personas, funded["boy"], 1).evidence.get()
    no_child = _deliver(personas, funded["school"], 1, shows_children=False).evidence.get()
    client.login(username="donor", password=PASSWORD)
    response = client.get(reverse("allocations:pledge-trace", args=[funded["pledge"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for need in (funded["girl"], funded["boy"]):
        assert need.child.full_name not in body
        assert need.child.code not in body
    assert "1.555.555" in body
    assert reverse("allocations:evidence", args=[consented.pk]) in body
    assert reverse("allocations:evidence", args=[no_child.pk]) in body
    assert reverse("allocations:evidence", args=[no_consent.pk]) not in body
    assert client.get(reverse("allocations:evidence", args=[consented.pk])).status_code == 200
    assert client.get(reverse("allocations:evidence", args=[no_consent.pk])).status_code == 404


def test_a_donor_never_sees_another_donors_trace(client, personas, funded):
    other = Donor.objects.create(province=personas.province, type="company", name="Công ty Khác")
    other_user = user_with_role("donor", None, username="other_donor")
    other.members.add(other_user)
    ReceiptFactory(pledge=PledgeFactory(donor=other))
    client.login(username="other_donor", password=PASSWORD)
    assert client.get(reverse("allocations:pledge-trace", args=[funded["pledge"].pk])).status_code == 404
    client.login(username="staff_q", password=PASSWORD)
    assert client.get(reverse("allocations:pledge-trace", args=[funded["pledge"].pk])).status_code == 404
    client.login(username="staff", password=PASSWORD)
    assert client.get(reverse("allocations:pledge-trace", args=[funded["pledge"].pk])).status_code == 200


def test_the_donor_home_panel_links_each_pledge_to_its_trace(client, personas, funded):
    client.login(username="donor", password=PASSWORD)
    body = client.get("/").content.decode()
    assert reverse("allocations:pledge-trace", args=[funded["pledge"].pk]) in body
    assert "1.555.555" in body


@pytest.mark.parametrize("username", ["donor", "staff", "auditor"])
def test_the_pledge_page_links_to_its_trace_for_whoever_sees_the_pledge(client, personas, funded, username):
    client.login(username=username, password=PASSWORD)
    body = client.get(reverse("pledge-detail", args=[funded["pledge"].pk])).content.decode()
    trace = reverse("allocations:pledge-trace", args=[funded["pledge"].pk])
    assert trace in body
    assert client.get(trace).status_code == 200


def test_the_pledge_page_has_no_trace_link_before_anything_is_received(client, personas, funded):
    pledge = PledgeFactory(donor=funded["donor"])
    client.login(username="donor", password=PASSWORD)
    body = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert reverse("allocations:pledge-trace", args=[pledge.pk]) not in body


@pytest.mark.django_db
def test_the_demo_funds_and_delivers_needs_only_through_the_ledger():
    call_command("seed_demo", verbosity=0)
    needs = Need.objects.all()
    money_statuses = [NeedStatus.PARTLY_FUNDED, NeedStatus.FUNDED, NeedStatus.DELIVERED, NeedStatus.CLOSED]
    assert needs.filter(status__in=money_statuses).exists()
    assert not needs.filter(status__in=money_statuses, allocations__isnull=True).exists()
    assert not needs.filter(status__in=[NeedStatus.DELIVERED, NeedStatus.CLOSED], deliveries__isnull=True).exists()
    assert needs.filter(status=NeedStatus.DELIVERED).exists()
    assert needs.filter(status=NeedStatus.CANCELLED).exists()
    # The school-meals pledge is used by the assistant, and its donor's trace has content.
    meals = Pledge.objects.get(note="[demo] bữa ăn bán trú")
    assert meals.earmark_age_bands == []
    assert Allocation.objects.filter(receipt__pledge=meals, active=True).exists()
    assert pledge_trace(user=User.objects.get(username="staff"), pledge_id=meals.pk)["rows"]
