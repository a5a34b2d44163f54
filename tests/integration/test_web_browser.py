"""The page in headless Chromium on the bundled story: sliders, positions, explanations, charts.

The browser is the shared fixture of `tests.browser` (the system Chromium; the tests
skip, saying why, without it or Playwright).  With `TIMELINE_DOCS=docs` the page is
saved as `docs/web.png`, the README's screenshot.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.article import article_folder
from tests.browser import Page
from timeline import Timeline, seeds
from timeline.engine import Development, Source, StanceClaim
from timeline.web import running

if TYPE_CHECKING:
    from playwright.sync_api import Browser


EPOCH = dt.date(1970, 1, 1)
TURKEY = 'td[data-actor="TUR"][data-topic="s400-purchase"]'


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The app on the article's story, served on 127.0.0.1."""
    tl = Timeline()
    tl.load(article_folder())
    with running(tl, title="Turkey's S-400 purchase") as url:
        yield url


@pytest.fixture(scope="module")
def bundled() -> Iterator[str]:
    """The app on the whole bundled story (the README's screenshot), served on 127.0.0.1."""
    tl = Timeline()
    tl.load(seeds.path())
    with running(tl, title="Turkey's S-400 purchase") as url:
        yield url


@pytest.fixture(scope="module")
def crowded() -> Iterator[str]:
    """The app on the article's story and 50 more statements of Turkey on the purchase."""
    tl = Timeline()
    tl.load(article_folder())
    tl.record_many(
        Development(
            id=f"tur-statement-{n:02d}",
            occurred=f"2018-01-{1 + n % 28:02d}" if n < 28 else f"2018-02-{n - 27:02d}",
            reported="2018-12-20",
            kind="statement",
            summary=f"Statement number {n}.",
            actors=["TUR"],
            source=Source("Wire", "named"),
            claims=[StanceClaim("TUR", "s400-purchase", "committed")],
        )
        for n in range(50)
    )
    with running(tl, title="Crowded") as url:
        yield url


@pytest.fixture
def page(browser: Browser, base: str) -> Iterator[Page]:
    """The page, loaded, with a marker that a reload would lose."""
    yield from _opened(browser, base)


@pytest.fixture
def whole(browser: Browser, bundled: str) -> Iterator[Page]:
    """The page on the whole bundled story."""
    yield from _opened(browser, bundled)


def _opened(browser: Browser, base: str) -> Iterator[Page]:
    opened = Page.open(browser, f"{base}/", width=1400, height=1250)
    opened.page.wait_for_selector("body[data-ready='1']", timeout=15000)
    opened.page.evaluate("window.__notReloaded = true")
    yield opened
    assert opened.errors == []
    assert opened.blocked == []
    assert opened.page.evaluate("window.__notReloaded") is True  # no reload happened
    opened.close()


def slide(page: Page, slider: str, day: str) -> None:
    """Moves a slider to `day` and waits until the positions shown are for it."""
    number = (dt.date.fromisoformat(day) - EPOCH).days
    page.page.locator(f"#{slider}").fill(str(number))
    attribute = "day" if slider == "day" else "known"
    page.page.wait_for_selector(f'#positions[data-{attribute}="{day}"]', timeout=10000)


def stance(page: Page) -> str | None:
    return page.page.get_attribute(TURKEY, "data-stance")


def test_on_2017_12_31_turkey_is_committed_to_the_purchase(page: Page) -> None:
    slide(page, "day", "2017-12-31")
    assert page.page.inner_text("#day-out") == "31 Dec 2017"
    assert stance(page) == "committed"
    chip = page.page.locator(f"{TURKEY} .chip")
    assert chip.inner_text().startswith("committed")
    assert "since Dec 2017" in chip.inner_text()
    assert chip.get_attribute("data-tentative") == "false"
    assert (
        page.page.locator('.dev[data-id="s400-supply-agreement"]').get_attribute("data-occurred")
        == "certain"
    )


def test_on_2017_11_30_there_is_no_such_position(page: Page) -> None:
    slide(page, "day", "2017-12-31")
    slide(page, "day", "2017-11-30")
    assert stance(page) == ""
    assert page.page.locator(f"{TURKEY} .chip.empty").count() == 1
    assert page.page.get_attribute("#positions", "data-count") == "0"
    assert "No position had been taken" in page.page.inner_text("#summary")


def test_tentative_positions_are_marked_when_possible_counts(page: Page) -> None:
    slide(page, "day", "2017-12-15")
    assert stance(page) == ""
    page.page.locator("#possible").check()
    page.page.wait_for_selector('#positions[data-possible="true"]', timeout=10000)
    assert stance(page) == "committed"
    chip = page.page.locator(f"{TURKEY} .chip")
    assert chip.get_attribute("data-tentative") == "true"
    assert "tentative" in chip.inner_text().lower()


def test_known_before_the_article_every_position_vanishes(page: Page) -> None:
    slide(page, "day", "2018-12-31")
    assert int(page.page.get_attribute("#positions", "data-count") or 0) == 12
    slide(page, "known", "2018-12-18")
    assert page.page.get_attribute("#positions", "data-count") == "0"
    assert page.page.locator("td[data-stance]:not([data-stance=''])").count() == 0
    assert page.page.inner_text("#summary") == "Nothing had been reported by 18 Dec 2018."
    page.page.wait_for_selector('#axis[data-known="2018-12-18"]')
    assert page.page.locator("#axis .dev").count() == 0
    assert page.page.inner_text("#known-out") == "18 Dec 2018"
    page.page.wait_for_selector("#compare-figure:not([hidden])")
    page.page.click("#known-now")
    page.page.wait_for_selector('#positions[data-known="now"][data-count="12"]', timeout=10000)


def test_clicking_a_position_shows_its_explanation(page: Page) -> None:
    slide(page, "day", "2018-12-31")
    page.page.click(f"{TURKEY} .chip")
    page.page.wait_for_selector('#explain[data-actor="TUR"][data-topic="s400-purchase"] .claim')
    panel = page.page.locator("#explain")
    assert "Turkey on s400-purchase" in panel.locator("h3").inner_text()
    assert "the latest in story order wins" in panel.locator(".rule").inner_text()
    claims = panel.locator(".claim")
    assert [claims.nth(i).get_attribute("data-status") for i in range(claims.count())] == [
        "supporting",
        "winner",
    ]
    winner = panel.locator('.claim[data-status="winner"]')
    assert winner.get_attribute("data-development") == "cavusoglu-keeps-s400-deal"
    assert "Cavusoglu" in winner.inner_text()
    assert "Source: Sputnik" in winner.inner_text()
    # Moving the day keeps the explanation current: before November 2018 the agreement wins.
    slide(page, "day", "2018-06-30")
    page.page.wait_for_selector(
        '#explain .claim[data-status="winner"][data-development="s400-supply-agreement"]'
    )


def test_a_long_explanation_shows_its_latest_claims_and_fetches_earlier_ones(
    browser: Browser, crowded: str
) -> None:
    for page in _opened(browser, crowded):
        slide(page, "day", "2018-12-31")
        page.page.click(f"{TURKEY} .chip")
        panel = page.page.locator("#explain")
        page.page.wait_for_selector('#explain[data-actor="TUR"] .claim[data-status="winner"]')
        claims = panel.locator(".claim")
        # 52 claims: the latest 40 are shown, the winner among them, in story order.
        assert claims.count() == 40
        assert claims.nth(39).get_attribute("data-development") == "cavusoglu-keeps-s400-deal"
        more = panel.locator("button.more")
        assert "12 of 52 not shown" in more.inner_text()
        shown = [claims.nth(i).get_attribute("data-development") for i in range(40)]
        more.click()
        page.page.wait_for_function(
            "() => document.querySelectorAll('#explain .claim').length === 52"
        )
        assert panel.locator("button.more").count() == 0
        every = [claims.nth(i).get_attribute("data-development") for i in range(52)]
        assert every[12:] == shown
        assert every[0] == "s400-supply-agreement"


def test_the_charts_load_for_the_selected_topic(whole: Page, tmp_path: Path) -> None:
    page = whole
    slide(page, "day", "2018-12-31")
    page.page.click('#topics button:has-text("patriot-sale")')
    page.page.wait_for_function(
        "() => { const i = document.getElementById('chart-topic');"
        " return i.complete && i.naturalWidth > 0 && i.src.includes('topic=patriot-sale'); }",
        timeout=15000,
    )
    assert page.page.evaluate("document.getElementById('chart-relations').naturalWidth") > 0
    png = page.page.get_attribute("#chart-topic-links a:first-child", "href") or ""
    assert "format=png" in png
    assert "topic=patriot-sale" in png
    page.page.click('#topics button:has-text("s400-purchase")')
    page.page.click(f"{TURKEY} .chip")
    page.page.wait_for_selector('#explain[data-actor="TUR"] .claim')
    # Each claim's development lists its further reports.
    assert "Also reported: Xeber Saati · 12 Sep 2017" in page.page.inner_text("#explain")
    page.page.wait_for_function(
        "() => { const i = document.getElementById('chart-topic');"
        " return i.complete && i.naturalWidth > 0 && i.src.includes('topic=s400-purchase'); }",
        timeout=15000,
    )
    # The README's screenshot shows the knowledge axis: the end of 2019 as known in
    # mid-July 2019, when the F-35 removal was still to be reported.
    slide(page, "day", "2019-12-31")
    slide(page, "known", "2019-07-16")
    page.page.wait_for_selector("#compare-figure:not([hidden])")
    folder = Path(os.environ.get("TIMELINE_DOCS", str(tmp_path)))
    folder.mkdir(parents=True, exist_ok=True)
    page.page.evaluate("window.scrollTo(0, 0)")
    page.page.screenshot(path=str(folder / "web.png"))
    assert (folder / "web.png").stat().st_size > 20000
