"""A missing optional extra is one line naming it, exit 1, and every command needing one says so.

The extras are hidden from a real `timeline` process by a meta-path finder that
refuses their modules, as a fresh install without the extra would
(`tests/integration/test_install.py` checks the real fresh install).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_cli import environment

HIDE = """
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {hidden!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Hide())
import importlib.util
_find = importlib.util.find_spec
def find_spec(name, package=None):
    if name.split(".")[0] in {hidden!r}:
        return None
    return _find(name, package)
importlib.util.find_spec = find_spec
from timeline.cli import main
sys.argv = ["timeline", *sys.argv[1:]]
sys.exit(main())
"""


def without(hidden: set[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Runs the command in a process where the modules `hidden` cannot be imported."""
    return subprocess.run(
        [sys.executable, "-c", HIDE.format(hidden=sorted(hidden)), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


WEB = {"matplotlib", "fastapi", "uvicorn", "starlette"}


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("demo", "chart", "positions", "s400-purchase"), "web"),
        (("demo", "chart", "relations", "TUR", "USA"), "web"),
        (("demo", "serve", "--port", "0"), "web"),
        (("--db", "postgresql://nobody@127.0.0.1:1/none", "positions"), "postgres"),
    ],
)
def test_a_missing_extra_is_one_line_that_names_it(
    tmp_path: Path, args: tuple[str, ...], extra: str
) -> None:
    env = environment(tmp_path)
    hidden = WEB if extra == "web" else {"psycopg", "psycopg_pool"}
    result = without(hidden, env, *args)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"needs the '{extra}' extra" in lines[0]
    assert f"pip install '.[{extra}]'" in lines[0]
    assert "bug" not in result.stderr
    assert not list(tmp_path.glob("*.png"))


def test_the_missing_extra_under_json_is_a_json_error(tmp_path: Path) -> None:
    result = without(WEB, environment(tmp_path), "demo", "chart", "positions", "s400-purchase",
                     "--json")  # fmt: skip
    assert result.returncode == 1
    assert '"type": "MissingExtraError"' in result.stderr


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("chart", "--help"), "web"),
        (("chart", "positions", "--help"), "web"),
        (("chart", "compare", "--help"), "web"),
        (("chart", "relations", "--help"), "web"),
        (("serve", "--help"), "web"),
        (("positions", "--help"), "postgres"),
    ],
)
def test_every_command_that_needs_an_extra_says_so_in_its_help(
    tmp_path: Path, args: tuple[str, ...], extra: str
) -> None:
    # Help is shown even without the extra.
    result = without(WEB, environment(tmp_path), *args)
    assert result.returncode == 0, result.stderr
    assert f"{extra} extra" in " ".join(result.stdout.split())


def test_the_library_says_which_extra_timeline_web_needs(tmp_path: Path) -> None:
    code = HIDE.split("from timeline.cli import main")[0] + (
        "from timeline.engine.errors import MissingExtraError\n"
        "import timeline.web\n"
        "try:\n"
        "    timeline.web.serve\n"
        "except MissingExtraError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code.format(hidden=sorted(WEB))],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "timeline.web.serve needs the 'web' extra" in result.stdout
