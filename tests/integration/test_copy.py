"""`copy --to`: a store moved whole into an empty one answers exactly as the original.

The copy into each kind of store is part of every backend's contract
(`test_backends.py`); here, any story in pages of any size, and the command.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.integration.test_cli import environment, timeline
from tests.strategies import fill, stories
from timeline import Timeline, seeds
from timeline.engine import Development
from timeline.engine._copying import copy_events

DAYS = ("2017-06-30", "2018-06-01", "2019-01-01", "2019-12-31")


@settings(max_examples=10, deadline=None)
@given(story=stories(), page=st.integers(min_value=1, max_value=4))
def test_any_story_copies_between_sqlite_files_in_pages_of_any_size(
    story: list[Development], page: int
) -> None:
    from timeline.bootstrap import open_application
    from timeline.engine.config import StoreConfig

    with (
        tempfile.TemporaryDirectory() as folder,
        Timeline.open(f"sqlite:///{folder}/a.db") as original,
    ):
        fill(original, story)
        target = open_application(StoreConfig.from_url(f"sqlite:///{folder}/b.db"))
        try:
            copy_events(original.materialised.application, target, "b.db", page=page)
        finally:
            target.close()
        with Timeline.open(f"sqlite:///{folder}/b.db") as copy:
            for day in DAYS:
                assert copy.as_of(day).positions() == original.as_of(day).positions()
            assert copy.developments() == original.developments()


def test_the_command_copies_a_store_and_names_both(tmp_path: Path) -> None:
    env = environment(tmp_path)
    first, second = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    loaded = timeline(env, "--db", first, "load", str(Path(seeds.__file__).parent))
    assert loaded.returncode == 0, loaded.stderr
    copied = timeline(env, "--db", first, "copy", "--to", second, "--json")
    assert copied.returncode == 0, copied.stderr
    report = json.loads(copied.stdout)
    assert report["to"] == second
    assert report["copied"] > 0
    listed = [
        timeline(env, "--db", url, "developments", "--json").stdout for url in (first, second)
    ]
    assert listed[0] == listed[1]
    again = timeline(env, "--db", first, "copy", "--to", second)
    assert again.returncode != 0
    assert "expected an empty store" in again.stderr
