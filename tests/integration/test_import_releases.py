"""`timeline import`: releases, all or nothing, --skip-bad with a rejects file, on each store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest

from tests.integration.test_cli import as_json, environment, timeline
from tests.property.test_releases import release_text
from tests.strategies import agreement
from timeline import Timeline
from timeline._exchange import import_file
from timeline.engine import LoadError, Stance, StanceClaim

FIRST = [
    agreement(id="ev-1", reported="2019-01-05"),
    agreement(id="ev-2", reported="2019-01-06", summary="Talks were held.", claims=()),
    agreement(id="ev-3", reported="2019-01-07", summary="A visit took place.", claims=()),
]
# The second release changes ev-1's claim, drops ev-2, keeps ev-3 and adds ev-4.
SECOND = [
    attrs.evolve(FIRST[0], claims=(StanceClaim("TUR", "s400-purchase", Stance.OPPOSES),)),
    FIRST[2],
    agreement(id="ev-4", reported="2019-01-02", summary="A late-coded event.", claims=()),
]


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_later_full_release_revises_and_retracts_known_from_its_day(tmp_path: Path) -> None:
    env, db = environment(tmp_path), str(tmp_path / "story.db")
    first = _file(tmp_path, "first.jsonl", release_text(FIRST))
    second = _file(tmp_path, "second.jsonl", release_text(SECOND))
    one = as_json(timeline(env, "--db", db, "--json", "import", str(first), "--release",
                           "2019-02-01", "--full"))  # fmt: skip
    assert (one["added"], one["revisions"], one["retractions"]) == (3, 0, 0)
    two = as_json(timeline(env, "--db", db, "--json", "import", str(second), "--release",
                           "2019-03-01", "--full"))  # fmt: skip
    assert (two["added"], two["revisions"], two["retractions"]) == (1, 1, 1)
    again = as_json(timeline(env, "--db", db, "--json", "import", str(second), "--release",
                             "2019-03-01", "--full"))  # fmt: skip
    assert (again["added"], again["revisions"], again["retractions"]) == (0, 0, 0)
    for known, ids in (("2019-02-01", ["ev-1", "ev-2", "ev-3"]),
                       ("2019-03-01", ["ev-1", "ev-3", "ev-4"])):  # fmt: skip
        listed = as_json(timeline(env, "--db", db, "--json", "developments", "--known-at", known))
        standing = [d["id"] for d in listed["developments"] if not d["retracted"]]
        assert sorted(standing) == ids
    with Timeline.open(f"sqlite:///{db}") as tl:
        entry = tl.entry("ev-1")
        assert [str(r.reported) for r in entry.revisions] == ["2019-03-01"]
        assert [str(r.reported) for r in tl.entry("ev-2").retractions] == ["2019-03-01"]
        # Published late: known from the release that brought it, not its own earlier date.
        assert str(tl.entry("ev-4").development.reported) == "2019-03-01"
        early = tl.as_of("2019-01-31", known_at="2019-02-01").position("TUR", "s400-purchase")
        late = tl.as_of("2019-01-31", known_at="2019-03-01").position("TUR", "s400-purchase")
    assert early is not None
    assert early.stance is Stance.COMMITTED
    assert late is not None
    assert late.stance is Stance.OPPOSES


def test_full_needs_a_release_day_and_skip_bad_a_rejects_file(tmp_path: Path) -> None:
    env = environment(tmp_path)
    first = _file(tmp_path, "first.jsonl", release_text(FIRST))
    full = timeline(env, "--db", str(tmp_path / "a.db"), "import", str(first), "--full")
    assert full.returncode == 2
    assert "--full needs --release DATE" in full.stderr
    skip = timeline(env, "--db", str(tmp_path / "a.db"), "import", str(first), "--skip-bad")
    assert skip.returncode == 2
    assert "--skip-bad needs --rejects FILE" in skip.stderr


def _messy(folder: Path) -> Path:
    lines = release_text(FIRST).splitlines()
    bad = json.loads(lines[-1]) | {"id": "ev-bad", "occurred": "2019-13"}
    lines[-2:-2] = ["not json at all", json.dumps(bad)]
    return _file(folder, "messy.jsonl", "\n".join(lines) + "\n")


def test_skip_bad_writes_the_good_records_and_each_rejected_one(tmp_path: Path) -> None:
    env, db = environment(tmp_path), str(tmp_path / "story.db")
    messy, rejects = _messy(tmp_path), tmp_path / "rejects.jsonl"
    refused = timeline(env, "--db", db, "import", str(messy))
    assert refused.returncode == 2
    assert f"{messy}:" in refused.stderr
    assert "not JSON" in refused.stderr
    done = timeline(env, "--db", db, "import", str(messy), "--skip-bad", "--rejects",
                    str(rejects))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "3 developments" in done.stdout
    assert "2 rejected" in done.stdout
    rejected = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    text = messy.read_text("utf-8").splitlines()
    assert sorted(r["line"] for r in rejected) == [
        i + 1 for i, line in enumerate(text) if "not json" in line or "ev-bad" in line
    ]
    assert all(r["reason"] for r in rejected)
    listed = as_json(timeline(env, "--db", db, "--json", "developments"))
    assert sorted(d["id"] for d in listed["developments"]) == ["ev-1", "ev-2", "ev-3"]


def test_an_import_with_a_problem_writes_nothing_on_every_store(
    timeline: Timeline, tmp_path: Path
) -> None:
    first = _file(tmp_path, "first.jsonl", release_text(FIRST))
    import_file(timeline, first, release=dt.date(2019, 2, 1))
    head = timeline.head
    # Many good records in several batches, and one conflict at the very end.
    many = [agreement(id=f"more-{n}", reported="2019-01-05") for n in range(12_000)]
    clash = attrs.evolve(FIRST[1], summary="Other words.")
    path = _file(tmp_path, "clash.jsonl", release_text([*many, clash]))
    with pytest.raises(LoadError) as caught:
        import_file(timeline, path)
    assert "field 'id': already recorded with different content" in str(caught.value)
    assert timeline.head == head
    assert timeline.developments() == timeline.developments(at=head)
    report = import_file(timeline, _file(tmp_path, "good.jsonl", release_text(many)))
    assert report.added == len(many)
    # PostgreSQL's ids rolled back are skipped, not reused: count the developments.
    assert len(timeline.developments()) == len(FIRST) + len(many)
