"""A commune officer registers a child with a need, makes the two usual mistakes, sees both at once at the top of
the form (focused and on screen, on a phone too), fixes them from the summary's links and saves. Dates are typed and
shown day first, also in a browser set to American English."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from needs.models import Child, Need
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Steps:
    """What the officer does, counted as the issue counts it: clicks (taps on buttons, links, choices) + page loads."""

    def __init__(self, page):
        self.clicks, self.loads = 0, 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def check(self, locator):
        self.clicks += 1
        locator.check()

    def select(self, locator, label):
        self.clicks += 1
        locator.select_option(label=label)

    @property
    def total(self):
        return self.clicks + self.loads


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_an_officer_registers_with_two_mistakes_and_fixes_both_in_one_round(page, demo, width, height):
    page.set_viewport_size({"width": width, "height": height})
    steps = Steps(page)
    log_in(page, "commune")
    steps.clicks += 1  # log_in's button
    steps.click(page.get_by_role("link", name="Đăng ký trẻ", exact=True))
    page.get_by_label("Họ và tên").fill("Đàm Thị Ngọc Khuê")
    steps.check(page.get_by_label("Nữ"))
    page.get_by_label("Ngày sinh").fill("11/2/2017")
    steps.select(page.get_by_label("Dân tộc"), "Tày")
    steps.select(page.get_by_label("Xã"), "Xã Bằng Thành")
    steps.check(page.get_by_label("Người giám hộ đồng ý"))  # ticked, but the guardian's name is forgotten
    steps.select(page.get_by_label("Loại hỗ trợ"), "Khám, chữa bệnh")  # and the kind of care is not chosen
    page.get_by_label("Đơn giá dự kiến (đồng)").fill("150.000")
    page.get_by_label("Lý do, căn cứ").fill("Trẻ hay ốm, cần khám sức khỏe định kỳ.")
    steps.click(page.get_by_role("button", name="Lưu và gửi thẩm định"))

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("heading")).to_contain_text("2")
    expect(summary.get_by_role("link")).to_have_count(2)
    assert not Child.objects.filter(full_name="Đàm Thị Ngọc Khuê").exists()

    steps.click(summary.get_by_role("link", name="Họ tên người giám hộ"))
    guardian = page.get_by_label("Họ tên người giám hộ")
    expect(guardian).to_be_focused()
    expect(guardian).to_be_in_viewport()
    expect(guardian).to_have_attribute("aria-invalid", "true")
    guardian.fill("Hoàng Văn Pảo")
    steps.click(summary.get_by_role("link", name="Hình thức khám chữa bệnh"))
    care = page.get_by_label("Hình thức khám chữa bệnh")
    expect(care).to_be_focused()
    steps.select(care, "Khám sức khỏe")
    expect(page.get_by_label("Ngày sinh")).to_have_value("11/2/2017")  # what was typed is kept
    steps.click(page.get_by_role("button", name="Lưu và gửi thẩm định"))

    expect(page.locator(".messages")).to_contain_text("Đã lưu hồ sơ trẻ Đàm Thị Ngọc Khuê")
    need = Need.objects.get(child__full_name="Đàm Thị Ngọc Khuê")
    assert (need.care_type, need.child.birth_date, need.child.guardian_name) == (
        "check_up",
        dt.date(2017, 2, 11),
        "Hoàng Văn Pảo",
    )
    print(f"\nregister with errors at {width}x{height}: {steps.clicks} clicks + {steps.loads} page loads")
    assert steps.total <= 19


def test_an_american_english_browser_shows_and_takes_dates_day_first(browser, live_server, demo):
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    page = context.new_page()
    child = Child.objects.filter(commune__name="Xã Bằng Thành", merged_into=None).order_by("code").first()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill("commune")
    page.locator("input[name=password]").fill("portal-demo")
    page.locator("form button[type=submit]").last.click()
    page.goto(f"/children/{child.pk}/edit/")
    birth = page.locator("input[name=birth_date]")
    expect(birth).to_have_value(child.birth_date.strftime("%d/%m/%Y"))
    expect(birth).to_have_attribute("type", "text")
    birth.fill("5/6/2017")
    page.locator("main form button[type=submit]").click()
    child.refresh_from_db()
    assert child.birth_date == dt.date(2017, 6, 5)  # 5 June, not 6 May
    context.close()


def test_returning_without_a_reason_is_said_where_the_department_looks(page, demo):
    """The queue is a long page; the refusal used to sit at its bottom, under the table."""
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "staff")
    page.get_by_role("link", name="Thẩm định", exact=True).click()
    first = page.locator("tbody tr").first
    number = first.get_by_role("checkbox").get_attribute("value")
    first.get_by_role("checkbox").check()
    page.get_by_role("button", name="Trả lại để sửa").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    summary.get_by_role("link", name="Cần ghi lý do để “Trả lại để sửa”.").click()
    reason = page.get_by_label("Lý do (bắt buộc khi trả lại hoặc rút)")
    expect(reason).to_be_focused()
    expect(reason).to_be_in_viewport()
    reason.fill("Thiếu ảnh nhà ở")
    page.locator(f"input[name=needs][value='{number}']").check()
    page.get_by_role("button", name="Trả lại để sửa").click()
    expect(page.locator(".messages")).to_contain_text("1 nhu cầu")
    assert Need.objects.get(pk=number).status == "returned"
