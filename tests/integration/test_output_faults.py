"""Charts and saved branches: any text drawn as written, and a refused write said clearly."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from timeline import Development, Source, StanceClaim, Timeline, seeds
from timeline.cli import Settings, run
from timeline.web import files

# Text that matplotlib would read as a formula, and fail to parse.
FORMULA = r"$\frac{1}{$"


@pytest.fixture(scope="module")
def formulas() -> Timeline:
    """A story whose actor, topic and summary hold `FORMULA`."""
    tl = Timeline()
    tl.register_actor("XYZ", FORMULA)
    tl.register_actor("ABC", f"Other {FORMULA}")
    tl.register_topic("money", f"Costs {FORMULA}")
    tl.record(
        Development(
            id="formula",
            occurred="2019-05",
            reported="2019-06-01",
            kind="agreement",
            summary=f"It says {FORMULA}.",
            actors=["XYZ"],
            targets=["ABC"],
            source=Source(FORMULA, "named"),
            claims=[StanceClaim("XYZ", "money", "supports", quote=FORMULA)],
        )
    )
    return tl


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_text_that_looks_like_a_formula_is_drawn_as_written(
    formulas: Timeline, tmp_path: Path, suffix: str
) -> None:
    topic = files.write_topic(formulas, "money", tmp_path / f"topic.{suffix}", day="2019-12")
    pair = files.write_comparison(formulas, "money", tmp_path / f"pair.{suffix}", known_at="2019")
    relations = files.write_relations(formulas, "XYZ", "ABC", tmp_path / f"rel.{suffix}")
    for path in (topic, pair, relations):
        if suffix == "png":
            assert Image.open(path).size[0] > 500
        else:
            assert path.read_text(encoding="utf-8").startswith("<?xml")


def _call(tmp: Path, *argv: str) -> tuple[int, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run([*argv], Settings(None, tmp / "data"), stdout, stderr)
    return status, stderr.getvalue()


def test_a_chart_into_a_missing_folder_is_one_clear_line(tmp_path: Path) -> None:
    status, err = _call(tmp_path, "demo", "chart", "positions", "s400-purchase", "-o",
                        str(tmp_path / "missing" / "chart.png"))  # fmt: skip
    assert status == 1
    assert "cannot write the chart" in err
    assert "the folder does not exist" in err
    assert "bug in timeline" not in err


def test_a_branch_saved_into_proc_is_one_clear_line(tmp_path: Path) -> None:
    seed = tmp_path / "what-if.toml"
    seed.write_text('[[retraction]]\ndevelopment = "us-senator-scrap-s400"\n'
                    'reported = "2019-02-01"\nreason = "what if"\n')  # fmt: skip
    for folder in ("/proc", "/proc/self"):
        status, err = _call(tmp_path, "demo", "branch", "save", "x", str(seed), "--folder", folder)
        assert status == 1
        assert f"cannot write the branch 'x' to {folder}/x.jsonl" in err
        assert "bug in timeline" not in err


# Run in a process of its own: the file-size limit stands for a full disk (the write
# fails part way, as on ENOSPC) and must not reach the test runner's own files.
FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from timeline import Timeline, seeds
from timeline._output import OutputFileError
from timeline.web import files
folder = Path(sys.argv[1])
tl = Timeline()
tl.load(seeds.path())
branch = tl.branch("what-if")
branch.retract("us-senator-scrap-s400", reported="2019-02-01", reason="what if")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))
for write in (
    lambda: files.write_topic(tl, "s400-purchase", folder / "chart.png"),
    lambda: branch.save(folder=folder),
):
    try:
        write()
    except OutputFileError as error:
        print(error)
"""


def test_a_full_disk_leaves_no_chart_and_no_branch_half_written(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FULL_DISK), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == [
        f"cannot write the chart {tmp_path / 'chart.png'}: "
        "the file would be larger than this process may write",
        f"cannot write the branch 'what-if' to {tmp_path / 'what-if.jsonl'}: "
        "the file would be larger than this process may write",
    ]
    assert list(tmp_path.iterdir()) == []  # no partial file stays behind


def test_the_bundled_story_still_draws(tmp_path: Path) -> None:
    with Timeline() as tl:
        tl.load(seeds.path())
        path = files.write_topic(tl, "s400-purchase", tmp_path / "chart.svg")
    assert "<svg" in path.read_text(encoding="utf-8")
