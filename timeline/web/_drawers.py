"""Answers asked of the app ahead of its readers: in this process, or by several at once."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import multiprocessing
import multiprocessing.util
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Scope

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["asked", "drawn_apart", "warmed"]

Asked = tuple[str, str]  # a request's path and query

# The app of this drawing process (set by `_opened` when the process starts).
_APP: list[FastAPI] = []


def drawn_apart(
    url: str, folder: Path, title: str | None, groups: Sequence[Sequence[Asked]], processes: int
) -> list[tuple[str, int]]:
    """Asks each group's requests in turn, the groups shared out among `processes`
    processes of their own on the store at `url` (answers kept in `folder`); the
    request and status of each answer other than 200."""
    context = multiprocessing.get_context("spawn")  # no copied SQLite handles
    with concurrent.futures.ProcessPoolExecutor(
        min(processes, len(groups)),
        mp_context=context,
        initializer=_opened,
        initargs=(url, folder, title),
    ) as pool:
        return [failed for found in pool.map(_drawn, groups) for failed in found]


def _opened(url: str, folder: Path, title: str | None) -> None:
    from timeline._timeline import Timeline
    from timeline.web.app import create_app

    timeline = Timeline.open(url)
    multiprocessing.util.Finalize(None, timeline.close, exitpriority=0)  # as the process ends
    _APP.append(create_app(timeline, title=title, shared=folder))


def _drawn(group: Sequence[Asked]) -> list[tuple[str, int]]:
    """Asks this process's app each request of `group`; those not answered with 200."""
    found = ((f"{path}?{query}", status_of(_APP[0], path, query)) for path, query in group)
    return [(request, status) for request, status in found if status != 200]


def warmed(timeline: Timeline) -> list[tuple[str, int]]:
    """Asks a throwaway app on `timeline` one request of each kind the page makes (not
    the story's, which reads every development), so that the modules, caches and the
    first decoded developments they need are there before the first reader's; each
    request and its answer's status (the answers are not kept)."""
    from timeline.web.app import create_app

    app = create_app(timeline)  # its answers are kept by no other process
    statuses = []
    for path, query in _page(app):
        try:
            status = status_of(app, path, query)
        except Exception:  # the app answered 500 and let it on: the worker serves anyway
            status = 500
        statuses.append((f"{path}?{query}", status))
    return statuses


def _page(app: FastAPI) -> list[Asked]:
    """A request of each kind the page makes (`static/app.js`), today, on its first
    actor and topic with the second actor."""
    from timeline.web.story import Story

    story: Story = app.state.story
    actors, topics = list(story.registry.actors), list(story.registry.topics)
    day = dt.date.today().isoformat()
    asking: list[tuple[str, dict[str, str]]] = [
        ("/api/developments", {"limit": "5000"}),  # the axis: most of the decoding
        ("/api/positions", {"day": day}),
        ("/api/diff", {"d1": day, "known_at": day, "vs_known_at": "9999-12-31"}),
    ]
    if actors and topics:
        asking += [
            ("/api/explain", {"actor": actors[0], "topic": topics[0], "day": day}),
            ("/api/developments", {"actor": actors[0], "period": day[:4], "limit": "200"}),
        ]
    if len(actors) > 1:
        asking.append(("/api/charts/relations", {"a": actors[0], "b": actors[1], "by": "year"}))
    return [(path, urllib.parse.urlencode(query)) for path, query in asking]


def status_of(app: ASGIApp, path: str, query: str) -> int:
    """The status of the app's answer to one GET request (see `asked`)."""
    # On a thread of its own: the caller's thread may be running an event loop already
    # (a server's, or Playwright's sync API's), in which `asyncio.run` is refused.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, asked(app, path, query)).result()


async def asked(app: ASGIApp, path: str, query: str) -> int:
    """Sends the app one GET request, as a server would; its answer's status."""
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }
    statuses: list[int] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(int(message["status"]))

    await app(scope, receive, send)
    return statuses[0]
