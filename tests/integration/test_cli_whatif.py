"""`--what-if FILE` on the read commands, and `timeline branch`: speculative answers, unwritten."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration.test_cli import ARTICLE_DB, article_environment, as_json, timeline
from timeline import Timeline

WHAT_IF = """\
[[development]]
id = "turkey-cancels-s400"
occurred = "2019-06"
reported = "2019-06-30"
kind = "rejection"
summary = "What if Turkey had cancelled the S-400 purchase."
actors = ["TUR"]
targets = ["RUS"]
source = { publisher = "What-if", reliability = "named" }
claims = [{ actor = "TUR", topic = "s400-purchase", stance = "rejects" }]

[[retraction]]
development = "us-senator-scrap-s400"
reported = "2019-02-01"
reason = "what if it was misattributed"
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose demo store has been made once."""
    found = article_environment(tmp_path_factory.mktemp("whatif"))
    assert timeline(found, "demo", "actors").returncode == 0
    return found


@pytest.fixture
def what_if(tmp_path: Path) -> Path:
    path = tmp_path / "what-if.toml"
    path.write_text(WHAT_IF, encoding="utf-8")
    return path


def _held(document: dict[str, object]) -> dict[tuple[str, str], str]:
    positions = document["positions"]
    assert isinstance(positions, list)
    return {(p["actor"], p["topic"]): p["stance"] for p in positions}


def _wired() -> None:
    """The read commands take `--what-if` (the decorator and `opened(app)`, in each module)."""
    from timeline.cli._compare import diff, relations
    from timeline.cli._explain import explain
    from timeline.cli._history import history
    from timeline.cli._reads import developments, positions

    for command in (positions, developments, history, diff, explain, relations):
        options = {opt for param in command.params for opt in param.opts}
        assert "--what-if" in options, (
            f"'timeline {command.name}' has no --what-if yet: add @what_if and open the "
            "store with opened(app) (timeline/cli/_whatif.py)"
        )


def _stored(env: dict[str, str]) -> tuple[int, object]:
    with Timeline.open(f"sqlite:///{env[ARTICLE_DB]}") as tl:
        return tl.head, tl.as_of("2019").positions()


def test_what_if_shows_the_speculative_position_for_that_command_only(
    env: dict[str, str], what_if: Path
) -> None:
    _wired()
    before = _stored(env)
    shown = timeline(env, "demo", "positions", "--as-of", "2019", "--what-if", str(what_if))
    assert shown.returncode == 0, shown.stderr
    assert re.search(
        r"^TUR\s+s400-purchase\s+rejects\s+2019-06\s+turkey-cancels-s400$", shown.stdout, re.M
    )
    assert "USA.CONGRESS  s400-purchase" not in shown.stdout  # its claim was retracted
    assert "what if: 1 development, 1 retraction" in " ".join(shown.stderr.split())
    plain = timeline(env, "demo", "positions", "--as-of", "2019")
    assert plain.returncode == 0, plain.stderr
    assert re.search(r"^TUR\s+s400-purchase\s+committed\s", plain.stdout, re.M)
    assert re.search(r"^USA.CONGRESS\s+s400-purchase\s+opposes\s", plain.stdout, re.M)
    assert "rejects" not in plain.stdout
    assert plain.stderr == ""
    speculative = _held(
        as_json(
            timeline(
                env, "demo", "positions", "--as-of", "2019", "--json", "--what-if", str(what_if)
            )
        )
    )
    real = _held(as_json(timeline(env, "demo", "positions", "--as-of", "2019", "--json")))
    assert speculative[("TUR", "s400-purchase")] == "rejects"
    assert real[("TUR", "s400-purchase")] == "committed"
    assert {k: v for k, v in real.items() if k != ("TUR", "s400-purchase")} == {
        **{k: v for k, v in speculative.items() if k != ("TUR", "s400-purchase")},
        ("USA.CONGRESS", "s400-purchase"): "opposes",
    }
    assert _stored(env) == before  # nothing was written


def test_every_read_command_takes_what_if(env: dict[str, str], what_if: Path) -> None:
    _wired()
    given = ("--what-if", str(what_if), "--json")
    changes = as_json(timeline(env, "demo", "history", "TUR", "s400-purchase", *given))["changes"]
    assert [c["kind"] for c in changes][-1] == "changed"
    assert changes[-1]["causes"] == ["turkey-cancels-s400"]
    found = as_json(
        timeline(env, "demo", "explain", "TUR", "s400-purchase", "--as-of", "2019", *given)
    )
    assert found["position"]["stance"] == "rejects"
    diff = as_json(timeline(env, "demo", "diff", "2018-12-31", "2019-12-31", *given))
    assert [(d["actor"], d["topic"]) for d in diff["differences"]] == [("TUR", "s400-purchase")]
    relations = as_json(timeline(env, "demo", "relations", "TUR", "RUS", "--by", "year", *given))
    assert relations["periods"][-1]["developments"] == ["turkey-cancels-s400"]
    listed = as_json(timeline(env, "demo", "developments", *given))["developments"]
    senator = next(d for d in listed if d["id"] == "us-senator-scrap-s400")
    assert senator["retracted"]
    assert listed[-1]["id"] == "turkey-cancels-s400"


def test_a_what_if_file_the_store_would_refuse_is_refused(
    env: dict[str, str], tmp_path: Path
) -> None:
    _wired()
    bad = tmp_path / "bad.toml"
    bad.write_text(WHAT_IF.replace('"us-senator-scrap-s400"', '"no-such-development"'), "utf-8")
    result = timeline(env, "demo", "positions", "--what-if", str(bad))
    assert result.returncode == 2
    assert "no-such-development" in result.stderr
    missing = timeline(env, "demo", "positions", "--what-if", "no-such-branch")
    assert missing.returncode == 2
    assert "no such file, and no branch saved under that name" in " ".join(missing.stderr.split())


def test_branches_are_saved_listed_shown_and_discarded(env: dict[str, str], what_if: Path) -> None:
    before = _stored(env)
    saved = timeline(env, "demo", "branch", "save", "kept", str(what_if))
    assert saved.returncode == 0, saved.stderr
    assert "nothing was written to the store" in " ".join(saved.stdout.split())
    # The tests' "demo" store is the article's own file (`article_environment`).
    assert (Path(env[ARTICLE_DB]).with_suffix(".branches") / "kept.jsonl").is_file()
    again = timeline(env, "demo", "branch", "save", "kept", str(what_if))
    assert again.returncode == 2
    assert "--replace" in again.stderr
    replaced = timeline(env, "demo", "branch", "save", "kept", str(what_if), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    listed = as_json(timeline(env, "demo", "branch", "list", "--json"))["branches"]
    assert [(b["name"], b["developments"], b["retractions"]) for b in listed] == [("kept", 1, 1)]
    shown = as_json(timeline(env, "demo", "branch", "show", "kept", "--json"))
    assert [r["type"] for r in shown["records"]] == ["development", "retraction"]
    assert shown["position"] == before[0]
    assert as_json(timeline(env, "demo", "branch", "discard", "kept", "--json")) == {
        "discarded": "kept"
    }
    assert as_json(timeline(env, "demo", "branch", "list", "--json")) == {"branches": []}
    assert timeline(env, "demo", "branch", "discard", "kept").returncode == 2
    assert _stored(env) == before


def test_a_saved_branch_answers_by_name_until_discarded(env: dict[str, str], what_if: Path) -> None:
    _wired()
    before = _stored(env)
    assert timeline(env, "demo", "branch", "save", "cancel", str(what_if)).returncode == 0
    by_name = as_json(
        timeline(env, "demo", "positions", "--as-of", "2019", "--json", "--what-if", "cancel")
    )
    assert _held(by_name)[("TUR", "s400-purchase")] == "rejects"
    assert timeline(env, "demo", "branch", "discard", "cancel").returncode == 0
    assert timeline(env, "demo", "positions", "--what-if", "cancel").returncode == 2
    assert _stored(env) == before
