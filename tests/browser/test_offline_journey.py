"""A day without signal, in Chromium with the network switched off: the demo commune officer installs the offline
app while online, then in the village registers two children, fixes a draft need and records a printed distribution
list with the photo of the signed list; meanwhile the department edits the same need. Back online, the first send is
cut after the server applied it, the app sends again without duplicates, the department's edit comes back as a
conflict to decide (nothing overwritten), and logging out leaves nothing on the device."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from allocations.demo import tiny_png
from allocations.models import DistributionList, DistributionStatus
from allocations.selectors import distribution_candidates
from allocations.services import distribution_create, distribution_print
from needs.models import Child, Need, NeedStatus
from needs.services import need_update
from offline.models import SyncConflict
from portal.models import AdministrativeUnit, RoleAssignment
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHILDREN = [("Lò Thị Ngoại Tuyến", "02/03/2016", "Nữ"), ("Giàng A Không Sóng", "15/11/2019", "Nam")]


def _officer_setup():
    """The demo officer's printed distribution list of two funded needs, and a draft need of one of their children."""
    User = get_user_model()
    officer = User.objects.get(username="commune")
    units = RoleAssignment.objects.filter(user=officer).values_list("unit_id", flat=True)
    communes = AdministrativeUnit.objects.filter(pk__in=units).order_by("name")
    for commune in communes:
        needs = list(distribution_candidates(user=officer, commune=commune)[:2])
        if len(needs) == 2:
            break
    distribution = distribution_create(
        user=officer,
        commune=commune,
        distributed_on=timezone.localdate(),
        title="Cấp phát ở bản không sóng",
        lines={need.pk: need.units_left for need in needs},
    )
    distribution_print(user=officer, distribution=distribution)
    draft = Need.objects.filter(status=NeedStatus.DRAFT, child__isnull=False, commune__in=communes).first()
    return distribution, draft, User.objects.get(username="staff")


def _register(page, name, birth, sex):
    page.get_by_role("link", name="Đăng ký trẻ", exact=True).first.click()
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label(sex, exact=True).check()
    page.get_by_label("Ngày sinh").fill(birth)
    page.get_by_label("Dân tộc").select_option(index=1)
    page.get_by_label("Loại hỗ trợ").select_option("warm_clothing")
    page.get_by_label("Đơn giá dự kiến (đồng)").fill("250.000")
    page.get_by_label("Lý do, căn cứ").fill("Nhà nghèo, thiếu áo ấm")
    page.get_by_role("button", name="Lưu trên máy").click()
    expect(page.locator("#view")).to_contain_text("Đã lưu trên máy")


def test_a_day_without_signal_arrives_once_and_overwrites_nothing(browser, live_server, demo):
    distribution, draft, staff = _officer_setup()
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "commune")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Ngoại tuyến").click()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    expect(page.locator("#connection")).to_contain_text("dữ liệu tải lúc")

    context.set_offline(True)
    page.reload()  # answered by the service worker from its cache
    expect(page.locator("#connection")).to_contain_text("Không có mạng")
    for name, birth, sex in CHILDREN:
        _register(page, name, birth, sex)

    page.goto(f"{live_server.url}/offline/#/child/{draft.child_id}")
    edit = page.locator("details").first
    edit.get_by_text("Sửa nhu cầu").click()
    edit.get_by_label("Đơn giá dự kiến (đồng)").fill("300.000")
    edit.get_by_role("button", name="Lưu trên máy").click()
    expect(page.locator("#view")).to_contain_text("Đã lưu trên máy")
    need_update(need=draft, user=staff, data={"unit_cost": 280_000})  # the department, meanwhile

    page.get_by_role("link", name="Cấp phát", exact=True).click()
    page.get_by_role("link", name=distribution.title).click()
    page.get_by_label("Người trao").fill("Hoàng Thị Dung")
    page.get_by_label("Ảnh chụp hoặc bản quét danh sách đã ký nhận").set_input_files(
        files=[{"name": "danh-sach-ky.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    page.get_by_role("button", name="Ghi nhận cả danh sách").click()
    expect(page.locator("#view")).to_contain_text("Chờ gửi (4)")
    assert not Child.objects.filter(full_name=CHILDREN[0][0]).exists()

    # Back online, the first answer is lost on the way: the server applied the batch, the app saw a failure.
    cut = []

    def cut_once(route):
        if cut:
            route.continue_()
        else:
            cut.append(route.fetch().status)
            route.abort()

    page.route("**/api/v1/offline/sync/", cut_once)
    context.set_offline(False)
    expect(page.locator('[data-state="sent"]')).to_have_count(3, timeout=30_000)
    assert cut == [200]
    for name, _birth, _sex in CHILDREN:
        assert Child.objects.filter(full_name=name).count() == 1
        expect(page.locator("#view")).to_contain_text(f"Đăng ký trẻ {name}")
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.RECORDED
    assert distribution.scan
    assert DistributionList.objects.get(pk=distribution.pk).lines.filter(delivery__isnull=False).count() == 2

    # The department's edit is not overwritten: it waits for the officer's decision, both values shown.
    draft.refresh_from_db()
    assert draft.unit_cost == 280_000
    label = f"Sửa nhu cầu {draft.get_category_display()} của {draft.child.full_name}"
    decision = page.locator('[data-state="decision"]', has_text=label)
    expect(decision).to_contain_text("300.000")
    expect(decision).to_contain_text("280.000")
    assert SyncConflict.objects.filter(record_id=draft.pk, status="open").count() == 1
    decision.get_by_label("300.000").check()  # the officer keeps the price typed in the village, field by field
    decision.get_by_role("button", name="Lưu quyết định").click()
    expect(page.locator('[data-state="resolved"]')).to_have_count(1)
    draft.refresh_from_db()
    assert draft.unit_cost == 300_000

    # Logging out leaves nothing on the device: no database, no cache, no service worker.
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/")
    assert page.evaluate("indexedDB.databases().then((list) => list.map((db) => db.name))") == []
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((list) => list.length)") == 0
    context.close()
