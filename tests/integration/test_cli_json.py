"""One JSON serializer: `show --json`, `developments --json`, the web API and `export` write a
development (claim ranks included) and a position the same way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_cli import as_json, environment, timeline
from timeline import Timeline, seeds
from timeline.projections.export import development_record, position_record


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("json")
    found = environment(tmp, TIMELINE_DB=f"sqlite:///{tmp / 'story.db'}")
    assert timeline(found, "init").returncode == 0
    assert timeline(found, "load", str(seeds.path())).returncode == 0
    ranked = timeline(
        found, "rank", "us-senator-scrap-s400", "deprecated", "--reported", "2019-03-01",
        "--reason", "one senator is not Congress",
    )  # fmt: skip
    assert ranked.returncode == 0, ranked.stderr
    return found


def _exported(env: dict[str, str]) -> dict[str, Any]:
    document = as_json(timeline(env, "export", "--format", "json"))
    return {record["id"]: record for record in document["developments"]}


def test_show_and_developments_keep_the_ranks_export_keeps(env: dict[str, str]) -> None:
    exported = _exported(env)
    assert exported["us-senator-scrap-s400"]["claims"][0]["rank"] == "deprecated"
    shown = as_json(timeline(env, "show", "us-senator-scrap-s400", "--json"))
    assert shown["effective"] == exported["us-senator-scrap-s400"]
    listed = as_json(timeline(env, "developments", "--json"))
    rows = listed if isinstance(listed, list) else listed["developments"]
    for row in rows:
        record = {key: value for key, value in row.items() if key in exported[row["id"]]}
        assert record == exported[row["id"]]


def test_the_web_api_writes_developments_and_positions_with_the_same_records(
    tmp_path: Path,
) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from timeline.web import create_app

    tl = Timeline()
    tl.load(seeds.path())
    tl.rank("us-senator-scrap-s400", "deprecated", reported="2019-03-01", reason="one senator")
    client = TestClient(create_app(tl))
    listed = client.get("/api/developments").json()["developments"]
    by_id = {d.id: d for d in tl.developments()}
    for row in listed:
        expected = development_record(by_id[row["id"]])
        # The API's schema states every claim's rank, the normal one too, and every
        # source's day and origin, null when not given.
        expected["claims"] = [{"rank": "normal", **claim} for claim in expected["claims"]]
        unset = {"published": None, "repeats": None}
        expected["source"] = {**unset, **expected["source"]}
        if "reports" in expected:
            expected["reports"] = [{**unset, **report} for report in expected["reports"]]
        for key, value in expected.items():
            if key not in ("occurred", "reported"):  # the API adds each date's span
                assert row[key] == value, key
    positions = client.get("/api/positions", params={"day": "2018-12-31"}).json()["positions"]
    view = tl.as_of("2018-12-31")
    for row in positions:
        expected = position_record(view.positions()[(row["actor"], row["topic"])])
        for key, value in expected.items():
            if key != "since":  # the API adds the days `since` spans
                assert row[key] == value, key
    assert json.dumps(positions)
