"""The `timeline` command: positions, developments and histories of the story, and loading.

The store is `--db URL`, else the `TIMELINE_DB` environment variable, else an SQLite
file in the user's data folder (`$XDG_DATA_HOME/timeline/story.db`, by default
`~/.local/share/timeline/story.db`), which is filled with the bundled story on first use.
Exit status: 0 on success, 2 on bad input (with the reason on stderr), 1 when the
store cannot be reached.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

import attrs

from timeline import Timeline, __version__, seeds
from timeline.cli import _output as out
from timeline.cli import _reads, _worker
from timeline.cli._args import UsageError, knowledge, possible, show, when
from timeline.engine import ConflictError, StoreError, TimelineError, When

__all__ = ["Settings", "main", "run"]

PROG = "timeline"


@attrs.frozen
class Settings:
    """Where the command finds its store, as read from the environment by `main`."""

    db_url: str | None
    data_home: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Reads `TIMELINE_DB`, `XDG_DATA_HOME` and `HOME` from `env`."""
        xdg = env.get("XDG_DATA_HOME", "")
        # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
        if xdg and Path(xdg).is_absolute():
            data_home = Path(xdg)
        else:
            home = env.get("HOME")
            data_home = (Path(home) if home else Path.home()) / ".local" / "share"
        return cls(env.get("TIMELINE_DB") or None, data_home)

    @property
    def default_store(self) -> Path:
        """The SQLite file used when no store is named."""
        return self.data_home / "timeline" / "story.db"


def _common() -> argparse.ArgumentParser:
    """The options every subcommand takes, also accepted before the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS keeps a subcommand from resetting a value given before it.
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="the store: sqlite:///path.db, postgresql://user@host/db or memory:// "
        "(default: $TIMELINE_DB, else the SQLite file in your data folder)",
    )
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print JSON for programs instead of a table",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `timeline` command and its subcommands."""
    common = _common()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Replay a story of dated developments: who stood where, when, as known when.",
        epilog="Dates are EDTF: 2018-12-31, 2018-12, 2018, 2018-11~, 2017-12/2018-06. "
        "Run 'timeline COMMAND --help' for a command's options.",
        # Its own copy: set_defaults below changes the defaults of the actions it holds.
        parents=[_common()],
    )
    parser.set_defaults(db=None, json=False, handler=None)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    positions = commands.add_parser(
        "positions",
        parents=[common],
        help="every actor's position on every topic as of a day",
        description="Every actor's position on every topic as of day D: the stance, "
        "since when it has held, whether it is tentative, and the developments behind it.",
        epilog="example: timeline positions --as-of 2018-12-31 --actor USA --children",
    )
    positions.add_argument("--as-of", metavar="D", required=True, type=when, help="the day")
    knowledge(positions)
    possible(positions)
    positions.add_argument("--actor", metavar="A", help="only this actor (id, name or alias)")
    positions.add_argument(
        "--children", action="store_true", help="with --actor: also the actors below it"
    )
    positions.set_defaults(handler=_positions)

    developments = commands.add_parser(
        "developments",
        parents=[common],
        help="the developments in story order",
        description="The developments in story order (by when they occurred), "
        "optionally only those whose occurred span overlaps --from .. --to.",
        epilog="example: timeline developments --from 2018-11 --to 2018-12",
    )
    developments.add_argument("--from", dest="start", metavar="D", type=when, help="from day D")
    developments.add_argument("--to", dest="end", metavar="D", type=when, help="to day D")
    knowledge(developments)
    developments.set_defaults(handler=_developments)

    history = commands.add_parser(
        "history",
        parents=[common],
        help="how one actor's position on one topic changed",
        description="The change points of ACTOR's position on TOPIC in story order.",
        epilog="example: timeline history USA s400-purchase --known-at 2018-12-20",
    )
    history.add_argument("actor", metavar="ACTOR", help="actor id, name or alias")
    history.add_argument("topic", metavar="TOPIC", help="topic slug or alias")
    knowledge(history)
    possible(history)
    history.set_defaults(handler=_history)

    load = commands.add_parser(
        "load",
        parents=[common],
        help="load seed files into the store (all or nothing)",
        description="Load a seed file, or every *.toml file in a folder, into the store. "
        "Nothing is written unless everything is valid; loading again adds nothing.",
        epilog="example: timeline load my-story/",
    )
    load.add_argument("path", metavar="PATH", type=Path, help="a .toml file or a folder")
    load.set_defaults(handler=_load)
    _reads.add_commands(commands, common)
    _worker.add_command(commands, common)
    return parser


Handler = Callable[[Timeline, argparse.Namespace, TextIO], None]


def _positions(tl: Timeline, args: argparse.Namespace, stdout: TextIO) -> None:
    if args.children and args.actor is None:
        raise UsageError("--children needs --actor")
    view = tl.as_of(args.as_of, known_at=args.known_at, possible=args.possible)
    positions = list(view.positions(args.actor, children=args.children).values())
    document = {
        "as_of": out.day_text(view.day),
        "known_at": out.day_text(view.known_at),
        "possible": view.possible,
        "positions": [out.position_json(p) for p in positions],
    }
    rows = [out.position_row(p) for p in positions]
    text = out.table(out.POSITION_COLUMNS, rows) if rows else f"no positions as of {view.day}"
    show(args, stdout, document, text)


def _developments(tl: Timeline, args: argparse.Namespace, stdout: TextIO) -> None:
    # A development counts when its occurred span overlaps [from, to] at all.
    period = None
    if args.start is not None or args.end is not None:
        first = ".." if args.start is None else args.start.earliest.isoformat()
        last = ".." if args.end is None else args.end.latest.isoformat()
        period = When(f"{first}/{last}")
    chosen = tl.developments(known_at=args.known_at, period=period)
    document = {
        "from": None if args.start is None else args.start.text,
        "to": None if args.end is None else args.end.text,
        "known_at": None if args.known_at is None else args.known_at.text,
        "developments": [out.development_json(d) for d in chosen],
    }
    rows = [out.development_row(d) for d in chosen]
    text = out.table(out.DEVELOPMENT_COLUMNS, rows) if rows else "no developments"
    show(args, stdout, document, text)


def _history(tl: Timeline, args: argparse.Namespace, stdout: TextIO) -> None:
    actor = tl.registry.resolve("actor", args.actor)
    topic = tl.registry.resolve("topic", args.topic)
    changes = tl.history(actor, topic, known_at=args.known_at, possible=args.possible)
    document = {
        "actor": actor,
        "topic": topic,
        "known_at": None if args.known_at is None else args.known_at.text,
        "possible": args.possible,
        "changes": [out.change_json(c) for c in changes],
    }
    rows = [out.change_row(c) for c in changes]
    text = out.table(out.CHANGE_COLUMNS, rows) if rows else f"no claims by {actor} on {topic}"
    show(args, stdout, document, text)


def _load(tl: Timeline, args: argparse.Namespace, stdout: TextIO) -> None:
    added = tl.load(args.path)
    document = {"path": str(args.path), "added": added}
    if added:
        text = f"added {len(added)} development{'s' * (len(added) != 1)}: {', '.join(added)}"
    else:
        text = f"nothing new: everything in {args.path} is already recorded"
    show(args, stdout, document, text)


def _seed(tl: Timeline, where: Path, stderr: TextIO) -> None:
    """Fills an empty default store with the bundled story."""
    if tl.head:
        return
    added = tl.load(seeds.path())
    print(
        f"{PROG}: loaded the bundled story ({len(added)} developments) into {where}",
        file=stderr,
    )


def run(
    argv: Sequence[str] | None,
    settings: Settings,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Runs the command with explicit settings; returns the exit status."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, --version, or a usage error already printed
        return exit.code if isinstance(exit.code, int) else 2
    if args.handler is None:
        parser.print_help(stderr)
        return 2
    url = args.db or settings.db_url
    try:
        with Timeline.open(url or f"sqlite:///{settings.default_store}") as tl:
            if url is None:
                _seed(tl, settings.default_store, stderr)
            args.handler(tl, args, stdout)
    except BrokenPipeError:
        raise  # main() handles a reader that went away; it is not a store error
    except (StoreError, ConflictError, OSError, NotImplementedError) as error:
        print(f"{PROG}: error: {error}", file=stderr)
        return 1
    except TimelineError as error:
        print(f"{PROG}: error: {error}", file=stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the `timeline` command; the only place that reads the environment."""
    settings = Settings.from_env(os.environ)
    try:
        return run(argv, settings)
    except BrokenPipeError:
        # The reader went away (as with `| head`); say nothing more on a closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
