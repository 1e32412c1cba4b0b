"""One world for the security tests: every kind of row the portal serves, once inside and once outside a scope.

Side "a" lives in commune A of province P and belongs to donor D (whose account is the persona `donor`);
side "c" lives in commune C of province Q and belongs to donor F. The persona `donor2` speaks for donor E in P.
"""

import base64
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from allocations.models import (
    Allocation,
    AllocationBatch,
    BatchSource,
    Delivery,
    DeliveryEvidence,
    DistributionLine,
    DistributionList,
    DistributionStatus,
    MatchingRun,
)
from donors.models import ImportStatus, MobilisationPlan, Sponsorship, StatementImport, StatementLine
from donors.statements.parsing import PRESETS
from needs.models import NeedAttachment, NeedStatus
from offline.models import ConflictKind, EvidenceUpload, SyncConflict
from portal.models import ImportRecord, Village
from portal.permissions import Role
from reports.checklists import confirmation_checklist
from reports.figures import disclosure_figures
from reports.models import CycleKind, Report, ReportingCycle, ReportKind, ReportStatus
from reports.services import confirmation_confirm
from tests.donors.factories import open_appeal
from tests.factories import user_with_role
from tests.partners.factories import PartnerOrganisationFactory, PartnerSupportFactory, partner_account
from tests.reports.factories import (
    AgencyFactory,
    CampaignFactory,
    ChildFactory,
    CycleFactory,
    DonorFactory,
    NeedFactory,
    PledgeFactory,
    ReceiptFactory,
)

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n% a stand-in for a built report\n%%EOF\n"


@dataclass
class Side:
    """The rows of one side of the world, by the name the matrix uses for their URL argument."""

    commune: object
    province: object
    child: object
    need: object
    attachment: object
    donor: object
    pledge: object
    receipt: object
    batch: object
    allocation: object
    delivery: object
    evidence: object
    run: object
    cycle: object
    confirmation: object
    report: object
    imported: object
    sponsorship: object
    village: object
    campaign: object
    distribution: object = None
    statement: object = None
    line: object = None
    disclosure: object = None
    appeal: object = None
    conflict: object = None  # an offline change of the side's officer that waits for their decision
    upload: object = None  # a photo the side's officer sent from a device
    support: object = None  # a partner organisation's support to the side's child
    extra: dict = field(default_factory=dict)


def _side(*, commune, province, donor_name, importer, officer, manager, members=()) -> Side:
    AgencyFactory(province=province)
    child = ChildFactory(commune=commune, guardian_name="Phụ Huynh Bí Mật", guardian_phone="0912345678")
    need = NeedFactory(commune=commune, child=child, status=NeedStatus.OPEN)
    attachment = NeedAttachment.objects.create(
        need=need, file=ContentFile(PNG, name="giay.png"), original_name="giay.png", content_type="image/png",
        size=len(PNG),
    )  # fmt: skip
    donor = DonorFactory(province=province, name=donor_name)
    donor.members.add(*members)
    pledge = PledgeFactory(donor=donor)
    receipt = ReceiptFactory(pledge=pledge, amount=5_000_000)
    batch = AllocationBatch.objects.create(province=province, source=BatchSource.MANUAL)
    allocation = Allocation.objects.create(batch=batch, receipt=receipt, need=need, amount=350_000)
    delivery = Delivery.objects.create(
        need=need, delivered_on=dt.date(2026, 11, 1), quantity=1, children_reached=1, handed_over_by="Cán bộ xã"
    )
    evidence = DeliveryEvidence.objects.create(
        delivery=delivery, file=ContentFile(PNG, name="trao.png"), original_name="trao.png",
        content_type="image/png", size=len(PNG), shows_children=False,
    )  # fmt: skip
    run = MatchingRun.objects.create(province=province)
    cycle = CycleFactory(province=province)
    # The rows are dated today, maybe outside the cycle's period: the officer acknowledges the zero totals.
    acknowledged = confirmation_checklist(cycle=cycle, commune=commune).fingerprint
    confirmation = confirmation_confirm(cycle=cycle, commune=commune, user=officer, acknowledged=acknowledged)
    report = Report.objects.create(
        cycle=cycle, unit=commune, period_start=cycle.period_start, period_end=cycle.period_end, version=1,
        status=ReportStatus.DRAFT, file_name=f"bao-cao-{commune.code}.pdf", sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
    )  # fmt: skip
    imported = ImportRecord.objects.create(
        kind="needs.children_needs",
        user=importer,
        rows=[],
        original_name="ds.xlsx",
        size=1,
        sha256="0" * 64,
        report={"rows": 0, "errors": [], "counts": {}},
    )
    sponsorship = Sponsorship.objects.create(
        donor=donor, child=child, start_date=dt.date(2026, 1, 1), monthly_amount=300_000
    )
    village = Village.objects.create(commune=commune, name=f"Bản {commune.name}")
    campaign = CampaignFactory(province=province)
    MobilisationPlan.objects.create(province=province, year=2026, title="Kế hoạch vận động 2026")
    distribution = DistributionList.objects.create(
        commune=commune, distributed_on=dt.date(2026, 11, 1), title="Trao áo ấm", status=DistributionStatus.PRINTED,
        scan=ContentFile(PDF, name="ky-nhan.pdf"), scan_name="ky-nhan.pdf", scan_type="application/pdf",
    )  # fmt: skip
    DistributionLine.objects.create(distribution=distribution, need=need, planned_quantity=1)
    statement, line = _statement(province)
    # The province's Decree 03/2026 disclosure, approved: published for anyone.
    disclosure_cycle = CycleFactory(
        province=province, kind=CycleKind.DISCLOSURE, **ReportingCycle.disclosure_dates(2026)
    )
    disclosure = Report.objects.create(
        cycle=disclosure_cycle, unit=province, kind=ReportKind.DISCLOSURE, period_start=disclosure_cycle.period_start,
        period_end=disclosure_cycle.period_end, version=1, status=ReportStatus.FINAL,
        file_name=f"cong-khai-{province.code}.pdf", sha256=hashlib.sha256(PDF).hexdigest(), size=len(PDF),
        figures=disclosure_figures(unit=province, period_start=disclosure_cycle.period_start,
                                   period_end=disclosure_cycle.period_end),
    )  # fmt: skip
    appeal = open_appeal(
        manager, province=province, communes=[commune], start=timezone.localdate() - dt.timedelta(days=9)
    )
    conflict = SyncConflict.objects.create(
        user=officer, commune=commune, kind=ConflictKind.FIELDS, change_key=uuid.uuid4(), change_type="need.update",
        change={}, record_type="need", record_id=need.pk, fields={"description": {"mine": "Áo", "server": "Mũ"}},
    )  # fmt: skip
    upload = EvidenceUpload.objects.create(
        user=officer, upload_id=uuid.uuid4(), sha256=hashlib.sha256(PNG).hexdigest(),
        file=ContentFile(PNG, name="anh.png"), original_name="anh.png", content_type="image/png", size=len(PNG),
    )  # fmt: skip
    partner = PartnerOrganisationFactory(province=province, name=f"Hội Phụ nữ {province.name}")
    support = PartnerSupportFactory(
        partner=partner, child=child, commune=commune, evidence=ContentFile(PNG, name="bien-ban.png"),
        evidence_name="bien-ban.png", evidence_type="image/png", category=need.category, season=need.season,
    )  # fmt: skip
    return Side(
        statement=statement, line=line, disclosure=disclosure, distribution=distribution, appeal=appeal,
        conflict=conflict, upload=upload, support=support,
        village=village, campaign=campaign, commune=commune, province=province, child=child, need=need,
        attachment=attachment, donor=donor,
        pledge=pledge, receipt=receipt, batch=batch, allocation=allocation, delivery=delivery, evidence=evidence,
        run=run, cycle=cycle, confirmation=confirmation, report=report, imported=imported, sponsorship=sponsorship,
    )  # fmt: skip


def _statement(province):
    """An imported statement of the province's account and its one credit line, waiting in the queue."""
    account = f"970436:{province.code}"
    statement = StatementImport.objects.create(
        province=province, account=account, mapping={**PRESETS["vietcombank"].as_dict(), "kind": "xlsx"},
        file=ContentFile(b"PK", name="sao-ke.xlsx"), original_name="sao-ke.xlsx", sha256="0" * 64, size=2,
        status=ImportStatus.DONE, counts={"credits": 1, "new": 1, "duplicates": 0, "matched": 0, "queued": 1},
    )  # fmt: skip
    line = StatementLine.objects.create(
        province=province, account=account, key="r:20261101:FT1", statement=statement, row=5,
        booked_on=dt.date(2026, 11, 1), amount=1_000_000, description="NGUYEN VAN A UNG HO", bank_reference="FT1",
    )  # fmt: skip
    return statement, line


@pytest.fixture
def world(personas, settings, tmp_path):
    """Personas plus `donor2` (donor E, same province as D) and sides "a" and "c" of every kind of row."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_ROOT = tmp_path / "reports"
    settings.REPORTS_ROOT.mkdir()
    p = personas
    p.donor2 = user_with_role(Role.DONOR, None, username="donor2")
    DonorFactory(province=p.province, name="Quỹ Ánh Dương").members.add(p.donor2)
    p.a = _side(
        commune=p.commune_a, province=p.province, donor_name="Công ty Chè Tân Cương", importer=p.officer_a,
        officer=p.officer_a, members=[p.donor], manager=p.staff,
    )  # fmt: skip
    p.c = _side(commune=p.commune_c, province=p.other_province, donor_name="Công ty Ngoài Tỉnh", importer=p.staff_q,
        officer=user_with_role(Role.COMMUNE_OFFICER, p.commune_c, username="officer_c"), manager=p.staff_q,
    )  # fmt: skip
    # The partner persona speaks for the organisation that recorded side a's support.
    p.partner = partner_account(p.a.support.partner, username="partner")
    for side in (p.a, p.c):
        for report in (side.report, side.disclosure):
            (settings.REPORTS_ROOT / report.file_name).write_bytes(PDF)
    _national(p, settings.REPORTS_ROOT)
    return p


def _national(p, root) -> None:
    """What the ministry reads: province P's approved annual report (side a; side c's `final` is its commune's
    draft, which the ministry never gets) and a built national roll-up (side a) and a queued one (side c)."""
    from national.models import NationalReport

    cycle = p.a.cycle
    p.a.final = Report.objects.create(
        cycle=cycle, unit=p.province, period_start=cycle.period_start, period_end=cycle.period_end, version=1,
        status=ReportStatus.FINAL, file_name="bao-cao-tinh.pdf", sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF), approved_at=timezone.now(), figures={"totals": {"received": 5_000_000}},
    )  # fmt: skip
    p.c.final = p.c.report
    p.a.rollup = NationalReport.objects.create(
        programme=cycle.programme, year=2026, version=1, status=ReportStatus.DRAFT, file_name="tong-hop.pdf",
        sha256=hashlib.sha256(PDF).hexdigest(), workbook_name="tong-hop.xlsx", workbook_sha256="0" * 64,
    )  # fmt: skip
    p.c.rollup = NationalReport.objects.create(programme=cycle.programme, year=2026, version=2)
    for name in ("bao-cao-tinh.pdf", "tong-hop.pdf", "tong-hop.xlsx"):
        (root / name).write_bytes(PDF)
