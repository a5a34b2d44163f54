"""The page on a phone (390×844) and a laptop (1280×800) in headless Chromium: nothing wider
than the screen, the grid scrolling inside its own box, the explanation brought into view,
the story's title as headline, and an axis in people's dates and words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser import Page
from timeline import Timeline, seeds
from timeline.web import running

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SCREENS = {"phone": (390, 844), "laptop": (1280, 800)}
TITLE = "Turkey's acquisition of Russian S-400 long-range air defence systems"
TURKEY = 'td[data-actor="TUR"][data-topic="s400-purchase"] .chip'
# Every element whose right edge passes the viewport, outside a box that scrolls sideways.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (node) => {
    for (let n = node.parentElement; n; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (["auto", "scroll"].includes(style.overflowX) && n.clientWidth <= width) return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll("*")]
    .filter((n) => n.getBoundingClientRect().right > width + 1 && !scrolls(n))
    .map((n) => n.tagName + (n.id ? "#" + n.id : "") + "." + n.className);
}"""


@functools.cache
def _story_size() -> int:
    """How many developments the bundled story has: every one is on the axis."""
    with Timeline() as tl:
        tl.load(seeds.path())
        return len(tl.developments())


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The app on the bundled story with no title given, served on 127.0.0.1."""
    tl = Timeline()
    tl.load(seeds.path())
    with running(tl) as url:
        yield url


@pytest.fixture(params=list(SCREENS))
def page(request: pytest.FixtureRequest, browser: Browser, base: str) -> Iterator[Page]:
    width, height = SCREENS[request.param]
    opened = Page.open(browser, f"{base}/", width=width, height=height)
    opened.page.wait_for_selector("body[data-ready='1']", timeout=15000)
    opened.page.wait_for_selector("#positions[data-day]", timeout=15000)
    yield opened
    assert opened.errors == []
    assert opened.blocked == []
    opened.close()


def test_nothing_is_wider_than_the_screen(page: Page) -> None:
    page.page.wait_for_selector("#axis svg")
    document_width = page.page.evaluate("document.documentElement.scrollWidth")
    assert document_width <= page.page.viewport_size["width"]  # type: ignore[index]
    assert page.page.evaluate(OVERFLOWING) == []


def test_the_grid_scrolls_in_its_own_box_when_wider_than_the_screen(page: Page) -> None:
    wrap = page.page.locator(".grid-wrap")
    box = wrap.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= page.page.viewport_size["width"] + 1  # type: ignore[index]
    scroll, client = wrap.evaluate("n => [n.scrollWidth, n.clientWidth]")
    if scroll > client:  # on the phone: sideways within the box, the actor column kept
        assert wrap.evaluate("n => getComputedStyle(n).overflowX") == "auto"
        actor = page.page.locator("th.actor").first
        assert actor.evaluate("n => getComputedStyle(n).position") == "sticky"


def test_the_explanation_comes_into_view_when_asked(page: Page) -> None:
    page.page.locator(TURKEY).click()
    page.page.wait_for_selector("#explain h3")
    top, bottom = page.page.locator("#explain h3").evaluate(
        "n => [n.getBoundingClientRect().top, n.getBoundingClientRect().bottom]"
    )
    assert top >= 0
    assert bottom <= page.page.viewport_size["height"]  # type: ignore[index]


def test_the_headline_is_the_storys_title(page: Page) -> None:
    assert page.page.inner_text("h1") == TITLE
    assert page.page.title().startswith(TITLE)


def texts(page: Page, selector: str) -> list[str]:
    """The text of each SVG element matched (SVG elements have no innerText)."""
    found: list[str] = page.page.locator(selector).evaluate_all("ns => ns.map(n => n.textContent)")
    return found


def test_the_axis_speaks_in_dates_and_words_at_a_legible_size(page: Page) -> None:
    page.page.wait_for_selector("#axis .tick text")
    ticks = texts(page, "#axis .tick text")
    assert ticks
    for tick in ticks:
        assert re.fullmatch(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}|\d{4}", tick)
    labels = texts(page, "#axis .dev-label")
    ids = page.page.locator("#axis .dev").evaluate_all("ns => ns.map(n => n.dataset.id)")
    assert len(labels) == len(ids) == _story_size()
    assert not set(labels) & set(ids)  # summaries, not ids
    assert any(label.startswith("Russia and Turkey signed") for label in labels)
    sizes = page.page.locator("#axis .tick text").evaluate_all(
        "ns => ns.map(n => n.getBoundingClientRect().height)"
    )
    assert min(sizes) >= 10  # drawn at the screen's width, never scaled down


def test_the_charts_keep_a_readable_size(page: Page) -> None:
    image = page.page.locator("#chart-topic")
    image.wait_for()
    page.page.wait_for_function("() => document.querySelector('#chart-topic').naturalWidth > 0")
    width = image.evaluate("n => n.getBoundingClientRect().width")
    assert width >= 700  # about its drawn size: 10pt text stays about 10px
