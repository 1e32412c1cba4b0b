"""On a 360 px phone every list is a stack of cards: nothing scrolls sideways, a card shows what the officer needs
to recognise the row, and 25 rows fit in a few screens; on a 1366 px laptop the same lists stay tables."""

import re

import pytest
from playwright.sync_api import expect

from needs.models import Need
from portal.templatetags.portal_format import vnd
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
SIDEWAYS_PHONE = {"width": 640, "height": 360}
LAPTOP = {"width": 1366, "height": 768}

LISTS = {
    "commune": [
        "/children/",
        "/needs/",
        "/needs/to-fix/",
        "/deliveries/",
        "/needs/excel/import/",
        "/communes/",
    ],
    "staff": [
        "/needs/verify/",
        "/needs/",
        "/donors/",
        "/pledges/",
        "/allocations/",
        "/sponsorships/",
        "/deliveries/",
    ],
    "donor": ["/", "/pledges/", "/sponsorships/"],
    "auditor": ["/audit/", "/children/"],
}

# How far the page, or any box inside it (a table in its scroll wrapper), scrolls sideways, in CSS pixels.
SIDEWAYS = """() => {
  const page = document.documentElement.scrollWidth - innerWidth;
  const inner = Math.max(0, ...[...document.querySelectorAll('main .table-scroll, main table')]
    .map(el => el.scrollWidth - el.clientWidth));
  return Math.max(page, inner);
}"""


def phone(browser, live_server, username, viewport=PHONE):
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, username)
    return context, page


def test_no_list_scrolls_sideways_on_a_phone(browser, live_server, demo):
    for username, urls in LISTS.items():
        context, page = phone(browser, live_server, username)
        try:
            for url in urls:
                page.goto(url)
                page.set_viewport_size(SIDEWAYS_PHONE)
                assert page.evaluate(SIDEWAYS) <= 0, (url, "held sideways")
                page.set_viewport_size(PHONE)
                assert page.evaluate(SIDEWAYS) <= 0, url
                for row in page.locator("main tbody tr").all()[:5]:
                    box = row.bounding_box()
                    assert box["x"] >= 0, url
                    assert box["x"] + box["width"] <= PHONE["width"], url
        finally:
            context.close()


def test_a_need_card_shows_who_where_what_status_and_amount(browser, live_server, demo):
    context, page = phone(browser, live_server, "commune")
    try:
        page.goto("/needs/")
        rows = page.locator("main tbody tr")
        expect(rows).to_have_count(25)
        for row in rows.all()[:5]:
            number = int(re.search(r"#(\d+)", row.inner_text())[1])
            need = Need.objects.select_related("child", "village").get(pk=number)
            text = row.inner_text()
            for shown in (
                need.child.full_name if need.child_id else need.facility_name,
                need.village.name if need.village_id else need.commune.name,
                need.get_category_display(),
                need.get_status_display(),
                vnd(need.estimated_cost),
            ):
                assert shown in text, (number, shown)
            assert row.evaluate("el => getComputedStyle(el).display") != "table-row"
        # A screen is 740 px: the 25 cards take under four of them (a 5,300 px table before).
        assert page.locator("main table").bounding_box()["height"] < 4 * PHONE["height"]
        page.goto("/children/")
        expect(page.locator("main tbody tr")).to_have_count(25)
        assert page.locator("main table").bounding_box()["height"] < 3 * PHONE["height"]
    finally:
        context.close()


def test_the_bulk_checkbox_stays_on_its_card(browser, live_server, demo):
    context, page = phone(browser, live_server, "staff")
    try:
        page.goto("/needs/verify/")
        row = page.locator("main tbody tr").first
        checkbox = row.get_by_role("checkbox")
        checkbox.check()
        expect(checkbox).to_be_checked()
        card, box = row.bounding_box(), checkbox.bounding_box()
        assert card["x"] <= box["x"]
        assert box["x"] + box["width"] <= card["x"] + card["width"]
        assert box["y"] - card["y"] < 40  # on the card's first line, beside the name
    finally:
        context.close()


def test_a_laptop_keeps_the_tables(browser, live_server, demo):
    context, page = phone(browser, live_server, "commune", viewport=LAPTOP)
    try:
        for url in ("/needs/", "/children/"):
            page.goto(url)
            expect(page.locator("main thead")).to_be_visible()
            assert page.locator("main tbody tr").first.evaluate("el => getComputedStyle(el).display") == "table-row"
            assert page.evaluate(SIDEWAYS) <= 0
    finally:
        context.close()
