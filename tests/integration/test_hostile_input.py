"""Hostile or odd input files: refused with a located message, never a hang or a crash."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import agreement, fill
from timeline import Timeline, TimelineError, seeds
from timeline.cli import Settings, run
from timeline.engine._checks import LONGEST_ID
from timeline.engine._input import InputFileError, read_input
from timeline.engine.errors import LoadError
from timeline.formats._exchange import export, import_file

# The characters `str.splitlines` splits at besides "\n" and "\r\n", which JSON writes raw.
SEPARATORS = "\u2028\u2029\u0085\x0b\x0c\x1c\x1d\x1e\r"


def call(tmp: Path, url: str, *argv: str) -> tuple[int, str, str]:
    """Runs the command in this process on the store at `url`: (status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(["--db", url, *argv], Settings(None, tmp / "data"), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def _story(db: Path) -> str:
    url = f"sqlite:///{db}"
    with Timeline.open(url) as tl:
        tl.load(seeds.path())
    return url


# -- U+2028 and its kin in texts --------------------------------------------------------


@given(
    summary=st.text(alphabet=st.sampled_from(f"ab {SEPARATORS}"), min_size=1).filter(str.strip),
    form=st.sampled_from(["jsonl", "plover"]),
)
def test_the_store_imports_its_own_exports_whatever_separators_the_texts_hold(
    tmp_path_factory: pytest.TempPathFactory, summary: str, form: str
) -> None:
    folder = tmp_path_factory.mktemp("separators")
    with Timeline() as tl:
        fill(tl, [agreement(summary=summary)])
        path = folder / f"story.{form}"
        path.write_text(export(tl, form), encoding="utf-8", newline="")
    with Timeline() as other:
        report = import_file(other, path)
        assert report.developments == ("agreement",)
        assert [d.summary for d in other.developments()] == [summary]


# -- special files and sizes --------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["load", "{fifo}"],
        ["import", "{fifo}"],
        ["positions", "--what-if", "{fifo}"],
        ["branch", "save", "x", "{fifo}"],
        ["add", "{fifo}"],
        ["load", "/dev/zero"],
        ["import", "/dev/zero"],
    ],
)
def test_a_fifo_or_a_device_is_refused_before_it_is_read(tmp_path: Path, argv: list[str]) -> None:
    url = _story(tmp_path / "story.db")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # nobody writes to it: reading it would block for ever
    status, _, err = call(tmp_path, url, *(a.format(fifo=fifo) for a in argv))
    assert status == 2
    assert "expected a regular file" in err
    assert "bug in timeline" not in err


def test_an_input_larger_than_the_bound_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"x" * 1000)
    assert read_input(path, limit=1000) == b"x" * 1000
    with pytest.raises(InputFileError, match="expected at most"):
        read_input(path, limit=999)


# -- damaged JSON, lone surrogates, long ids -----------------------------------------------


def test_deeply_nested_json_in_a_branch_file_is_a_located_problem(tmp_path: Path) -> None:
    url = _story(tmp_path / "story.db")
    folder = tmp_path / "branches"
    folder.mkdir()
    (folder / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000)
    status, out, err = call(tmp_path, url, "branch", "list", "--folder", str(folder))
    assert (status, err) == (0, "")
    assert "deep" in out
    status, _, err = call(tmp_path, url, "branch", "show", "deep", "--folder", str(folder))
    assert status == 2
    assert "deep:1: JSON nested too deeply" in err


def test_deeply_nested_json_in_an_import_is_a_located_problem(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    first = '{"type": "topic", "id": "t", "description": "A topic."}'
    path.write_text(first + "\n" + '{"a":' * 50_000 + "1" + "}" * 50_000 + "\n")
    with Timeline() as tl, pytest.raises(LoadError, match=r"deep.jsonl:2: JSON nested too deeply"):
        import_file(tl, path)


def _line(**fields: object) -> str:
    development = {
        "type": "development",
        "id": "lone",
        "occurred": "2017-12",
        "reported": "2018-12-20",
        "kind": "agreement",
        "summary": "A summary.",
        "actors": ["TUR"],
        "source": {"publisher": "Reuters", "reliability": "named"},
    }
    return json.dumps({**development, **fields}) + "\n"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"summary": "a \ud800 b"},
            "field 'summary': expected Unicode text, found a lone surrogate",
        ),
        (
            {"id": "x" * 10_000},
            f"field 'id': expected a slug or dataset-EVENTID of at most {LONGEST_ID} characters",
        ),
    ],
)
def test_an_unstorable_text_or_a_huge_id_is_refused_by_import(
    tmp_path: Path, fields: dict[str, object], expected: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(_line(**fields), encoding="utf-8")
    with Timeline() as tl:
        tl.load(seeds.path())
        head = tl.head
        with pytest.raises(LoadError, match=expected) as raised:
            import_file(tl, path)
        assert len(str(raised.value)) < 1000  # the message does not repeat the whole id
        assert tl.head == head


def test_a_lone_surrogate_on_the_command_line_is_bad_input(tmp_path: Path) -> None:
    url = _story(tmp_path / "story.db")
    argv = ["add", "--id", "x", "--occurred", "2018", "--reported", "2018", "--kind",
            "statement", "--summary", "\udced\udca0\udc80", "--actor", "TUR", "--publisher",
            "Reuters", "--reliability", "named"]  # fmt: skip
    status, _, err = call(tmp_path, url, *argv)
    assert status == 2
    assert "--summary: expected Unicode text, found a lone surrogate" in err


# -- crafted rows in the store -------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        b"{}",
        b'{"originator_id": 1}',
        b"\xff\xfe",
        b'{"development": {"_type_": "nothing"}}',
        json.dumps({"originator_id": {"_type_": "uuid_hex", "_data_": "0" * 32},
                    "originator_version": 1, "timestamp": 3, "development": 4}).encode(),
    ],
)  # fmt: skip
def test_a_crafted_event_row_is_a_store_error_naming_it(tmp_path: Path, state: bytes) -> None:
    db = tmp_path / "story.db"
    url = _story(db)
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0]
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state, row))
    for argv in (["developments"], ["export", "--format", "jsonl"]):
        status, _, err = call(tmp_path, url, *argv)
        assert status == 1
        assert "the store holds an event that cannot be read" in err
        assert "bug in timeline" not in err


# -- close ----------------------------------------------------------------------------------


def test_a_copy_of_the_file_after_close_holds_the_last_writes(tmp_path: Path) -> None:
    db = tmp_path / "story.db"
    with Timeline.open(f"sqlite:///{db}") as tl:
        tl.load(seeds.path())
        tl.as_of("2019").positions()  # the view's rows are written too
        head, count = tl.head, len(tl.developments())
    assert not Path(f"{db}-wal").exists()  # the log was checkpointed into the file
    copy = tmp_path / "copy.db"
    shutil.copyfile(db, copy)
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0] == head
    with Timeline.open(f"sqlite:///{copy}") as reopened:
        assert len(reopened.developments()) == count


def test_a_read_after_close_is_a_clear_error() -> None:
    tl = Timeline()
    tl.load(seeds.path())
    tl.close()
    with pytest.raises(TimelineError, match="closed"):
        tl.as_of("2019").positions()
