"""Answers asked of the app ahead of its readers: in this process, or by several at once."""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import multiprocessing.util
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Scope

__all__ = ["asked", "drawn_apart"]

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
    found = ((f"{path}?{query}", asyncio.run(asked(_APP[0], path, query))) for path, query in group)
    return [(request, status) for request, status in found if status != 200]


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
