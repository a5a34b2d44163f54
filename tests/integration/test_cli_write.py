"""Writing from the command line: add, revise, retract, and what the listings then show."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.article import article_folder
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
    assert timeline(found, "load", str(article_folder())).returncode == 0
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


def test_revise_corrects_the_parties_from_a_date_on(env: dict[str, str]) -> None:
    revised = timeline(
        env, "revise", "patriot-sale-approved", "--reported", "2019-01-15",
        "--reason", "recipient named", "--target", "GBR",
    )  # fmt: skip
    assert revised.returncode == 0, revised.stderr
    before = as_json(timeline(env, "developments", "--actor", "GBR", "--known-at", "2019-01-14",
                              "--json"))  # fmt: skip
    after = as_json(timeline(env, "developments", "--actor", "GBR", "--json"))
    assert "patriot-sale-approved" not in [d["id"] for d in before["developments"]]
    assert "patriot-sale-approved" in [d["id"] for d in after["developments"]]
    shown = timeline(env, "show", "patriot-sale-approved").stdout
    assert "targets   GBR" in shown
    both = timeline(env, "revise", "patriot-sale-approved", "--reported", "2019-01-16",
                    "--reason", "x", "--target", "GBR", "--no-targets")  # fmt: skip
    assert both.returncode == 2
    assert "give --target or --no-targets, not both" in both.stderr


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


def test_rank_changes_positions_from_its_date_and_says_what_changed(
    env: dict[str, str],
) -> None:
    ranked = timeline(
        env, "rank", "us-senator-scrap-s400", "deprecated", "--reported", "2019-03-01",
        "--reason", "one senator is not Congress",
    )  # fmt: skip
    assert ranked.returncode == 0, ranked.stderr
    assert ranked.stdout.splitlines() == [
        "Ranked us-senator-scrap-s400 deprecated, known from 2019-03-01.",
        "What it changed, with everything recorded, as of today:",
        "  USA.CONGRESS on s400-purchase: opposes (on us-senator-scrap-s400) -> no position",
    ]
    again = timeline(
        env, "rank", "us-senator-scrap-s400", "deprecated", "--reported", "2019-03-01",
        "--reason", "one senator is not Congress", "--json",
    )  # fmt: skip
    assert as_json(again) == {"id": "us-senator-scrap-s400", "ranked": False, "changed": []}
    now = as_json(timeline(env, "positions", "--as-of", "2018-12-31", "--json"))
    then = as_json(
        timeline(env, "positions", "--as-of", "2018-12-31", "--known-at", "2019-02-28", "--json")
    )
    congress = [(p["actor"], p["topic"]) for p in then["positions"]].count(
        ("USA.CONGRESS", "s400-purchase")
    )
    assert congress == 1
    assert ("USA.CONGRESS", "s400-purchase") not in [
        (p["actor"], p["topic"]) for p in now["positions"]
    ]
    shown = timeline(env, "show", "us-senator-scrap-s400").stdout
    assert "ranking, reported 2019-03-01" in shown
    assert "one senator is not Congress" in shown


def test_rank_refuses_a_pair_the_development_never_claims(env: dict[str, str]) -> None:
    refused = timeline(
        env, "rank", "us-senator-scrap-s400", "preferred", "--reported", "2019-03-01",
        "--reason", "x", "--actor", "TUR", "--topic", "patriot-sale",
    )  # fmt: skip
    assert refused.returncode == 2  # bad input, as for every refused write
    assert "claims no stance of 'TUR' on 'patriot-sale'" in refused.stderr


def test_a_seed_ranking_loads_with_its_names_resolved(env: dict[str, str], tmp_path: Path) -> None:
    seed = tmp_path / "ranks.toml"
    seed.write_text(
        '[[ranking]]\ndevelopment = "s400-supply-agreement"\nrank = "preferred"\n'
        'reported = "2019-03-01"\nreason = "the contract itself"\nactor = "Turkey"\n'
        'topic = "s400-purchase"\nby = "us-senator-scrap-s400"\n',
        encoding="utf-8",
    )
    loaded = timeline(env, "load", str(seed))
    assert loaded.returncode == 0, loaded.stderr
    found = as_json(timeline(env, "show", "s400-supply-agreement", "--json"))
    assert found["corrections"] == [
        {
            "kind": "ranking",
            "reported": "2019-03-01",
            "reason": "the contract itself",
            "rank": "preferred",
            "claim": {"actor": "TUR", "topic": "s400-purchase"},
            "by": "us-senator-scrap-s400",
        }
    ]
    positions = as_json(timeline(env, "positions", "--as-of", "2018-12-31", "--json"))
    turkey = next(
        p for p in positions["positions"] if (p["actor"], p["topic"]) == ("TUR", "s400-purchase")
    )
    assert turkey["evidence"] == ["s400-supply-agreement"]
