"""A distribution day from printed list to recorded deliveries, on a phone (360×740) and an old laptop (1366×768):
the commune officer picks a village's 30 funded needs, prints the list for the guardians to sign, and records all
30 hand-overs at once with the scan of the signed list. Steps (clicks + page loads) are counted and printed."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from allocations.demo import tiny_png
from allocations.models import Delivery, DistributionList, DistributionStatus
from allocations.services import Line, batch_accept
from portal.models import AdministrativeUnit, RoleAssignment, Village
from portal.permissions import Role
from tests.allocations.factories import child_need, receipt_for
from tests.browser.conftest import log_in
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINES = 30


def _thirty_funded_needs():
    """30 children of one new village of the demo officer's first commune, each with a funded warm coat."""
    officer = get_user_model().objects.get(username="commune")
    units = RoleAssignment.objects.filter(user=officer).values_list("unit_id", flat=True)
    commune = AdministrativeUnit.objects.filter(pk__in=units).order_by("name").first()
    village = Village.objects.create(commune=commune, name="Bản Khuổi Cấp Phát")
    needs = [child_need(commune, unit_cost=200_000, season="W2099") for _ in range(LINES)]
    for need in needs:
        need.child.village = village
        need.child.save()
    staff = RoleAssignment.objects.filter(role=Role.DEPARTMENT_STAFF).select_related("user").first().user
    receipt = receipt_for(commune.province, amount=LINES * 200_000, received_on=dt.date(2026, 11, 2))
    batch_accept(user=staff, province=commune.province, lines=[Line(receipt.pk, n.pk, amount=200_000) for n in needs])
    return village, needs


class Steps:
    """Clicks and page loads, the way an officer on a slow link feels them."""

    def __init__(self, page):
        self.page, self.clicks, self.loads = page, 0, 0
        page.on("load", lambda _page: setattr(self, "loads", self.loads + 1))

    def click(self, locator):
        self.clicks += 1
        locator.click()

    @property
    def total(self):
        return self.clicks + self.loads


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_a_distribution_day_from_printed_list_to_recorded_deliveries(browser, live_server, demo, capsys, width, height):
    village, needs = _thirty_funded_needs()
    context = browser.new_context(
        locale="vi-VN", base_url=live_server.url, viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    log_in(page, "commune")
    page.wait_for_url("**/")
    page.wait_for_load_state("load")
    steps = Steps(page)

    steps.click(page.get_by_role("link", name="Cấp phát", exact=True))
    steps.click(page.get_by_role("link", name="Lập danh sách cấp phát"))
    page.get_by_label("Thôn/bản").select_option(label=village.name)
    steps.clicks += 1
    steps.click(page.get_by_role("button", name="Lọc"))
    expect(page.locator("main h2")).to_contain_text(f"{LINES} nhu cầu")
    page.get_by_label("Địa điểm").fill("Nhà văn hóa bản Khuổi")
    steps.clicks += 1
    steps.click(page.get_by_role("button", name="Lập danh sách"))
    expect(page.locator(".messages")).to_contain_text(f"gồm {LINES} nhu cầu")
    expect(page.locator("main")).to_contain_text(needs[0].child.full_name)

    with page.expect_download() as download:
        steps.click(page.get_by_role("link", name="In danh sách (PDF)"))
    text = pdf_text(download.value.path())
    assert needs[0].child.code in text
    assert needs[-1].child.full_name in text
    assert "ký nhận" in text

    page.reload()
    steps.click(page.get_by_role("link", name="Ghi kết quả cấp phát"))
    expect(page.locator("tbody tr")).to_have_count(LINES)
    page.get_by_label("Bản quét danh sách đã ký nhận").set_input_files(
        files=[{"name": "danh-sach-ky.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    steps.clicks += 1
    steps.click(page.get_by_role("button", name="Ghi nhận cả danh sách"))
    expect(page.locator(".messages")).to_contain_text(f"Đã ghi nhận trao {LINES}/{LINES} dòng")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1 or width > 600

    distribution = DistributionList.objects.get(lines__need=needs[0])
    assert distribution.status == DistributionStatus.RECORDED
    assert Delivery.objects.filter(distribution_line__distribution=distribution).count() == LINES
    with capsys.disabled():
        print(
            f"\nrecord {LINES} deliveries of one distribution day at {width}x{height}: {steps.clicks} clicks + "
            f"{steps.loads} page loads = {steps.total} steps (from the menu: pick a village, print, record all)"
        )
    context.close()


def test_recording_deliveries_one_by_one_costs_steps_per_delivery(page, demo, capsys):
    """The way before distribution lists, for comparison: one delivery from the menu, counted the same way."""
    _village, needs = _thirty_funded_needs()
    log_in(page, "commune")
    page.wait_for_url("**/")
    page.wait_for_load_state("load")
    steps = Steps(page)
    steps.click(page.get_by_role("link", name="Trao hỗ trợ", exact=True))
    steps.click(page.locator(f"a[href='/deliveries/needs/{needs[0].pk}/new/']"))
    for label, value in (("Số lượng đã trao", "1"), ("Số trẻ được nhận", "1"), ("Người trao", "Hoàng Thị Dung")):
        page.get_by_label(label).fill(value)
        steps.clicks += 1
    page.get_by_label("Minh chứng (ảnh, danh sách ký nhận)").set_input_files(
        files=[{"name": "trao.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    steps.clicks += 1
    steps.click(page.get_by_role("button", name="Ghi nhận"))
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận trao hỗ trợ")
    per_delivery = steps.total - 2  # the menu is opened once; each delivery after that starts from the list
    with capsys.disabled():
        print(
            f"\nrecord one delivery the old way: {steps.total} steps from the menu, {per_delivery} per further "
            f"delivery; {LINES} deliveries: {2 + LINES * per_delivery} steps"
        )
