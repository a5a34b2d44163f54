"""The projection worker (`timeline project`) beside concurrent writers, and after a kill."""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.workload import SHARED, development, recorded_ids, write
from timeline import Timeline
from timeline.bootstrap import Replayed

TIMELINE = Path(sys.executable).parent / "timeline"
WRITERS, PER_WRITER = 4, 2500
DAYS = ("2016-06-30", "2017-12-31", "2018-07-01", "2019-12-31", "2021")
KNOWN = (None, "2017-06-30", "2018-12-31", "2020-12-31")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'story.db'}"
    found: str = request.getfixturevalue("postgres_url")
    return found


def worker(url: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_DB"}
    return subprocess.Popen(
        [str(TIMELINE), "--db", url, "project", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for(
    check: Callable[[], bool],
    seconds: float,
    what: str,
    process: subprocess.Popen[str] | None = None,
) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if process is not None and process.poll() is not None:
            _, errors = process.communicate()
            raise AssertionError(
                f"the worker exited ({process.returncode}) before {what}: {errors}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def tracking(url: str) -> tuple[int, int]:
    """(the view's tracking id, the store's last notification id), without catching up."""
    with Timeline.open(url) as tl:
        return tl.materialised.tracking_id, tl.head


def watching(tl: Timeline) -> Callable[[], bool]:
    """A cheap check that the view's worker has started but not finished."""
    view, head = tl.materialised, tl.head
    return lambda: 0 < view.tracking_id < head


def assert_view_equals_replay(url: str) -> None:
    with Timeline.open(url) as tl:
        view, oracle = tl.materialised, tl.reading(Replayed)
        assert view.tracking_id == tl.head
        for day in DAYS:
            for known in KNOWN:
                materialised = tl.as_of(day, known_at=known)
                replayed = oracle.as_of(day, known_at=known)
                assert materialised.source == "materialised"
                assert replayed.source == "replay"
                assert materialised.positions() == replayed.positions()
        caught_up = view.view.dump()
        view.rebuild()
        assert view.view.dump() == caught_up  # nothing was counted twice


@pytest.mark.slow
def test_a_worker_follows_concurrent_writers(url: str) -> None:
    Timeline.open(url).close()  # the store exists: `project` reads, and reads never create one
    follower = worker(url, "--follow", "--interval", "0.1")
    spawn = multiprocessing.get_context("spawn")
    writers = [spawn.Process(target=write, args=(url, n, PER_WRITER)) for n in range(WRITERS)]
    try:
        for process in writers:
            process.start()
        for process in writers:
            process.join(timeout=300)
            assert process.exitcode == 0
        with Timeline.open(url) as watcher:
            view = watcher.materialised
            wait_for(lambda: view.tracking_id == watcher.head, 120, "catching up", follower)
    finally:
        for process in writers:  # a writer still running would hold the schema's locks
            if process.is_alive():
                process.terminate()
                process.join(timeout=30)
        follower.send_signal(signal.SIGTERM)
        _, errors = follower.communicate(timeout=30)
    assert follower.returncode == 0, errors
    with Timeline.open(url) as tl:
        counts = recorded_ids(tl)
        assert len(counts) == WRITERS * PER_WRITER + SHARED
        assert set(counts.values()) == {1}
    assert_view_equals_replay(url)


@pytest.mark.slow
def test_a_killed_worker_resumes_without_counting_twice(url: str) -> None:
    with Timeline.open(url):
        write(url, 0, 20000, shared=0)
    with Timeline.open(url) as watcher:
        # Small batches make catching up take many transactions, so the kill lands
        # between two of them (or inside one, which then rolls back).
        first = worker(url, "--batch", "20")
        wait_for(watching(watcher), 120, "processing midway", first)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    reached, head = tracking(url)
    assert 0 < reached < head, "the kill should land in the middle of catching up"
    second = worker(url)
    _, errors = second.communicate(timeout=300)
    assert second.returncode == 0, errors
    assert_view_equals_replay(url)


def _lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    """The lines a process prints, read in the background."""
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            found.put(line.strip())

    threading.Thread(target=read, daemon=True).start()
    return found


def _expect(lines: queue.Queue[str], start: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line.startswith(start):
            return
    raise AssertionError(f"timed out waiting for a line starting {start!r}")


@pytest.mark.slow
def test_one_worker_keeps_a_view_and_a_second_waits_for_it(postgres_url: str) -> None:
    write(postgres_url, 0, 50, shared=0)
    first = worker(postgres_url, "--follow", "--interval", "0.1")
    second: subprocess.Popen[str] | None = None
    try:
        _expect(_lines(first), "following the store")
        second = worker(postgres_url, "--follow", "--interval", "0.1")
        waiting = _lines(second)
        _expect(waiting, "another worker is keeping this view")
        write(postgres_url, 1, 30, shared=0)
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
        _expect(waiting, "following the store")  # the lock passed on when the first stopped
        with Timeline.open(postgres_url) as watcher:
            view = watcher.materialised
            wait_for(lambda: view.tracking_id == watcher.head, 60, "catching up", second)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
    assert second.returncode == 0
    assert_view_equals_replay(postgres_url)


def _next_processed(lines: queue.Queue[str], seconds: float = 60) -> str:
    """The next line a worker prints about events it processed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line.startswith("processed "):
            return line
    raise AssertionError("timed out waiting for the worker to process events")


@pytest.mark.slow
def test_a_following_worker_takes_a_bulk_write_in_one_batch(postgres_url: str) -> None:
    write(postgres_url, 0, 10, shared=0)
    follower = worker(postgres_url, "--follow", "--interval", "0.1")
    try:
        lines = _lines(follower)
        _expect(lines, "following the store")
        with Timeline.open(postgres_url) as tl:
            before = tl.head
            tl.record_many([development(f"bulk-{n}", n) for n in range(3000)])
            written = tl.head - before
        # One bulk write commits at once: the worker catches all of it up together,
        # where following one event per transaction reported it piece by piece.
        assert _next_processed(lines).startswith(f"processed {written} events")
    finally:
        follower.send_signal(signal.SIGTERM)
        follower.wait(timeout=30)
    assert follower.returncode == 0
    assert_view_equals_replay(postgres_url)


def test_a_bad_interval_or_batch_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    for args in (["--interval", "-1"], ["--interval", "nan"], ["--interval", "inf"],
                 ["--interval", "0"], ["--batch", "0"], ["--batch", "-5"]):  # fmt: skip
        done = worker(url, "--follow", *args)
        _, errors = done.communicate(timeout=30)
        assert done.returncode == 2, (args, errors)
        assert "expected" in errors
        assert "Traceback" not in errors


def _backends_of(process: subprocess.Popen[str]) -> list[int]:
    """The local ports of a process's connections to the server (read with `ss`)."""
    shown = subprocess.run(["ss", "-tnpH"], capture_output=True, text=True, check=True).stdout
    ports = []
    for line in shown.splitlines():
        fields = line.split()
        if f"pid={process.pid}," in line and fields[4].endswith(":5432"):
            ports.append(int(fields[3].rsplit(":", 1)[1]))
    return ports


@pytest.mark.slow
def test_a_worker_says_when_it_loses_the_server_and_resumes(postgres_url: str) -> None:
    import psycopg

    write(postgres_url, 0, 200, shared=0)
    follower = worker(postgres_url, "--follow", "--interval", "0.1")
    try:
        lines = _lines(follower)
        _expect(lines, "following the store")
        ports = _backends_of(follower)
        assert ports, "the worker should hold connections to the server"
        with psycopg.connect(postgres_url.split("?")[0], autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE client_port = ANY(%s)",
                (ports,),
            )
        write(postgres_url, 1, 50, shared=0)
        _expect(lines, "lost the store")
        with Timeline.open(postgres_url) as watcher:
            view = watcher.materialised
            wait_for(lambda: view.tracking_id == watcher.head, 120, "resuming", follower)
    finally:
        follower.send_signal(signal.SIGTERM)
        follower.wait(timeout=30)
    assert follower.returncode == 0
    assert_view_equals_replay(postgres_url)


@pytest.mark.slow
def test_sigterm_during_the_first_catch_up_stops_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    write(url, 0, 20000, shared=0)
    before, _ = tracking(url)  # the writer's first names made the view read the registry
    with Timeline.open(url) as watcher:
        follower = worker(url, "--follow", "--batch", "20")
        view, head = watcher.materialised, watcher.head
        # Well into the worker's own catch-up: after it started and installed its handlers.
        midway = lambda: before + 200 < view.tracking_id < head  # noqa: E731
        wait_for(midway, 120, "processing midway", follower)
        follower.send_signal(signal.SIGTERM)
        _, errors = follower.communicate(timeout=30)
    assert follower.returncode == 0, errors  # stopped between batches, not killed
    assert "Traceback" not in errors
    reached, head = tracking(url)
    assert 0 < reached < head  # it stopped where it was, and a restart goes on from there
