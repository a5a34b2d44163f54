"""The `timeline` command: ask about a story, browse it, write to it, and load seeds.

The store is `--db` (a URL or a path to an SQLite file), else `$TIMELINE_DB`, else
your own SQLite file in the data folder (`$XDG_DATA_HOME/timeline/story.db`, by
default `~/.local/share/timeline/story.db`), which starts empty; `timeline demo
COMMAND` runs a command on a separate store holding the bundled story.  Exit
status: 0 success, 2 bad input, 1 a store that is missing or unreachable.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from timeline.cli._app import cli, register
from timeline.cli._context import PROG, App
from timeline.cli._settings import COMPLETE_VAR, Settings

__all__ = ["Settings", "cli", "main", "register", "run"]


def _complete(settings: Settings) -> int:
    """Answers a shell-completion request (click's protocol); returns the exit status."""
    from click.shell_completion import shell_complete

    assert settings.complete is not None
    return shell_complete(cli, {}, PROG, COMPLETE_VAR, settings.complete)


def _invoke(app: App, argv: list[str]) -> int:
    import click

    try:
        width = app.out.width or 80
        with cli.make_context(PROG, argv, obj=app, terminal_width=width) as ctx:
            cli.invoke(ctx)
    except click.exceptions.Exit as done:
        return done.exit_code
    except BrokenPipeError:
        raise
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from timeline.cli._errors import report

        return report(app, error)
    return 0


def run(
    argv: Sequence[str] | None,
    settings: Settings,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Runs the command with explicit settings and streams; returns the exit status."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    args = list(sys.argv[1:] if argv is None else argv)
    app = App(settings, stdout, stderr)
    if "--json" in args[: args.index("--") if "--" in args else len(args)]:
        app.form = "json"  # so that even an error in the options is JSON
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            if settings.complete:
                return _complete(settings)
            return _invoke(app, args)
        finally:
            app.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the `timeline` command; the only place that reads the environment."""
    settings = Settings.from_env(os.environ)
    try:
        return run(argv, settings)
    except BrokenPipeError:
        # The reader went away (as with `| head`): that is no failure, and nothing
        # more may be written to the closed pipe, not even at interpreter exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
