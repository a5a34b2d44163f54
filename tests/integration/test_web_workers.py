"""Several worker processes serve one store: the same answers as one process, made once.

`serve(url, workers=N)` catches the view up and makes `/api/story` once, then starts N
processes that answer from one listening socket; answers kept as bytes (the JSON
answers and the charts) are shared through a folder, so each is made once for all.
"""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, NoReturn

import pytest
from fastapi.testclient import TestClient

from tests.article import article_folder
from timeline import Timeline
from timeline.projections import charts as charts_module
from timeline.web import ServeError, create_app, serve
from timeline.web import server as server_module
from timeline.web.story import Story

SERVE = """
import sys
from timeline.web import serve
serve(sys.argv[1], port=int(sys.argv[2]), title="S-400", log_level="warning", workers=2)
"""
ASKED = [
    "/api/story",
    "/api/positions?day=2018-12-31",
    "/api/positions?day=2018-06-30&known_at=2018-12-19",
    "/api/explain?actor=TUR&topic=s400-purchase&day=2018-12-31",
    "/api/history?actor=USA&topic=s400-purchase",
    "/api/diff?d1=2018-12-31&known_at=2018-12-19&vs_known_at=9999-12-31",
    "/api/developments?limit=5",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('workers') / 'story.db'}"
    with Timeline.open(url) as tl:
        tl.load(article_folder())
    return url


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().rpartition(")")[2].split()[1] == str(pid):
                found.add(int(stat.parent.name))
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_answer_as_one_process_does_and_all_stop_on_sigterm(store: str) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, store, str(port)], stdout=subprocess.PIPE, text=True
    )
    with Timeline.open(store) as tl, TestClient(create_app(tl, title="S-400")) as client:
        expected = {path: client.get(path).json() for path in ASKED}
        chart = client.get("/api/charts/topic?topic=s400-purchase&format=svg").content
    try:
        assert server.stdout is not None
        assert server.stdout.readline().startswith("timeline: serving 'S-400' on")
        base = f"http://127.0.0.1:{port}"
        for _ in range(3):  # one connection each: the workers take turns accepting
            for path in ASKED:
                with urllib.request.urlopen(f"{base}{path}", timeout=30) as answer:
                    assert json.load(answer) == expected[path], path
            topic = f"{base}/api/charts/topic?topic=s400-purchase&format=svg"
            with urllib.request.urlopen(topic, timeout=60) as answer:
                assert answer.read() == chart
        workers = _children(server.pid)
        assert len(workers) >= 2  # the two workers (and multiprocessing's tracker)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
    assert code in (0, -signal.SIGTERM)
    # multiprocessing's resource tracker ends when it sees its parent gone, a moment later.
    deadline = time.monotonic() + 10
    while [pid for pid in workers if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]


def test_workers_need_the_store_url_and_at_least_one(store: str) -> None:
    with pytest.raises(ServeError, match="URL"):
        serve(Timeline(), workers=2)
    with pytest.raises(ServeError, match="workers"):
        serve(store, workers=0)


def test_an_answer_in_bytes_is_made_once_for_every_story_sharing_a_folder(
    store: str, tmp_path: Path
) -> None:
    made: list[str] = []

    def making(text: str) -> Any:
        def make() -> Any:
            made.append(text)
            return text.encode() if text.startswith("bytes") else {"value": text}

        return make

    with Timeline.open(store) as first_tl, Timeline.open(store) as second_tl:
        first, second = Story(first_tl, shared=tmp_path), Story(second_tl, shared=tmp_path)
        assert first.drawn(("chart", 1), making("bytes one"), shared=True) == b"bytes one"
        assert second.drawn(("chart", 1), making("bytes two"), shared=True) == b"bytes one"
        assert made == ["bytes one"]
        # Python values stay in their process; unshared answers are not looked for.
        assert first.drawn(("value",), making("value one"), shared=True) == {"value": "value one"}
        assert second.drawn(("value",), making("value two"), shared=True) == {"value": "value two"}
        # A pickled value is made once and passed to the other process as an equal one.
        assert first.drawn(("data",), making("data one"), shared=True, pickled=True) == {
            "value": "data one"
        }
        assert second.drawn(("data",), making("data two"), shared=True, pickled=True) == {
            "value": "data one"
        }
        assert second.drawn(("chart", 2), making("bytes three")) == b"bytes three"
        assert first.drawn(("chart", 2), making("bytes four")) == b"bytes four"
        # Once the store moves on, the answer is made again.
        first_tl.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
        assert second.drawn(("chart", 1), making("bytes five"), shared=True) == b"bytes five"
        assert first.drawn(("chart", 1), making("bytes six"), shared=True) == b"bytes five"
    assert made == [
        "bytes one",
        "value one",
        "value two",
        "data one",
        "bytes three",
        "bytes four",
        "bytes five",
    ]


def test_the_first_paint_is_made_once_before_the_workers_start(store: str, tmp_path: Path) -> None:
    from timeline.web import server

    script = (Path(server.__file__).parent / "static" / "app.js").read_text()
    match = re.search(r"const AXIS_MOST = (\d+);", script)
    assert match is not None
    assert dict(server.FIRST_PAINT)["/api/developments"] == f"limit={match[1]}"
    with Timeline.open(store) as tl:
        server._ahead(create_app(tl, title="S-400", shared=tmp_path))
        with TestClient(create_app(tl, title="S-400")) as cold:
            last = cold.get("/api/story").json()
    topics = last["topics"]
    # The first paint, and each topic's chart unmarked and marked at the story's last
    # day (as the page opens), with each topic's data once.
    made = sorted(tmp_path.glob("*.bytes"))
    assert len(made) == len(server.FIRST_PAINT) + 3 * len(topics)
    charts = [
        f"/api/charts/topic?topic={t['id']}&format=svg{mark}"
        for t in topics
        for mark in ("", f"&day={last['last_day']}")
    ]
    asked = [f"{path}?{query}" for path, query in server.FIRST_PAINT] + charts
    with Timeline.open(store) as tl:
        with TestClient(create_app(tl, title="S-400", shared=tmp_path)) as warm:
            answers = [warm.get(path).content for path in asked]
            # Another day of a chart is drawn from the data made ahead, not read again.
            with pytest.MonkeyPatch.context() as patched:
                patched.setattr(charts_module, "topic_chart", _not_read)
                other_day = f"/api/charts/topic?topic={topics[0]['id']}&day=2018-06-30"
                answers.append(warm.get(other_day).content)
                asked.append(other_day)
        assert len(sorted(tmp_path.glob("*.bytes"))) == len(made) + 1  # the other day's
        with TestClient(create_app(tl, title="S-400")) as cold:
            for path, answer in zip(asked, answers, strict=True):
                assert cold.get(path).content == answer, path


def test_the_charts_drawn_ahead_apart_are_those_one_process_draws(
    store: str, tmp_path: Path
) -> None:
    from timeline.web import server

    alone, apart = tmp_path / "alone", tmp_path / "apart"
    alone.mkdir()
    apart.mkdir()
    with Timeline.open(store) as tl:
        server._ahead(create_app(tl, title="S-400", shared=alone))
        with pytest.MonkeyPatch.context() as patched:
            # Each topic's charts are drawn by another process: this one reads none.
            patched.setattr(charts_module, "topic_chart", _not_read)
            ahead = server._Apart(store, apart, "S-400", 2)
            server._ahead(create_app(tl, title="S-400", shared=apart), ahead)
    made = {path.name: path.read_bytes() for path in alone.glob("*.bytes")}
    assert len(made) > len(server.FIRST_PAINT) + 2  # the charts of more than one topic
    assert {path.name: path.read_bytes() for path in apart.glob("*.bytes")} == made


def test_a_worker_is_warmed_by_a_read_of_each_kind_the_page_makes(store: str) -> None:
    from timeline.web._drawers import warmed

    with Timeline.open(store) as tl:
        asked = warmed(tl)
    paths = {request.partition("?")[0] for request, _ in asked}
    assert paths == {
        "/api/developments",
        "/api/positions",
        "/api/diff",
        "/api/explain",
        "/api/charts/relations",
    }
    assert [status for _, status in asked] == [200] * len(asked)  # read, not refused


def test_a_settled_worker_leaves_what_it_holds_to_no_collection() -> None:
    import gc

    from timeline.web import server

    before = gc.get_threshold()
    held = [[n] for n in range(1000)]  # objects the collector tracks
    try:
        server._settled()
        assert gc.get_threshold() == server.COLLECTED
        assert gc.get_freeze_count() >= len(held)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


@pytest.mark.skipif(not server_module.SPREADS, reason="the kernel spreads no connections")
def test_each_worker_listens_on_a_socket_of_its_own_and_connections_spread() -> None:
    sock = server_module._listen("127.0.0.1", 0, shared=True)
    socks = server_module._spread(sock, 3)
    try:
        assert len({id(s) for s in socks}) == 3
        assert {s.getsockname() for s in socks} == {sock.getsockname()}
        clients = [socket.create_connection(sock.getsockname()) for _ in range(60)]
        accepted = []
        for listening in socks:
            listening.setblocking(False)
            waiting = []
            while True:
                try:
                    waiting.append(listening.accept()[0])
                except BlockingIOError:
                    break
            accepted.append(len(waiting))
            for connection in waiting:
                connection.close()
        # One socket would have all 60 (a worker waking first takes every one waiting).
        assert sum(accepted) == 60
        assert min(accepted) > 0
        for client in clients:
            client.close()
    finally:
        for listening in socks:
            listening.close()


@pytest.mark.skipif(not server_module.SPREADS, reason="the kernel spreads no connections")
def test_a_second_server_with_workers_on_a_taken_port_is_refused() -> None:
    first = server_module._listen_alone("127.0.0.1", 0)
    host, port = first.getsockname()[:2]
    socks = server_module._spread(first, 2)
    try:
        # Shared sockets of one user would bind beside the first server's and take some
        # of its connections; a second server must say the address is taken instead.
        with pytest.raises(ServeError, match=f"cannot listen on 127.0.0.1:{port}"):
            server_module._listen_alone(host, port)
    finally:
        for listening in socks:
            listening.close()
    server_module._listen_alone(host, port).close()  # free again once the first has gone


def _not_read(*args: object, **kwargs: object) -> NoReturn:
    raise AssertionError("the topic chart's data was read again")


def test_the_page_is_made_again_ahead_when_the_store_moves_on(store: str, tmp_path: Path) -> None:
    from timeline.web import server

    url = f"sqlite:///{tmp_path / 'moving.db'}"
    with Timeline.open(url) as tl:
        tl.load(article_folder())
    folder = tmp_path / "shared"
    folder.mkdir()
    ended, end = os.pipe()  # a worker's sentinel: readable once it "ends"
    with Timeline.open(url) as tl, Timeline.open(url) as writer:
        app = create_app(tl, title="S-400", shared=folder)
        server._ahead(app)
        made = len(list(folder.glob("*.bytes")))
        keeping = threading.Thread(target=server._keep_ahead, args=(app, [ended]))
        keeping.start()
        try:
            writer.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
            deadline = time.monotonic() + 120
            while len(list(folder.glob("*.bytes"))) < 2 * made:
                assert time.monotonic() < deadline, "the page was not made again"
                time.sleep(0.1)
        finally:
            os.write(end, b"x")
            keeping.join(timeout=60)
        assert not keeping.is_alive()
        warm = TestClient(create_app(writer, title="S-400", shared=folder))
        with warm, pytest.MonkeyPatch.context() as patched:
            patched.setattr(charts_module, "topic_chart", _not_read)
            drawn = warm.get("/api/charts/topic?topic=s400-purchase&format=svg").content
        with TestClient(create_app(writer, title="S-400")) as cold:
            assert cold.get("/api/charts/topic?topic=s400-purchase&format=svg").content == drawn
    os.close(ended)
    os.close(end)


def test_the_shared_folder_keeps_at_most_its_bytes_the_latest_written(tmp_path: Path) -> None:
    from timeline.web.story import _Shared

    shared = _Shared(tmp_path, most=8_000)
    for n in range(40):
        answer = bytes([n]) * 1000
        assert shared.made(("answer", n), functools.partial(bytes, answer)) == answer
        held = sum(path.stat().st_size for path in tmp_path.glob("*.bytes"))
        assert held <= 8_000 + 8_000 // 8 + 1000
    assert sum(path.stat().st_size for path in tmp_path.glob("*.bytes")) >= 4_000
    # The latest answer is still kept (read, not made), an early one is made again.
    assert shared.made(("answer", 39), lambda: b"made again") == bytes([39]) * 1000
    assert shared.made(("answer", 0), lambda: b"made again") == b"made again"
