"""`timeline impact`, `timeline sources` and what `retract` says it changed, run as a user would.

The answers are held to the library's (`timeline._impact`) on the bundled story,
and the counterfactual options (`scope_options`) to what they hand the facade.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.article import article_folder
from tests.integration.test_cli import article_environment, as_json, environment, timeline
from timeline import Timeline, seeds
from timeline._impact import impact, sources
from timeline.cli._impact import ReadScope, impact_json, read_scope, scope_options
from timeline.cli._text import position_json

DAY = "2018-12-31"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    found = article_environment(tmp_path_factory.mktemp("impact"), COLUMNS="80")
    assert timeline(found, "demo", "actors").returncode == 0
    return found


@pytest.fixture(scope="module")
def story() -> Iterator[Timeline]:
    with Timeline() as tl:
        tl.load(article_folder())
        yield tl


def demo(env: dict[str, str], *args: str) -> str:
    result = timeline(env, "demo", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_impact_of_a_development_lists_what_rests_on_it(
    env: dict[str, str], story: Timeline
) -> None:
    shown = demo(env, "impact", "cavusoglu-keeps-s400-deal", "--as-of", DAY)
    assert shown.startswith("Without cavusoglu-keeps-s400-deal as of 31 Dec 2018:\n")
    for title in ("Positions:", "History change points (on any day):", "Relations by month:"):
        assert f"\n{title}\n" in shown
    assert "less evidence" in shown  # TUR on s400-purchase keeps its stance, on less
    assert max(len(line) for line in shown.splitlines()) <= 80
    document = as_json(timeline(env, "demo", "impact", "cavusoglu-keeps-s400-deal",
                                "--as-of", DAY, "--json"))  # fmt: skip
    expected = impact(story, "cavusoglu-keeps-s400-deal", as_of=DAY)
    assert document == as_json_of(impact_json(expected))
    assert [(p["actor"], p["topic"], p["change"]) for p in document["positions"]] == [
        ("TUR", "patriot-sale", "removed"),
        ("TUR", "s400-purchase", "changed"),
    ]
    assert document["left_out"] == ["cavusoglu-keeps-s400-deal"]


def as_json_of(document: object) -> object:
    """A document as it reads back from the command's JSON (tuples become lists)."""
    import json

    from timeline.cli._render import dump

    return json.loads(dump(document))


def test_impact_of_a_source_leaves_out_everything_it_reported(
    env: dict[str, str], story: Timeline
) -> None:
    document = as_json(timeline(env, "demo", "impact", "--source", "sputnik", "--as-of", DAY,
                                "--json"))  # fmt: skip
    assert document["source"] == "Sputnik"  # named as recorded, matched in any case
    assert len(document["left_out"]) == len(story.developments())
    held = story.as_of(DAY).positions()
    assert [(p["actor"], p["topic"]) for p in document["positions"]] == sorted(held)
    assert all(p["without"] is None for p in document["positions"])
    shown = demo(env, "impact", "--source", "Sputnik", "--as-of", DAY)
    assert shown.startswith("Without everything Sputnik reported as of 31 Dec 2018:\n")
    rows = list(csv.reader(io.StringIO(demo(env, "impact", "--source", "Sputnik", "--csv"))))
    assert rows[0] == ["part", "subject", "when", "change", "now", "without"]
    assert {row[0] for row in rows[1:]} == {"position", "change", "period"}


def test_impact_of_what_does_not_count_and_of_nothing(env: dict[str, str]) -> None:
    early = demo(env, "impact", "us-senator-scrap-s400", "--known-at", "2018-12-01")
    assert early.startswith("us-senator-scrap-s400 does not count")
    neither = timeline(env, "demo", "impact")
    assert neither.returncode == 2
    assert "a development ID or --source PUBLISHER" in neither.stderr
    both = timeline(env, "demo", "impact", "x", "--source", "Sputnik")
    assert both.returncode == 2
    unknown = timeline(env, "demo", "impact", "cavusoglu-keeps-s400")
    assert unknown.returncode == 2
    assert "did you mean cavusoglu-keeps-s400-deal?" in unknown.stderr
    nobody = demo(env, "impact", "--source", "Nobody")
    assert nobody.startswith("Nothing reported by Nobody counts")


def test_sources_say_who_carries_a_position(env: dict[str, str], story: Timeline) -> None:
    shown = demo(env, "sources", "Ankara", "s400-purchase", "--as-of", DAY)
    assert shown.startswith(
        "TUR on s400-purchase as of 31 Dec 2018: committed since 2017-12, resting on\n"
    )
    assert "Turkish Foreign" in shown  # the attribution, under the source at 80 columns
    assert shown.rstrip().endswith("Without anything Sputnik reported: no position.")
    assert max(len(line) for line in shown.splitlines()) <= 80
    document = as_json(timeline(env, "demo", "sources", "TUR", "s400-purchase", "--as-of", DAY,
                                "--json"))  # fmt: skip
    expected = sources(story, "TUR", "s400-purchase", as_of=DAY)
    (publisher,) = document["publishers"]
    assert (publisher["publisher"], publisher["without"], publisher["differs"]) == (
        "Sputnik", None, True,
    )  # fmt: skip
    claims = {c["development"]: c for s in publisher["sources"] for c in s["claims"]}
    assert set(claims) == {"s400-supply-agreement", "cavusoglu-keeps-s400-deal"}
    assert all(c["evidence"] for c in claims.values())
    assert [s["without"] for s in publisher["sources"]] == [
        None if share.without is None else position_json(share.without) for share in expected.shares
    ]
    rows = list(csv.reader(io.StringIO(demo(env, "sources", "TUR", "s400-purchase", "--csv"))))
    assert rows[0][:4] == ["publisher", "reliability", "attribution", "development"]
    assert len(rows) == 3
    none = demo(env, "sources", "TUR", "s400-purchase", "--as-of", "2017-06-30")
    assert none == "TUR on s400-purchase as of 30 Jun 2017: no position; no claim counts.\n"


def test_retract_says_what_the_retraction_changed(tmp_path: Path) -> None:
    own = environment(tmp_path)
    assert timeline(own, "load", str(seeds.path())).returncode == 0
    with Timeline() as tl:
        tl.load(article_folder())
        expected = impact(tl, "us-senator-scrap-s400")
    done = timeline(own, "retract", "us-senator-scrap-s400", "--reported", "2019-02-01",
                    "--reason", "misattributed")  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == [
        "Retracted us-senator-scrap-s400, known from 2019-02-01.",
        "What it changed, with everything recorded, as of today:",
    ]
    said = " ".join(done.stdout.split())
    senator = "USA.CONGRESS on s400-purchase (opposes since 2017-12/2018-12-20 -> no position)"
    assert f"1 position: {senator}" in said
    assert "1 history change point, of USA.CONGRESS on s400-purchase" in said
    assert "1 relations period: TUR and USA.CONGRESS in 2018-12" in said
    assert len(expected.positions) == 1
    # The view now is the view it was read without: nothing rests on it any more.
    after = as_json(timeline(own, "impact", "us-senator-scrap-s400", "--json"))
    assert (after["left_out"], after["positions"], after["periods"]) == ([], [], [])
    again = timeline(own, "retract", "us-senator-scrap-s400", "--reported", "2019-02-01",
                     "--reason", "misattributed")  # fmt: skip
    assert again.stdout == "Nothing new: us-senator-scrap-s400 is already retracted so.\n"
    document = as_json(timeline(own, "retract", "cavusoglu-keeps-s400-deal", "--reported",
                                "2019-02-01", "--reason", "x", "--json"))  # fmt: skip
    assert document["retracted"] is True
    assert [p["topic"] for p in document["changed"]["positions"]] == [
        "patriot-sale", "s400-purchase",
    ]  # fmt: skip


def test_a_retraction_nothing_rests_on_says_so(tmp_path: Path) -> None:
    own = environment(tmp_path)
    seed = tmp_path / "note.toml"
    seed.write_text(
        '[[actor]]\nid = "GBR"\nname = "United Kingdom"\n\n[[development]]\nid = "uk-note"\n'
        'occurred = "2018-12"\nreported = "2018-12-20"\nkind = "statement"\n'
        'summary = "A note."\nactors = ["GBR"]\n'
        'source = { publisher = "P", reliability = "named" }\n',
        encoding="utf-8",
    )
    assert timeline(own, "load", str(seed)).returncode == 0
    done = timeline(own, "retract", "uk-note", "--reported", "2019-01-01", "--reason", "x")
    assert done.stdout.splitlines()[2:] == [
        "No position, change point or relations period rested on it."
    ]


def _probe(seen: list[ReadScope]) -> click.Command:
    @click.command()
    @scope_options
    def probe() -> None:
        seen.append(read_scope())

    return probe


def test_scope_options_hand_the_facade_its_counterfactual() -> None:
    runner, seen = CliRunner(), list[ReadScope]()
    given = ["--without-source", "Reuters", "--without-source", "TASS", "--only", "NAMED",
             "--only", "anonymous"]  # fmt: skip
    assert runner.invoke(_probe(seen), given).exit_code == 0
    (found,) = seen
    assert found.facade == {"without_sources": ("Reuters", "TASS"),
                            "only_reliability": ["named", "anonymous"]}  # fmt: skip
    assert found.reliability(["official", "named"]) == ["named"]  # both filters hold
    assert found.words == (
        ", without what Reuters or TASS reported, counting only named or anonymous sources"
    )
    assert found.json() == {"without_sources": ["Reuters", "TASS"], "only": ["named", "anonymous"]}
    assert runner.invoke(_probe(seen), []).exit_code == 0
    plain = seen[-1]
    assert plain == ReadScope()
    assert plain.facade == {"without_sources": (), "only_reliability": None}
    assert (plain.reliability(["official"]), plain.reliability(), plain.words) == (
        ["official"], None, "",
    )  # fmt: skip
    assert runner.invoke(_probe(seen), ["--only", "rumour"]).exit_code == 2


def test_every_read_with_a_scope_answers_as_the_facade(story: Timeline) -> None:
    scope = ReadScope(without_sources=("sputnik",), only=("official",))
    assert story.as_of(DAY, **scope.facade).positions() == {}
    assert story.as_of(DAY, **ReadScope(only=("official",)).facade).positions() == (
        story.as_of(DAY, only_reliability=["official"]).positions()
    )
