"""The installed `timeline` command, run as a user would: a subprocess with a fresh HOME.

The helpers here (`environment`, `timeline`, `as_json`) are shared by the other
`test_cli_*.py` files.
"""

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

from tests.article import article_folder
from timeline import Timeline
from timeline.cli import Settings, run
from timeline.cli._text import position_json
from timeline.engine import When

TIMELINE = Path(sys.executable).parent / "timeline"
# Variables of the caller's environment that would change what the command does.
DROPPED = ("TIMELINE_DB", "XDG_DATA_HOME", "XDG_CACHE_HOME", "COLUMNS", "NO_COLOR", "TERM")
UK_NOTE = """\
[[actor]]
id = "GBR"
name = "United Kingdom"

[[development]]
id = "uk-note"
occurred = "2018-12"
reported = "2018-12-20"
kind = "statement"
summary = "A note."
actors = ["GBR"]
source = { publisher = "P", reliability = "named" }
"""


# Set by `article_environment`: `timeline(env, "demo", ...)` then runs on this store.
ARTICLE_DB = "TIMELINE_TEST_ARTICLE_DB"


def environment(tmp: Path, **extra: str) -> dict[str, str]:
    """The caller's environment with a fresh HOME under `tmp`, and no colour."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    return {**env, "HOME": str(tmp / "home"), "NO_COLOR": "1", **extra}


def article_environment(tmp: Path, **extra: str) -> dict[str, str]:
    """An environment whose `demo` commands (run by `timeline`) read a store of the
    article's files alone: the answers the tests about the article expect."""
    path = tmp / "article.db"
    with Timeline.open(f"sqlite:///{path}") as tl:
        tl.load(article_folder())
    return {**environment(tmp, **extra), ARTICLE_DB: str(path)}


def data(env: dict[str, str]) -> Path:
    """The data folder of an environment made by `environment`."""
    return Path(env["HOME"]) / ".local" / "share" / "timeline"


def timeline(
    env: dict[str, str], *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs the installed command; never raises on a non-zero exit."""
    if ARTICLE_DB in env:
        args = _on_article(env[ARTICLE_DB], args)
    return subprocess.run(
        [str(TIMELINE), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


def _on_article(path: str, args: tuple[str, ...]) -> tuple[str, ...]:
    """The arguments with a leading `demo` (after options) run on the store at `path`."""
    for n, arg in enumerate(args):
        if arg == "demo" and args[n + 1 : n + 2] != ("reset",):
            return (*args[:n], "--db", path, *args[n + 1 :])
        if not arg.startswith("-"):
            break
    return args


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    """The command's JSON output, after checking it succeeded."""
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose demo store has been made once."""
    env = article_environment(tmp_path_factory.mktemp("cli"))
    assert timeline(env, "demo", "developments").returncode == 0
    return env


@pytest.fixture(scope="module")
def story() -> Iterator[Timeline]:
    """The article's story in an in-memory timeline: the library's own answers."""
    with Timeline() as tl:
        tl.load(article_folder())
        yield tl


def test_the_readme_first_command_prints_the_bundled_positions(tmp_path: Path) -> None:
    env = environment(tmp_path)
    first = timeline(env, "demo", "positions", "--as-of", "2018-12-31")
    assert first.returncode == 0, first.stderr
    assert "made the demo store" in first.stderr
    assert (data(env) / "demo.db").is_file()
    assert not (data(env) / "story.db").exists()  # the user's own store is not touched
    assert first.stdout.startswith("Positions as of 31 Dec 2018:\n")
    assert re.search(r"^TUR\s+s400-purchase\s+committed\s", first.stdout, re.M)
    again = timeline(env, "demo", "positions", "--as-of", "2018-12-31")
    assert (again.returncode, again.stderr, again.stdout) == (0, "", first.stdout)


def test_positions_json_matches_the_library(demo: dict[str, str], story: Timeline) -> None:
    document = as_json(timeline(demo, "demo", "positions", "--as-of", "2018-12-31", "--json"))
    view = story.as_of("2018-12-31")
    assert document == {
        "as_of": "2018-12-31",
        "known_at": None,
        "possible": False,
        "positions": [position_json(p) for p in view.positions().values()],
    }
    turkey = next(p for p in document["positions"] if p["actor"] == "TUR")
    assert turkey["topic"] == "f35-participation"  # sorted by actor, then topic


def test_known_at_and_possible(demo: dict[str, str], story: Timeline) -> None:
    # The article appeared on 19 or 20 December 2018: by the 19th nothing was certainly known.
    early = as_json(
        timeline(
            demo, "--json", "demo", "positions", "--as-of", "2018-12-31", "--known-at", "2018-12-19"
        )
    )
    assert (early["known_at"], early["positions"]) == ("2018-12-19", [])
    possible = as_json(
        timeline(demo, "demo", "positions", "--as-of", "2018-06-30", "--possible", "--json")
    )
    expected = story.as_of("2018-06-30", possible=True).positions()
    assert possible["positions"] == [position_json(p) for p in expected.values()]
    assert any(p["tentative"] for p in possible["positions"])


def test_developments_overlapping_a_range(demo: dict[str, str], story: Timeline) -> None:
    document = as_json(
        timeline(demo, "demo", "developments", "--from", "2018-11", "--to", "2018-11", "--json")
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
    table = timeline(demo, "demo", "developments", "--to", "2017-12")
    assert table.stdout.splitlines()[0].split() == ["id", "occurred", "kind", "summary"]
    assert "s400-supply-agreement" in table.stdout


def test_bad_input_exits_2_with_the_located_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(UK_NOTE.replace('occurred = "2018-12"', 'occurred = "2018-13"'), "utf-8")
    result = timeline(environment(tmp_path), "load", str(bad))
    assert result.returncode == 2
    assert f"{bad}:7: development 'uk-note' field 'occurred': cannot read date" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_db_option_and_variable_pick_another_store(tmp_path: Path) -> None:
    env = environment(tmp_path)
    (tmp_path / "story.toml").write_text(UK_NOTE, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'other.db'}"
    loaded = timeline(env, "load", str(tmp_path / "story.toml"), "--db", url)
    assert (loaded.returncode, loaded.stderr) == (0, ""), loaded.stderr
    listed = as_json(timeline({**env, "TIMELINE_DB": url}, "developments", "--json"))
    assert [d["id"] for d in listed["developments"]] == ["uk-note"]
    assert not data(env).exists()  # the default store was never touched


def test_help_works_for_the_installed_command(tmp_path: Path) -> None:
    result = timeline(environment(tmp_path), "positions", "--help")
    assert result.returncode == 0
    assert "--as-of D" in result.stdout
    assert "--known-at K" in result.stdout
    assert not (tmp_path / "home").exists()  # help creates nothing


# -- in process: cheap checks of the same entry point -----------------------------------


def call(tmp: Path, *argv: str) -> tuple[int, str, str]:
    """Runs the command in this process on a store of the article's files (made in `tmp`
    on first use); returns (status, stdout, stderr)."""
    path = tmp / "article.db"
    if not path.exists():
        with Timeline.open(f"sqlite:///{path}") as tl:
            tl.load(article_folder())
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(["--db", str(path), *argv], Settings(None, tmp), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


# Every command's help: tests/integration/test_docs.py, over the real registry.


def test_no_command_prints_help(tmp_path: Path) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run([], Settings(None, tmp_path), stdout, stderr)
    assert status in (0, 2)
    assert "Usage: timeline" in stdout.getvalue() + stderr.getvalue()
    assert "positions" in stdout.getvalue() + stderr.getvalue()


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
def test_bad_input_in_process(tmp_path: Path, argv: list[str], message: str) -> None:
    status, _, stderr = call(tmp_path, *argv)
    assert status == 2
    assert message in " ".join(stderr.split())


def test_history_of_a_position(tmp_path: Path, story: Timeline) -> None:
    from timeline.cli._history import change_json

    expected = story.history("TUR", "s400-purchase")
    status, stdout, _ = call(tmp_path, "history", "Ankara", "S-400 deal", "--json")
    assert status == 0
    document = json.loads(stdout)
    assert (document["actor"], document["topic"]) == ("TUR", "s400-purchase")
    assert [{k: v for k, v in c.items() if k != "when"} for c in document["changes"]] == [
        change_json(c) for c in expected
    ]
    assert document["changes"][0]["when"] == "2017-12"
    assert document["changes"][-1]["after"]["stance"] == "committed"
    status, table, _ = call(tmp_path, "history", "TUR", "s400-purchase", "--known-at", "2019")
    assert status == 0
    assert table.splitlines()[1].split()[:3] == ["when", "change", "stance"]
    assert "s400-supply-agreement" in table


def test_diff_between_days_and_between_knowledge(tmp_path: Path, story: Timeline) -> None:
    status, stdout, _ = call(tmp_path, "diff", "2017-11-30", "2017-12-31", "--json")
    assert status == 0
    changes = {(d["actor"], d["topic"]): d for d in json.loads(stdout)["differences"]}
    assert changes[("TUR", "s400-purchase")]["change"] == "added"
    assert len(changes) == len(story.diff("2017-11-30", "2017-12-31").differences)
    status, stdout, _ = call(
        tmp_path, "diff", "2018-12-31", "--known-at", "2018-12-19", "--vs-known-at", "2018-12-20"
    )
    assert status == 0
    assert re.search(r"^USA\.STATE\s+patriot-sale\s+added", stdout, re.M)


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
    meta, *records = [json.loads(line) for line in stdout.splitlines()]
    assert meta["type"] == "meta"
    assert meta["position"] == story.position
    assert records
    assert {r["id"] for r in records} == {d.id for d in story.developments()}
    assert all(r["event"] or r["has_event"] is False for r in records)  # nothing left out
