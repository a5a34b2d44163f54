"""The distribution installs one import package, `timeline`, with the documented API."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import timeline

ROOT = Path(__file__).resolve().parents[2]


def test_the_public_api_is_sorted_and_complete() -> None:
    documented = {"Timeline", "When", "Development", "StanceClaim", "Stance", "Source"}
    assert timeline.__all__ == sorted(timeline.__all__)
    assert documented | {"TimelineError"} <= set(timeline.__all__)
    for name in timeline.__all__:
        assert getattr(timeline, name) is not None


def test_the_subpackages_live_under_timeline() -> None:
    from timeline import engine, projections, seeds

    assert engine.__name__ == "timeline.engine"
    assert projections.__name__ == "timeline.projections"
    assert (seeds.path() / "developments.toml").is_file()


def test_python_dash_m_timeline_prints_the_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    assert done.stdout.strip() == f"timeline {timeline.__version__}"


@pytest.mark.slow
def test_the_wheel_holds_only_the_timeline_package(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("timeline_engine-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"timeline", f"timeline_engine-{timeline.__version__}.dist-info"}
    for expected in (
        "timeline/py.typed",
        "timeline/engine/when.py",
        "timeline/projections/_materialised.py",
        "timeline/engine/_backends/sqlite.py",
        "timeline/projections/_views/postgres.py",
        "timeline/formats/_exchange.py",
        "timeline/seeds/FORMAT.md",
        "timeline/seeds/developments.toml",
        "timeline/__main__.py",
        "timeline/branch/__init__.py",
    ):
        assert expected in names
