"""Concurrent imports of one file: each exits 0 once its work is committed, and the store
holds every development once (#23 item 6, second half)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.integration.test_cli import TIMELINE, environment
from tests.property.test_releases import release_text
from tests.strategies import agreement
from timeline import Timeline

COUNT = 3000


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_concurrent_imports_of_one_file_all_exit_0(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'story.db'}"
        if kind == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    story = [agreement(id=f"imported-{n}", reported="2019-01-05") for n in range(COUNT)]
    path = tmp_path / "story.jsonl"
    path.write_text(release_text(story), encoding="utf-8")
    env = environment(tmp_path)
    with Timeline.open(url):
        pass  # made once, so that the imports race on the records, not on the schema
    runs = [
        subprocess.Popen(
            [str(TIMELINE), "--db", url, "import", str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    for status, out, err in outcomes:
        assert status == 0, err
        assert out.startswith(f"imported {path}")
    assert sum(f"{COUNT:,} developments" in out for _, out, _ in outcomes) == 1
    with Timeline.open(url) as tl:
        assert len(tl.developments()) == COUNT
