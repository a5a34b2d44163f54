"""The web app refuses foreign hosts and huge URLs, says store faults, and reads side by side."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from tests.article import article_folder
from timeline import Development, Source, StanceClaim, Timeline, seeds
from timeline.formats._exchange import export
from timeline.web import create_app, running
from timeline.web.hosts import Hosts

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def story() -> Timeline:
    """The bundled story, in memory."""
    tl = Timeline()
    tl.load(seeds.path())
    return tl


# -- Host ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listening", "names", "admitted", "refused"),
    [
        ("127.0.0.1", (), ["127.0.0.1:8000", "localhost:8000", "LOCALHOST", "127.0.0.1"],
         ["evil.example:8000", "127.0.0.2", "[::1]:8000", "localhost.evil.example", ""]),
        ("::1", (), ["[::1]:8000", "localhost"], ["127.0.0.1:8000", "evil.example"]),
        ("0.0.0.0", ("story.example",), ["10.1.2.3:80", "[fe80::1]", "story.example:8000",
                                        "Story.Example.", "localhost"], ["evil.example"]),
        ("192.0.2.7", ("story.example",), ["192.0.2.7:8000", "story.example"],
         ["localhost", "127.0.0.1", "evil.example"]),
    ],
)  # fmt: skip
def test_a_host_is_answered_only_when_it_is_an_address_or_a_name_served(
    listening: str, names: tuple[str, ...], admitted: list[str], refused: list[str]
) -> None:
    hosts = Hosts.serving(listening, names)
    assert [h for h in admitted if not hosts.admits(h)] == []
    assert [h for h in refused if hosts.admits(h)] == []


def test_a_foreign_host_is_refused_before_any_read(story: Timeline) -> None:
    app = create_app(story, hosts=Hosts.serving("127.0.0.1", ["story.example"]))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/api/story").status_code == 200
        assert client.get("/api/story", headers={"Host": "story.example"}).status_code == 200
        refused = client.get("/api/story", headers={"Host": "rebound.example:8000"})
        assert refused.status_code == 421
        error = refused.json()["error"]
        assert error["parameter"] == "Host"
        assert "'rebound.example:8000' is not served here" in error["message"]
        assert "Turkey" not in refused.text
        assert client.get("/", headers={"Host": "rebound.example"}).status_code == 421


def test_serve_checks_the_host_header(story: Timeline) -> None:
    with running(story) as base:
        plain = urllib.request.Request(f"{base}/api/story")
        with urllib.request.urlopen(plain, timeout=10) as answer:
            assert answer.status == 200
        foreign = urllib.request.Request(f"{base}/api/story", headers={"Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(foreign, timeout=10)
        assert raised.value.code == 421


def test_a_dns_rebinding_page_in_chromium_cannot_read_the_store(
    browser: Browser, story: Timeline
) -> None:
    # The name resolves to 127.0.0.1, as a rebound domain does; the page is served
    # under it only when the server was told that it is its own name.
    with running(story) as plain, running(story, public_names=["story.example"]) as named:
        for base, expected in ((plain, 421), (named, 200)):
            port = base.rsplit(":", 1)[1]
            url = f"http://rebind.example:{port}/api/story"
            if expected == 200:
                url = url.replace("rebind.example", "story.example")
            context = browser.new_context()
            try:
                page = context.new_page()
                answer = page.goto(url)
                assert answer is not None
                assert answer.status == expected
                assert ("Turkey" in page.inner_text("body")) is (expected == 200)
            finally:
                context.close()


@pytest.fixture(scope="module")
def browser(browser: Browser) -> Iterator[Browser]:
    """The session's Chromium launched again, resolving the test's names to 127.0.0.1."""
    from tests.browser import CHROMIUM_ARGS, chromium_path

    rules = "--host-resolver-rules=MAP rebind.example 127.0.0.1, MAP story.example 127.0.0.1"
    launched = browser.browser_type.launch(
        executable_path=chromium_path(), args=[*CHROMIUM_ARGS, rules]
    )
    try:
        yield launched
    finally:
        launched.close()


# -- URLs, store faults, a replaced file ------------------------------------------------------


def test_a_huge_query_is_414(story: Timeline) -> None:
    with TestClient(create_app(story)) as client:
        answer = client.get("/api/positions", params={"day": "2018-12-31", "actor": "x" * 20_000})
        assert answer.status_code == 414
        assert "expected at most 8,192" in answer.json()["error"]["message"]


def _file_store(path: Path, count: int = 13) -> Path:
    with Timeline.open(f"sqlite:///{path}") as tl:
        tl.load(article_folder())  # the article's 13 developments
        for n in range(count - 13):
            tl.record(
                Development(
                    id=f"extra-{n}",
                    occurred="2019-01",
                    reported="2019-02-01",
                    kind="statement",
                    summary="One more statement.",
                    actors=["TUR"],
                    source=Source("Reuters", "named"),
                    claims=[StanceClaim("TUR", "patriot-sale", "opposes")],
                )
            )
        tl.as_of("2019").positions()
    return path


def test_a_store_fault_is_503_with_its_reason(tmp_path: Path) -> None:
    db = _file_store(tmp_path / "story.db")
    with Timeline.open(f"sqlite:///{db}") as tl, TestClient(create_app(tl)) as client:
        assert client.get("/api/positions", params={"day": "2019"}).status_code == 200
        with sqlite3.connect(db) as conn:
            conn.execute("DROP TABLE positions_claims")
        answer = client.get("/api/positions", params={"day": "2018-06-01"})
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "5"
        message = answer.json()["error"]["message"]
        assert message.startswith("the store could not be read: ")
        assert "positions_claims" in message
        assert "internal error" not in answer.text


def test_a_closed_store_is_503(story: Timeline) -> None:
    tl = Timeline()
    tl.load(seeds.path())
    with TestClient(create_app(tl)) as client:
        tl.close()
        answer = client.get("/api/positions", params={"day": "2019"})
        assert answer.status_code == 503
        assert "the store is closed" in answer.json()["error"]["message"]


def test_a_store_file_replaced_under_the_server_is_read_again(tmp_path: Path) -> None:
    db = _file_store(tmp_path / "story.db")
    other = _file_store(tmp_path / "other.db", count=15)
    with Timeline.open(f"sqlite:///{db}") as tl, TestClient(create_app(tl)) as client:
        assert client.get("/api/story").json()["developments"] == 13
        shutil.copyfile(other, tmp_path / "copy.db")
        (tmp_path / "copy.db").replace(db)  # as `cp other.db story.db` through a new file
        assert client.get("/api/story").json()["developments"] == 15
        listed = client.get("/api/developments").json()["developments"]
        assert "extra-1" in {d["id"] for d in listed}
        db.unlink()
        gone = client.get("/api/story")
        assert gone.status_code == 503
        assert "was removed" in gone.json()["error"]["message"]


# -- side by side --------------------------------------------------------------------------


def test_concurrent_readers_get_the_answers_one_reader_gets(tmp_path: Path) -> None:
    db = _file_store(tmp_path / "story.db")
    days = [f"{year}-{month:02d}-01" for year in (2017, 2018, 2019) for month in (1, 4, 7, 10)]
    with Timeline.open(f"sqlite:///{db}") as tl:
        expected = {day: _positions(tl, day) for day in days}
        found: list[tuple[str, Any]] = []
        failures: list[BaseException] = []
        with running(tl) as base:

            def reader(seed: int) -> None:
                rng = random.Random(seed)
                try:
                    for day in rng.sample(days, len(days)):
                        url = f"{base}/api/positions?day={day}"
                        with urllib.request.urlopen(url, timeout=30) as answer:
                            found.append((day, json.load(answer)["positions"]))
                except BaseException as error:
                    failures.append(error)

            threads = [threading.Thread(target=reader, args=(n,)) for n in range(20)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    assert failures == []
    assert len(found) == 20 * len(days)
    assert all(positions == expected[day] for day, positions in found)


def _positions(tl: Timeline, day: str) -> Any:
    with TestClient(create_app(tl)) as client:
        return client.get("/api/positions", params={"day": day}).json()["positions"]


# -- TimelineJS inlined in a page ------------------------------------------------------------


def test_timelinejs_json_never_ends_a_script_element(story: Timeline) -> None:
    tl = Timeline()
    tl.load(seeds.path())
    tl.revise(
        "patriot-sale-approved",
        reported="2019-01-15",
        reason="a correction",
        summary="Approved </script><script>alert(1)</script>",
    )
    text = export(tl, "timelinejs")
    assert "</" not in text  # neither the summary's nor the document's own HTML
    document = json.loads(text)
    assert document["title"]["text"]["text"].endswith("</small></p>")  # the same JSON
    assert "alert(1)" in json.dumps(document["events"])


def test_a_kept_answer_is_answered_again_once_the_store_moves_on() -> None:
    tl = Timeline()
    tl.load(article_folder())
    params = {"day": "2019-12-31", "actor": "TUR"}
    with TestClient(create_app(tl)) as client:
        first = client.get("/api/positions", params=params).json()["positions"]
        assert client.get("/api/positions", params=params).json()["positions"] == first
        tl.record(
            Development(
                id="turkey-cancels",
                occurred="2019-06",
                reported="2019-06-30",
                kind="statement",
                summary="Turkey cancels the purchase.",
                actors=["TUR"],
                source=Source("Reuters", "named"),
                claims=[StanceClaim("TUR", "s400-purchase", "rejects")],
            )
        )
        after = client.get("/api/positions", params=params).json()["positions"]
    held = {(p["actor"], p["topic"]): p["stance"] for p in after}
    assert held[("TUR", "s400-purchase")] == "rejects"
    assert after != first
