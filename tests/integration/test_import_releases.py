"""`timeline import`: releases, all or nothing, --skip-bad with a rejects file, on each store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest

from tests.integration.test_cli import as_json, environment, timeline
from tests.property.test_releases import release_text
from tests.strategies import agreement, registry_actors
from timeline import Timeline
from timeline._replayed import Replayed
from timeline.engine import LoadError, Stance, StanceClaim
from timeline.formats._exchange import export, import_file

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


@pytest.mark.parametrize("separate", [False, True], ids=["inline", "writer-process"])
def test_an_import_with_a_problem_writes_nothing_on_every_store(
    timeline: Timeline, tmp_path: Path, separate: bool
) -> None:
    first = _file(tmp_path, "first.jsonl", release_text(FIRST))
    import_file(timeline, first, release=dt.date(2019, 2, 1))
    head = timeline.head
    # Many good records in several batches, and one conflict at the very end.
    many = [agreement(id=f"more-{n}", reported="2019-01-05") for n in range(12_000)]
    clash = attrs.evolve(FIRST[1], summary="Other words.")
    path = _file(tmp_path, "clash.jsonl", release_text([*many, clash]))
    with pytest.raises(LoadError) as caught:
        import_file(timeline, path, separate=separate)
    assert "field 'id': already recorded with different content" in str(caught.value)
    assert timeline.head == head
    assert timeline.developments() == timeline.developments(at=head)
    good = _file(tmp_path, "good.jsonl", release_text(many))
    report = import_file(timeline, good, separate=separate)
    assert report.added == len(many)
    # PostgreSQL's ids rolled back are skipped, not reused: count the developments.
    assert len(timeline.developments()) == len(FIRST) + len(many)


DATA = Path(__file__).resolve().parent.parent / "data"


def test_an_acled_deletion_list_retracts_what_the_store_holds(tmp_path: Path) -> None:
    with Timeline() as tl:
        events = import_file(tl, DATA / "acled-events.csv", skip_bad=True,
                             rejects=tmp_path / "events.rejects")  # fmt: skip
        assert events.added == 3
        deletions = import_file(tl, DATA / "acled-deletions.csv", skip_bad=True,
                                rejects=tmp_path / "deletions.rejects")  # fmt: skip
        assert (deletions.retractions, deletions.rejected) == (1, 1)
        assert any("1 deletions name events this store never held" in n for n in deletions.notes)
        retracted = tl.entry("acled-ARG12346").retractions
        assert [str(r.reported) for r in retracted] == ["2023-04-03"]
        assert "acled-ARG12346" in {d.id for d in tl.developments(known_at="2023-04-02")}
        assert "acled-ARG12346" not in {d.id for d in tl.developments(known_at="2023-04-03")}
        head = tl.head
        again = import_file(tl, DATA / "acled-deletions.csv", skip_bad=True,
                            rejects=tmp_path / "again.rejects")  # fmt: skip
        assert (again.retractions, tl.head) == (0, head)


def _acled_release(folder: Path, name: str, drop: str, edit: str) -> Path:
    """The ACLED sample without event `drop`, and with event `edit`'s source changed."""
    import csv

    with (DATA / "acled-events.csv").open(encoding="utf-8", newline="") as sample:
        rows = list(csv.reader(sample))
    kept = [rows[0]]
    for row in rows[1:]:
        if row and row[0] == edit:
            row = [*row[:25], "La Nacion", *row[26:]]  # its source, a field a release revises
        if row and row[0] != drop:
            kept.append(row)
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(kept)
    return path


def test_a_full_acled_release_retracts_only_that_datasets_missing_events(tmp_path: Path) -> None:
    with Timeline() as tl:
        tl.record_many([agreement(id="own-story", claims=())], actors=registry_actors())
        first = import_file(tl, DATA / "acled-events.csv", release="2023-03-31", full=True,
                            skip_bad=True, rejects=tmp_path / "1.rejects")  # fmt: skip
        assert first.added == 3
        later = _acled_release(tmp_path, "later.csv", drop="ARG12347", edit="ARG12345")
        second = import_file(tl, later, release="2023-04-30", full=True, skip_bad=True,
                             rejects=tmp_path / "2.rejects")  # fmt: skip
        assert (second.added, second.revisions, second.retractions) == (0, 1, 1)
        assert not tl.entry("own-story").retractions
        assert [str(r.reported) for r in tl.entry("acled-ARG12347").retractions] == ["2023-04-30"]
        revised = tl.entry("acled-ARG12345")
        assert revised.current("2023-04-29") == revised.development
        later_version = revised.current("2023-04-30")
        assert later_version is not None
        assert later_version.source.publisher == "La Nacion"


def test_a_release_that_changes_an_events_parties_answers_by_each_release_day(
    tmp_path: Path,
) -> None:
    # The first release codes ev-1 as Russia's act alone; the second names the United
    # States as its target, with the data's own weight, and drops ev-3's target.
    first = [
        agreement(id="ev-1", reported="2019-01-05", actors=["RUS"], claims=(), weight=2.0),
        agreement(id="ev-3", reported="2019-01-07", actors=["USA"], targets=["RUS"], claims=()),
    ]
    second = [
        attrs.evolve(first[0], targets=("USA",), weight=-4.0),
        attrs.evolve(first[1], targets=()),
    ]
    with Timeline() as tl:
        import_file(tl, _file(tmp_path, "one.jsonl", release_text(first)), release="2019-02-01")
        report = import_file(
            tl, _file(tmp_path, "two.jsonl", release_text(second)), release="2019-03-01"
        )
        assert report.revisions == 2
        assert tl.entry("ev-3").revisions[0].targets == ()
        for reads in (tl, tl.reading(Replayed)):
            # Each release day lists the developments naming an actor in its own version.
            for actor, early, late in (("USA", ["ev-3"], ["ev-1", "ev-3"]),
                                       ("RUS", ["ev-1", "ev-3"], ["ev-1"])):  # fmt: skip
                assert [d.id for d in reads.developments("2019-02-01", actor=actor)] == early
                assert [d.id for d in reads.developments("2019-03-01", actor=actor)] == late
            before = reads.relations("RUS", "USA", by="year", known_at="2019-02-01")
            after = reads.relations("RUS", "USA", by="year", known_at="2019-03-01")
            assert before != after
            assert after == tl.relations("RUS", "USA", by="year", known_at="2019-03-01")


def test_a_value_a_later_release_no_longer_gives_is_cleared_and_the_log_keeps_it(
    tmp_path: Path,
) -> None:
    first = [agreement(id="ev-1", reported="2019-01-05", coded="057", weight=8.0)]
    second = [attrs.evolve(first[0], coded=None, weight=None, mode=("visit",))]
    with Timeline() as tl:
        import_file(tl, _file(tmp_path, "one.jsonl", release_text(first)), release="2019-02-01")
        import_file(tl, _file(tmp_path, "two.jsonl", release_text(second)), release="2019-03-01")
        revision = tl.entry("ev-1").revisions[0]
        assert (revision.cleared, revision.mode) == (("coded", "weight"), ("visit",))
        assert tl.developments("2019-02-01") == [first[0]]
        assert [(d.coded, d.weight, d.mode) for d in tl.developments("2019-03-01")] == [
            (None, None, ("visit",))
        ]
        log = _file(tmp_path, "log.jsonl", export(tl, "jsonl"))
        with Timeline() as other:
            import_file(other, log)
            assert other.entry("ev-1") == tl.entry("ev-1")


@pytest.mark.parametrize("sample", ["gdelt-events.tsv", "acled-events.csv", "polecat-events.tsv"])
def test_the_log_of_an_imported_dataset_reads_back_into_an_empty_store(
    tmp_path: Path, sample: str
) -> None:
    with Timeline() as tl:
        import_file(tl, DATA / sample, skip_bad=True, rejects=tmp_path / "rejects.jsonl")
        log = _file(tmp_path, "log.jsonl", export(tl, "jsonl"))
        # The log registers each name before a development uses it, so an empty store
        # takes it whole, as it was written.
        with Timeline() as other:
            import_file(other, log)
            assert other.entries() == tl.entries()
            assert dict(other.registry.actors) == dict(tl.registry.actors)
            assert other.entries()
