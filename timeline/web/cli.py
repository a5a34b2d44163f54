"""`timeline chart …` and `timeline serve`: the click commands the `timeline` command lists.

The command registers them with one line each in `timeline.cli._app.COMMANDS`:
`"chart": ("timeline.web.cli", "chart", SECTION)` and `"serve": ("timeline.web.cli",
"serve", SECTION)`.  They open the store the command names (`--db`) and call
`timeline.web.files` and `timeline.web.serve`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import TYPE_CHECKING

import click

from timeline.cli import _options as opt
from timeline.cli._context import App, pass_app
from timeline.engine._extras import require

if TYPE_CHECKING:
    from timeline.cli._dates import DayArg

__all__ = ["chart", "serve"]

OUTPUT = click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the chart: .png or .svg (default: NAME.png here).",
)
DPI = click.option(
    "--dpi", type=click.IntRange(50, 600), default=150, show_default=True, help="PNG resolution."
)


def _day(value: DayArg | None) -> dt.date | None:
    return None if value is None else value.day


def _wrote(app: App, path: Path) -> None:
    app.say({"written": str(path)}, f"wrote {path}")


WEB = "Needs the web extra: pip install '.[web]' in a checkout, or 'timeline-engine[web]'."


@click.group(
    short_help="Draw a chart to a PNG or SVG file (needs the web extra).",
    epilog=f"Example: timeline demo chart positions s400-purchase -o s400.png\n\n{WEB}",
)
def chart() -> None:
    """Draw a chart of the story to a PNG or SVG file (headless, no display needed)."""


@chart.command(
    "positions", epilog=WEB, short_help="Every actor's stance on a topic over story time."
)
@click.argument("topic")
@opt.known_at()
@click.option("--as-of", "as_of", metavar="D", type=opt.DAY, default=None, help="Mark day D.")
@OUTPUT
@DPI
@opt.output(table=False)
@opt.store
@pass_app
def positions(
    app: App,
    topic: str,
    known_at: DayArg | None,
    as_of: DayArg | None,
    output: Path | None,
    dpi: int,
) -> None:
    """One step line per actor on the -2..+2 scale: bands where a change may have
    happened, tentative stretches dashed, retracted claims marked."""
    require("web", "timeline chart", ("matplotlib",))
    from timeline.web.files import write_topic

    tl = app.timeline()
    ident = tl.registry.resolve("topic", topic)
    path = output or Path(f"{ident}.png")
    _wrote(app, write_topic(tl, ident, path, known_at=_day(known_at), day=_day(as_of), dpi=dpi))


@chart.command("compare", epilog=WEB, short_help="A topic as known at K, beside as known now.")
@click.argument("topic")
@click.option(
    "--known-at",
    "known_at",
    metavar="K",
    type=opt.DAY,
    required=True,
    help="The earlier state of knowledge.",
)
@click.option("--as-of", "as_of", metavar="D", type=opt.DAY, default=None, help="Mark day D.")
@OUTPUT
@DPI
@opt.output(table=False)
@opt.store
@pass_app
def compare(
    app: App, topic: str, known_at: DayArg, as_of: DayArg | None, output: Path | None, dpi: int
) -> None:
    """The positions chart as known at K and as known now, on one time axis."""
    require("web", "timeline chart", ("matplotlib",))
    from timeline.web.files import write_comparison

    tl = app.timeline()
    ident = tl.registry.resolve("topic", topic)
    path = output or Path(f"{ident}-known-{known_at.day.isoformat()}.png")
    written = write_comparison(tl, ident, path, known_at=known_at.day, day=_day(as_of), dpi=dpi)
    _wrote(app, written)


@chart.command(
    "relations", epilog=WEB, short_help="Two actors' cooperation and conflict per period."
)
@click.argument("a")
@click.argument("b")
@click.option(
    "--by",
    type=click.Choice(["day", "week", "month", "quarter", "year"]),
    default="month",
    show_default=True,
    help="The length of a period.",
)
@opt.known_at()
@OUTPUT
@DPI
@opt.output(table=False)
@opt.store
@pass_app
def relations(
    app: App, a: str, b: str, by: str, known_at: DayArg | None, output: Path | None, dpi: int
) -> None:
    """Goldstein-weighted cooperation (up) and conflict (down), and their sum."""
    require("web", "timeline chart", ("matplotlib",))
    from timeline.web.files import write_relations

    tl = app.timeline()
    first, second = (tl.registry.resolve("actor", name) for name in (a, b))
    path = output or Path(f"relations-{first}-{second}.png".lower())
    _wrote(app, write_relations(tl, first, second, path, by=by, known_at=_day(known_at), dpi=dpi))


@click.command(
    short_help="Serve the story's page and JSON API on this machine (needs the web extra).",
    epilog=f"Example: timeline demo serve --port 8000\n\n{WEB}",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free one).",
)
@click.option(
    "--title",
    default=None,
    help="The page's headline (default: the story's own, its main topic's description).",
)
@click.option(
    "--public-name",
    "public_names",
    metavar="NAME",
    multiple=True,
    help="Also answer requests for this host name (the server's own DNS name); repeatable.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes answering requests, each reading the store (use the machine's cores).",
)
@opt.store
@pass_app
def serve(
    app: App,
    host: str,
    port: int,
    title: str | None,
    public_names: tuple[str, ...],
    workers: int,
) -> None:
    """Serve a page with the developments on a time axis, 'as of' and 'as known at'
    sliders, every position with its explanation, and the charts; and the JSON API
    it reads (OpenAPI at /api/openapi.json). Read-only; stop with Ctrl-C. Only requests
    for the address it listens on (and localhost) are answered, so that no other web site
    can read it through DNS rebinding; --public-name adds a name of yours."""
    require("web", "timeline serve", ("fastapi", "uvicorn"))
    from timeline.web import serve as serving

    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        app.warn(f"serving on {host}: anyone who can reach it can read the whole store")
    if workers == 1:
        serving(app.timeline(), host, port, title=title, public_names=public_names)
        return
    store = app.store
    if store.role == "demo":
        raise click.UsageError("--workers needs a store of its own (--db): the demo's is one")
    app.timeline()  # a missing or unreadable store is refused here, as for any read
    app.close()  # each worker opens the store itself
    serving(store.url, host, port, title=title, public_names=public_names, workers=workers)
