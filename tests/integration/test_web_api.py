"""The JSON API answers as the facade does, and every bad parameter gets a 4xx naming it."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.article import article_folder
from timeline import Timeline
from timeline.web import ServeError, create_app, running
from timeline.web.payloads import position


@pytest.fixture(scope="module")
def story() -> Timeline:
    """The bundled story, in memory."""
    tl = Timeline()
    tl.load(article_folder())
    return tl


@pytest.fixture(scope="module")
def client(story: Timeline) -> Iterator[TestClient]:
    """A client of the app on the bundled story."""
    with TestClient(create_app(story, title="Turkey's S-400 purchase")) as test_client:
        yield test_client


def get(client: TestClient, path: str, status: int = 200, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def test_the_story_gives_the_registry_and_the_days_to_lay_out(client: TestClient) -> None:
    info = get(client, "/api/story")
    assert info["title"] == "Turkey's S-400 purchase"
    assert [a["id"] for a in info["actors"]][:3] == ["TUR", "TUR.MFA", "RUS"]
    assert {t["id"] for t in info["topics"]} >= {"s400-purchase", "patriot-sale"}
    assert info["developments"] == 13
    assert (info["first_day"], info["last_day"]) == ("2017-12-01", "2018-12-20")
    assert (info["first_reported"], info["last_reported"]) == ("2018-12-20", "2018-12-20")
    assert info["knowledge_days"] == ["2018-12-20"]
    assert "2017-12-31" in info["story_days"]


@pytest.mark.parametrize(
    ("day", "known_at", "possible"),
    [
        ("2017-12-31", None, False),
        ("2017-11-30", None, False),
        ("2018-12-31", "2018-12-18", False),
        ("2018-06", None, True),
        ("2018", "2018-12-20", True),
    ],
)
def test_positions_are_the_facades(
    client: TestClient, story: Timeline, day: str, known_at: str | None, possible: bool
) -> None:
    answer = get(client, "/api/positions", day=day, known_at=known_at or "", possible=possible)
    view = story.as_of(day, known_at, possible=possible)
    names = {a.id: a.name for a in story.registry.actors.values()}
    assert answer["positions"] == [
        position(p, names.__getitem__) for p in view.positions().values()
    ]
    assert answer["day"] == view.day.isoformat()


def test_positions_on_the_three_days_the_page_is_tested_on(client: TestClient) -> None:
    def turkey(**params: Any) -> Any:
        found = get(client, "/api/positions", **params)["positions"]
        return next(
            (p for p in found if (p["actor"], p["topic"]) == ("TUR", "s400-purchase")), None
        )

    assert turkey(day="2017-12-31")["stance"] == "committed"
    assert turkey(day="2017-11-30") is None
    assert get(client, "/api/positions", day="2018-12-31", known_at="2018-12-18")["positions"] == []
    assert get(client, "/api/positions", day="2018-12-31", actor="USA", children=True)[
        "positions"
    ] == [
        p
        for p in get(client, "/api/positions", day="2018-12-31")["positions"]
        if p["actor"].startswith("USA")
    ]


def test_history_explain_diff_relations_developments(client: TestClient, story: Timeline) -> None:
    history = get(client, "/api/history", actor="Ankara", topic="S-400 deal", possible=True)
    expected = story.history("TUR", "s400-purchase", possible=True)
    assert [c["day"] for c in history["changes"]] == [c.day.isoformat() for c in expected]
    assert [c["kind"] for c in history["changes"]] == [c.kind for c in expected]

    why = get(client, "/api/explain", actor="TUR", topic="s400-purchase", day="2018-12-31")
    assert why["position"]["stance"] == "committed"
    assert [c["status"] for c in why["claims"]] == ["supporting", "winner"]
    assert why["claims"][1]["development"]["id"] == "cavusoglu-keeps-s400-deal"
    assert why["claims"][1]["development"]["source"]["publisher"] == "Sputnik"
    assert why["rule"] == story.explain("TUR", "s400-purchase", "2018-12-31").rule

    diff = get(client, "/api/diff", d1="2018-12-31", known_at="2018-12-18", vs_known_at="9999")
    assert {d["kind"] for d in diff["differences"]} == {"added"}
    assert len(diff["differences"]) == len(story.as_of("2018-12-31").positions())

    relations = get(client, "/api/relations", a="Turkey", b="Washington", by="quarter")
    periods = story.relations("TUR", "USA", by="quarter").periods
    assert [(p["label"], p["score"]) for p in relations["periods"]] == [
        (p.label, p.score) for p in periods
    ]

    listing = get(client, "/api/developments", topic="patriot-sale", reliability="official")
    assert [d["id"] for d in listing["developments"]] == [
        d.id for d in story.developments(topic="patriot-sale", reliability="official")
    ]
    assert get(client, "/api/developments", known_at="2018-12-18")["developments"] == []


def test_chart_data_and_images(client: TestClient) -> None:
    data = get(client, "/api/chart-data/topic", topic="s400-purchase")
    turkey = next(s for s in data["series"] if s["actor"] == "TUR")
    assert turkey["steps"][0] == {
        "start": "2017-12-01",
        "end": "2017-12-31",
        "stance": "committed",
        "tentative": True,
        "since": {"text": "2017-12", "earliest": "2017-12-01", "latest": "2017-12-31"},
        "evidence": ["s400-supply-agreement"],
    }
    for path, params in [
        ("/api/charts/topic", {"topic": "s400-purchase", "day": "2018-06-01"}),
        ("/api/charts/compare", {"topic": "s400-purchase", "known_at": "2018-12-19"}),
        ("/api/charts/relations", {"a": "TUR", "b": "USA", "by": "month"}),
    ]:
        for form, media, magic in [
            ("png", "image/png", b"\x89PNG"),
            ("svg", "image/svg+xml", b"<?xml"),
        ]:
            response = client.get(path, params={**params, "format": form})
            assert response.status_code == 200, response.text
            assert response.headers["content-type"] == media
            assert response.content.startswith(magic)


BAD: list[tuple[str, dict[str, str], int, str]] = [
    ("/api/positions", {}, 400, "day"),
    ("/api/positions", {"day": ""}, 400, "day"),
    ("/api/positions", {"day": "yesterday-ish"}, 400, "day"),
    ("/api/positions", {"day": "2018-13-01"}, 400, "day"),
    ("/api/positions", {"day": "2018", "known_at": "soon"}, 400, "known_at"),
    ("/api/positions", {"day": "2018", "possible": "perhaps"}, 400, "possible"),
    ("/api/positions", {"day": "2018", "actor": "Atlantis"}, 404, "actor"),
    ("/api/history", {"actor": "TUR"}, 400, "topic"),
    ("/api/history", {"actor": "Atlantis", "topic": "s400-purchase"}, 404, "actor"),
    ("/api/history", {"actor": "TUR", "topic": "moon-landing"}, 404, "topic"),
    ("/api/explain", {"actor": "TUR", "topic": "s400-purchase"}, 400, "day"),
    ("/api/explain", {"actor": "TUR", "topic": "s400-purchase", "day": "x"}, 400, "day"),
    ("/api/explain", {"actor": "TUR", "topic": "USA", "day": "2018", "limit": "0"}, 400, "limit"),
    ("/api/explain", {"actor": "TUR", "topic": "USA", "day": "2018", "skip": "-1"}, 400, "skip"),
    ("/api/diff", {"d1": "2018"}, 400, "d2"),
    ("/api/diff", {"d1": "2018", "d2": "20x8"}, 400, "d2"),
    ("/api/diff", {"d1": "2018", "vs_known_at": "later"}, 400, "vs_known_at"),
    ("/api/relations", {"a": "TUR", "b": "Turkey"}, 400, "b"),
    ("/api/relations", {"a": "TUR", "b": "USA", "by": "decade"}, 400, "by"),
    ("/api/relations", {"a": "Nobody", "b": "USA"}, 404, "a"),
    ("/api/developments", {"reliability": "rumour"}, 400, "reliability"),
    ("/api/developments", {"period": "someday"}, 400, "period"),
    ("/api/developments", {"topic": "nothing"}, 404, "topic"),
    ("/api/developments", {"limit": "0"}, 400, "limit"),
    ("/api/developments", {"limit": "2", "after": "then"}, 400, "after"),
    ("/api/charts/topic", {"topic": "s400-purchase", "format": "gif"}, 400, "format"),
    ("/api/charts/topic", {"topic": "s400-purchase", "day": "then"}, 400, "day"),
    ("/api/charts/compare", {"topic": "s400-purchase", "known_at": ""}, 400, "known_at"),
    ("/api/charts/relations", {"a": "TUR", "b": "TUR"}, 400, "b"),
    ("/api/chart-data/topic", {"topic": "nope"}, 404, "topic"),
]


@pytest.mark.parametrize("limit", [1, 2, 5])
@pytest.mark.parametrize("day", ["2018-06-30", "2018-12-31"])
def test_pages_of_an_explanation_joined_are_the_whole_explanation(
    client: TestClient, story: Timeline, day: str, limit: int
) -> None:
    names = {a.id: a.name for a in story.registry.actors.values()}
    for actor in names:
        for topic in story.registry.topics:
            asked: dict[str, Any] = {"actor": actor, "topic": topic, "day": day}
            whole = get(client, "/api/explain", **asked, limit=10_000)
            found = story.explain(actor, topic, day)
            assert [c["development"]["id"] for c in whole["claims"]] == [
                c.development.id for c in found.claims
            ]
            assert (whole["total"], whole["skip"], whole["earlier"]) == (len(found.claims), 0, None)
            joined: list[Any] = []
            skip: int | None = 0
            while skip is not None:
                page = get(client, "/api/explain", **asked, limit=limit, skip=skip)
                assert len(page["claims"]) == min(limit, len(found.claims) - skip)
                assert {**page, "claims": [], "skip": 0, "earlier": None} == {**whole, "claims": []}
                joined[:0], skip = page["claims"], page["earlier"]
            assert joined == whole["claims"]


@pytest.mark.parametrize(
    "params", [{}, {"known_at": "2018-12-20"}, {"actor": "TUR", "period": "2018"}, {"topic": "x"}]
)
def test_pages_of_developments_follow_one_another_to_the_whole_listing(
    client: TestClient, params: dict[str, str]
) -> None:
    params = {**params, "topic": "s400-purchase"} if "topic" in params else params
    whole = client.get("/api/developments", params=params).json()
    assert whole["next"] is None
    pages, after = [], ""
    while True:
        page = client.get("/api/developments", params={**params, "limit": 3, "after": after}).json()
        assert len(page["developments"]) <= 3
        pages += page["developments"]
        if page["next"] is None:
            break
        after = page["next"]
    assert pages == whole["developments"]
    assert len(pages) > 3 or params  # the unfiltered listing takes several pages


@pytest.mark.parametrize(("path", "params", "status", "parameter"), BAD)
def test_a_bad_parameter_is_a_4xx_json_error_naming_it(
    client: TestClient, path: str, params: dict[str, str], status: int, parameter: str
) -> None:
    error = get(client, path, status, **params)["error"]
    assert error["status"] == status
    assert error["parameter"] == parameter
    assert error["message"]


def test_an_unknown_path_is_a_json_404(client: TestClient) -> None:
    assert get(client, "/api/nothing", 404)["error"]["parameter"] is None


def test_the_openapi_document_describes_every_read(client: TestClient) -> None:
    document = get(client, "/api/openapi.json")
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert paths >= {
        f"/api/{name}"
        for name in (
            "story",
            "positions",
            "history",
            "diff",
            "explain",
            "developments",
            "relations",
        )
    }
    assert paths >= {"/api/charts/topic", "/api/charts/compare", "/api/charts/relations"}
    positions = document["paths"]["/api/positions"]["get"]
    assert {p["name"] for p in positions["parameters"]} == {
        "day",
        "known_at",
        "possible",
        "actor",
        "children",
    }
    assert {"200", "400", "404"} <= set(positions["responses"])


def test_the_page_and_its_files_are_served_with_a_strict_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert 'src="static/app.js"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name in ("app.js", "axis.js", "explain.js", "util.js", "app.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/api/story").headers["cache-control"] == "no-store"


def test_running_serves_on_loopback_and_stops(story: Timeline) -> None:
    with running(story) as base:
        assert base.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{base}/api/story", timeout=10) as response:
            assert response.status == 200
        port = int(base.rsplit(":", 1)[1])
        with (
            pytest.raises(ServeError, match=f"cannot listen on 127.0.0.1:{port}"),
            running(story, port=port),
        ):
            pass
    with socket.socket() as probe:  # nothing listens there once the server stopped
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def test_a_url_opens_and_closes_its_own_store(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as tl:
        tl.load(article_folder())
    with running(url) as base, urllib.request.urlopen(f"{base}/api/story", timeout=10) as answer:
        assert b'"developments":13' in answer.read()


def test_keep_alive_answers_are_not_held_back_by_delayed_acks() -> None:
    # A listening socket made without IPPROTO_TCP gets no TCP_NODELAY from asyncio, and
    # then every answer on a kept-alive connection waited ~40 ms (Nagle vs delayed ACK).
    # What asyncio does with an accepted connection is checked, not how long it takes.
    import asyncio.base_events

    from timeline.web.server import _listen

    listener = _listen("127.0.0.1", 0)
    try:
        assert listener.proto == socket.IPPROTO_TCP
        with socket.create_connection(listener.getsockname(), timeout=10):
            accepted, _ = listener.accept()
            with accepted:
                loop_helpers: Any = asyncio.base_events
                loop_helpers._set_nodelay(accepted)  # what the server's loop does
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listener.close()


SERVE = """
import sys
from timeline import Timeline, seeds
from timeline.web import serve
tl = Timeline()
tl.load(seeds.path())
serve(tl, port=int(sys.argv[1]), title="S-400", log_level="warning")
"""


def test_serve_binds_loopback_by_default_and_stops_on_sigterm() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line.strip() == f"timeline: serving 'S-400' on http://127.0.0.1:{port}/"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/story", timeout=10) as answer:
            assert json.load(answer)["title"] == "S-400"
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=20)
    assert code in (0, -signal.SIGTERM)


def test_ranks_show_in_explain_and_the_knowledge_days() -> None:
    tl = Timeline()
    tl.load(article_folder())
    tl.rank("us-senator-scrap-s400", "deprecated", reported="2019-03-01", reason="one senator")
    with TestClient(create_app(tl, title="ranked")) as ranked:
        assert "2019-03-01" in get(ranked, "/api/story")["knowledge_days"]
        why = get(
            ranked, "/api/explain", actor="USA.CONGRESS", topic="s400-purchase", day="2018-12-31"
        )
        assert why["position"] is None
        assert [(c["development"]["id"], c["status"]) for c in why["claims"]] == [
            ("us-senator-scrap-s400", "deprecated")
        ]
        assert why["claims"][0]["development"]["claims"][0]["rank"] == "deprecated"
        before = get(
            ranked, "/api/explain", actor="USA.CONGRESS", topic="s400-purchase",
            day="2018-12-31", known_at="2019-02-28",
        )  # fmt: skip
        assert before["position"]["stance"] == "opposes"
