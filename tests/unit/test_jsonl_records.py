"""The project's own JSON Lines log read back through `timeline.formats`, one line at a time."""

from __future__ import annotations

from pathlib import Path

from timeline import Timeline, seeds
from timeline.engine import Actor, Development, Topic
from timeline.engine._registry import Registry
from timeline.engine.corrections import Ranking, Retraction, Revision
from timeline.formats import Item, Rejected, open_records
from timeline.formats._exchange import export


def _story() -> Timeline:
    tl = Timeline()
    tl.load(seeds.path())
    return tl


def test_the_story_log_reads_back_to_the_same_answers_at_every_knowledge_day(
    tmp_path: Path,
) -> None:
    with _story() as story:
        path = tmp_path / "story.log"
        path.write_text(export(story, "jsonl"), encoding="utf-8")
        found = list(open_records(path, registry=Registry()))
        assert not [r for r in found if isinstance(r, Rejected)]
        values = [r for r in found if isinstance(r, Item)]
        corrections = [
            (r.development, r.value)
            for r in values
            if isinstance(r.value, Revision | Retraction | Ranking) and r.development
        ]
        with Timeline() as other:
            other.record_many(
                [r.value for r in values if isinstance(r.value, Development)],
                actors=[r.value for r in values if isinstance(r.value, Actor)],
                topics=[r.value for r in values if isinstance(r.value, Topic)],
                corrections=corrections,
            )
            for known in ("2018-12-20", "2019-03-01", None):
                assert (
                    other.as_of("2019-12-31", known_at=known).positions()
                    == story.as_of("2019-12-31", known_at=known).positions()
                )


def test_an_edited_log_is_rejected_by_its_hash_and_a_bad_line_by_its_type(
    tmp_path: Path,
) -> None:
    with _story() as story:
        text = export(story, "jsonl")
    lines = text.splitlines()
    lines[1] = (
        lines[1]
        .replace('"type": "actor"', '"type": "actr"')
        .replace('"type":"actor"', '"type":"actr"')
    )
    path = tmp_path / "edited.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = [r for r in open_records(path, registry=Registry()) if isinstance(r, Rejected)]
    reasons = {r.line: r.reason for r in found}
    assert reasons[2] == "field 'type': found text 'actr'; did you mean 'actor'?"
    assert reasons[1].startswith("meta field 'sha256': found 'sha256:")
