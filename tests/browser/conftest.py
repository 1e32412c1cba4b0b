"""Playwright driving Debian's Chromium (never a downloaded browser) against pytest-django's live server."""

import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; ./dev test installs Debian's chromium package.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo(settings):
    """The demo province, committed so the live server sees it (browser tests are transactional, so
    pytest-django runs them after the other database tests)."""
    settings.DEBUG = True  # demo passwords exist only with DEBUG on
    call_command("seed_demo", verbosity=0)


def log_out(page):
    """Log out and wait until the portal answers logged out: an officer's logout first asks the device whether
    offline work is waiting (static/webapp/logout.js), so the form is sent a moment after the click."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.locator(".account").get_by_role("link", name="Đăng nhập")).to_be_visible()


def log_in(page, username, password="portal-demo"):  # noqa: S107 - the documented demo password
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
