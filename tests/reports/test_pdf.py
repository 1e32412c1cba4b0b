"""The annual report as a reader sees it: the text pdftotext extracts from the stored PDF."""

import hashlib
import subprocess

import pytest

from portal.money import format_vnd
from reports import services
from reports.models import ReportStatus
from tests.pdf import pdf_text
from tests.reports.conftest import END, START

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


def money(amount) -> str:
    return format_vnd(amount).replace("\u00a0", " ")


def test_the_annual_report_reads_as_a_decree_30_document_with_the_right_totals(world):
    p = world.personas
    report = services.report_request(user=p.staff, cycle=world.cycle, unit=p.province)

    built = services.report_build(report_id=report.pk)

    assert built.status == ReportStatus.DRAFT
    path = services.report_path(built)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == built.sha256
    text = pdf_text(path)
    for expected in [
        "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
        "SỞ Y TẾ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-SYT",
        "BÁO CÁO",
        "Kết quả vận động, hỗ trợ trẻ em vùng dân tộc thiểu số và miền núi năm 2026",
        "I. KẾT QUẢ THỰC HIỆN",
        "II. KHÓ KHĂN, VƯỚNG MẮC",
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
        world.cycle.difficulties,
        "Nơi nhận:",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Ma Thị Thu Hà",
        "Công ty Điện lực Thái Nguyên",  # a donor proposed for commendation
    ]:
        assert expected in text, expected
    in_period = [
        r for r in world.receipts if r.pledge.donor.province_id == p.province.pk and START <= r.received_on <= END
    ]
    cash = sum(r.amount for r in in_period if r.kind == "money")
    goods = sum(r.amount for r in in_period if r.kind == "goods")
    assert f"thực nhận: {money(cash + goods)}, trong đó tiền: {money(cash)}; hiện vật quy đổi: {money(goods)}" in text


def test_page_numbers_start_on_the_second_page(world):
    p = world.personas
    report = services.report_build(
        report_id=services.report_request(user=p.staff, cycle=world.cycle, unit=p.province).pk
    )
    path = services.report_path(report)

    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, check=True)
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, check=True)
    assert second.stdout.decode().split()[0] == "2"
    assert first.stdout.decode().split()[0] != "1"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()
    assert "Liberation-Serif" in fonts or "Times" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:]), "every font is embedded"


def test_a_commune_report_covers_only_that_commune(world):
    p = world.personas
    report = services.report_build(
        report_id=services.report_request(user=p.staff, cycle=world.cycle, unit=p.commune_b).pk
    )

    text = pdf_text(services.report_path(report))
    assert "trên địa bàn Xã Nghiên Loan" in text
    assert "Xã Bằng Thành" not in text
