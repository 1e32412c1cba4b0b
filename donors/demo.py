"""Demo donors, 2026 campaigns and plan, pledges, receipts and sponsorships for the demo province.

Every name is invented. Rows are found by natural keys (a donor's name, a pledge's demo note, a receipt's
reference) and written through the services only the first time, so a second run adds no rows, events or history.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from donors import appeals, services
from donors.models import (
    Appeal,
    AppealKind,
    Campaign,
    CampaignKind,
    Donor,
    DonorContact,
    DonorType,
    MobilisationPlan,
    PaymentMethod,
    PlanTarget,
    Pledge,
    PledgeItem,
    PledgeKind,
    PledgeStatus,
    ReceiptKind,
    Sponsorship,
)
from needs.models import AgeBand, Category, Child, ChildConsent, ClothingSize, ConsentGiver, ConsentPurpose
from portal.demo import demo_date, ensure
from portal.uploads import check_upload

YEAR = 2026
# name → (type, tax code, country, anonymous publicly, contact)
DONORS = {
    "Công ty Cổ phần Chè Tân Cương Xanh": (DonorType.COMPANY, "4600123456", "VN", False, "Phạm Thu Trang"),
    "Ông Đỗ Văn Lâm": (DonorType.INDIVIDUAL, "", "VN", True, "Đỗ Văn Lâm"),
    "Hội Doanh nhân trẻ Thái Nguyên (minh họa)": (DonorType.ORGANISATION, "", "VN", False, "Ngô Quang Huy"),
    "Quỹ Vì trẻ em vùng cao Ánh Dương": (DonorType.CHARITY_FUND, "0109876543", "VN", False, "Trịnh Mai Anh"),
    "Công đoàn Viên chức tỉnh (minh họa)": (DonorType.STATE_AGENCY, "", "VN", False, "Lê Hồng Quân"),
    "Sakura Kids Foundation (demo)": (DonorType.FOREIGN, "", "JP", False, "Tanaka Yumi"),
    "Bà Vũ Thị Hòa": (DonorType.INDIVIDUAL, "", "VN", True, "Vũ Thị Hòa"),
}
DEMO_DONOR_ACCOUNT = "Công ty Cổ phần Chè Tân Cương Xanh"  # the demo user `donor` speaks for this company
CAMPAIGNS = {
    CampaignKind.ACTION_MONTH: ("Tháng hành động vì trẻ em 2026", dt.date(YEAR, 6, 1), dt.date(YEAR, 6, 30)),
    CampaignKind.CHILDREN_DAY: ("Quốc tế thiếu nhi 1/6/2026", dt.date(YEAR, 5, 20), dt.date(YEAR, 6, 1)),
    CampaignKind.MID_AUTUMN: ("Trung thu cho em 2026", dt.date(YEAR, 9, 1), dt.date(YEAR, 9, 25)),
    CampaignKind.TET: ("Tết ấm vùng cao Bính Ngọ 2026", dt.date(YEAR, 1, 5), dt.date(YEAR, 2, 15)),
    CampaignKind.SCHOOL_OPENING: ("Tiếp sức đến trường 2026–2027", dt.date(YEAR, 8, 1), dt.date(YEAR, 9, 5)),
    CampaignKind.AD_HOC: ("Hỗ trợ trẻ em vùng lũ tháng 7/2026", dt.date(YEAR, 7, 20), dt.date(YEAR, 8, 20)),
}


def seed(context):
    province = context.data["province"]
    communes = context.data["communes"]
    staff = context.data["users"]["staff"]
    donors = {name: _donor(province, name, *spec) for name, spec in DONORS.items()}
    donors[DEMO_DONOR_ACCOUNT].members.add(context.data["users"]["donor"])
    campaigns = {
        kind: ensure(
            Campaign,
            province=province,
            kind=kind,
            name=name,
            defaults=dict(start_date=start, end_date=end),
        )
        for kind, (name, start, end) in CAMPAIGNS.items()
    }
    _plan(province, communes)
    _pledges(donors, campaigns, communes, staff)
    _sponsorships(donors, staff)
    _statements(province, campaigns, staff)
    _appeals(province, communes, donors, staff)
    context.data["donors"] = donors


def _donor(province, name, type_, tax_code, country, anonymous, contact_name):
    donor = ensure(
        Donor,
        province=province,
        name=name,
        defaults=dict(type=type_, tax_code=tax_code, country=country, anonymous_publicly=anonymous),
    )
    ensure(DonorContact, donor=donor, full_name=contact_name, defaults=dict(phone="0912 000 111"))
    return donor


def _plan(province, communes):
    plan = ensure(
        MobilisationPlan,
        province=province,
        year=YEAR,
        defaults=dict(
            title=f"Kế hoạch vận động nguồn lực hỗ trợ trẻ em vùng cao năm {YEAR}",
            decision_reference="15/KH-SYT (minh họa)",
        ),
    )
    targets = [
        ("", None, 1_500_000_000, 1200),
        (Category.WARM_CLOTHING, None, 300_000_000, 800),
        (Category.NUTRITION, None, 500_000_000, 400),
        (Category.EDUCATION, None, 200_000_000, 300),
        (Category.HEALTHCARE, communes[0], 120_000_000, 150),
    ]
    for category, commune, amount, children in targets:
        ensure(
            PlanTarget, plan=plan, category=category, commune=commune, defaults=dict(amount=amount, children=children)
        )


def _pledge(key, *, donor, staff, online=False, items=(), communes=(), **fields):
    """A demo pledge, found again by its note (the demo key)."""
    note = f"[demo] {key}"
    existing = Pledge.objects.filter(donor=donor, note=note).first()
    if existing:
        return existing, False
    pledge = Pledge(donor=donor, note=note, **fields)
    actor = staff if not online else donor.members.first()
    return services.pledge_create(
        pledge=pledge, actor=actor, items=items, earmark_communes=communes, online=online
    ), True


def _pledges(donors, campaigns, communes, staff):
    tan_cuong = donors[DEMO_DONOR_ACCOUNT]
    # Cash, earmarked for warm clothing in two communes, partly received.
    pledge, new = _pledge(
        "áo ấm Tết",
        donor=tan_cuong,
        staff=staff,
        kind=PledgeKind.CASH,
        amount=120_000_000,
        pledged_on=demo_date(dt.date(YEAR, 1, 8)),
        receive_by=dt.date(YEAR, 12, 31),
        campaign=campaigns[CampaignKind.TET],
        earmark_categories=[Category.WARM_CLOTHING],
        spend_by=dt.date(YEAR + 1, 2, 28),
        communes=communes[:2],
    )
    if new:
        _money(pledge, staff, demo_date(dt.date(YEAR, 1, 20)), 80_000_000, "FT26020ABC")
    # In-kind, school supplies and warm clothes, goods partly received.
    pledge, new = _pledge(
        "đồ dùng khai giảng",
        donor=donors["Quỹ Vì trẻ em vùng cao Ánh Dương"],
        staff=staff,
        kind=PledgeKind.IN_KIND,
        amount=None,
        pledged_on=demo_date(dt.date(YEAR, 8, 2)),
        campaign=campaigns[CampaignKind.SCHOOL_OPENING],
        items=[
            PledgeItem(
                category=Category.EDUCATION,
                description="Bộ sách giáo khoa và vở",
                age_band=AgeBand.PRIMARY,
                quantity=300,
                unit_value=250_000,
            ),
            PledgeItem(
                category=Category.WARM_CLOTHING,
                description="Áo phao trẻ em",
                clothing_size=ClothingSize.AGE_8_9,
                quantity=200,
                unit_value=180_000,
            ),
        ],
    )
    if new:
        books, coats = pledge.items.order_by("pk")
        _goods(pledge, staff, demo_date(dt.date(YEAR, 8, 28)), books, 300)
        _goods(pledge, staff, demo_date(dt.date(YEAR, 9, 3)), coats, 120)
    # Cash from the foreign donor for school meals, fully received. Earmarked by category only: the meals are
    # group needs of whole schools, which carry no age band, so an age-band earmark could never be used.
    pledge, new = _pledge(
        "bữa ăn bán trú",
        donor=donors["Sakura Kids Foundation (demo)"],
        staff=staff,
        kind=PledgeKind.CASH,
        amount=250_000_000,
        pledged_on=demo_date(dt.date(YEAR, 5, 25)),
        campaign=campaigns[CampaignKind.ACTION_MONTH],
        earmark_categories=[Category.NUTRITION],
    )
    if new:
        _money(pledge, staff, demo_date(dt.date(YEAR, 6, 10)), 250_000_000, "SWIFT-2606-0042")
    pledge, new = _pledge(
        "Trung thu",
        donor=donors["Ông Đỗ Văn Lâm"],
        staff=staff,
        kind=PledgeKind.CASH,
        amount=15_000_000,
        pledged_on=demo_date(dt.date(YEAR, 9, 2)),
        campaign=campaigns[CampaignKind.MID_AUTUMN],
    )
    if new:
        _money(pledge, staff, demo_date(dt.date(YEAR, 9, 10)), 15_000_000, "", method=PaymentMethod.CASH)
    # Submitted online by the demo donor, waiting for staff.
    _pledge(
        "khám sức khỏe (gửi trực tuyến)",
        donor=tan_cuong,
        staff=staff,
        online=True,
        kind=PledgeKind.CASH,
        amount=40_000_000,
        pledged_on=demo_date(dt.date(YEAR, 11, 2)),
        receive_by=dt.date(YEAR + 1, 3, 31),
        earmark_categories=[Category.HEALTHCARE],
    )
    pledge, new = _pledge(
        "vùng lũ (hủy)",
        donor=donors["Công đoàn Viên chức tỉnh (minh họa)"],
        staff=staff,
        kind=PledgeKind.CASH,
        amount=30_000_000,
        pledged_on=demo_date(dt.date(YEAR, 7, 22)),
        campaign=campaigns[CampaignKind.AD_HOC],
    )
    if new:
        services.pledge_transition(
            pledge_id=pledge.pk, action="cancel", actor=staff, reason="Đơn vị chuyển sang hỗ trợ trực tiếp vùng lũ."
        )
    pledge, new = _pledge(
        "sân chơi (quá hạn)",
        donor=donors["Hội Doanh nhân trẻ Thái Nguyên (minh họa)"],
        staff=staff,
        kind=PledgeKind.CASH,
        amount=60_000_000,
        pledged_on=demo_date(dt.date(YEAR, 1, 15)),
        receive_by=dt.date(YEAR, 3, 31),
        earmark_categories=[Category.PLAY],
    )
    if new:
        services.pledge_lapse_overdue(today=dt.date(YEAR, 4, 1))
    # A plain pledge, still waiting for the money.
    _pledge(
        "học bổng",
        donor=donors["Bà Vũ Thị Hòa"],
        staff=staff,
        kind=PledgeKind.CASH,
        amount=10_000_000,
        pledged_on=demo_date(dt.date(YEAR, 10, 15)),
        receive_by=dt.date(YEAR + 1, 1, 31),
        earmark_categories=[Category.EDUCATION],
    )
    assert Pledge.objects.filter(note__startswith="[demo]", status=PledgeStatus.LAPSED).exists()


def _money(pledge, staff, on, amount, reference, method=PaymentMethod.BANK_TRANSFER):
    services.receipt_record(
        pledge_id=pledge.pk,
        actor=staff,
        kind=ReceiptKind.MONEY,
        received_on=on,
        amount=amount,
        method=method,
        bank_reference=reference,
    )


def _goods(pledge, staff, on, item, quantity):
    services.receipt_record(
        pledge_id=pledge.pk, actor=staff, kind=ReceiptKind.GOODS, received_on=on, item_id=item.pk, quantity=quantity
    )


def _sponsorships(donors, staff):
    """Two sponsored children: one whose guardian and the child consented to share who they are, one without."""
    children = list(Child.objects.filter(birth_date__lte=dt.date(YEAR - 8, 1, 1)).order_by("code")[:2])
    if len(children) < 2:
        return
    consenting, private = children
    for giver, name in [(ConsentGiver.GUARDIAN, consenting.guardian_name), (ConsentGiver.CHILD, consenting.full_name)]:
        ensure(
            ChildConsent,
            child=consenting,
            purpose=ConsentPurpose.SHARE_WITH_SPONSOR,
            given_by=giver,
            defaults=dict(giver_name=name or "—", given_on=dt.date(YEAR, 2, 1), recorded_by=staff),
        )
    for child in (consenting, private):
        ensure(
            Sponsorship,
            donor=donors[DEMO_DONOR_ACCOUNT],
            child=child,
            defaults=dict(start_date=dt.date(YEAR, 3, 1), end_date=dt.date(YEAR + 1, 2, 28), monthly_amount=500_000),
        )


def _statements(province, campaigns, staff):
    """Two overlapping Vietcombank statements of the demo account: lines that match by their transfer code (one
    confirms the receipt staff typed by hand), a campaign gift without a pledge, a transfer with no code and the
    account's interest waiting in the queue, a fee (money out, not stored) and a line both statements carry."""
    from donors.models import StatementImport
    from donors.statements.parsing import PRESETS
    from donors.statements.services import statement_import_start, statement_line_mark, statement_upload
    from donors.transfer_codes import campaign_code, pledge_code

    if StatementImport.objects.filter(province=province, original_name__startswith="sao-ke-vcb-demo").exists():
        return
    coats = Pledge.objects.get(note="[demo] áo ấm Tết")
    gift = f"NGUYEN VAN HUNG UNG HO {campaign_code(campaigns[CampaignKind.MID_AUTUMN])} TRUNG THU"
    second_transfer = ("FT26288001", "", 20_000_000, f"CT CP CHE TAN CUONG XANH {pledge_code(coats)} CK DOT 2")
    day = lambda month, d: demo_date(dt.date(YEAR, month, d)).strftime("%d/%m/%Y")  # noqa: E731
    first = [
        (day(1, 20), "FT26020ABC", "", 80_000_000, f"CT CP CHE TAN CUONG XANH {pledge_code(coats)} AO AM TET"),
        (day(6, 10), "SWIFT-2606-0042", "", 250_000_000, "SAKURA KIDS FOUNDATION SCHOOL MEALS"),
        (day(9, 12), "FT26255007", "", 200_000, gift),
        (day(10, 15), *second_transfer),
        (day(10, 20), "FT26293002", 22_000, "", "PHI QUAN LY TAI KHOAN"),
    ]
    second = [
        (day(10, 15), *second_transfer),
        (day(10, 25), "FT26298013", "", 500_000, "NGUYEN THI MAI CHUYEN TIEN UNG HO TRE EM VUNG CAO"),
        (day(10, 31), "", "", 12_345, "LAI TIEN GUI THANG 10"),
    ]
    for number, lines in ((1, first), (2, second)):
        statement = statement_upload(
            actor=staff,
            province=province,
            data=_vcb_file(lines),
            original_name=f"sao-ke-vcb-demo-{number}.xlsx",
            mapping=PRESETS["vietcombank"],
        )
        statement_import_start(actor=staff, statement_id=statement.pk, in_process=True)
    interest = statement.lines.get(description__startswith="LAI TIEN GUI")
    statement_line_mark(
        line_id=interest.pk,
        actor=staff,
        status="not_donation",
        reason="Lãi tiền gửi không kỳ hạn, không phải tiền tài trợ.",
    )


def _vcb_file(lines) -> bytes:
    """A statement laid out as Vietcombank's export: lines about the account, the table, a total."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for text in ("NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM", "SAO KÊ TÀI KHOẢN", "Số tài khoản: 0011009988776", ""):
        sheet.append([text])
    sheet.append(
        ["STT", "Ngày giao dịch", "Số tham chiếu", "Số tiền ghi nợ", "Số tiền ghi có", "Số dư", "Nội dung chi tiết"]
    )
    for number, (day, reference, debit, credit, description) in enumerate(lines, start=1):
        money = lambda amount: f"{amount:,}".replace(",", ".") if amount else ""  # noqa: E731
        sheet.append([number, day, reference, money(debit), money(credit), "", description])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FLOOD_APPEAL = "Hỗ trợ trẻ em sau lũ quét tại {commune} (tháng 7/2026)"
CHILD_APPEAL = "Cùng em điều trị bệnh tim bẩm sinh (minh họa)"


def _appeals(province, communes, donors, staff):
    """Two appeals under Decree 93/2021: after a flash flood in Nghiên Loan (money received, matched to the
    commune's needs by the allocation demo), and for a critically ill child of Bằng Thành, published anonymously."""
    nghien_loan, bang_thanh = communes[1], communes[0]
    flood = _appeal(
        province,
        staff,
        name=FLOOD_APPEAL.format(commune=nghien_loan.name),
        kind=AppealKind.DISASTER,
        window=(dt.date(YEAR, 7, 20), dt.date(YEAR, 9, 30)),
        communes=[nghien_loan],
        decision="87/QĐ-UBND (minh họa)",
        description="Lũ quét đêm 18/7/2026 làm ngập, sập nhà của nhiều hộ có trẻ nhỏ ở các thôn ven suối.",
        criteria="Trẻ em dưới 16 tuổi đang sống tại xã, có nhà bị ngập, sập hoặc mất đồ dùng học tập, quần áo.",
        levels="Bữa ăn dinh dưỡng tại điểm trường 3 tháng; áo ấm, sách vở theo nhu cầu đã đăng ký; tối đa "
        "2.000.000 đ mỗi trẻ.",
    )
    for key, donor, amount, received, on, method in [
        ("lũ quét Ánh Dương", "Quỹ Vì trẻ em vùng cao Ánh Dương", 60_000_000, 40_000_000, 7, 28),
        ("lũ quét bà Hòa", "Bà Vũ Thị Hòa", 5_000_000, 5_000_000, 8, 3),
    ]:
        pledge, new = _pledge(key, donor=donors[donor], staff=staff, kind=PledgeKind.CASH, amount=amount,
                              pledged_on=demo_date(dt.date(YEAR, 7, 22)), campaign=flood.campaign)  # fmt: skip
        if new:
            via = PaymentMethod.CASH if method == 3 else PaymentMethod.BANK_TRANSFER
            _money(pledge, staff, demo_date(dt.date(YEAR, on, method)), received, f"LQ{on:02d}{method:02d}", via)
    child = Child.objects.filter(commune=bang_thanh).order_by("code").first()
    if child is None:
        return
    sick = _appeal(
        province,
        staff,
        name=CHILD_APPEAL,
        kind=AppealKind.ILL_CHILD,
        child=child,
        window=(dt.date(YEAR, 10, 1), dt.date(YEAR, 11, 15)),
        communes=[bang_thanh],
        decision="112/TB-SYT (minh họa)",
        description="",
        criteria="Trẻ có hồ sơ bệnh án xác nhận bệnh tim bẩm sinh cần phẫu thuật, gia đình thuộc hộ nghèo.",
        levels="Chi phí phẫu thuật và điều trị ngoài phần bảo hiểm y tế chi trả, theo hóa đơn của bệnh viện.",
    )
    pledge, new = _pledge("bệnh tim", donor=donors["Công đoàn Viên chức tỉnh (minh họa)"], staff=staff,
                          kind=PledgeKind.CASH, amount=20_000_000, pledged_on=demo_date(dt.date(YEAR, 10, 3)),
                          campaign=sick.campaign)  # fmt: skip
    if new:
        _money(pledge, staff, demo_date(dt.date(YEAR, 10, 10)), 12_000_000, "BT1010")


def _appeal(province, staff, *, name, kind, window, communes, decision, description, criteria, levels, child=None):
    existing = Appeal.objects.filter(campaign__province=province, campaign__name=name).first()
    if existing:
        return existing
    campaign = Campaign(province=province, name=name, start_date=window[0], end_date=window[1], description=description)
    appeal = Appeal(kind=kind, child=child, decision_reference=decision, beneficiary_criteria=criteria,
                    support_levels=levels)  # fmt: skip
    upload = check_upload(
        SimpleUploadedFile("van-ban.pdf", _tiny_pdf("Van ban phat dong cuoc van dong - du lieu demo"))
    )
    title = "Thông báo phát động cuộc vận động" if child else "Quyết định phát động cuộc vận động"
    return appeals.appeal_open(user=staff, campaign=campaign, appeal=appeal, communes=communes,
                               documents=[(title, upload, False)])  # fmt: skip


def _tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF with one line of ASCII text, made here so the demo needs no document file."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body
