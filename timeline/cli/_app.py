"""The command tree: the root group, its sections, and where subcommands come from.

Subcommands live in modules of this package and are imported only when they are
run or listed.  Another module adds a subcommand with one line in `COMMANDS`
(`"serve": ("timeline.web.cli", "serve", "Web")`): the name, the module and
attribute of a `click.Command`, and the section of `timeline --help` it is listed in.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any

import click

from timeline import __version__
from timeline.cli._context import PROG, App
from timeline.cli._dates import DATES_HELP
from timeline.cli._options import DB_HELP

__all__ = ["COMMANDS", "SECTIONS", "TimelineGroup", "cli", "register"]

SECTIONS = ("Ask", "Browse", "Write", "Exchange", "Web", "Other")
# name -> (module, attribute, section); imported when the command is used.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "positions": ("timeline.cli._reads", "positions", "Ask"),
    "developments": ("timeline.cli._reads", "developments", "Ask"),
    "history": ("timeline.cli._history", "history", "Ask"),
    "diff": ("timeline.cli._compare", "diff", "Ask"),
    "explain": ("timeline.cli._explain", "explain", "Ask"),
    "relations": ("timeline.cli._compare", "relations", "Ask"),
    "branch": ("timeline.cli._whatif", "branch", "Ask"),
    "impact": ("timeline.cli._impact", "impact", "Ask"),
    "sources": ("timeline.cli._sources", "sources", "Ask"),
    "actors": ("timeline.cli._browse", "actors", "Browse"),
    "topics": ("timeline.cli._browse", "topics", "Browse"),
    "show": ("timeline.cli._browse", "show", "Browse"),
    "actor": ("timeline.cli._registry", "actor", "Write"),
    "topic": ("timeline.cli._registry", "topic", "Write"),
    "init": ("timeline.cli._writes", "init", "Write"),
    "load": ("timeline.cli._load", "load", "Write"),
    "add": ("timeline.cli._writes", "add", "Write"),
    "revise": ("timeline.cli._writes", "revise", "Write"),
    "retract": ("timeline.cli._writes", "retract", "Write"),
    "rank": ("timeline.cli._writes", "rank", "Write"),
    "export": ("timeline.cli._export", "export", "Exchange"),
    "import": ("timeline.cli._import", "import_", "Exchange"),
    "copy": ("timeline.cli._copy", "copy", "Exchange"),
    "chart": ("timeline.web.cli", "chart", "Web"),
    "serve": ("timeline.web.cli", "serve", "Web"),
    "demo": ("timeline.cli._demo", "demo", "Other"),
    "project": ("timeline.cli._worker", "project", "Other"),
    "help": ("timeline.cli._meta", "help_", "Other"),
    "completion": ("timeline.cli._meta", "completion", "Other"),
}
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def register(name: str, module: str, attribute: str, section: str = "Other") -> None:
    """Adds a subcommand defined in another module (imported when used)."""
    COMMANDS[name] = (module, attribute, section)


class TimelineGroup(click.Group):
    """A group whose commands load lazily, list by section and suggest close names."""

    def __init__(self, *args: Any, exclude: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exclude = exclude

    def names(self) -> list[str]:
        """The names of the subcommands, in the order they are listed."""
        return [name for name in [*COMMANDS, *self.commands] if name not in self.exclude]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(dict.fromkeys(self.names()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.exclude:
            return None
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if self.get_command(ctx, name) is None and not name.startswith("-"):
            close = difflib.get_close_matches(name, self.names(), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise click.UsageError(f"no such command {name!r}{hint} ", ctx)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {name: [] for name in SECTIONS}
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        for name in self.list_commands(ctx):
            try:
                command = self.get_command(ctx, name)
            except ImportError:  # a command another module has yet to provide: not listed
                continue
            if command is None or command.hidden:
                continue
            section = COMMANDS.get(name, ("", "", "Other"))[2]
            sections.setdefault(section, []).append((name, command.get_short_help_str(limit)))
        for section, rows in sections.items():
            if rows:
                with formatter.section(section):
                    formatter.write_dl(rows)


def _db(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(App).db = value


def _json(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(App).form = "json"


@click.group(
    cls=TimelineGroup,
    name=PROG,
    context_settings=CONTEXT,
    epilog=f"{DATES_HELP} Run 'timeline help COMMAND' for a command's options.",
)
@click.option("--db", metavar="URL", expose_value=False, callback=_db, help=DB_HELP)
@click.option(
    "--json",
    is_flag=True,
    expose_value=False,
    callback=_json,
    help="Print JSON for programs (errors too, on stderr).",
)
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
def cli() -> None:
    """Replay a story of dated developments: who stood where, when, as known when.

    \b
    Try the bundled story:  timeline demo positions --as-of 2018-12-31
    Start your own story:   timeline init, then timeline load my-story/
    Your store starts empty; the demo has its own. Seed format: timeline help load
    """
