"""Writing from the command line: add, revise, retract, and what the listings then show."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_cli import UK_NOTE, as_json, environment, timeline

OPTIONS = [
    "--id", "uk-note", "--occurred", "2018-12", "--reported", "2018-12-20",
    "--kind", "statement", "--summary", "A note.", "--actor", "GBR",
    "--publisher", "P", "--reliability", "named",
]  # fmt: skip
ACTOR = '[[actor]]\nid = "GBR"\nname = "United Kingdom"\n'


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh environment whose own store knows the actor GBR and the bundled story."""
    found = environment(tmp_path)
    (tmp_path / "actor.toml").write_text(ACTOR, encoding="utf-8")
    assert timeline(found, "load", str(tmp_path / "actor.toml")).returncode == 0
    from timeline import seeds

    assert timeline(found, "load", str(seeds.path())).returncode == 0
    return found


def test_add_from_options_then_again(env: dict[str, str]) -> None:
    added = timeline(env, "add", *OPTIONS)
    assert (added.returncode, added.stdout, added.stderr) == (0, "Added uk-note.\n", "")
    again = timeline(env, "add", *OPTIONS)
    assert again.stdout == "Nothing new: uk-note is already recorded.\n"
    shown = as_json(timeline(env, "show", "uk-note", "--json"))
    assert shown["effective"]["source"] == {
        "publisher": "P", "reliability": "named", "attribution": None, "url": None
    }  # fmt: skip


def test_add_with_claims_and_a_relative_date(env: dict[str, str]) -> None:
    options = [o if o != "2018-12" else "last month" for o in OPTIONS]
    added = timeline(env, "add", *options, "--claim", "United Kingdom:s400-purchase:opposes:no")
    assert added.returncode == 0, added.stderr
    shown = as_json(timeline(env, "show", "uk-note", "--json"))["effective"]
    assert (shown["occurred"], shown["occurred_as_written"]) == ("2018-11", "last month")
    assert shown["claims"] == [
        {"actor": "GBR", "topic": "s400-purchase", "stance": "opposes", "quote": "no"}
    ]


def test_add_refuses_missing_and_bad_options(env: dict[str, str]) -> None:
    missing = timeline(env, "add", "--id", "x")
    assert missing.returncode == 2
    assert "missing --occurred, --reported, --kind, --summary, --actor" in missing.stderr
    bad = timeline(env, "add", *[o if o != "uk-note" else "Not A Slug" for o in OPTIONS])
    assert bad.returncode == 2
    assert "--id: expected a slug" in bad.stderr


def test_add_from_a_toml_file_and_from_stdin(env: dict[str, str], tmp_path: Path) -> None:
    snippet = UK_NOTE.split("\n\n", 1)[1]  # the [[development]] table alone
    (tmp_path / "note.toml").write_text(snippet, encoding="utf-8")
    added = timeline(env, "add", str(tmp_path / "note.toml"))
    assert (added.returncode, added.stdout) == (0, "Added uk-note.\n"), added.stderr
    other = snippet.replace("uk-note", "uk-other")
    piped = timeline(env, "add", "-", stdin=other)
    assert (piped.returncode, piped.stdout) == (0, "Added uk-other.\n"), piped.stderr
    two = timeline(env, "add", "-", stdin=snippet + "\n" + other)
    assert two.returncode == 2
    assert "expected exactly one [[development]] table" in two.stderr
    broken = timeline(env, "add", "-", stdin=snippet.replace('"statement"', '"speech"'))
    assert broken.returncode == 2
    assert "<stdin>:5: development 'uk-note' field 'kind'" in broken.stderr


def test_a_changed_development_is_refused_with_a_command_that_corrects_it(
    env: dict[str, str], tmp_path: Path
) -> None:
    assert timeline(env, "add", *OPTIONS).returncode == 0
    changed = [o if o != "A note." else "Another note." for o in OPTIONS]
    refused = timeline(env, "add", *changed)
    assert refused.returncode == 2
    assert "timeline revise uk-note --reported DATE --reason TEXT" in refused.stderr
    (tmp_path / "story.toml").write_text(UK_NOTE.replace("A note.", "Changed."), "utf-8")
    reloaded = timeline(env, "load", str(tmp_path / "story.toml"))
    assert reloaded.returncode == 2
    assert "timeline revise uk-note --reported DATE --reason TEXT" in reloaded.stderr


def test_revise_and_retract_show_in_developments_and_show(env: dict[str, str]) -> None:
    revised = timeline(
        env, "revise", "patriot-sale-approved", "--reported", "2019-01-15",
        "--reason", "exact date", "--occurred", "2018-12-18",
    )  # fmt: skip
    assert revised.stdout == "Revised patriot-sale-approved, known from 2019-01-15.\n"
    same = timeline(
        env, "revise", "patriot-sale-approved", "--reported", "2019-01-15",
        "--reason", "exact date", "--occurred", "2018-12-18",
    )  # fmt: skip
    assert same.stdout.startswith("Nothing new")
    retracted = timeline(
        env, "retract", "us-senator-scrap-s400", "--reported", "2019-02-01",
        "--reason", "misattributed",
    )  # fmt: skip
    assert retracted.returncode == 0, retracted.stderr
    listed = timeline(env, "developments", "--wide")
    approved = next(line for line in listed.stdout.splitlines() if "patriot-sale-approved" in line)
    assert approved.rstrip().endswith("revised 2019-01-15: exact date")
    assert "2018-12-18" in approved
    senator = next(line for line in listed.stdout.splitlines() if "us-senator-scrap" in line)
    assert senator.rstrip().endswith("retracted 2019-02-01: misattributed")
    document = as_json(timeline(env, "developments", "--json"))
    by_id = {d["id"]: d for d in document["developments"]}
    assert by_id["us-senator-scrap-s400"]["retracted"] is True
    assert by_id["patriot-sale-approved"]["corrections"][0]["reason"] == "exact date"
    before = as_json(timeline(env, "developments", "--known-at", "2019-01-01", "--json"))
    assert all(not d["corrections"] for d in before["developments"])
    shown = timeline(env, "show", "patriot-sale-approved").stdout.split("\n\n")
    assert shown[1].startswith("* effective (with every revision applied)\noccurred  2018-12-18")
    assert shown[2].startswith("original\noccurred  2017-12/2018-12-20")
    assert shown[3].startswith("revision 1, reported 2019-01-15\nreason    exact date")
    gone = timeline(env, "show", "us-senator-scrap-s400").stdout
    assert "* effective: none, retracted 2019-02-01: misattributed" in gone


def test_revise_needs_reported_and_reason(env: dict[str, str]) -> None:
    result = timeline(env, "revise", "patriot-sale-approved", "--summary", "x")
    assert result.returncode == 2
    assert "--reported" in result.stderr


def test_a_development_reported_before_it_occurred_is_kept_with_a_warning(
    env: dict[str, str],
) -> None:
    forecast = [o if o != "2018-12" else "2019-06" for o in OPTIONS]
    added = timeline(env, "add", *forecast)
    assert added.returncode == 0
    assert "timeline: warning: 'uk-note' is reported (2018-12-20) before it occurred" in (
        " ".join(added.stderr.split())
    )


def test_load_warns_of_developments_reported_before_they_occurred(tmp_path: Path) -> None:
    env = environment(tmp_path)
    (tmp_path / "plan.toml").write_text(UK_NOTE.replace('"2018-12"', '"2019-06"'), "utf-8")
    loaded = timeline(env, "load", str(tmp_path / "plan.toml"))
    assert loaded.returncode == 0
    assert "timeline: warning: reported before they occurred (kept as forecasts): uk-note" in (
        " ".join(loaded.stderr.split())
    )
