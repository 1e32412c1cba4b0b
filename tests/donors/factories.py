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


# --- Bank statements ---------------------------------------------------------------------------------------

VCB_HEADER = [
    "STT",
    "Ngày giao dịch",
    "Số tham chiếu",
    "Số tiền ghi nợ",
    "Số tiền ghi có",
    "Số dư",
    "Nội dung chi tiết",
]


def vcb_workbook(lines, *, preamble=("NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM", "SAO KÊ TÀI KHOẢN", "")) -> bytes:
    """A statement as Vietcombank exports it: a few lines about the account, then the table. `lines` are
    (day "dd/mm/yyyy", reference, debit, credit, balance, description) with amounts as text or numbers."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for text in preamble:
        sheet.append([text])
    sheet.append(VCB_HEADER)
    for number, line in enumerate(lines, start=1):
        sheet.append([number, *line])
    sheet.append(["", "Tổng cộng", "", "", "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bidv_csv(lines) -> bytes:
    """A statement as BIDV exports it to CSV: commas between fields, amounts with commas between thousands.
    `lines` are (day, reference, debit, credit, balance, description)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["STT", "Ngày giao dịch", "Số tham chiếu", "Ghi nợ", "Ghi có", "Số dư", "Diễn giải"])
    for number, line in enumerate(lines, start=1):
        writer.writerow([number, *line])
    return buffer.getvalue().encode("utf-8-sig")


def import_statement(*, actor, province, data: bytes, preset: str = "vietcombank", name: str = "sao-ke.xlsx"):
    """Upload and import a statement as staff do (the task runs in-process in tests); the StatementImport."""
    from django.test import TestCase

    from donors.statements.parsing import PRESETS
    from donors.statements.services import statement_import_start, statement_upload

    statement = statement_upload(actor=actor, province=province, data=data, original_name=name, mapping=PRESETS[preset])
    with TestCase.captureOnCommitCallbacks(execute=True):
        statement_import_start(actor=actor, statement_id=statement.pk)
    statement.refresh_from_db()
    return statement


PDF = b"%PDF-1.4\n% the appeal's decision\n%%EOF\n"


def open_appeal(user, *, province, communes, start=dt.date(2026, 7, 20), days=60, child=None, **fields):
    """An appeal opened through the service, with a decision (PDF) as its first document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from donors.appeals import appeal_open
    from donors.models import Appeal, AppealKind
    from portal.uploads import check_upload

    campaign = Campaign(
        province=province,
        name=fields.pop("name", "Hỗ trợ trẻ em sau lũ quét"),
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        description=fields.pop("description", "Lũ quét ngày 18/7/2026."),
    )
    appeal = Appeal(
        kind=AppealKind.ILL_CHILD if child else AppealKind.DISASTER,
        child=child,
        decision_reference=fields.pop("decision_reference", "125/QĐ-UBND"),
        beneficiary_criteria=fields.pop("beneficiary_criteria", "Trẻ em dưới 16 tuổi có nhà bị ngập, sập."),
        support_levels=fields.pop("support_levels", "1.000.000 đ mỗi trẻ; áo ấm, sách vở theo nhu cầu."),
        **fields,
    )
    upload = check_upload(SimpleUploadedFile("quyet-dinh.pdf", PDF, content_type="application/pdf"))
    return appeal_open(
        user=user,
        campaign=campaign,
        appeal=appeal,
        communes=communes,
        documents=[("Quyết định phát động", upload, False)],
    )
