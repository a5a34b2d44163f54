"""The web app: the page, its static files, the JSON API and the charts, on FastAPI."""

from __future__ import annotations

import logging
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timeline import __version__
from timeline.web import api, chart_api
from timeline.web.hosts import Hosts
from timeline.web.params import ParameterError
from timeline.web.story import Story

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["STATIC", "create_app"]

STATIC = Path(str(files("timeline.web") / "static"))
LOG = logging.getLogger("timeline.web")
# The longest path and query answered: the page's own URLs are far shorter.
LONGEST_URL = 8192
POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def _error(status: int, message: str, parameter: str | None = None) -> JSONResponse:
    body = {"error": {"status": status, "parameter": parameter, "message": message}}
    return JSONResponse(body, status_code=status)


async def _parameter(request: Request, error: Exception) -> Response:
    assert isinstance(error, ParameterError)
    return _error(error.status, error.message, error.parameter)


async def _invalid(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    first: dict[str, Any] = next(iter(error.errors()), {})
    location = [part for part in first.get("loc", ()) if isinstance(part, str)]
    parameter = location[1] if len(location) > 1 else None
    message = str(first.get("msg", "invalid request"))
    expected = first.get("ctx", {}).get("expected")
    if expected and str(expected) not in message:
        message = f"{message} (expected {expected})"
    return _error(400, message, parameter)


async def _http(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return _error(error.status_code, str(error.detail))


async def _unavailable(request: Request, error: Exception) -> Response:
    """A store that could not be read (locked, gone, damaged, closed) is a 503 with its reason."""
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    story: Story = request.app.state.story
    reason = story.timeline.config.redact(reason)
    LOG.warning("the store could not answer %s: %s", request.url.path, reason)
    answer = _error(503, f"the store could not be read: {reason}; try again later")
    answer.headers["Retry-After"] = "5"
    return answer


def _store_faults() -> list[type[Exception]]:
    """The errors of a store that fails (rather than of a request that is wrong)."""
    import sqlite3

    from eventsourcing.persistence import PersistenceError

    from timeline.engine.errors import StoreError
    from timeline.projections._backend import TrackingConflictError, ViewBehindError
    from timeline.projections.errors import ClosedError

    found: list[type[Exception]] = [StoreError, ClosedError, ViewBehindError]
    found += [TrackingConflictError, PersistenceError, sqlite3.Error]
    try:
        import psycopg
    except ImportError:  # PostgreSQL support is an extra
        return found
    return [*found, psycopg.Error]


async def _unexpected(request: Request, error: Exception) -> Response:
    LOG.exception("unexpected error answering %s", request.url.path)
    return _error(500, f"internal error: {type(error).__name__}")


class _Guard:
    """Refuses a request whose `Host` the server does not serve (421) or too long a URL (414)."""

    def __init__(self, app: ASGIApp, hosts: Hosts | None) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = self._refusal(scope)
        if refused is None:
            await self.app(scope, receive, send)
        else:
            await _Headers(refused)(scope, receive, send)

    def _refusal(self, scope: Scope) -> Response | None:
        length = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if length > LONGEST_URL:
            return _error(
                414, f"the URL is {length:,} bytes long; expected at most {LONGEST_URL:,}"
            )
        if self.hosts is None:
            return None
        headers = dict(scope.get("headers") or ())
        given = headers.get(b"host")
        header = None if given is None else given.decode("latin-1")
        if self.hosts.admits(header):
            return None
        served = sorted({*map(str, self.hosts.addresses), *self.hosts.names})
        return _error(
            421,
            f"Host {header!r} is not served here: expected {' or '.join(served) or 'an address'}"
            " (to answer a name of yours, serve with --public-name NAME)",
            "Host",
        )


class _Headers:
    """Adds the page's security headers, and `no-store` to API answers without a policy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope.get("path", "")).startswith("/api/")

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if api:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, sending)


def create_app(
    timeline: Timeline,
    *,
    title: str | None = None,
    hosts: Hosts | None = None,
    shared: Path | None = None,
) -> FastAPI:
    """The app answering from `timeline`; it only reads.

    `title` is the page's headline, by default the story's own.  With `hosts` it
    answers only requests whose `Host` they admit (`serve` always passes them);
    without, any `Host`, as a test client or another server in front asks.  Apps in
    several processes serving one store keep their answers in the `shared` folder.
    """
    app = FastAPI(
        title=f"{title or 'Story'} — timeline API",
        version=__version__,
        description=(
            "Each actor's position on each topic as of a day, as known on a day. "
            "Dates are EDTF text; every 4xx answer is a JSON `error` naming its parameter."
        ),
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN; the page is offline
        redoc_url=None,
    )
    app.state.story = Story(timeline, title, shared=shared)
    app.add_exception_handler(ParameterError, _parameter)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    for fault in _store_faults():
        app.add_exception_handler(fault, _unavailable)
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(_Headers)
    app.add_middleware(_Guard, hosts=hosts)
    app.include_router(api.router)
    app.include_router(chart_api.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    return app
