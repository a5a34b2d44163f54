"""Answers people can read: tables that fit 80 columns, CSV, tidy JSON, colour on terminals."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import struct
import subprocess
from pathlib import Path

import pytest

from tests.integration.test_cli import TIMELINE, article_environment, as_json, environment, timeline

# Every command that prints something, on the demo store (the bundled story).
EVERY = [
    ["--help"],
    ["positions", "--help"],
    ["history", "--help"],
    ["relations", "--help"],
    ["load", "--help"],
    ["demo", "positions", "--as-of", "2018-12-31"],
    ["demo", "positions", "--as-of", "2018-06", "--possible"],
    ["demo", "positions", "--as-of", "2018-12-19", "--known-at", "2018-12-19"],
    ["demo", "developments"],
    ["demo", "history", "TUR", "s400-purchase", "--possible"],
    ["demo", "history", "USA.CONGRESS", "patriot-sale", "--possible"],
    ["demo", "diff", "2018-06-30", "2018-12-31", "--possible"],
    ["demo", "diff", "2018-12-31", "--known-at", "2018-12-19", "--vs-known-at", "now"],
    ["demo", "explain", "USA.CONGRESS", "patriot-sale", "--as-of", "2018-12-31"],
    ["demo", "explain", "TUR", "s400-purchase", "--as-of", "2018-12-31"],
    ["demo", "relations", "USA", "TUR"],
    ["demo", "actors"],
    ["demo", "topics"],
    ["demo", "show", "patriot-sale-approved"],
    ["demo", "positions", "--actor", "Nobody"],
    ["demo", "positions", "--as-of", "2018/31/12"],
]
TABLES = [
    ["positions", "--as-of", "2018-12-31"],
    ["developments"],
    ["history", "TUR", "s400-purchase"],
    ["diff", "2018-06-30", "2018-12-31"],
    ["explain", "TUR", "s400-purchase", "--as-of", "2018-12-31"],
    ["relations", "USA", "TUR"],
    ["actors"],
    ["topics"],
]


@pytest.fixture(scope="module")
def narrow(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = article_environment(tmp_path_factory.mktemp("narrow"), COLUMNS="80")
    assert timeline(env, "demo", "actors").returncode == 0
    return env


@pytest.mark.parametrize("args", EVERY, ids=lambda args: " ".join(args))
def test_no_line_is_wider_than_80_columns(narrow: dict[str, str], args: list[str]) -> None:
    result = timeline(narrow, *args)
    assert result.returncode in (0, 1, 2)
    assert "Traceback" not in result.stderr
    for line in (result.stdout + result.stderr).splitlines():
        assert len(line) <= 80, line


def test_wide_keeps_every_row_on_one_line(narrow: dict[str, str]) -> None:
    wide = timeline(narrow, "demo", "developments", "--wide").stdout.splitlines()
    assert wide[0].split()[:5] == ["id", "occurred", "reported", "kind", "summary"]
    assert len(wide) == 2 + 13
    assert max(len(line) for line in wide) > 80
    assert any(
        len(line) > 80
        for line in timeline(narrow, "demo", "positions", "--wide").stdout.splitlines()
    )


@pytest.mark.parametrize("args", TABLES, ids=lambda args: args[0])
def test_every_table_command_prints_csv(narrow: dict[str, str], args: list[str]) -> None:
    result = timeline(narrow, "demo", *args, "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) > 1
    assert all(len(row) == len(rows[0]) for row in rows)


def test_json_numbers_are_rounded(narrow: dict[str, str]) -> None:
    result = timeline(narrow, "demo", "relations", "USA", "TUR", "--json")
    document = as_json(result)
    december = next(p for p in document["periods"] if p["period"] == "2018-12")
    assert december["conflict"] == -26.4
    assert "0000000" not in result.stdout


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["demo", "positions", "--as-of", "2018-13", "--json"], 2),
        (["demo", "positions", "--actor", "Nobody", "--json"], 2),
        (["--json", "postions"], 2),
        (["--db", "/nonexistent/x.db", "positions", "--json"], 1),
    ],
)
def test_errors_under_json_are_json_on_stderr(
    narrow: dict[str, str], args: list[str], status: int
) -> None:
    result = timeline(narrow, *args)
    assert (result.returncode, result.stdout) == (status, "")
    error = json.loads(result.stderr)["error"]
    assert error["exit_status"] == status
    assert error["message"]


def _on_a_terminal(env: dict[str, str], *args: str, columns: int = 80) -> str:
    """The output of the command run on a pseudo-terminal of the given width."""
    parent, child = pty.openpty()
    import fcntl
    import termios

    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    with subprocess.Popen(
        [str(TIMELINE), *args], env=env, stdin=child, stdout=child, stderr=child
    ) as process:
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(parent, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    os.close(parent)
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_unless_no_color(tmp_path: Path) -> None:
    plain = environment(tmp_path)
    coloured = {k: v for k, v in plain.items() if k != "NO_COLOR"} | {"TERM": "xterm"}
    assert timeline(plain, "demo", "actors").returncode == 0
    shown = _on_a_terminal(coloured, "demo", "positions", "--as-of", "2018-12-31")
    assert "\x1b[" in shown
    assert "\x1b[" not in _on_a_terminal(plain, "demo", "positions", "--as-of", "2018-12-31")
    assert "\x1b[" not in timeline(coloured, "demo", "positions").stdout  # piped: no colour


def test_a_terminal_of_80_columns_without_columns_set(tmp_path: Path) -> None:
    env = environment(tmp_path)
    shown = _on_a_terminal(env, "demo", "developments", columns=80)
    lines = shown.replace("\r", "").splitlines()
    assert len(lines) > 15
    assert max(len(line) for line in lines) <= 80, [line for line in lines if len(line) > 80]
