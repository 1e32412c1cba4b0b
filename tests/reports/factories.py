"""Factories for the rows reports read (needs, donors, allocations) and for the reports app's own rows."""

import datetime as dt

import factory
from django.utils import timezone

from allocations.models import Allocation, AllocationBatch, BatchSource, Delivery
from donors.models import Campaign, CampaignKind, Donor, DonorType, Pledge, PledgeItem, PledgeKind, Receipt, ReceiptKind
from needs.models import Category, Need, NeedStatus
from portal.models import Agency
from reports.models import Programme, ReportingCycle
from tests.factories import ChildFactory

__all__ = ["ChildFactory"]


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    parent_agency_name = "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"
    department_name = "SỞ Y TẾ"
    department_abbreviation = "SYT"
    place_name = "Thái Nguyên"
    signer_authority = "KT. GIÁM ĐỐC"
    signer_title = "PHÓ GIÁM ĐỐC"
    signer_name = "Ma Thị Thu Hà"
    recipients = "- UBND tỉnh (để báo cáo);\n- Bộ Y tế (để báo cáo);\n- Lưu: VT, BVTE."


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = "CTMTQG-2026"
    name = "Chương trình mục tiêu quốc gia giai đoạn 2026–2035"
    start_year = 2026
    end_year = 2035


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingCycle

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2026
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 11, 15)
    confirm_by = dt.date(2026, 11, 20)
    due_on = dt.date(2026, 11, 30)
    difficulties = "Địa bàn rộng, giao thông đi lại khó khăn vào mùa mưa lũ."
    proposals = "Đề nghị Bộ Y tế bổ sung kinh phí hỗ trợ bữa ăn dinh dưỡng cho trẻ mầm non."


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    child = factory.SubFactory(ChildFactory, commune=factory.SelfAttribute("..commune"))
    category = Category.WARM_CLOTHING
    quantity = 1
    unit_cost = 350_000
    season = "W2026"
    justification = "Trẻ thiếu áo ấm mùa đông."
    status = NeedStatus.VERIFIED


class GroupNeedFactory(NeedFactory):
    child = None
    facility_name = "Điểm trường Nà Hin"
    beneficiary_count = 30
    category = Category.NUTRITION
    quantity = 30
    unit_cost = 15_000
    season = "SY2026"


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    type = DonorType.COMPANY
    name = factory.Sequence(lambda n: f"Công ty Cổ phần Hỗ Trợ {n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    kind = CampaignKind.MID_AUTUMN
    name = "Trung thu cho em 2026"
    start_date = dt.date(2026, 8, 1)
    end_date = dt.date(2026, 9, 30)


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    donor = factory.SubFactory(DonorFactory)
    kind = PledgeKind.CASH
    amount = 100_000_000
    pledged_on = dt.date(2026, 3, 1)


class PledgeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PledgeItem

    pledge = factory.SubFactory(PledgeFactory, kind=PledgeKind.IN_KIND)
    category = Category.WARM_CLOTHING
    description = "Áo khoác trẻ em"
    quantity = 100
    unit_value = 250_000


class ReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Receipt

    pledge = factory.SubFactory(PledgeFactory)
    kind = ReceiptKind.MONEY
    received_on = dt.date(2026, 4, 10)
    amount = 20_000_000


def goods_receipt(item, quantity: int, received_on: dt.date) -> Receipt:
    return ReceiptFactory(
        pledge=item.pledge,
        kind=ReceiptKind.GOODS,
        item=item,
        quantity=quantity,
        unit_value=item.unit_value,
        amount=quantity * item.unit_value,
        received_on=received_on,
    )


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationBatch

    source = BatchSource.MANUAL


def allocate(
    receipt, need, amount: int, on: dt.date, *, active: bool = True, quantity: int | None = None
) -> Allocation:
    """An allocation made on a given day, to a need that since moved on to the status the data set gives it.

    The ledger's triggers accept money only for needs open to funding, as the need was at the time."""
    batch = BatchFactory(province=receipt.pledge.donor.province)
    Need.objects.filter(pk=need.pk).update(status=NeedStatus.OPEN)
    allocation = Allocation.objects.create(
        batch=batch, receipt=receipt, need=need, amount=amount, quantity=quantity, active=active
    )
    Need.objects.filter(pk=need.pk).update(status=need.status)
    Allocation.objects.filter(pk=allocation.pk).update(created_at=aware(on))  # auto_now_add: set the day
    allocation.refresh_from_db()
    return allocation


def deliver(need, on: dt.date, quantity: int | None = None, children: int | None = None) -> Delivery:
    return Delivery.objects.create(
        need=need,
        delivered_on=on,
        quantity=quantity or need.quantity,
        children_reached=children if children is not None else need.beneficiary_count,
        handed_over_by="Cán bộ xã",
    )


def registered_on(need, on: dt.date):
    Need.objects.filter(pk=need.pk).update(created_at=aware(on))
    need.refresh_from_db()
    return need


def approve_acknowledged(report, user):
    """Leadership approve a draft as final, acknowledging whatever its checklist warns (for tests about something
    else than the checklist, which tests/reports/test_approval_safeguards.py covers)."""
    from reports.checklists import approval_checklist
    from reports.services import report_approve

    return report_approve(report=report, user=user, acknowledged=approval_checklist(report=report).fingerprint)


def confirm_acknowledged(cycle, commune, user):
    """A commune officer confirms the figures, acknowledging whatever its checklist warns (see above)."""
    from reports.checklists import confirmation_checklist
    from reports.services import confirmation_confirm

    fingerprint = confirmation_checklist(cycle=cycle, commune=commune).fingerprint
    return confirmation_confirm(cycle=cycle, commune=commune, user=user, acknowledged=fingerprint)
