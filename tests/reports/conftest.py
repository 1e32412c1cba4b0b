"""A small province whose every figure the tests recompute by hand (Python over the objects they created)."""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from needs.models import Category, NeedStatus, Sex
from portal.models import EthnicGroup
from portal.reference_data import ethnic_groups_load
from tests.reports.factories import (
    AgencyFactory,
    CampaignFactory,
    ChildFactory,
    CycleFactory,
    DonorFactory,
    GroupNeedFactory,
    NeedFactory,
    PledgeFactory,
    PledgeItemFactory,
    ReceiptFactory,
    allocate,
    deliver,
    goods_receipt,
    registered_on,
)

START, END = dt.date(2026, 1, 1), dt.date(2026, 11, 15)


@pytest.fixture
def reports_root(settings, tmp_path, monkeypatch):
    """Built reports go to the test's own folder, for this process and for a worker subprocess started by it."""
    settings.REPORTS_ROOT = tmp_path / "reports"
    monkeypatch.setenv("REPORTS_ROOT", str(tmp_path / "reports"))
    return settings.REPORTS_ROOT


@dataclass
class World:
    personas: object
    cycle: object
    children: list = field(default_factory=list)
    needs: list = field(default_factory=list)
    receipts: list = field(default_factory=list)
    allocations: list = field(default_factory=list)
    deliveries: list = field(default_factory=list)


@pytest.fixture
def world(personas) -> World:
    p = personas
    ethnic_groups_load()  # back after a transactional test flushed the database
    AgencyFactory(province=p.province)
    cycle = CycleFactory(province=p.province)
    group = {code: EthnicGroup.objects.get(code=code) for code in ("02", "08", "09")}
    c1 = ChildFactory(commune=p.commune_a, sex=Sex.FEMALE, ethnic_group=group["08"], birth_date=dt.date(2018, 3, 14))
    c2 = ChildFactory(commune=p.commune_a, sex=Sex.MALE, ethnic_group=group["02"], birth_date=dt.date(2023, 12, 1))
    c3 = ChildFactory(commune=p.commune_a0, sex=Sex.FEMALE, ethnic_group=group["09"], birth_date=dt.date(2012, 1, 1))
    c4 = ChildFactory(commune=p.commune_b, sex=Sex.MALE, ethnic_group=group["08"], birth_date=dt.date(2020, 11, 16))
    c5 = ChildFactory(commune=p.commune_c, sex=Sex.MALE, ethnic_group=group["08"], birth_date=dt.date(2019, 5, 5))
    c6 = ChildFactory(commune=p.commune_b, sex=Sex.FEMALE, ethnic_group=group["02"], birth_date=dt.date(2020, 11, 15))

    def need(factory=NeedFactory, on=dt.date(2026, 3, 2), **kwargs):
        return registered_on(factory(**kwargs), on)

    n1 = need(commune=p.commune_a, child=c1, status=NeedStatus.FUNDED)
    n2 = need(
        commune=p.commune_a,
        child=c1,
        category=Category.HEALTHCARE,
        season="Y2026",
        unit_cost=500_000,
        status=NeedStatus.DELIVERED,
    )
    n3 = need(commune=p.commune_a, child=c2, category=Category.NUTRITION, season="SY2026", status=NeedStatus.OPEN)
    n4 = need(commune=p.commune_a0, child=c3, status=NeedStatus.DELIVERED, season="W2025", on=dt.date(2025, 12, 1))
    n5 = need(GroupNeedFactory, commune=p.commune_b, status=NeedStatus.PARTLY_FUNDED)
    n6 = need(commune=p.commune_b, child=c4, status=NeedStatus.VERIFIED)
    n7 = need(commune=p.commune_a, child=c2, category=Category.PLAY, season="Y2026", status=NeedStatus.DRAFT)
    n8 = need(commune=p.commune_b, child=c4, category=Category.PLAY, season="Y2026", status=NeedStatus.CANCELLED)
    n9 = need(commune=p.commune_c, child=c5, status=NeedStatus.FUNDED)
    n10 = need(commune=p.commune_a, child=c2, category=Category.EDUCATION, season="SY2026", status=NeedStatus.FUNDED)
    n11 = need(commune=p.commune_b, child=c6, status=NeedStatus.FUNDED)  # a coat, given from the donated coats

    d1 = DonorFactory(province=p.province, type="company", name="Công ty Điện lực Thái Nguyên")
    d2 = DonorFactory(province=p.province, type="individual", name="Bà Nguyễn Thị Ánh")
    d3 = DonorFactory(province=p.other_province, type="company")
    campaign = CampaignFactory(province=p.province)
    r1 = ReceiptFactory(pledge=PledgeFactory(donor=d1, campaign=campaign), amount=20_000_000)
    item = PledgeItemFactory(pledge__donor=d2)
    r2 = goods_receipt(item, 40, dt.date(2026, 9, 1))
    r3 = ReceiptFactory(pledge=PledgeFactory(donor=d1), amount=60_000_000, received_on=dt.date(2026, 10, 5))
    r4 = ReceiptFactory(pledge=PledgeFactory(donor=d1), amount=5_000_000, received_on=dt.date(2025, 12, 31))
    r5 = ReceiptFactory(pledge=PledgeFactory(donor=d3), amount=30_000_000, received_on=dt.date(2026, 5, 1))
    PledgeFactory(donor=d2, amount=500_000_000)  # a promise only: never counted

    allocations = [
        allocate(r1, n1, 350_000, dt.date(2026, 4, 12)),
        allocate(r1, n2, 500_000, dt.date(2026, 4, 12)),
        allocate(r4, n4, 350_000, dt.date(2025, 12, 31)),
        allocate(r1, n5, 300_000, dt.date(2026, 6, 1)),
        allocate(r1, n6, 350_000, dt.date(2026, 6, 2), active=False),
        allocate(r5, n9, 350_000, dt.date(2026, 6, 3)),
        allocate(r3, n10, 350_000, dt.date(2026, 11, 20)),  # after the period
        allocate(r2, n11, 250_000, dt.date(2026, 9, 2), quantity=1),
    ]
    deliveries = [
        deliver(n2, dt.date(2026, 5, 20)),
        deliver(n4, dt.date(2026, 2, 1)),
        deliver(n5, dt.date(2026, 7, 1), quantity=10, children=10),
    ]
    return World(
        personas=p,
        cycle=cycle,
        children=[c1, c2, c3, c4, c5, c6],
        needs=[n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11],
        receipts=[r1, r2, r3, r4, r5],
        allocations=allocations,
        deliveries=deliveries,
    )
