"""Browser fixtures: Playwright drives Debian's /usr/bin/chromium; it never downloads a browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Playwright's sync API keeps an asyncio loop running on the test thread, so Django's ORM would
# raise SynchronousOnlyOperation in tests (and fixtures) that touch the database while it runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch headless Chromium once per session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


def _open_page(browser: Browser, **options: Any) -> Iterator[Page]:
    """Yield a page in a fresh Chinese-locale context, closing the context afterwards."""
    context = browser.new_context(locale="zh-CN", **options)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """Yield a desktop-sized page."""
    yield from _open_page(browser)


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """Yield a phone-sized (390x844) touch page."""
    yield from _open_page(browser, **PHONE)
