"""The README's install, run as a new user would: a fresh virtualenv, `pip install .`, then
`chart` and `serve` without the `web` extra (one line naming it, exit 1) and with it.

pip's own cache is kept (nothing is downloaded when the wheels are cached), and the
checkout is copied without its virtualenv so the build sees what a fresh clone holds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.test_cli import environment

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CORE = "pip install ."
WEB = "pip install '.[web]'"

IGNORED = (".venv", ".git", "__pycache__", "*.egg-info", "build", ".mypy_cache", ".ruff_cache",
           ".pytest_cache", ".hypothesis")  # fmt: skip

pytestmark = pytest.mark.slow


def run(venv: Path, env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs a program of the virtualenv; never raises on a non-zero exit."""
    return subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def checkout(tmp: Path) -> Path:
    """A copy of the repository as a fresh clone has it (no virtualenv, no caches)."""
    ignored = shutil.ignore_patterns(*IGNORED)
    copy = tmp / "timeline"
    shutil.copytree(ROOT, copy, ignore=ignored, symlinks=True)
    return copy


def serves(venv: Path, env: dict[str, str], cwd: Path) -> str:
    """The line `timeline demo serve` prints once it listens, after which it is stopped."""
    with subprocess.Popen(
        [str(venv / "bin" / "timeline"), "demo", "serve", "--port", "0"],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as server:
        assert server.stdout is not None
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if "serving" in line or not line:
                break
        server.terminate()
        server.wait(timeout=30)
    return line


def test_the_readme_install_then_chart_and_serve_with_and_without_web(tmp_path: Path) -> None:
    assert f".venv/bin/{CORE}" in README
    assert f".venv/bin/{WEB}" in README
    source = checkout(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = environment(tmp_path)
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    installed = run(venv, env, source, *CORE.split(), "-q")
    assert installed.returncode == 0, installed.stderr

    first = run(venv, env, tmp_path, "timeline", "demo", "positions", "--as-of", "2018-12-31")
    assert first.returncode == 0, first.stderr
    assert "RUS.KREMLIN" in first.stdout
    for args in (("demo", "chart", "positions", "s400-purchase"), ("demo", "serve")):
        missing = run(venv, env, tmp_path, "timeline", *args)
        assert missing.returncode == 1, missing.stderr
        assert missing.stderr.strip().count("\n") == 0, missing.stderr
        assert "needs the 'web' extra" in missing.stderr
        assert WEB in missing.stderr
        assert "bug" not in missing.stderr
    assert not list(tmp_path.glob("*.png"))

    with_web = run(venv, env, source, "pip", "install", "-q", ".[web]")
    assert with_web.returncode == 0, with_web.stderr
    drawn = run(venv, env, tmp_path, "timeline", "demo", "chart", "positions", "s400-purchase")
    assert drawn.returncode == 0, drawn.stderr
    assert (tmp_path / "s400-purchase.png").read_bytes().startswith(b"\x89PNG")
    assert "serving" in serves(venv, env, tmp_path)
