"""A headless browser for tests of web pages: the system Chromium, driven by Playwright.

    from tests.browser import Page, serve  # the `browser` fixture comes from conftest.py

    def test_a_page(browser: Browser, tmp_path: Path) -> None:
        (tmp_path / "index.html").write_text("<h1>hi</h1>")
        with serve(tmp_path) as base:
            page = Page.open(browser, f"{base}/index.html")
            assert page.page.inner_text("h1") == "hi"
            assert page.errors == []

- The browser is the machine's Chromium (`/usr/bin/chromium`, or the path in
  `TIMELINE_CHROMIUM`), never a downloaded one; the `browser` fixture skips with the
  reason when Playwright or Chromium is missing.
- `serve(folder)` serves a folder on 127.0.0.1 at a free port, from a thread.
- `Page.open` lets the page reach 127.0.0.1 only: any other request is refused and
  noted in `blocked`; console errors and uncaught exceptions are kept in `errors`.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Route
    from playwright.sync_api import Page as PlaywrightPage

__all__ = ["CHROMIUM_ARGS", "Page", "browser", "chromium_path", "serve"]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def chromium_path() -> str | None:
    """The system Chromium: `TIMELINE_CHROMIUM`, else the first one found on the machine."""
    wanted = os.environ.get("TIMELINE_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else None
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serves `folder` over HTTP on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The system Chromium, headless, for the whole session (skips when there is none)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install playwright)")
    path = chromium_path()
    if path is None:
        pytest.skip("no system Chromium (apt-get install chromium, or set TIMELINE_CHROMIUM)")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        except Error as error:
            pytest.fail(f"Chromium at {path} did not start: {error}")
        try:
            yield launched
        finally:
            launched.close()


class Page:
    """An open page, what it printed as errors, and what it tried to fetch from elsewhere."""

    def __init__(self, page: PlaywrightPage) -> None:
        self.page = page
        self.errors: list[str] = []
        self.blocked: list[str] = []

    @classmethod
    def open(cls, browser: Browser, url: str, *, width: int = 1400, height: int = 900) -> Page:
        """Opens `url` in a fresh context of the given size, reaching 127.0.0.1 only."""
        context = browser.new_context(viewport={"width": width, "height": height})
        opened = cls(context.new_page())
        context.route("**/*", opened._route)
        opened.page.on("console", opened._console)
        opened.page.on("pageerror", lambda error: opened.errors.append(f"uncaught: {error}"))
        opened.page.goto(url)
        return opened

    def _route(self, route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if (
            route.request.url.startswith(("data:", "blob:"))
            or f"{host}" in LOCAL_HOSTS
            or (host == "::1")
        ):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def close(self) -> None:
        """Closes the page's context."""
        self.page.context.close()
