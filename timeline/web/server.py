"""Serving the app with uvicorn: in the foreground (`serve`) or on a thread (`running`)."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import uvicorn
from fastapi import FastAPI

from timeline.engine.errors import TimelineError
from timeline.web._drawers import Asked, drawn_apart, status_of, warmed
from timeline.web.app import create_app
from timeline.web.hosts import Hosts
from timeline.web.story import Story

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["ServeError", "running", "serve"]

LOG = logging.getLogger("timeline.web")


class ServeError(TimelineError, OSError):
    """The server could not listen on the address, or did not start."""


def _open(store: Timeline | str) -> tuple[Timeline, bool]:
    if isinstance(store, str):
        from timeline._timeline import Timeline

        return Timeline.open(store), True
    return store, False


# Whether several sockets may listen on one address and the kernel spreads the
# connections among them (Linux's SO_REUSEPORT; elsewhere it may not spread them).
SPREADS = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def _listen(host: str, port: int, *, shared: bool = False) -> socket.socket:
    """A socket listening on host:port; `shared` (where `SPREADS`), one that other
    sockets of this user may listen on the same address beside (see `_spread`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP,
    # and without it every keep-alive answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared and SPREADS:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # connections queue from now on, before the server's loop runs
    except OSError as error:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


def _listen_alone(host: str, port: int) -> socket.socket:
    """The first of a server's shared sockets, refused when anything listens there already.

    Sockets of one user that all ask SO_REUSEPORT may listen on one address together, so
    a second `serve --workers` on the same port would bind and take some of the first
    one's connections (and answer them from its own store); a plain socket bound first,
    and let go, finds any such listener, as an unshared bind would.
    """
    if SPREADS and port != 0:
        _listen(host, port).close()
    return _listen(host, port, shared=True)


def _server(timeline: Timeline, title: str | None, log_level: str, hosts: Hosts) -> uvicorn.Server:
    app = create_app(timeline, title=title, hosts=hosts)
    config = uvicorn.Config(app, log_level=log_level, access_log=log_level == "debug")
    return uvicorn.Server(config)


def serve(
    store: Timeline | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    title: str | None = None,
    log_level: str = "info",
    public_names: Sequence[str] = (),
    workers: int = 1,
) -> None:
    """Serves the page and its API on host:port (loopback by default) until interrupted.

    It answers requests sent to the address it listens on (and `localhost` on
    loopback), and to `public_names`: any other `Host` is refused (DNS rebinding).
    With `workers` above 1 (`store` then a URL), that many processes answer from the
    one listening socket, each reading the store on its own, so reads use every core.
    """
    if workers < 1:
        raise ServeError(f"workers: expected 1 or more, got {workers}")
    if workers > 1 and not isinstance(store, str):
        raise ServeError("several workers each open the store: give its URL, not a Timeline")
    timeline, opened = (None, False) if workers > 1 else _open(store)
    sock = _listen_alone(host, port) if workers > 1 else _listen(host, port)
    try:
        shown = f"[{host}]" if ":" in host else host
        named = repr(title) if title else "the story"
        print(f"timeline: serving {named} on http://{shown}:{sock.getsockname()[1]}/", flush=True)
        hosts = Hosts.serving(host, public_names)
        if timeline is None:
            assert isinstance(store, str)
            _supervise(store, sock, workers, title, log_level, hosts)
        else:
            _server(timeline, title, log_level, hosts).run(sockets=[sock])
    finally:
        sock.close()
        if opened and timeline is not None:
            timeline.close()


def _supervise(
    url: str, sock: socket.socket, workers: int, title: str | None, log_level: str, hosts: Hosts
) -> None:
    """Runs `workers` worker processes on `sock` until interrupted or one of them ends,
    making the page's first answers ahead of them at every store position."""
    from timeline._timeline import Timeline

    main = threading.current_thread() is threading.main_thread()  # where signals are caught
    with tempfile.TemporaryDirectory(prefix="timeline-serve-") as folder:
        previous = signal.signal(signal.SIGTERM, _interrupted) if main else None
        started: list[multiprocessing.process.BaseProcess] = []
        socks = _spread(sock, workers)
        try:
            with Timeline.open(url) as timeline:
                app = create_app(timeline, title=title, shared=Path(folder))
                # Nothing is served yet: the charts are drawn on as many cores as will serve.
                _ahead(app, _Apart(url, Path(folder), title, workers))
                context = multiprocessing.get_context("spawn")  # no copied SQLite handles
                ready = context.Barrier(workers)  # all accept at once: see `_work`
                arguments = [(url, s, Path(folder), title, log_level, hosts, ready) for s in socks]
                started += [context.Process(target=_work, args=a) for a in arguments]
                for process in started:
                    process.start()
                _keep_ahead(app, [p.sentinel for p in started])
        except KeyboardInterrupt:
            pass
        finally:
            if main:
                signal.signal(signal.SIGTERM, previous)
            _stop(started)
            for other in {*socks} - {sock}:  # `sock` is the caller's to close
                other.close()


def _spread(sock: socket.socket, workers: int) -> list[socket.socket]:
    """A listening socket for each worker: `sock` and more on its address, among which
    the kernel spreads the connections (where `SPREADS`), else `sock` for every one.

    On one socket, the worker that wakes first accepts every connection waiting, and
    each is kept alive: at a page's first paint one worker took 18 readers of 20.
    """
    if not SPREADS or workers < 2:
        return [sock] * workers
    host, port = sock.getsockname()[:2]
    return [sock, *(_listen(host, port, shared=True) for _ in range(workers - 1))]


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# The page's first requests (`static/app.js`: the story, then the axis's first page of
# AXIS_MOST developments), answered once before the workers start.
FIRST_PAINT = (("/api/story", ""), ("/api/developments", "limit=5000"))
# How often (seconds) the server looks whether the store moved on, to answer them again.
AHEAD_EVERY = 1.0


def _charts(story: Story) -> list[list[Asked]]:
    """The topic charts the page asks for, a topic's together: each topic's as known now,
    unmarked and marked at the story's last day (the page's day when it opens)."""
    last = story.bounds()["last_day"]
    marks: list[dict[str, str]] = [{}] if last is None else [{}, {"day": last}]
    return [
        [
            ("/api/charts/topic", urllib.parse.urlencode({"topic": topic, **mark, "format": "svg"}))
            for mark in marks
        ]
        for topic in story.registry.topics
    ]


@attrs.frozen
class _Apart:
    """Where and by how many processes of their own the topic charts are drawn ahead."""

    url: str
    folder: Path
    title: str | None
    processes: int


def _ahead(app: FastAPI, apart: _Apart | None = None) -> None:
    """Makes the page's first answers and its topic charts once, at the store's position,
    into the folder the workers share (each drawn as a request would draw it); `apart`,
    the charts of each topic by one of several processes, side by side."""
    story: Story = app.state.story
    groups = _charts(story)
    if apart is None or apart.processes < 2:
        asking = [*FIRST_PAINT, *(one for group in groups for one in group)]
        answered = [(f"{path}?{query}", status_of(app, path, query)) for path, query in asking]
    else:
        answered = [(f"{path}?{query}", status_of(app, path, query)) for path, query in FIRST_PAINT]
        answered += drawn_apart(apart.url, apart.folder, apart.title, groups, apart.processes)
    for request, status in answered:
        if status != 200:
            raise ServeError(f"the store could not answer {request}: HTTP {status}")
    story.forget()  # the answers are the workers' now: this process needs none of them


def _keep_ahead(app: FastAPI, workers: Sequence[int]) -> None:
    """Until a worker ends (its sentinel in `workers`), makes the page's first answers
    again whenever the store has moved on and then stood still for `AHEAD_EVERY`
    (answers made while it is being written to would be old at once); a request for
    one being made waits for it."""
    story: Story = app.state.story
    made_at = seen = story.read(lambda tl: tl.position)
    while not multiprocessing.connection.wait(workers, timeout=AHEAD_EVERY):
        try:
            before, seen = seen, story.read(lambda tl: tl.position)
            if seen != before or seen == made_at:
                continue
            made_at = seen  # once: a store that fails to answer is not asked every second
            _ahead(app)
        except (ServeError, TimelineError) as error:  # the workers answer as they can
            LOG.warning("the page's answers were not made ahead: %s", error)


def _stop(started: Sequence[multiprocessing.process.BaseProcess]) -> None:
    """Asks each worker to finish its requests and end (uvicorn's SIGTERM), then ends it."""
    for process in started:
        if process.is_alive() and process.pid is not None:
            os.kill(process.pid, signal.SIGTERM)
    for process in started:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()


def _work(
    url: str,
    sock: socket.socket,
    folder: Path,
    title: str | None,
    log_level: str,
    hosts: Hosts,
    ready: threading.Barrier,
) -> None:
    """One worker process: opens the store and serves from it, sharing kept answers."""
    from timeline._timeline import Timeline

    try:
        with Timeline.open(url) as timeline:
            # Before accepting: otherwise the first readers of each worker pay for it.
            warmed(timeline)
            _settled()
            app = create_app(timeline, title=title, hosts=hosts, shared=folder)
            config = uvicorn.Config(app, log_level=log_level, access_log=log_level == "debug")
            # A worker that accepted alone would take every reader's connection (each
            # kept alive) and serve them all on one core while the others stood idle.
            try:
                ready.wait(timeout=READY_WITHIN)
            except threading.BrokenBarrierError:  # a worker did not get ready: serve anyway
                LOG.warning("a worker was not ready within %s s", READY_WITHIN)
            uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C reaches every process of the terminal's group
        pass


# How long (seconds) a ready worker waits for the others before it accepts alone.
READY_WITHIN = 120.0


# A worker's collections of the young objects: a request makes thousands, nearly all
# freed by their counts, and at the default every few requests set off a collection of
# the objects the worker keeps (its kept answers, decoded developments) as well.
COLLECTED = (10_000, 20, 20)


def _settled() -> None:
    """Leaves the objects a warmed worker holds out of the cyclic collector's walks
    (`gc.freeze`) and collects seldomer (`COLLECTED`): at a million developments a full
    collection walked ~300,000 objects every ~30 requests, 0.3-0.6 s in which every
    request of the worker waited."""
    gc.collect()  # what is garbage already is not frozen with the rest
    gc.freeze()
    gc.set_threshold(*COLLECTED)


@contextmanager
def running(
    store: Timeline | str,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    title: str | None = None,
    log_level: str = "warning",
    public_names: Sequence[str] = (),
) -> Iterator[str]:
    """Serves on a background thread (port 0: any free one); yields the base URL."""
    timeline, opened = _open(store)
    sock = _listen(host, port)
    server = _server(timeline, title, log_level, Hosts.serving(host, public_names))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise ServeError(f"the server on {host}:{sock.getsockname()[1]} did not start")
            time.sleep(0.02)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        if opened:
            timeline.close()
