"""Pages stay light for a slow mountain link and work with JavaScript off.

The weight is what a browser with an empty cache fetches from the portal for one page: the HTML and every
stylesheet, script and image it loads, counted uncompressed (what the portal serves compressed is smaller; the
budget in docs/performance.md is 100 KB)."""

import pytest
from playwright.sync_api import expect

from needs.models import Child
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 100 * 1024

# The main pages of each role beyond its menu (every menu entry is weighed too).
EXTRA = {
    None: ["/", "/transparency/", "/accounts/login/"],
    "commune": ["/children/register/", "/needs/to-fix/", "/needs/excel/import/", "child"],
    "staff": ["/needs/verify/", "child"],
    "leader": [],
    "donor": [],
    "auditor": ["/audit/"],
}


def weigh(browser, live_server, storage_state, url):
    """Bytes the portal sends for `url` to a browser with an empty cache, and what they were."""
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, storage_state=storage_state)
    responses = []
    context.on("response", lambda response: responses.append(response))
    page = context.new_page()
    try:
        assert page.goto(url).ok, url
        page.wait_for_load_state("load")
        fetched = [
            (response.url, len(response.body()))
            for response in responses
            if response.url.startswith(live_server.url) and response.status < 300
        ]
        return sum(size for _, size in fetched), fetched
    finally:
        context.close()


def test_main_pages_stay_within_the_weight_budget(browser, live_server, demo):
    child = Child.objects.filter(commune__name="Xã Bằng Thành", merged_into=None).order_by("code").first()
    for username, extra in EXTRA.items():
        for url, session in main_pages(browser, live_server, username, extra, child):
            total, fetched = weigh(browser, live_server, session, url)
            assert any(".css" in fetched_url for fetched_url, _ in fetched), url  # the stylesheet was counted
            assert total < BUDGET, (username, url, total, fetched)


def main_pages(browser, live_server, username, extra, child):
    """(url, session) for the home page, every menu entry and `extra` pages of a role."""
    context = browser.new_context(locale="vi-VN", base_url=live_server.url)
    page = context.new_page()
    if username:
        log_in(page, username)
    else:
        page.goto("/")
    menu = page.locator("nav.nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    state = context.storage_state()
    context.close()
    urls = dict.fromkeys(f"/children/{child.pk}/" if url == "child" else url for url in [*menu, *extra])
    assert len(urls) >= 3, username
    return [(url, state) for url in urls]


def fill(field, value, *, date=None):
    """Fill a form field whatever widget it is today (select, date input or text with a dd/mm/yyyy hint)."""
    kind = field.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
    if kind.startswith("select"):
        field.select_option(label=value)
    elif kind == "input:date":
        field.fill(date.isoformat())
    elif date is not None:
        field.fill(date.strftime("%d/%m/%Y"))
    else:
        field.fill(value)


def test_an_officer_registers_a_child_and_filters_a_list_with_javascript_off(browser, live_server, demo):
    import datetime as dt

    context = browser.new_context(
        locale="vi-VN", base_url=live_server.url, java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, "commune")
        page.get_by_role("link", name="Đăng ký trẻ", exact=True).click()
        page.get_by_label("Họ và tên").fill("Triệu Thị Mây")
        page.get_by_label("Nữ").check()
        fill(page.get_by_label("Ngày sinh"), None, date=dt.date(2018, 3, 9))
        fill(page.get_by_label("Dân tộc"), "Dao")
        fill(page.get_by_label("Xã"), "Xã Bằng Thành")
        page.get_by_label("Họ tên người giám hộ").fill("Triệu Văn Sinh")
        page.get_by_label("Người giám hộ đồng ý").check()
        page.get_by_label("Loại hỗ trợ").select_option(label="Đồ ấm")
        page.get_by_label("Đơn giá dự kiến (đồng)").fill("350.000")
        page.get_by_label("Lý do, căn cứ").fill("Nhà xa trường, mùa đông chưa có áo ấm.")
        page.get_by_role("button", name="Lưu và gửi thẩm định").click()
        expect(page.locator(".messages")).to_contain_text("Đã lưu hồ sơ trẻ Triệu Thị Mây")
        need = Child.objects.get(full_name="Triệu Thị Mây").needs.get()
        assert need.estimated_cost == 350_000

        page.goto("/needs/")
        page.get_by_label("Tìm theo tên trẻ, tập thể hoặc số").fill("trieu thi may")
        page.get_by_role("button", name="Lọc").click()
        rows = page.locator("main tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Triệu Thị Mây")
        expect(rows.first).to_contain_text("350.000")
    finally:
        context.close()
