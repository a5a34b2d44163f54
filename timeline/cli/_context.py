"""The state one run of the command carries: settings, streams, options, the open store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

import click

from timeline.cli._render import Column, Output
from timeline.cli._settings import Settings
from timeline.cli._store import Store, locate

if TYPE_CHECKING:
    from timeline import Timeline

__all__ = ["App", "pass_app"]

PROG = "timeline"


class App:
    """One run: where to print, which store, and in which form (table, CSV or JSON)."""

    def __init__(self, settings: Settings, stdout: TextIO, stderr: TextIO) -> None:
        self.settings = settings
        self.out = Output(
            stdout, columns=settings.columns, no_color=settings.no_color, term=settings.term
        )
        self.err = Output(
            stderr, columns=settings.columns, no_color=settings.no_color, term=settings.term
        )
        self.db: str | None = None
        self.demo = False
        self.form = "table"  # or "json", "csv"
        self.wide = False
        self._timeline: Timeline | None = None

    @property
    def json(self) -> bool:
        """Whether output (and errors) are JSON."""
        return self.form == "json"

    @property
    def store(self) -> Store:
        """The store this run uses."""
        if self.demo and self.db is not None:
            raise click.UsageError("'timeline demo' uses its own store; --db does not apply")
        return locate(self.db, self.settings, demo=self.demo)

    def timeline(self, *, write: bool = False) -> Timeline:
        """The open store: a read refuses a missing one, a write creates it."""
        if self._timeline is None:
            store = self.store
            if store.role == "demo":
                from timeline.cli._demo import open_demo

                self._timeline = open_demo(self, store)
            else:
                self._timeline = store.open(create=write)
        return self._timeline

    @property
    def opened(self) -> Timeline | None:
        """The store if this run has opened it."""
        return self._timeline

    def close(self) -> None:
        """Closes the store if it was opened."""
        if self._timeline is not None:
            self._timeline.close()
            self._timeline = None

    def show(
        self,
        document: Any,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        empty: str,
        header: str | None = None,
        hints: Sequence[str] = (),
    ) -> None:
        """Prints a result as JSON, CSV or a table under its header (or says it is empty)."""
        if self.form == "json":
            self.out.json(document)
            return
        if self.form == "csv":
            self.out.csv(columns, rows)
        else:
            if not rows:
                self.out.line(empty)
            else:
                if header:
                    self.out.line(header)
                self.out.table(columns, rows, wide=self.wide)
        for hint in hints:
            self.hint(hint)

    def say(self, document: Any, text: str) -> None:
        """Prints a one-line outcome for people, or its JSON."""
        if self.form == "json":
            self.out.json(document)
        else:
            self.out.line(text)

    def hint(self, text: str) -> None:
        """A hint for people, on stderr."""
        self.err.note("hint:", text, style="bold cyan")

    def warn(self, text: str) -> None:
        """A warning for people, on stderr (a JSON object under --json)."""
        if self.json:
            self.err.json({"warning": text})
        else:
            self.err.note(f"{PROG}: warning:", text, style="bold yellow")

    def info(self, text: str) -> None:
        """A note about what the command did, on stderr."""
        if not self.json:
            self.err.note(f"{PROG}:", text)


pass_app = click.make_pass_decorator(App)
