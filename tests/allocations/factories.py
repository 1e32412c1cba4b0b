"""Donors, pledges, receipts and verified needs for the allocation tests (the donors branch has its own;
the lead may merge the two)."""

import datetime as dt

import factory

from donors.models import Donor, DonorType, Pledge, PledgeItem, PledgeKind, Receipt, ReceiptKind
from needs.models import Category, Need, NeedStatus, Priority
from tests.factories import ChildFactory


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    type = DonorType.COMPANY
    name = factory.Sequence(lambda n: f"Công ty Thử Nghiệm {n}")


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge
        skip_postgeneration_save = True

    donor = factory.SubFactory(DonorFactory)
    kind = PledgeKind.CASH
    amount = 10_000_000
    pledged_on = dt.date(2026, 9, 1)

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.earmark_communes.set(extracted)


class ReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Receipt

    pledge = factory.SubFactory(PledgeFactory)
    kind = ReceiptKind.MONEY
    received_on = dt.date(2026, 10, 1)
    amount = 1_000_000


def goods_receipt(pledge, *, category=Category.WARM_CLOTHING, size="", age_band="", quantity=10, unit_value=150_000):
    item = PledgeItem.objects.create(
        pledge=pledge,
        category=category,
        description="Áo ấm",
        clothing_size=size,
        age_band=age_band,
        quantity=quantity,
        unit_value=unit_value,
    )
    return Receipt.objects.create(
        pledge=pledge,
        kind=ReceiptKind.GOODS,
        received_on=dt.date(2026, 10, 2),
        amount=quantity * unit_value,
        item=item,
        quantity=quantity,
        unit_value=unit_value,
    )


class NeedFactory(factory.django.DjangoModelFactory):
    """A verified group need by default; pass child=… for one child's need."""

    class Meta:
        model = Need

    facility_name = factory.Sequence(lambda n: f"Điểm trường Thử {n}")
    beneficiary_count = 20
    category = Category.NUTRITION
    quantity = 1
    unit_cost = 1_000_000
    season = "SY2026"
    priority = Priority.NORMAL
    justification = "Trẻ thiếu ăn"
    status = NeedStatus.VERIFIED


def child_need(commune, *, category=Category.WARM_CLOTHING, birth_date=dt.date(2018, 3, 14), **kwargs):
    child = ChildFactory(commune=commune, birth_date=birth_date)
    kwargs.setdefault("clothing_size", "8-9" if category == Category.WARM_CLOTHING else "")
    kwargs.setdefault("season", "W2026")
    return NeedFactory(child=child, commune=commune, facility_name="", beneficiary_count=1, category=category, **kwargs)


def receipt_for(province, **kwargs):
    pledge_kwargs = {
        key.removeprefix("pledge__"): kwargs.pop(key) for key in list(kwargs) if key.startswith("pledge__")
    }
    pledge = PledgeFactory(donor=DonorFactory(province=province), **pledge_kwargs)
    return ReceiptFactory(pledge=pledge, **kwargs)
