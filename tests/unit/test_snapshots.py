"""Snapshots and imports: exports cite their position and hash, the log imports back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.article import article_folder
from tests.exports import fresh, write
from timeline import Timeline
from timeline.engine import Development, LoadError, Source
from timeline.formats._exchange import FORMATS, export, import_file, snapshot
from timeline.projections.errors import QueryError


@pytest.fixture(scope="module")
def story() -> Iterator[Timeline]:
    """The bundled story, read only."""
    with Timeline() as tl:
        tl.load(article_folder())
        yield tl


# -- snapshots ------------------------------------------------------------------------------


def _body_hash(form: str, text: str) -> str:
    if form == "csv":
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    if form == "json":
        data = json.loads(text)["developments"]
    elif form == "timelinejs":
        data = json.loads(text)["events"]
    else:
        data = [json.loads(line) for line in text.splitlines()[1:]]
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _meta(form: str, text: str) -> dict[str, Any]:
    if form == "json":
        meta: dict[str, Any] = json.loads(text)["meta"]
    elif form == "timelinejs":
        meta = json.loads(text)["timeline_snapshot"]
    else:
        meta = json.loads(text.split("\n", 1)[0])
    return meta


@pytest.mark.parametrize("form", FORMATS)
def test_every_export_cites_its_position_knowledge_day_and_content_hash(form: str) -> None:
    tl = fresh()
    made = snapshot(tl, form, known_at="2018-12")
    meta = made.meta if form == "csv" else _meta(form, made.text)
    assert meta.items() >= made.meta.items()
    assert meta["position"] == tl.position
    assert meta["known_at"] == "2018-12-31"
    assert meta["sha256"] == _body_hash(form, made.text)
    assert snapshot(tl, form).meta["known_at"] is None


@pytest.mark.parametrize("form", FORMATS)
def test_an_export_at_a_position_gives_the_same_bytes_after_more_is_written(form: str) -> None:
    tl = fresh()
    position = tl.position
    options: dict[str, Any] = {"what": "changes"} if form == "csv" else {}
    before = [export(tl, form, **options), export(tl, form, known_at="2018-12-31", **options)]
    tl.revise("s400-supply-agreement", reported="2019-01-10", reason="dated", occurred="2017-12-29")
    tl.retract("us-senator-scrap-s400", reported="2019-02", reason="misattributed")
    tl.record(_extra())
    assert tl.position > position
    assert export(tl, form, **options) != before[0]
    assert export(tl, form, at=position, **options) == before[0]
    assert export(tl, form, known_at="2018-12-31", at=position, **options) == before[1]


def _extra() -> Development:
    return Development(
        id="later-statement",
        occurred="2019-03",
        reported="2019-03-02",
        kind="statement",
        summary="Something was said later.",
        actors=["TUR"],
        targets=["USA"],
        source=Source("Reuters", "named"),
        claims=(),
    )


def test_a_position_outside_the_store_or_an_unknown_form_is_refused(story: Timeline) -> None:
    with pytest.raises(QueryError, match="expected a position from 0 to"):
        export(story, "json", at=story.position + 1)
    with pytest.raises(QueryError, match="expected one of json, jsonl, csv, timelinejs, plover"):
        export(story, "yaml")
    with pytest.raises(QueryError, match="expected one of developments, changes"):
        export(story, "csv", what="positions")


# -- importing ---------------------------------------------------------------------------------


def test_the_log_imports_into_a_fresh_store_once(tmp_path: Path) -> None:
    tl = fresh()
    tl.revise("s400-supply-agreement", reported="2019-01-10", reason="r", occurred="2017-12-29")
    tl.retract("us-senator-scrap-s400", reported="2019-02", reason="misattributed")
    path = write(tmp_path, "story.jsonl", export(tl, "jsonl"))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["type"] for line in lines[:2]] == ["meta", "actor"]
    assert [line["type"] for line in lines[-2:]] == ["revision", "retraction"]
    with Timeline() as other:
        report = import_file(other, path)
        assert (report.form, report.revisions, report.retractions) == ("jsonl", 1, 1)
        assert len(report.developments) == 13
        assert len(report.topics) == 5
        assert other.developments() == tl.developments()
        assert other.developments("2018-12-31") == tl.developments("2018-12-31")
        position = other.position
        again = import_file(other, path)
        assert not again.changed
        assert again.unchanged == len(lines) - 1
        assert other.position == position


def test_a_log_cut_at_a_knowledge_day_imports_what_was_then_known(tmp_path: Path) -> None:
    tl = fresh()
    tl.revise("s400-supply-agreement", reported="2019-01-10", reason="r", occurred="2017-12-29")
    path = write(tmp_path, "known.jsonl", export(tl, "jsonl", known_at="2018-12-31"))
    with Timeline() as other:
        assert import_file(other, path).revisions == 0
        assert other.developments() == tl.developments("2018-12-31")


def test_import_problems_are_located_and_nothing_is_written(tmp_path: Path) -> None:
    tl = fresh()
    position = tl.position
    good = json.loads(export(tl, "jsonl").splitlines()[-1])
    bad = {**good, "id": "new-one", "occurred": "2018-13", "kind": "agree", "actors": ["TUR", 3]}
    lines = [
        json.dumps({"type": "topic", "id": "fresh-topic", "description": "New."}),
        json.dumps(bad),
        json.dumps({"type": "revision", "development": "nope", "reported": "2019", "reason": "r",
                    "summary": "s"}),
        "not json",
        json.dumps({**good, "summary": "Other words."}),
        json.dumps({"type": "develpment"}),
    ]  # fmt: skip
    path = write(tmp_path, "bad.jsonl", "\n".join(lines) + "\n")
    with pytest.raises(LoadError) as caught:
        import_file(tl, path)
    problems = caught.value.problems
    # One message per record, listing each of its problems, each located.
    expected = [
        (2, "development 'new-one' field 'occurred': cannot read date '2018-13'"),
        (2, "development 'new-one' field 'actors[1]': found a number 3; expected text"),
        (2, "development 'new-one' field 'kind': expected a kind"),
        (3, "revision of 'nope' field 'development': found 'nope'; expected the id"),
        (4, "not JSON"),
        (5, f"development {good['id']!r} field 'id': already recorded with different "
            "content (differs in summary)"),
        (6, "field 'type': found text 'develpment'; did you mean 'development'?"),
    ]  # fmt: skip
    for line, part in expected:
        assert any(p.startswith(f"{path}:{line}: ") and part in p for p in problems), part
    assert tl.position == position  # the good topic line was not written either
    assert "fresh-topic" not in tl.registry.topics


def test_an_edited_snapshot_is_refused_by_its_hash(tmp_path: Path) -> None:
    tl = fresh()
    text = export(tl, "jsonl").replace("Turkey", "Türkei", 1)
    path = write(tmp_path, "edited.jsonl", text)
    with pytest.raises(LoadError, match=r"edited\.jsonl:1: meta field 'sha256'"):
        import_file(Timeline(), path)


def test_exports_and_imports_on_every_kind_of_store(timeline: Timeline, tmp_path: Path) -> None:
    timeline.load(article_folder())
    position = timeline.position
    cited = {form: export(timeline, form) for form in FORMATS}
    addition = {
        "type": "development",
        **json.loads(export(timeline, "jsonl").splitlines()[-1]),
        "id": "kremlin-s400-follow-up",
    }
    addition.pop("recorded")
    revision = {
        "type": "revision",
        "development": "kremlin-s400-follow-up",
        "reported": "2019-01-03",
        "reason": "a later report",
        "summary": "The Kremlin repeated it.",
    }
    path = write(tmp_path, "more.jsonl", f"{json.dumps(addition)}\n{json.dumps(revision)}\n")
    report = import_file(timeline, path)
    assert (report.developments, report.revisions) == (("kremlin-s400-follow-up",), 1)
    assert timeline.position == position + 2  # one transaction, two events
    assert timeline.entry("kremlin-s400-follow-up").revisions[0].summary == (
        "The Kremlin repeated it."
    )
    assert not import_file(timeline, path).changed
    for form, text in cited.items():
        assert export(timeline, form, at=position) == text
    log = write(tmp_path, "log.jsonl", cited["jsonl"])
    with Timeline() as copy:
        import_file(copy, log)
        assert copy.developments() == timeline.developments(at=position)
