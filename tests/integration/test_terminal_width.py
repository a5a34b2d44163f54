"""Tables on a real pseudo-terminal of any width: 0 columns gets a default, 60 stacks.

The command runs under a pty whose size is set with TIOCSWINSZ, as a terminal
emulator sets it, so the width comes from the terminal itself and not `COLUMNS`.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import termios

import pytest

from tests.integration.test_cli import TIMELINE, environment, timeline

TABLE_COMMANDS = (
    ("positions", "--as-of", "2018-12-31"),
    ("developments",),
    ("history", "TUR", "s400-purchase"),
    ("diff", "2018-01-01", "2019-01-01"),
    ("relations", "TUR", "USA"),
    ("actors",),
    ("topics",),
    ("show", "s400-supply-agreement"),
    ("explain", "TUR", "s400-purchase", "--as-of", "2018-12-31"),
)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    found = environment(tmp_path_factory.mktemp("pty"))
    found.pop("COLUMNS", None)
    found.pop("LINES", None)
    assert timeline(found, "demo", "actors").returncode == 0
    return found


def on_terminal(env: dict[str, str], columns: int, *args: str) -> tuple[int, str]:
    """The exit status and screen text of the command run on a pty `columns` wide."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    with subprocess.Popen(
        [str(TIMELINE), "demo", *args],
        env=env,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        close_fds=True,
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower closed: the command is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        status = process.wait(timeout=60)
    os.close(leader)
    return status, b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.fixture(scope="module")
def ids(env: dict[str, str]) -> set[str]:
    """Every id of an actor, topic and development in the demo story."""
    return {
        line.split(",")[0]
        for command in ("actors", "topics", "developments")
        for line in demo_csv(env, command)
    }


def demo_csv(env: dict[str, str], *args: str) -> list[str]:
    result = timeline(env, "demo", *args, "--csv")
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[1:]


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=lambda a: a[0])
def test_a_terminal_of_zero_columns_gets_the_default_width(
    env: dict[str, str], args: tuple[str, ...]
) -> None:
    status, screen = on_terminal(env, 0, *args)
    assert status == 0, screen
    assert "Traceback" not in screen
    assert "invalid width" not in screen
    assert max(len(line) for line in screen.splitlines()) <= 80


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=lambda a: a[0])
def test_sixty_columns_fit_and_no_id_is_broken(
    env: dict[str, str], ids: set[str], args: tuple[str, ...]
) -> None:
    status, screen = on_terminal(env, 60, *args)
    assert status == 0, screen
    lines = screen.splitlines()
    assert max(len(line) for line in lines) <= 60, screen
    words = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]", screen))
    assert len(ids) > 20
    for ident in ids:
        pieces = [w for w in words if len(w) >= 3 and w != ident and w in ident]
        # A broken id ends one line with its head and goes on in the next (the kind
        # "sanction" ending a line is no break of "sanctions-on-turkey").
        broken = [
            w
            for w in pieces
            if ident.startswith(w)
            and ident[len(w)] not in ".-"
            and re.search(
                re.escape(w) + r"\s*\n\s*" + re.escape(ident[len(w) : len(w) + 3]), screen
            )
        ]
        assert not broken, f"{ident!r} broken into {broken} on a 60-column terminal:\n{screen}"
