"""`timeline actor add` and `topic add`: a story grows one country or subject at a time."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli import as_json, environment, timeline


def test_an_added_actor_and_topic_can_be_named_by_a_new_development(tmp_path: Path) -> None:
    env = environment(tmp_path, TIMELINE_DB=f"sqlite:///{tmp_path / 'story.db'}")
    refused = timeline(
        env, "add", "--id", "greek-statement", "--occurred", "2019-01-02", "--reported",
        "2019-01-03", "--kind", "statement", "--summary", "Greece objected.", "--actor", "GRC",
        "--publisher", "Reuters", "--reliability", "named", "--claim", "GRC:f35-deliveries:opposes",
    )  # fmt: skip
    assert refused.returncode == 2
    assert "timeline actor add ID NAME" in refused.stderr
    added = timeline(env, "actor", "add", "GRC", "Greece", "--alias", "Athens",
                     "--person", "Nikos Dendias:foreign minister")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "Registered actor GRC (Greece)."
    again = timeline(env, "actor", "add", "GRC", "Greece", "--alias", "Athens",
                     "--person", "Nikos Dendias:foreign minister", "--json")  # fmt: skip
    assert as_json(again) == {"actor": "GRC", "registered": False}
    other = timeline(env, "actor", "add", "GRC", "Hellas")
    assert other.returncode == 2
    assert "registered as GRC (Greece; aliases Athens" in other.stderr
    assert "Actor(" not in other.stderr
    topic = timeline(env, "topic", "add", "f35-deliveries", "Deliveries of F-35s to Turkey.")
    assert topic.returncode == 0, topic.stderr
    recorded = timeline(
        env, "add", "--id", "greek-statement", "--occurred", "2019-01-02", "--reported",
        "2019-01-03", "--kind", "statement", "--summary", "Greece objected.", "--actor", "Athens",
        "--publisher", "Reuters", "--reliability", "named",
        "--claim", "Nikos Dendias:f35-deliveries:opposes",
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    positions = as_json(timeline(env, "positions", "--as-of", "2019-02-01", "--json"))
    assert [(p["actor"], p["topic"], p["stance"]) for p in positions["positions"]] == [
        ("GRC", "f35-deliveries", "opposes")
    ]
    actors = as_json(timeline(env, "actors", "--json"))
    assert "GRC" in str(actors)
