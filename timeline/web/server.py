"""Serving the app with uvicorn: in the foreground (`serve`) or on a thread (`running`)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import uvicorn

from timeline.engine.errors import TimelineError
from timeline.web.app import create_app
from timeline.web.hosts import Hosts

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["ServeError", "running", "serve"]


class ServeError(TimelineError, OSError):
    """The server could not listen on the address, or did not start."""


def _open(store: Timeline | str) -> tuple[Timeline, bool]:
    if isinstance(store, str):
        from timeline._timeline import Timeline

        return Timeline.open(store), True
    return store, False


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP,
    # and without it every keep-alive answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # connections queue from now on, before the server's loop runs
    except OSError as error:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


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
) -> None:
    """Serves the page and its API on host:port (loopback by default) until interrupted.

    It answers requests sent to the address it listens on (and `localhost` on
    loopback), and to `public_names`: any other `Host` is refused (DNS rebinding).
    """
    timeline, opened = _open(store)
    sock = _listen(host, port)
    try:
        shown = f"[{host}]" if ":" in host else host
        named = repr(title) if title else "the story"
        print(f"timeline: serving {named} on http://{shown}:{sock.getsockname()[1]}/", flush=True)
        hosts = Hosts.serving(host, public_names)
        _server(timeline, title, log_level, hosts).run(sockets=[sock])
    finally:
        sock.close()
        if opened:
            timeline.close()


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
