"""What a command says it did is what it did: counts of its own writes, text shown inert."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

from tests.article import article_folder
from tests.strategies import agreement
from timeline import Timeline, seeds
from timeline.cli import Settings, run


def call(tmp: Path, url: str, *argv: str) -> tuple[int, str, str]:
    """Runs the command in this process on the store at `url`: (status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(["--db", url, *argv], Settings(None, tmp / "data"), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def test_load_counts_its_own_writes_and_not_another_writers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as tl:
        tl.register_actor("IRN", "Iran")  # the other writer's developments name it
    stop = threading.Event()
    written: list[str] = []

    def other_writer() -> None:
        with Timeline.open(url) as other:
            while not stop.is_set():
                mine = agreement(id=f"other-{len(written)}", actors=["IRN"], claims=[])
                written.extend(other.record_many([mine]))

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        while not written:  # the other writer is writing before the load begins
            stop.wait(0.01)
        status, out, err = call(tmp_path, url, "--json", "load", str(article_folder()))
    finally:
        stop.set()
        thread.join()
    assert (status, err) == (0, ""), err
    summary = json.loads(out)
    assert len(summary["added"]) == 13
    assert (summary["actors"], summary["topics"], summary["corrections"]) == (7, 5, 0)
    assert len(written) > 1  # it kept writing while the load ran


def test_control_characters_in_stored_text_are_shown_as_escapes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as tl:
        tl.load(seeds.path())
        tl.revise("patriot-sale-approved", reported="2019-01-15", reason="a\x1b]0;owned\x07 b",
                  summary="Approved\x1b[2J\x00 after all")  # fmt: skip
    for argv in (["developments"], ["show", "patriot-sale-approved"]):
        status, out, err = call(tmp_path, url, *argv)
        assert (status, err) == (0, "")
        assert "\x1b" not in out
        assert "\x00" not in out
        assert "\x07" not in out
    assert "Approved\\x1b[2J\\x00 after all" in call(tmp_path, url, "developments", "--wide")[1]
