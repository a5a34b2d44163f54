"""Words the command prints mean what they say: explain's ranks, diff's changes, warnings."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from tests.integration.test_cli import environment, timeline
from timeline import Timeline, seeds
from timeline.cli._compare import what_changed
from timeline.projections._diff import Difference


def test_explain_says_a_claim_that_does_not_count_was_outranked(tmp_path: Path) -> None:
    env = environment(tmp_path, TIMELINE_DB=f"sqlite:///{tmp_path / 'story.db'}")
    assert timeline(env, "init").returncode == 0
    assert timeline(env, "load", str(seeds.path())).returncode == 0
    ranked = timeline(
        env, "rank", "s400-supply-agreement", "preferred", "--reported", "2019-03-01",
        "--reason", "the contract itself",
    )  # fmt: skip
    assert ranked.returncode == 0, ranked.stderr
    shown = timeline(env, "explain", "TUR", "s400-purchase", "--as-of", "2018-12-31")
    assert shown.returncode == 0, shown.stderr
    lines = [" ".join(line.split()) for line in shown.stdout.splitlines()]
    outranked = [line for line in lines if "cavusoglu-keeps-s400-deal" in line and "(" in line]
    assert outranked
    assert outranked[0].startswith("outranked by a preferred claim")
    assert not any(line.startswith("a preferred claim counts") for line in lines)


def test_a_run_whose_claims_were_swapped_reads_different_evidence() -> None:
    tl = Timeline()
    tl.load(seeds.path())
    position = tl.as_of("2018-12-31").position("TUR", "s400-purchase")
    assert position is not None
    swapped = attrs.evolve(position, evidence=("another-development",))
    found = what_changed(Difference("TUR", "s400-purchase", "changed", position, swapped))
    assert found == ["different evidence"]
    more = attrs.evolve(position, evidence=(*position.evidence, "another-development"))
    assert what_changed(Difference("TUR", "s400-purchase", "changed", position, more)) == [
        "more evidence"
    ]


@pytest.mark.parametrize("form", ["plover"])
def test_export_warnings_are_sentences_not_python_reprs(tmp_path: Path, form: str) -> None:
    env = environment(tmp_path)
    result = timeline(env, "demo", "export", "--format", form)
    assert result.returncode == 0, result.stderr
    assert "Skipped(" not in result.stderr
    assert "id=" not in result.stderr
    # PLOVER now carries every development (statements with has_event false), so the
    # export leaves nothing out and warns of nothing.
    assert "left out " not in result.stderr


@pytest.mark.postgres
def test_a_read_on_an_empty_postgresql_schema_creates_nothing(
    tmp_path: Path, postgres_url: str
) -> None:
    import psycopg

    env = environment(tmp_path)
    result = timeline(env, "--db", postgres_url, "positions")
    assert result.returncode == 1
    assert "no timeline store in the PostgreSQL database" in result.stderr
    assert "timeline init --db" in result.stderr
    schema = postgres_url.rsplit("schema=", 1)[1]
    with psycopg.connect(postgres_url.split("?")[0]) as conn:
        count = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchone()
    assert count == (0,)
    assert timeline(env, "--db", postgres_url, "init").returncode == 0
    after = timeline(env, "--db", postgres_url, "positions")
    assert after.returncode == 0, after.stderr
