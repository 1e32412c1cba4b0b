"""What an appeal discloses and how its money is matched: the public page's totals equal the ledger's rows, no
child's name without the publication consents, the matching assistant offers the affected communes' needs first,
and the dashboard counts down to the receiving and distribution deadlines."""

import datetime as dt

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from allocations.matching import solve_plan
from allocations.models import Allocation
from allocations.rules import need_facts, receipt_facts
from allocations.services import LedgerError, Line, batch_accept, delivery_record
from donors.appeals import appeal_release_commune
from donors.models import Receipt
from donors.services import receipt_cancel
from needs.models import ChildConsent, ConsentGiver, ConsentPurpose, Need
from portal.money import format_vnd
from tests.allocations.factories import NeedFactory, child_need, receipt_for
from tests.allocations.test_matching import TODAY, money, need
from tests.donors.factories import DonorFactory, make_pledge, open_appeal, receive_goods, receive_money
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def flood(personas):
    """An appeal for commune A that opened 30 days ago: money and goods received (one receipt cancelled), part of
    it allocated to commune A's needs and delivered; other money of the province is not the appeal's."""
    today = timezone.localdate()
    appeal = open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a],
                         start=today - dt.timedelta(days=30), days=60)  # fmt: skip
    donor = DonorFactory(province=personas.province, name="Công ty Lũ Quét Công Khai")
    day = today - dt.timedelta(days=20)
    cash = make_pledge(donor, actor=personas.staff, amount=9_000_000, campaign=appeal.campaign, pledged_on=day)
    kind = make_pledge(donor, actor=personas.staff, campaign=appeal.campaign, pledged_on=day,
                       items=[{"quantity": 40, "unit_value": 150_000}])  # fmt: skip
    first = receive_money(cash, 5_000_000, actor=personas.staff, on=day)
    receive_money(cash, 1_234_567, actor=personas.staff, on=day)
    wrong = receive_money(cash, 700_000, actor=personas.staff, on=day)
    receipt_cancel(receipt_id=wrong.pk, actor=personas.staff, reason="Nhập trùng")
    receive_goods(kind, kind.items.get(), 30, actor=personas.staff, on=day)
    receipt_for(personas.province, amount=8_000_000)  # not the appeal's
    girl = child_need(personas.commune_a, quantity=2, unit_cost=300_000)
    school = NeedFactory(commune=personas.commune_a, quantity=10, unit_cost=100_000, beneficiary_count=30)
    lines = [Line(first.pk, girl.pk, amount=600_000), Line(first.pk, school.pk, amount=1_000_000)]
    batch_accept(user=personas.staff, province=personas.province, lines=lines)
    delivery_record(user=personas.officer_a, need=girl, delivered_on=today, quantity=2, children_reached=1,
                    handed_over_by="Cán bộ xã")  # fmt: skip
    return dict(appeal=appeal, girl=girl, school=school)


def test_the_public_page_discloses_what_the_ledger_rows_add_up_to(client, flood):
    appeal = flood["appeal"]
    receipts = Receipt.all_objects.filter(pledge__campaign=appeal.campaign, cancelled_at__isnull=True)
    money_in = sum(r.amount for r in receipts if r.kind == "money")
    goods_in = sum(r.amount for r in receipts if r.kind == "goods")
    allocated = Allocation.objects.filter(receipt__in=receipts, active=True).aggregate(total=Sum("amount"))["total"]
    assert (money_in, goods_in, allocated) == (6_234_567, 4_500_000, 1_600_000)
    listing = client.get(reverse("allocations:public")).content.decode()
    assert appeal.campaign.name in listing
    assert format_vnd(money_in) in listing
    page = client.get(reverse("allocations:public-appeal", args=[appeal.pk])).content.decode()
    for amount in (money_in, goods_in, allocated, 600_000):
        assert format_vnd(amount) in page
    assert "Trẻ em dưới 16 tuổi có nhà bị ngập, sập." in page
    assert "1.000.000 đ mỗi trẻ" in page
    assert "Quyết định phát động" in page
    assert "Xã Bằng Thành" in page
    assert "&lt;5" in page  # one child reached: suppressed
    assert flood["girl"].child.full_name not in page
    document = appeal.documents.get()
    download = client.get(reverse("allocations:public-appeal-document", args=[appeal.pk, document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_a_critically_ill_child_stays_anonymous_until_the_guardian_and_the_child_consent(client, personas):
    child = ChildFactory(commune=personas.commune_a, full_name="Lò Thị Bí Mật", birth_date=dt.date(2015, 1, 1))
    appeal = open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a], child=child,
                         name="Cùng em chữa bệnh tim", start=timezone.localdate() - dt.timedelta(days=5))  # fmt: skip
    urls = [reverse("allocations:public"), reverse("allocations:public-appeal", args=[appeal.pk])]
    for url in urls:
        page = client.get(url).content.decode()
        assert "Lò Thị Bí Mật" not in page
        assert "một trẻ em mắc bệnh hiểm nghèo ở Xã Bằng Thành" in page
    document = appeal.documents.get()  # not marked as showing nothing of the child: never public
    assert "Quyết định phát động" not in client.get(urls[1]).content.decode()
    assert client.get(reverse("allocations:public-appeal-document", args=[appeal.pk, document.pk])).status_code == 404
    for giver in (ConsentGiver.GUARDIAN, ConsentGiver.CHILD):
        ChildConsent.objects.create(child=child, given_by=giver, giver_name="Lò Văn Bố", given_on=dt.date(2026, 1, 2),
                                    purpose=ConsentPurpose.PUBLISH_APPEAL)  # fmt: skip
        from django.core.cache import cache

        cache.clear()
        shown = "Lò Thị Bí Mật" in client.get(urls[1]).content.decode()
        assert shown == (giver == ConsentGiver.CHILD)  # the child is over 7: both consents are needed


def test_leadership_reads_the_appeal_without_the_childs_name(client, personas):
    child = ChildFactory(commune=personas.commune_a, full_name="Lò Thị Bí Mật")
    appeal = open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a], child=child,
                         name="Cùng em chữa bệnh tim")  # fmt: skip
    client.force_login(personas.leader)
    for url in (reverse("allocations:appeal-list"), reverse("allocations:appeal-detail", args=[appeal.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "Lò Thị Bí Mật" not in response.content.decode()
    client.force_login(personas.staff)
    assert "Lò Thị Bí Mật" in client.get(reverse("allocations:appeal-detail", args=[appeal.pk])).content.decode()


def test_the_matching_assistant_offers_an_appeals_money_to_its_affected_communes_first():
    appeal_money = money(1, 1000, communes={1, 2})  # commune 2 released by staff
    appeal_money = type(appeal_money)(**{**appeal_money.__dict__, "preferred_communes": frozenset({1})})
    needs = [need(10, 1000, commune=1), need(11, 1000, commune=2)]
    plan = solve_plan([appeal_money], needs, TODAY)
    assert [(line.need_id, line.cover) for line in plan.lines] == [(10, 1000)]
    assert "appeal:commune" in plan.lines[0].why
    # Without the appeal the same money is spread fairly between the two communes.
    plain = solve_plan([money(1, 1000, communes={1, 2})], needs, TODAY)
    assert sorted(line.cover for line in plain.lines) == [500, 500]


def test_the_appeals_receipts_reach_the_matching_assistant_with_their_communes(personas):
    appeal = open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a])
    pledge = make_pledge(DonorFactory(province=personas.province), actor=personas.staff, campaign=appeal.campaign,
                         pledged_on=dt.date(2026, 7, 21))  # fmt: skip
    receipt = receive_money(pledge, 1_000_000, actor=personas.staff, on=dt.date(2026, 7, 22))
    appeal_release_commune(user=personas.staff, appeal=appeal, commune=personas.commune_b, reason="Lũ lan sang")
    general = receipt_for(personas.province, amount=1_000_000)
    in_a = child_need(personas.commune_a, unit_cost=1_000_000)
    in_b = child_need(personas.commune_b, unit_cost=1_000_000)
    facts = receipt_facts(Receipt.objects.filter(pk__in=[receipt.pk, general.pk]).order_by("pk"))
    assert facts[0].preferred_communes == {personas.commune_a.pk}
    assert facts[0].communes == {personas.commune_a.pk, personas.commune_b.pk}
    needs = need_facts(Need.objects.filter(pk__in=[in_a.pk, in_b.pk]), TODAY)
    plan = solve_plan(facts, needs, TODAY)
    assert {(line.receipt_id, line.need_id) for line in plan.lines} == {(receipt.pk, in_a.pk), (general.pk, in_b.pk)}


def test_the_dashboard_counts_down_and_shows_overdue_distribution_in_red(client, personas):
    today = timezone.localdate()
    open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a], name="Lũ đang tiếp nhận",
                start=today - dt.timedelta(days=10), days=40)  # fmt: skip
    late = open_appeal(personas.staff, province=personas.province, communes=[personas.commune_b], name="Lũ quá hạn",
                       start=today - dt.timedelta(days=80), days=50)  # fmt: skip
    pledge = make_pledge(DonorFactory(province=personas.province), actor=personas.staff, campaign=late.campaign,
                         pledged_on=today - dt.timedelta(days=70))  # fmt: skip
    receive_money(pledge, 2_000_000, actor=personas.staff, on=today - dt.timedelta(days=70))
    client.force_login(personas.leader)
    page = client.get(reverse("report-dashboard")).content.decode()
    assert "Lũ đang tiếp nhận" in page
    assert "Còn <strong>29</strong> ngày tiếp nhận." in page
    # Receiving ended 31 days ago, the 20 days to distribute 11 days ago; 2.000.000 đ still undistributed.
    assert '<strong class="overdue">Quá hạn phân phối 11 ngày' in page


def test_a_critically_ill_childs_appeal_pays_only_that_childs_needs(personas):
    child_need_row = child_need(personas.commune_a, category="healthcare", unit_cost=3_000_000)
    neighbour = child_need(personas.commune_a, category="healthcare", unit_cost=3_000_000, priority=3)
    appeal = open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a],
                         child=child_need_row.child, name="Cùng em chữa bệnh tim")  # fmt: skip
    pledge = make_pledge(DonorFactory(province=personas.province), actor=personas.staff, campaign=appeal.campaign,
                         pledged_on=dt.date(2026, 7, 21))  # fmt: skip
    receipt = receive_money(pledge, 5_000_000, actor=personas.staff, on=dt.date(2026, 7, 22))
    facts = receipt_facts(Receipt.objects.filter(pk=receipt.pk))
    needs = need_facts(Need.objects.filter(pk__in=[child_need_row.pk, neighbour.pk]), TODAY)
    plan = solve_plan(facts, needs, TODAY)
    assert [(line.need_id, line.cover, line.why[-2]) for line in plan.lines] == [
        (child_need_row.pk, 3_000_000, "appeal:child")
    ]
    assert plan.leftover[0]["remaining"] == 2_000_000
    with pytest.raises(LedgerError):
        batch_accept(user=personas.staff, province=personas.province, lines=[Line(receipt.pk, neighbour.pk, 1_000)])


def test_an_appeal_that_distributed_everything_leaves_the_dashboard_and_says_so(client, personas):
    today = timezone.localdate()
    appeal = open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a], name="Lũ xong",
                         start=today - dt.timedelta(days=80), days=50)  # fmt: skip
    pledge = make_pledge(DonorFactory(province=personas.province), actor=personas.staff, campaign=appeal.campaign,
                         pledged_on=today - dt.timedelta(days=70))  # fmt: skip
    receipt = receive_money(pledge, 1_000_000, actor=personas.staff, on=today - dt.timedelta(days=70))
    need_row = child_need(personas.commune_a, unit_cost=1_000_000)
    batch_accept(user=personas.staff, province=personas.province, lines=[Line(receipt.pk, need_row.pk, 1_000_000)])
    client.force_login(personas.staff)
    assert "Lũ xong" not in client.get(reverse("report-dashboard")).content.decode()
    page = client.get(reverse("allocations:appeal-detail", args=[appeal.pk])).content.decode()
    assert "Đã phân phối hết số đã tiếp nhận" in page
    assert "overdue" not in page


def test_staff_add_a_document_and_release_a_commune_on_the_page_and_the_public_reads_why(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.allocations.conftest import png_upload

    appeal = open_appeal(personas.staff, province=personas.province, communes=[personas.commune_a],
                         start=timezone.localdate() - dt.timedelta(days=5))  # fmt: skip
    client.force_login(personas.staff)
    add = reverse("allocations:appeal-document-add", args=[appeal.pk])
    assert client.post(add, {"title": "Danh sách hộ bị ảnh hưởng", "file": png_upload()}).status_code == 302
    refused = client.post(add, {"title": "Tệp lạ", "file": SimpleUploadedFile("a.pdf", b"MZ\x90 a program")})
    assert "Nội dung tệp không phải loại được nhận" in refused.content.decode()
    release = reverse("allocations:appeal-release", args=[appeal.pk])
    assert client.post(release, {"commune": personas.commune_b.pk, "reason": ""}).status_code == 200
    data = {"commune": personas.commune_b.pk, "reason": "Lũ lan sang xã bên"}
    assert client.post(release, data).status_code == 302
    page = client.get(reverse("allocations:public-appeal", args=[appeal.pk])).content.decode()
    assert "Lũ lan sang xã bên" in page
    assert "Danh sách hộ bị ảnh hưởng" in page
