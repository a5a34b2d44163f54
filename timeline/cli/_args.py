"""Option helpers shared by the `timeline` subcommands."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from timeline.cli import _output as out
from timeline.engine import TimelineError, When
from timeline.engine.errors import DateError

__all__ = ["UsageError", "knowledge", "possible", "show", "when"]


class UsageError(TimelineError, ValueError):
    """Options that do not fit together."""


def when(text: str) -> When:
    """Reads an EDTF option value, turning a bad date into a usage error."""
    try:
        return When(text)
    except DateError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def knowledge(parser: argparse.ArgumentParser, flag: str = "--known-at") -> None:
    """Adds the knowledge-day option."""
    parser.add_argument(
        flag,
        metavar="K",
        type=when,
        help="count only what had been reported by day K (EDTF; default: everything)",
    )


def possible(parser: argparse.ArgumentParser) -> None:
    """Adds `--possible`."""
    parser.add_argument(
        "--possible",
        action="store_true",
        help="also count developments that had only possibly happened; "
        "positions resting on them are marked tentative",
    )


def show(args: argparse.Namespace, stdout: TextIO, document: Any, text: str) -> None:
    """Prints JSON with `--json`, else the text for people."""
    print(out.dump(document) if args.json else text, file=stdout)
