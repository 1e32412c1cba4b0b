"""Factories for donors, pledges and receipts; pledges and receipts go through the services, as people make them."""

import datetime as dt

import factory

from donors import services
from donors.models import Campaign, CampaignKind, Donor, DonorType, Pledge, PledgeItem, PledgeKind, ReceiptKind
from needs.models import Category


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor
        skip_postgeneration_save = True

    type = DonorType.COMPANY
    name = factory.Sequence(lambda n: f"Công ty Thử Nghiệm Số {n}")
    country = "VN"

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    kind = CampaignKind.TET
    name = factory.Sequence(lambda n: f"Đợt vận động {n}")
    start_date = dt.date(2026, 1, 1)
    end_date = dt.date(2026, 2, 28)


def make_pledge(donor, *, actor=None, amount=10_000_000, items=(), online=False, communes=(), **fields):
    """A cash pledge of `amount`, or an in-kind one when `items` (dicts of PledgeItem fields) are given."""
    fields.setdefault("pledged_on", dt.date(2026, 1, 10))
    kind = PledgeKind.IN_KIND if items else PledgeKind.CASH
    pledge = Pledge(donor=donor, kind=kind, amount=None if items else amount, **fields)
    item_rows = [PledgeItem(**{"category": Category.WARM_CLOTHING, "description": "Áo ấm", **i}) for i in items]
    return services.pledge_create(pledge=pledge, actor=actor, items=item_rows, earmark_communes=communes, online=online)


def receive_money(pledge, amount, *, actor=None, on=dt.date(2026, 2, 1), confirm=False):
    return services.receipt_record(
        pledge_id=pledge.pk,
        actor=actor,
        kind=ReceiptKind.MONEY,
        received_on=on,
        amount=amount,
        method="bank_transfer",
        bank_reference="FT123",
        confirm_beyond_pledge=confirm,
    )


def receive_goods(pledge, item, quantity, *, actor=None, on=dt.date(2026, 2, 1), confirm=False, unit_value=None):
    return services.receipt_record(
        pledge_id=pledge.pk,
        actor=actor,
        kind=ReceiptKind.GOODS,
        received_on=on,
        item_id=item.pk,
        quantity=quantity,
        unit_value=unit_value,
        confirm_beyond_pledge=confirm,
    )
