"""A file read in a reader process is stored as the inline import stores it, all or nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import fresh_schema
from tests.integration.test_bulk_process import DATA, POSTGRES, SAMPLES, _events, bad_gdelt
from timeline import Timeline
from timeline.engine import LoadError
from timeline.engine._bulk import BulkWrite
from timeline.formats import Records, _bulk_import, _exchange, open_records
from timeline.formats._exchange import export, import_file
from timeline.formats._read_process import ReadApart


def _import_all(url: str, folder: Path, apart: bool) -> tuple[list[Any], list[Any]]:
    """Every sample imported, again, as the project's log twice, then as a later release."""
    reports = []
    folder.mkdir(exist_ok=True)
    with Timeline.open(url) as tl:
        for name in (*SAMPLES, "gdelt-events.tsv"):  # the second time: every row held
            rejects = folder / f"{name}.rejects"
            reports.append(
                import_file(
                    tl, DATA / name, reported="2024-01-01", skip_bad=True, rejects=rejects,
                    apart=apart,
                )
            )  # fmt: skip
        # The log twice over in one file: each development new, then met again in the batch.
        log = folder / f"log-{apart}.jsonl"
        text = export(tl, "jsonl")
        body = text.partition("\n")[2]  # without its meta line, whose hash is the log's
        log.write_text(body + body, encoding="utf-8")
        reports.append(import_file(tl, log, apart=apart))
        again = import_file(tl, log, release=dt.date(2024, 6, 1), full=True, apart=apart)
        reports.append(again)
        events = _events(tl.materialised.application)
    counts = [(r.added, r.revisions, r.retractions, r.unchanged, r.rejected) for r in reports]
    return events, counts


def test_every_sample_is_stored_byte_for_byte_as_the_inline_import_stores_it(
    tmp_path: Path,
) -> None:
    inline = _import_all(f"sqlite:///{tmp_path / 'inline.db'}", tmp_path, apart=False)
    apart = _import_all(f"sqlite:///{tmp_path / 'apart.db'}", tmp_path, apart=True)
    assert len(inline[0]) > 30
    assert sum(added for added, *_ in inline[1]) > 20
    assert apart == inline


def test_every_sample_is_stored_as_its_checked_developments_would_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Inline, new developments are written from their rows' cells (`RowText`); the
    # checked developments, each made and encoded, give the same bytes and problems.
    written = _import_all(f"sqlite:///{tmp_path / 'written.db'}", tmp_path / "w", apart=False)
    monkeypatch.setattr(Records, "written", lambda records, make: iter(records))
    checked = _import_all(f"sqlite:///{tmp_path / 'checked.db'}", tmp_path / "c", apart=False)
    assert written == checked
    rejects = [sorted(folder.glob("*.rejects")) for folder in (tmp_path / "w", tmp_path / "c")]
    assert len(rejects[0]) == len(SAMPLES)
    texts = [r.read_text() for r in rejects[0]]
    assert texts == [r.read_text() for r in rejects[1]]
    assert "column 'DATEADDED'" in "".join(texts)  # a bad row's reason names its field


def _repeated(folder: Path, times: int) -> Path:
    """The GDELT sample's rows (two of five bad) `times` over, each under an id of its own;
    twice."""
    rows = (DATA / "gdelt-events.tsv").read_text(encoding="utf-8").splitlines()
    path = folder / "repeated.tsv"
    lines = [f"{int(ident) + 10**9 * i}\t{rest}" for i in range(times) for row in rows
             for ident, rest in [row.split("\t", 1)]]  # fmt: skip
    path.write_text("\n".join(lines + lines) + "\n", encoding="utf-8")
    return path


def _import_twice(
    url: str, path: Path, apart: bool, separate: bool = False
) -> tuple[list[Any], list[Any]]:
    """A file imported into a new store, then again; then the log twice over in one file;
    the events and the reports."""
    with Timeline.open(url) as tl:
        how: dict[str, Any] = {"apart": apart, "separate": separate, "skip_bad": True}
        reports = [import_file(tl, path, reported="2024-01-01", **how) for _ in range(2)]
        log = path.with_suffix(f".{apart}.jsonl")
        body = export(tl, "jsonl").partition("\n")[2]
        log.write_text(body + body, encoding="utf-8")
        reports.append(import_file(tl, log, **how))
        events = _events(tl.materialised.application)
    return events, [(r.added, r.unchanged, r.rejected, r.developments[:3]) for r in reports]


def test_batches_of_new_rows_alone_are_stored_as_their_checked_developments_would_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In batches of three, most hold new rows' texts alone: appended at once
    # (`BulkWrite.create`), inline, read apart and through a writer process, as each
    # checked development would be.
    monkeypatch.setattr(_bulk_import, "BATCH", 3)
    created: list[int] = []
    create = BulkWrite.create

    def counted(bulk: BulkWrite, idents: Any, texts: Any) -> None:
        created.append(len(texts))
        create(bulk, idents, texts)

    monkeypatch.setattr(BulkWrite, "create", counted)
    path = _repeated(tmp_path, 12)
    written = _import_twice(f"sqlite:///{tmp_path / 'written.db'}", path, apart=False)
    assert sum(created) >= 30
    apart = _import_twice(f"sqlite:///{tmp_path / 'apart.db'}", path, apart=True)
    separate = _import_twice(f"sqlite:///{tmp_path / 's.db'}", path, apart=True, separate=True)
    monkeypatch.setattr(Records, "written", lambda records, make: iter(records))
    checked = _import_twice(f"sqlite:///{tmp_path / 'checked.db'}", path, apart=False)
    assert written == checked
    assert apart == checked
    assert separate == checked
    assert [added for added, *_ in checked[1]] == [36, 0, 0]
    assert [unchanged for _, unchanged, *_ in checked[1]] == [36, 72, 86]
    assert [rejected for _, _, rejected, _ in checked[1]] == [48, 48, 0]


@pytest.mark.parametrize("apart", [False, True])
@pytest.mark.parametrize("sample", ["gdelt-events.tsv", "acled-events.csv"])
def test_the_report_names_every_new_actor_and_topic_of_every_batch(
    sample: str, apart: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of three bring new names throughout; the report names each one once.
    monkeypatch.setattr(_bulk_import, "BATCH", 3)
    with Timeline() as tl:
        report = import_file(tl, DATA / sample, skip_bad=True, apart=apart)
        assert sorted(report.actors) == sorted(tl.registry.actors)
        assert sorted(report.topics) == sorted(tl.registry.topics)
        assert len(report.actors) > 3


def test_a_new_store_in_memory_is_written_from_the_readers_bytes(tmp_path: Path) -> None:
    found = []
    for apart in (False, True):
        with Timeline() as tl:
            report = import_file(tl, DATA / "acled-events.csv", skip_bad=True, apart=apart)
            found.append((_events(tl.materialised.application), report.added, report.rejected))
            assert (report.reader_mb > 0) is apart
    assert found[1] == found[0]
    assert found[0][1] > 0


@pytest.mark.postgres
@pytest.mark.skipif(POSTGRES is None, reason="TIMELINE_TEST_POSTGRES_URL is not set")
def test_postgresql_stores_the_same_events_from_the_reader_process(tmp_path: Path) -> None:
    assert POSTGRES is not None
    found = []
    for apart in (False, True):
        with fresh_schema(POSTGRES) as url:
            found.append(_import_all(url, tmp_path, apart))
    assert len(found[0][0]) > 30
    assert found[1] == found[0]


def test_an_import_read_apart_with_a_problem_writes_nothing(tmp_path: Path) -> None:
    path = bad_gdelt(tmp_path)
    with Timeline.open(f"sqlite:///{tmp_path / 'story.db'}") as tl:
        with pytest.raises(LoadError) as caught:
            import_file(tl, path, apart=True)
        assert f"{path}:2:" in str(caught.value)
        assert tl.head == 0
        assert import_file(tl, path, skip_bad=True, rejects=tmp_path / "r", apart=True).added == 1


def test_a_file_that_changed_under_the_reader_is_reported_as_its_error(tmp_path: Path) -> None:
    path = tmp_path / "story.jsonl"
    path.write_text('{"type": "meta"}\n', encoding="utf-8")
    with Timeline() as tl:
        records = open_records(path, registry=tl.registry)
        path.unlink()  # the reader opens the file again, and finds it gone
        with ReadApart(records, tl.registry, None) as read, pytest.raises(LoadError) as caught:
            list(read)
    assert str(path) in str(caught.value)


def test_large_files_are_read_apart_unless_asked_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_exchange, "APART_BYTES", 100)
    monkeypatch.setattr(_exchange, "idle_core", lambda: True)
    assert (DATA / "gdelt-events.tsv").stat().st_size >= 100
    with Timeline.open(f"sqlite:///{tmp_path / 'story.db'}") as tl:
        read = import_file(tl, DATA / "gdelt-events.tsv", skip_bad=True, rejects=tmp_path / "r")
        assert read.reader_mb > 0
        kept = import_file(
            tl, DATA / "gdelt-events.tsv", release="2024-06-01", skip_bad=True,
            rejects=tmp_path / "r",
        )  # fmt: skip
        assert kept.reader_mb == 0  # a release reads every stored event back: inline
        inline = import_file(tl, DATA / "gdelt-events.tsv", skip_bad=True, apart=False)
        assert inline.reader_mb == 0
        monkeypatch.setattr(_exchange, "idle_core", lambda: False)
        busy = import_file(tl, DATA / "gdelt-events.tsv", skip_bad=True)
        assert busy.reader_mb == 0  # every core busy: read inline


@pytest.mark.postgres
@pytest.mark.skipif(POSTGRES is None, reason="TIMELINE_TEST_POSTGRES_URL is not set")
def test_a_large_file_into_postgresql_is_read_apart_on_a_busy_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert POSTGRES is not None
    monkeypatch.setattr(_exchange, "APART_BYTES", 100)
    monkeypatch.setattr(_exchange, "idle_core", lambda: False)
    with fresh_schema(POSTGRES) as url, Timeline.open(url) as tl:
        read = import_file(tl, DATA / "gdelt-events.tsv", skip_bad=True, rejects=tmp_path / "r")
        assert read.reader_mb > 0  # the server stores while this process plans
        inline = import_file(tl, DATA / "gdelt-events.tsv", skip_bad=True, apart=False)
        assert inline.reader_mb == 0


def test_a_core_is_idle_when_the_load_leaves_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for load, idle in ((0.2, True), (0.9, True), (1.0, False), (7.0, False)):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert _exchange.idle_core() is idle
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(os, "getloadavg", lambda: (5.0, 5.0, 5.0))
    assert _exchange.idle_core()
