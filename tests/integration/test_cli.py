"""The installed `timeline` command, run as a user would, against a private data folder."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from timeline import Timeline, seeds
from timeline.cli import Settings, run
from timeline.cli import _output as out
from timeline.engine import When

TIMELINE = Path(sys.executable).parent / "timeline"
COMMANDS = [
    "positions",
    "developments",
    "history",
    "load",
    "diff",
    "explain",
    "relations",
    "export",
]


def environment(tmp: Path, **extra: str) -> dict[str, str]:
    """The caller's environment with the data folder and home moved under `tmp`."""
    env = {k: v for k, v in os.environ.items() if k not in ("TIMELINE_DB", "XDG_DATA_HOME")}
    return {**env, "XDG_DATA_HOME": str(tmp / "data"), "HOME": str(tmp / "home"), **extra}


def timeline(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Runs the installed command; never raises on a non-zero exit."""
    return subprocess.run(
        [str(TIMELINE), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    """The command's JSON output, after checking it succeeded quietly."""
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose default store has been created and seeded once."""
    env = environment(tmp_path_factory.mktemp("cli"))
    assert timeline(env, "developments").returncode == 0
    return env


@pytest.fixture(scope="module")
def story() -> Iterator[Timeline]:
    """The bundled story in an in-memory timeline: the library's own answers."""
    with Timeline() as tl:
        tl.load(seeds.path())
        yield tl


def test_first_use_creates_and_seeds_the_default_store(tmp_path: Path) -> None:
    env = environment(tmp_path)
    first = timeline(env, "positions", "--as-of", "2018-12-31")
    assert first.returncode == 0, first.stderr
    assert "loaded the bundled story" in first.stderr
    assert (tmp_path / "data" / "timeline" / "story.db").is_file()
    assert re.search(r"^TUR\s+s400-purchase\s+committed\s", first.stdout, re.M)
    again = timeline(env, "positions", "--as-of", "2018-12-31")
    assert (again.returncode, again.stderr, again.stdout) == (0, "", first.stdout)


def test_positions_json_matches_the_library(seeded: dict[str, str], story: Timeline) -> None:
    document = as_json(timeline(seeded, "positions", "--as-of", "2018-12-31", "--json"))
    view = story.as_of("2018-12-31")
    assert document == {
        "as_of": "2018-12-31",
        "known_at": None,
        "possible": False,
        "positions": [out.position_json(p) for p in view.positions().values()],
    }
    turkey = next(p for p in document["positions"] if p["actor"] == "TUR")
    assert turkey["topic"] == "f35-participation"  # sorted by actor, then topic
    assert {"actor", "topic", "stance", "since", "tentative", "evidence"} == set(turkey)


def test_known_at_and_possible(seeded: dict[str, str], story: Timeline) -> None:
    # The article appeared on 19 or 20 December 2018: by the 19th nothing was certainly known.
    early = as_json(
        timeline(seeded, "--json", "positions", "--as-of", "2018-12-31", "--known-at", "2018-12-19")
    )
    assert early["known_at"] == "2018-12-19"
    assert early["positions"] == []
    possible = as_json(
        timeline(seeded, "positions", "--as-of", "2018-06-30", "--possible", "--json")
    )
    expected = story.as_of("2018-06-30", possible=True).positions()
    assert possible["positions"] == [out.position_json(p) for p in expected.values()]
    assert any(p["tentative"] for p in possible["positions"])


def test_developments_overlapping_a_range(seeded: dict[str, str], story: Timeline) -> None:
    document = as_json(
        timeline(seeded, "developments", "--from", "2018-11", "--to", "2018-11", "--json")
    )
    ids = [d["id"] for d in document["developments"]]
    nov = When("2018-11")
    expected = [
        d.id
        for d in story.developments()
        if d.occurred.latest >= nov.earliest and d.occurred.earliest <= nov.latest
    ]
    assert ids == expected
    assert "cavusoglu-keeps-s400-deal" in ids
    assert "s400-supply-agreement" not in ids
    table = timeline(seeded, "developments", "--to", "2017-12")
    assert table.stdout.splitlines()[0].split() == ["id", "occurred", "reported", "kind", "summary"]
    assert "s400-supply-agreement" in table.stdout


def test_bad_input_exits_2_with_the_located_problem(seeded: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[development]]\nid = "x"\noccurred = "2018-13"\nreported = "2018-12-19"\n'
        'kind = "statement"\nsummary = "S."\nactors = ["TUR"]\n'
        'source = { publisher = "P", reliability = "named" }\n',
        encoding="utf-8",
    )
    result = timeline(seeded, "load", str(bad))
    assert result.returncode == 2
    assert f"{bad}:3: development 'x' field 'occurred': cannot read date '2018-13'" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_db_option_and_variable_pick_another_store(tmp_path: Path) -> None:
    env = environment(tmp_path)
    story = tmp_path / "story.toml"
    story.write_text(
        '[[actor]]\nid = "GBR"\nname = "United Kingdom"\n\n'
        '[[development]]\nid = "uk-note"\noccurred = "2018-12"\nreported = "2018-12-20"\n'
        'kind = "statement"\nsummary = "A note."\nactors = ["GBR"]\n'
        'source = { publisher = "P", reliability = "named" }\n',
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'other.db'}"
    loaded = timeline(env, "load", str(story), "--db", url)
    assert (loaded.returncode, loaded.stderr) == (0, ""), loaded.stderr
    listed = as_json(timeline({**env, "TIMELINE_DB": url}, "developments", "--json"))
    assert [d["id"] for d in listed["developments"]] == ["uk-note"]
    assert not (tmp_path / "data").exists()  # the default store was never touched


def test_help_works_for_the_installed_command(tmp_path: Path) -> None:
    result = timeline(environment(tmp_path), "positions", "--help")
    assert result.returncode == 0
    assert "--as-of D" in result.stdout
    assert "--known-at K" in result.stdout


# -- in process: cheap checks of the same entry point -----------------------------------


def call(tmp: Path, *argv: str) -> tuple[int, str, str]:
    """Runs the command in this process; returns (status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(argv), Settings(None, tmp), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, *_ = call(tmp_path, command, "--help")
    assert status == 0
    assert f"usage: timeline {command}" in capsys.readouterr().out
    assert not tmp_path.joinpath("timeline").exists()


def test_no_command_prints_help_and_exits_2(tmp_path: Path) -> None:
    status, stdout, stderr = call(tmp_path)
    assert (status, stdout) == (2, "")
    assert "usage: timeline" in stderr
    assert "positions" in stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["positions", "--as-of", "2018-13"], "month 13 is not 01-12"),
        (
            ["positions", "--as-of", "2018", "--actor", "Ankra"],
            "unknown actor 'Ankra'; did you mean 'TUR'?",
        ),
        (["positions", "--as-of", "2018", "--children"], "--children needs --actor"),
        (["load", "no-such-folder"], "no-such-folder: no such file"),
    ],
)
def test_bad_input_in_process(
    tmp_path: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, stderr = call(tmp_path, *argv)
    assert status == 2
    assert message in stderr + capsys.readouterr().err


def test_history_of_a_position(tmp_path: Path, story: Timeline) -> None:
    expected = story.history("TUR", "s400-purchase")
    status, stdout, _ = call(tmp_path, "history", "Ankara", "S-400 deal", "--json")
    assert status == 0
    document = json.loads(stdout)
    assert (document["actor"], document["topic"]) == ("TUR", "s400-purchase")
    assert document["changes"] == [out.change_json(c) for c in expected]
    assert document["changes"][-1]["after"]["stance"] == "committed"
    status, table, _ = call(tmp_path, "history", "TUR", "s400-purchase", "--known-at", "2019")
    assert status == 0
    assert table.splitlines()[0].split()[:4] == ["day", "change", "before", "after"]
    assert "s400-supply-agreement" in table


def test_diff_between_days_and_between_knowledge(tmp_path: Path, story: Timeline) -> None:
    status, stdout, _ = call(tmp_path, "diff", "2017-11-30", "2017-12-31", "--json")
    assert status == 0
    changes = {(d["actor"], d["topic"]): d for d in json.loads(stdout)["differences"]}
    assert changes[("TUR", "s400-purchase")]["change"] == "added"
    expected = story.diff("2017-11-30", "2017-12-31")
    assert len(changes) == len(expected.differences)
    status, stdout, _ = call(
        tmp_path, "diff", "2018-12-31", "--known-at", "2018-12-19", "--vs-known-at", "2018-12-20"
    )
    assert status == 0
    assert "USA.STATE     patriot-sale" in stdout


def test_explain_names_the_winning_claim_and_its_run(tmp_path: Path) -> None:
    status, stdout, _ = call(
        tmp_path, "explain", "Ankara", "s400-purchase", "--as-of", "2018-12-31", "--json"
    )
    assert status == 0
    document = json.loads(stdout)
    statuses = {c["development"]: c["status"] for c in document["claims"]}
    assert statuses == {
        "s400-supply-agreement": "supporting",
        "cavusoglu-keeps-s400-deal": "winner",
    }
    assert document["position"]["stance"] == "committed"
    assert "latest in story order" in document["rule"]


def test_relations_and_export(tmp_path: Path, story: Timeline) -> None:
    status, stdout, _ = call(tmp_path, "relations", "USA", "TUR", "--by", "year", "--json")
    assert status == 0
    periods = json.loads(stdout)["periods"]
    assert [p["period"] for p in periods] == [
        p.label for p in story.relations("USA", "TUR", by="year").periods
    ]
    status, stdout, _ = call(tmp_path, "export", "--format", "timelinejs")
    assert status == 0
    slides = json.loads(stdout)["events"]
    assert {s["unique_id"] for s in slides} == {d.id for d in story.developments()}
    status, stdout, _ = call(tmp_path, "export", "--format", "plover")
    assert status == 0
    assert all(json.loads(line)["coder"] == "timeline" for line in stdout.splitlines())
