"""The thank-you letter PDF, sponsorship privacy, the yearly plan's progress and the commendation ranking."""

import datetime as dt
import subprocess
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from donors import selectors
from donors.models import MobilisationPlan, PlanTarget, Sponsorship
from needs.models import ChildConsent, ConsentGiver, ConsentPurpose, Sex
from tests.donors.factories import DonorFactory, make_pledge, receive_goods, receive_money
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def test_the_receipt_letter_names_the_donor_the_amount_and_the_agency(client, world):
    donor = world.donors["d"]
    donor.name = "Công ty Cổ phần Chè Tân Cương Xanh"
    donor.save()
    receipt = receive_money(world.pledges["d"], 1_250_000, on=dt.date(2026, 3, 5))
    client.force_login(world.donor)
    response = client.get(reverse("receipt-letter", args=[receipt.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    flat = " ".join(text.split())
    assert "Công ty Cổ phần Chè Tân Cương Xanh" in flat
    assert "1.250.000 đồng" in flat
    assert "05/03/2026" in flat
    # The header's two columns (agency | national motto) interleave in extracted text; check each line's words.
    assert "ỦY BAN NHÂN DÂN TỈNH THÁI" in flat
    assert "SỞ Y TẾ" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "Thái Nguyên, ngày" in flat
    assert "Ma Thị Thu Hà" in flat
    assert "GIẤY XÁC NHẬN TIẾP NHẬN TÀI TRỢ VÀ THƯ CẢM ƠN" in flat


def test_a_goods_letter_lists_the_item_and_its_value(client, world):
    pledge = make_pledge(
        world.donors["d"], items=[{"description": "Áo phao trẻ em", "quantity": 10, "unit_value": 180_000}]
    )
    receipt = receive_goods(pledge, pledge.items.get(), 4)
    client.force_login(world.staff)
    flat = " ".join(_pdf_text(client.get(reverse("receipt-letter", args=[receipt.pk])).content).split())
    assert "Áo phao trẻ em" in flat
    assert "720.000 đồng" in flat


def _consent(child, purpose=ConsentPurpose.SHARE_WITH_SPONSOR):
    for giver in (ConsentGiver.GUARDIAN, ConsentGiver.CHILD):
        ChildConsent.objects.create(
            child=child, given_by=giver, giver_name="x", purpose=purpose, given_on=dt.date(2026, 1, 1)
        )


def test_a_sponsor_sees_the_childs_identity_only_with_consent(client, personas):
    donor = DonorFactory(province=personas.province, members=[personas.donor])
    consenting = ChildFactory(commune=personas.commune_a, full_name="Giàng Thị Mỷ", birth_date=dt.date(2016, 5, 2))
    private = ChildFactory(
        commune=personas.commune_b, full_name="Lầu A Páo", birth_date=dt.date(2015, 1, 9), sex=Sex.MALE
    )
    _consent(consenting)
    _consent(private, purpose=ConsentPurpose.USE_PHOTOS)  # a different purpose does not count
    for child in (consenting, private):
        Sponsorship.objects.create(donor=donor, child=child, start_date=dt.date(2026, 1, 1), monthly_amount=500_000)
    client.force_login(personas.donor)
    page = client.get(reverse("sponsorship-list")).content.decode()
    assert "Giàng Thị Mỷ" in page
    assert "02/05/2016" in page
    assert "Lầu A Páo" not in page
    assert "09/01/2015" not in page
    assert "Xã Nghiên Loan" in page  # commune, age band and sex only
    assert "Nam" in page
    client.force_login(personas.staff)
    page = client.get(reverse("sponsorship-list")).content.decode()
    assert "Lầu A Páo" in page  # staff in scope see personal data


def test_the_sponsorship_list_takes_the_same_number_of_queries_for_any_number_of_children(
    client, personas, django_assert_num_queries
):
    donor = DonorFactory(province=personas.province, members=[personas.donor])

    def sponsor(n):
        for _ in range(n):
            child = ChildFactory(commune=personas.commune_a, birth_date=dt.date(2015, 1, 9))
            _consent(child)
            Sponsorship.objects.create(donor=donor, child=child, start_date=dt.date(2026, 1, 1), monthly_amount=500_000)

    client.force_login(personas.donor)
    sponsor(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("sponsorship-list")).status_code == 200
    sponsor(20)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("sponsorship-list")).content.decode()
    assert page.count("09/01/2015") == 22  # every consenting child is named to its sponsor


def test_another_donor_does_not_see_the_sponsorship(client, personas):
    donor = DonorFactory(province=personas.province)
    child = ChildFactory(commune=personas.commune_a, full_name="Giàng Thị Mỷ")
    _consent(child)
    Sponsorship.objects.create(donor=donor, child=child, start_date=dt.date(2026, 1, 1), monthly_amount=500_000)
    client.force_login(personas.donor)
    assert "Giàng Thị Mỷ" not in client.get(reverse("sponsorship-list")).content.decode()


def test_plan_progress_counts_only_money_received_in_the_year_by_earmark(client, personas):
    plan = MobilisationPlan.objects.create(province=personas.province, year=2026, title="Kế hoạch 2026")
    total = PlanTarget.objects.create(plan=plan, amount=100_000_000)
    warm = PlanTarget.objects.create(plan=plan, category="warm_clothing", amount=20_000_000)
    nutrition_a = PlanTarget.objects.create(
        plan=plan, category="nutrition", commune=personas.commune_a, amount=10_000_000
    )
    donor = DonorFactory(province=personas.province)
    earmarked = make_pledge(donor, amount=50_000_000, earmark_categories=["nutrition"], communes=[personas.commune_a])
    receive_money(earmarked, 6_000_000, on=dt.date(2026, 6, 1))
    receive_money(earmarked, 1_000_000, on=dt.date(2025, 12, 31))  # another year
    goods = make_pledge(donor, items=[{"category": "warm_clothing", "quantity": 10, "unit_value": 200_000}])
    receive_goods(goods, goods.items.get(), 5, on=dt.date(2026, 11, 1))
    unearmarked = make_pledge(donor, amount=9_000_000)
    receive_money(unearmarked, 3_000_000, on=dt.date(2026, 2, 1))
    make_pledge(donor, amount=80_000_000, earmark_categories=["warm_clothing"])  # a promise: counts for nothing
    other_province = DonorFactory(province=personas.other_province)
    receive_money(make_pledge(other_province, amount=5_000_000), 5_000_000, on=dt.date(2026, 6, 1))
    progress = {row.target.pk: row.received for row in selectors.plan_progress(plan=plan)}
    assert progress == {total.pk: 6_000_000 + 1_000_000 + 3_000_000, warm.pk: 1_000_000, nutrition_a.pk: 6_000_000}
    client.force_login(personas.leader)
    page = client.get(reverse("plan-detail", args=[2026])).content.decode()
    assert "10.000.000\u00a0đ" in page
    assert "60%" in page  # 6 of 10 million for nutrition in commune A
    client.force_login(personas.staff_q)
    assert client.get(reverse("plan-detail", args=[2026])).status_code == 404


def test_commendation_ranks_donors_by_value_received_in_the_period_and_exports_safely(client, personas):
    big = DonorFactory(province=personas.province, name='=HYPERLINK("http://x")', type="company")
    small = DonorFactory(province=personas.province, name="Bà Vũ Thị Hòa", type="individual")
    receive_money(make_pledge(big, amount=90_000_000), 50_000_000, on=dt.date(2026, 5, 1))
    receive_money(make_pledge(small, amount=20_000_000), 20_000_000, on=dt.date(2026, 5, 1))
    receive_money(make_pledge(small, amount=90_000_000), 90_000_000, on=dt.date(2025, 5, 1))  # outside the period
    client.force_login(personas.staff)
    params = {"start": "2026-01-01", "end": "2026-12-31"}
    ranking = list(
        selectors.commendation_ranking(user=personas.staff, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    )
    assert [(d.pk, d.received_total) for d in ranking] == [(big.pk, 50_000_000), (small.pk, 20_000_000)]
    response = client.get(reverse("commendation"), {**params, "format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["B2"].value == '=HYPERLINK("http://x")'
    assert sheet["B2"].data_type == "s"  # text, never a live formula
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][6] == 50_000_000
    assert rows[2][1:3] == ("Bà Vũ Thị Hòa", "Cá nhân")
    only_individuals = client.get(reverse("commendation"), {**params, "type": "individual"}).content.decode()
    assert "Bà Vũ Thị Hòa" in only_individuals
    assert "HYPERLINK" not in only_individuals
