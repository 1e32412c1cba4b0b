"""Bank statements in: reading the banks' exports, storing each credit once, matching lines to pledges."""

import datetime as dt

import pytest

from donors.figures import awaiting_statement
from donors.models import LineStatus, PledgeStatus, Receipt, StatementLine, StatementMatch, Suggestion
from donors.statements import services
from donors.statements.parsing import PRESETS, Mapping, parse, read_amount, sniff_kind
from donors.transfer_codes import campaign_code, pledge_code
from tests.donors.factories import (
    CampaignFactory,
    bidv_csv,
    import_statement,
    receive_money,
    vcb_workbook,
)
from tests.threads import race

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from portal.models import Agency

    Agency.objects.filter(province=world.province).update(
        bank_bin="970436", bank_account_number="0011009988776", bank_account_name="SO Y TE"
    )
    return world


def _import(bank, data, **kwargs):
    return import_statement(actor=bank.staff, province=bank.province, data=data, **kwargs)


# --- Reading the banks' exports ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number_format", "expected"),
    [
        ("1.000.000", "dots", 1_000_000),
        ("1.000.000,00", "dots", 1_000_000),
        ("500.000 VND", "dots", 500_000),
        ("1,000,000", "commas", 1_000_000),
        ("1,000,000.00", "commas", 1_000_000),
        ("+2,500,000", "commas", 2_500_000),
        (2500000, "commas", 2_500_000),
        (2500000.0, "dots", 2_500_000),
        ("", "dots", None),
    ],
)
def test_it_reads_amounts_as_each_bank_writes_them(typed, number_format, expected):
    assert read_amount(typed, number_format) == expected


@pytest.mark.parametrize(("typed", "number_format"), [("1,000,000", "dots"), ("1.000.000", "commas"), ("10,5", "dots")])
def test_it_refuses_amounts_written_another_way_than_the_mapping_says(typed, number_format):
    with pytest.raises(ValueError, match=typed):
        read_amount(typed, number_format)


def test_it_reads_a_vietcombank_export_with_its_preamble_and_footer():
    data = vcb_workbook(
        [
            ("02/03/2026 09:15:01", "5078 - 39466", "", "1.000.000", "11.000.000", "TE19P00001234 ung ho"),
            ("02/03/2026", "5078 - 39467", "200.000", "", "10.800.000", "Phi dich vu"),
            (dt.datetime(2026, 3, 3, 10, 0), "5078 - 39468", None, 2_500_000, 13_300_000, "CHUYEN TIEN"),
        ]
    )
    assert sniff_kind(data) == "xlsx"
    parsed = parse(data, "xlsx", PRESETS["vietcombank"])
    assert parsed.errors == []
    assert [(line.booked_on, line.amount, line.reference, line.balance) for line in parsed.lines] == [
        (dt.date(2026, 3, 2), 1_000_000, "5078 - 39466", 11_000_000),
        (dt.date(2026, 3, 3), 2_500_000, "5078 - 39468", 13_300_000),
    ]
    assert parsed.debits == 1


def test_it_reads_a_bidv_csv_export_with_commas():
    data = bidv_csv([("15/04/2026", "FT2610500001", "", "3,000,000", "3,000,000", "Nguyen Van A ung ho tre em")])
    assert sniff_kind(data) == "csv"
    parsed = parse(data, "csv", PRESETS["bidv"])
    assert parsed.errors == []
    assert [(line.amount, line.description) for line in parsed.lines] == [(3_000_000, "Nguyen Van A ung ho tre em")]


def test_it_reads_with_the_generic_mapping_and_names_bad_rows():
    data = bidv_csv([("15/04/2026", "", "", "3,000,000", "", "x"), ("16/04/2026", "", "", "abc", "", "y")])
    generic = Mapping.from_dict({**PRESETS["generic"].as_dict(), "number_format": "commas"})
    parsed = parse(data, "csv", generic)
    assert len(parsed.errors) == 1
    assert "Dòng 3" in parsed.errors[0]
    assert "abc" in parsed.errors[0]


def test_it_refuses_a_file_that_is_not_a_statement():
    with pytest.raises(services.StatementError):
        sniff_kind(b"%PDF-1.4 not a statement\x00\x00")


def test_it_keeps_two_identical_transfers_of_one_day_without_reference_or_balance():
    same = ("05/05/2026", "", "", "100.000", "", "UNG HO TRE EM")
    parsed = parse(vcb_workbook([same, same]), "xlsx", PRESETS["vietcombank"])
    assert len({line.key for line in parsed.lines}) == 2


# --- Stored once ---------------------------------------------------------------------------------------------


def test_it_adds_nothing_when_the_same_statement_is_uploaded_again(bank):
    same = ("05/05/2026", "", "", "100.000", "", "UNG HO TRE EM")
    data = vcb_workbook([same, same, ("06/05/2026", "FT1", "", "300.000", "", "khac")])
    first = _import(bank, data)
    assert first.counts["new"] == 3
    again = _import(bank, data)
    assert again.counts == {**again.counts, "new": 0, "duplicates": 3}
    assert StatementLine.objects.count() == 3


def test_it_stores_only_the_new_lines_of_an_overlapping_statement(bank):
    march = [("30/03/2026", "FT1", "", "100.000", "", "a"), ("31/03/2026", "FT2", "", "200.000", "", "b")]
    april = [("31/03/2026", "FT2", "", "200.000", "", "b"), ("01/04/2026", "FT3", "", "300.000", "", "c")]
    _import(bank, vcb_workbook(march))
    second = _import(bank, vcb_workbook(april))
    assert (second.counts["new"], second.counts["duplicates"]) == (1, 1)
    assert sorted(StatementLine.objects.values_list("amount", flat=True)) == [100_000, 200_000, 300_000]


# --- Matching ------------------------------------------------------------------------------------------------


def test_it_matches_a_pledge_code_to_the_dong_and_the_receipt_comes_from_the_bank(bank):
    pledge = bank.pledges["e"]  # 10.000.000 pledged, 4.000.000 received
    description = f"MBVCB.123.{pledge_code(pledge)}.CHUYEN TIEN"
    statement = _import(bank, vcb_workbook([("12/05/2026", "FT9", "", "2.345.678", "", description)]))
    assert statement.counts["matched"] == 1
    line = StatementLine.objects.get()
    assert line.status == LineStatus.MATCHED
    assert line.auto
    receipt = line.parts.get().receipt
    assert (receipt.pledge, receipt.amount, receipt.received_on) == (pledge, 2_345_678, dt.date(2026, 5, 12))
    assert receipt.bank_reference == "FT9"
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.PARTLY_RECEIVED


def test_it_leaves_a_transfer_beyond_the_pledge_in_the_queue_with_why(bank):
    pledge = bank.pledges["e"]
    _import(bank, vcb_workbook([("12/05/2026", "FT9", "", "7.000.000", "", f"{pledge_code(pledge)}")]))
    line = StatementLine.objects.get()
    assert (line.status, line.suggestion, line.suggested_pledge) == (
        LineStatus.UNMATCHED,
        Suggestion.BEYOND_PLEDGE,
        pledge,
    )


def test_it_gathers_anonymous_gifts_to_a_campaign_on_one_pledge(bank):
    campaign = CampaignFactory(province=bank.province)
    code = campaign_code(campaign)
    _import(
        bank,
        vcb_workbook(
            [
                ("12/05/2026", "A1", "", "50.000", "", f"{code} ung ho"),
                ("13/05/2026", "A2", "", "20.000", "", f"{code}"),
            ]
        ),
    )
    receipts = Receipt.objects.filter(pledge__campaign=campaign)
    assert sorted(receipts.values_list("amount", flat=True)) == [20_000, 50_000]
    pledge = receipts.first().pledge
    assert pledge.anonymous_gifts
    assert pledge.amount == 70_000
    assert pledge.donor.anonymous_publicly


def test_it_splits_a_line_across_pledges_only_when_the_parts_sum_to_the_dong(bank):
    _import(bank, vcb_workbook([("12/05/2026", "FT9", "", "3.000.000", "", "hai cong ty cung chuyen")]))
    line = StatementLine.objects.get()
    d, e = bank.pledges["d"], bank.pledges["e"]
    with pytest.raises(services.StatementRefused, match="lệch 1"):
        services.statement_line_match(line_id=line.pk, actor=bank.staff, parts=[(d.pk, 1_000_000), (e.pk, 1_999_999)])
    assert Receipt.objects.count() == 3
    services.statement_line_match(line_id=line.pk, actor=bank.staff, parts=[(d.pk, 1_000_000), (e.pk, 2_000_000)])
    assert sorted(StatementMatch.objects.values_list("part", "amount")) == [(1, 1_000_000), (2, 2_000_000)]


def test_it_flags_a_typed_receipt_until_a_statement_line_confirms_it(bank):
    pledge = bank.pledges["e"]
    typed = receive_money(pledge, 1_500_000, on=dt.date(2026, 5, 10))
    assert awaiting_statement(Receipt.objects.filter(pk=typed.pk)).exists()
    _import(bank, vcb_workbook([("11/05/2026", "FT7", "", "1.500.000", "", f"{pledge_code(pledge)}")]))
    assert not awaiting_statement(Receipt.objects.filter(pk=typed.pk)).exists()
    assert Receipt.objects.filter(pledge=pledge).count() == 2  # the world's receipt and the typed one, no third
    assert StatementMatch.objects.get().confirmed_existing


def test_matching_by_hand_confirms_the_typed_receipt_instead_of_adding_one(bank):
    pledge = bank.pledges["e"]  # its 4.000.000 was typed by hand
    _import(bank, vcb_workbook([("01/02/2026", "SWIFT-1", "", "4.000.000", "", "WIRE FROM ABROAD")]))
    line = StatementLine.objects.get()
    (receipt,) = services.statement_line_match(line_id=line.pk, actor=bank.staff, parts=[(pledge.pk, 4_000_000)])
    assert receipt == bank.receipts["e"]
    assert Receipt.objects.filter(pledge=pledge).count() == 1


def test_it_marks_a_line_with_a_reason(bank):
    _import(bank, vcb_workbook([("12/05/2026", "FT9", "", "12.345", "", "LAI TIEN GUI")]))
    line = StatementLine.objects.get()
    with pytest.raises(services.StatementRefused):
        services.statement_line_mark(line_id=line.pk, actor=bank.staff, status=LineStatus.NOT_DONATION, reason=" ")
    services.statement_line_mark(line_id=line.pk, actor=bank.staff, status=LineStatus.NOT_DONATION, reason="Lãi")
    with pytest.raises(services.StatementRefused):
        services.statement_line_match(line_id=line.pk, actor=bank.staff, parts=[(bank.pledges["e"].pk, 12_345)])


@pytest.mark.django_db(transaction=True)
def test_it_never_matches_a_line_twice_under_concurrency(bank):
    _import(bank, vcb_workbook([("12/05/2026", "FT9", "", "1.000.000", "", "khong ma")]))
    line = StatementLine.objects.get()
    d, e = bank.pledges["d"], bank.pledges["e"]

    def match(pledge):
        return lambda: services.statement_line_match(line_id=line.pk, actor=bank.staff, parts=[(pledge.pk, 1_000_000)])

    results = race([match(d), match(e)])
    assert sum(isinstance(r, list) for r in results) == 1, results
    assert StatementMatch.objects.filter(line=line).count() == 1
    assert Receipt.objects.filter(statement_match__line=line).count() == 1
    assert Receipt.objects.filter(amount=1_000_000).count() == 1


# --- Pages ---------------------------------------------------------------------------------------------------


def test_staff_upload_map_import_and_match_on_the_pages(bank, client, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(bank.staff)
    data = bidv_csv([("15/04/2026", "FT1", "", "3,000,000", "", "Ong Tran Van B ung ho")])
    response = client.post("/statements/", {"file": SimpleUploadedFile("bidv.csv", data), "mapping": "p:vietcombank"})
    detail = response["Location"]
    page = client.get(detail).content.decode()
    # Read with Vietcombank's mapping, BIDV's file misses a column: the preview says which, and shows the rows.
    assert "Không tìm thấy dòng tiêu đề có đủ các cột: Nội dung, diễn giải" in page
    assert "Ong Tran Van B ung ho" in page
    mapping = {**PRESETS["bidv"].as_dict(), "save_as": "BIDV chi nhánh Thái Nguyên"}
    client.post(detail, mapping)
    assert "3.000.000" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail, {"import": "1"})
    assert "Dòng mới lưu" in client.get(detail).content.decode()
    line = StatementLine.objects.get()
    page = client.get("/statements/queue/").content.decode()
    assert "Ong Tran Van B ung ho" in page
    pledge = bank.pledges["e"]
    response = client.post(f"/statements/lines/{line.pk}/", {"pledge_1": str(pledge_code(pledge))})
    assert response.status_code == 302
    assert Receipt.objects.filter(pledge=pledge, amount=3_000_000, statement_match__line=line).exists()
    # The saved mapping is offered at the next upload.
    assert "BIDV chi nhánh Thái Nguyên" in client.get("/statements/").content.decode()


def test_the_pledge_page_flags_a_receipt_typed_by_hand(bank, client):
    pledge = bank.pledges["e"]
    client.force_login(bank.staff)
    assert "chưa thấy trên sao kê" in client.get(f"/pledges/{pledge.pk}/").content.decode()
