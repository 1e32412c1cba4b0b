"""VietQR: the payload against payloads published outside this project, and the QR where donors pay in."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from donors import views as donor_views
from donors.services import pledge_transition
from donors.transfer_codes import campaign_code, pledge_code
from donors.vietqr import crc16_ccitt_false, vietqr_payload
from portal.models import Agency
from tests.donors.factories import CampaignFactory, make_pledge, receive_money
from tests.pdf import pdf_text

# From the README and tests of the maintained JavaScript library xuannghia/vietnam-qr-pay (npm vietnam-qr-pay)
# and the README of the Go library subiz/vietqr: (BIN, account, amount, purpose) → payload, CRC included.
PUBLISHED = [
    (
        ("970416", "257678859", None, ""),
        "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F",
    ),
    (
        ("970416", "257678859", 10000, "Chuyen tien"),
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN"
        "62150811Chuyen tien630453E6",
    ),
    (
        ("970416", "257678859", 1000, "Chuyen tien"),
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA5303704540410005802VN"
        "62150811Chuyen tien6304BBB8",
    ),
    (
        ("970416", "257678859", 999999, "Cam on nhe"),
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA530370454069999995802VN"
        "62140810Cam on nhe6304E786",
    ),
    (
        ("970415", "0011001932418", 120000, "ung ho lu lut"),
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN"
        "62170813ung ho lu lut6304C15C",
    ),
]


@pytest.mark.parametrize(("fields", "published"), PUBLISHED)
def test_it_builds_the_payloads_other_libraries_publish(fields, published):
    bin_, account, amount, purpose = fields
    assert vietqr_payload(bin=bin_, account=account, amount=amount, purpose=purpose) == published


def test_it_computes_the_crc16_ccitt_false_check_value():
    # The catalogue's check value of CRC-16/CCITT-FALSE (also named CRC-16/IBM-3740) over "123456789".
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    payload = PUBLISHED[1][1]
    assert int(payload[-4:], 16) == crc16_ccitt_false(payload[:-4].encode())


@pytest.mark.parametrize(
    "fields",
    [
        dict(bin="97043", account="1"),
        dict(bin="970436", account="0011-0099"),
        dict(bin="970436", account="1", purpose="Ủng hộ"),
        dict(bin="970436", account="1", purpose="X" * 26),
        dict(bin="970436", account="1", amount=0),
        dict(bin="970436", account="1", amount=10**13),
    ],
)
def test_it_refuses_what_the_format_cannot_hold(fields):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is for developers
        vietqr_payload(**fields)


def _open_account(province):
    Agency.objects.filter(province=province).update(
        bank_bin="970436", bank_account_number="0011009988776", bank_account_name="SO Y TE TINH THAI NGUYEN"
    )


def _embedded(body: str) -> str:
    return re.search(r'data-payload="([^"]+)"', body).group(1)


@pytest.mark.django_db
def test_the_donor_sees_a_qr_for_what_is_left_to_pay_of_the_pledge(client, world):
    _open_account(world.province)
    pledge = world.pledges["d"]  # 10.000.000 đ pledged, 4.000.000 đ received
    client.force_login(world.donor)
    body = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    code = str(pledge_code(pledge))
    assert _embedded(body) == vietqr_payload(bin="970436", account="0011009988776", amount=6_000_000, purpose=code)
    assert "<svg" in body
    for shown in ("Vietcombank", "0011009988776", "SO Y TE TINH THAI NGUYEN", "6.000.000", code):
        assert shown in body


@pytest.mark.django_db
def test_staff_see_the_code_and_no_qr_while_the_province_has_no_account(client, world):
    pledge = world.pledges["d"]
    client.force_login(world.staff)
    body = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert str(pledge_code(pledge)) in body
    assert "data-payload" not in body
    assert "chưa công bố tài khoản tiếp nhận" in body


@pytest.mark.django_db
def test_a_cancelled_pledge_offers_no_transfer(client, world):
    _open_account(world.province)
    pledge = make_pledge(world.donors["d"], actor=world.staff)
    pledge_transition(pledge_id=pledge.pk, action="cancel", actor=world.staff, reason="Nhà tài trợ rút lại")
    client.force_login(world.donor)
    body = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert "data-payload" not in body
    assert "không còn hiệu lực" in body


@pytest.mark.django_db
def test_the_thank_you_letter_carries_the_qr_and_the_transfer_written_out(client, world, monkeypatch):
    _open_account(world.province)
    pledge = world.pledges["d"]
    receipt = receive_money(pledge, 1_000_000, actor=world.staff)  # 5.000.000 đ left
    rendered = {}

    def render(template, context):
        rendered.update(context)
        return real_render(template, context)

    real_render = donor_views.render_pdf
    monkeypatch.setattr(donor_views, "render_pdf", render)
    client.force_login(world.donor)
    response = client.get(reverse("receipt-letter", args=[receipt.pk]))
    code = str(pledge_code(pledge))
    assert rendered["transfer"].payload == vietqr_payload(
        bin="970436", account="0011009988776", amount=5_000_000, purpose=code
    )
    text = pdf_text(response.content)
    assert code in text
    assert "0011009988776" in text
    assert "5.000.000 đồng" in text


@pytest.mark.django_db
def test_the_campaign_page_is_public_with_a_static_qr_and_aggregates_only(client, world):
    _open_account(world.province)
    campaign = CampaignFactory(province=world.province, name="Tết ấm vùng cao")
    pledge = make_pledge(world.donors["e"], actor=world.staff, campaign=campaign)
    receive_money(pledge, 2_500_000, actor=world.staff)
    body = client.get(reverse("allocations:public-campaign", args=[campaign.pk])).content.decode()
    code = str(campaign_code(campaign))
    assert _embedded(body) == vietqr_payload(bin="970436", account="0011009988776", purpose=code)
    assert "2.500.000" in body
    assert "Quỹ Ánh Dương" not in body  # aggregates only: no donor listed on the campaign's page
    cache.clear()  # the public page keeps its figures for five minutes
    assert (
        reverse("allocations:public-campaign", args=[campaign.pk])
        in client.get(reverse("allocations:public"), {"year": 2026}).content.decode()
    )
    client.force_login(world.staff)
    assert code in client.get(reverse("campaign-list")).content.decode()
