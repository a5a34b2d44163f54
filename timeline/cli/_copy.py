"""`timeline copy --to URL`: moves a store to another (say SQLite to PostgreSQL), whole."""

from __future__ import annotations

import click

from timeline.cli import _options as opt
from timeline.cli._context import App, pass_app

__all__ = ["copy"]


@click.command(
    short_help="Copy every stored event into an empty store (SQLite to PostgreSQL, ...).",
    epilog="Example: timeline --db sqlite:///story.db copy --to postgresql://user@host/story",
)
@click.option("--to", "target", required=True, metavar="URL", help="The empty store to fill.")
@opt.output(table=False)
@opt.store
@pass_app
def copy(app: App, target: str) -> None:
    """Copy every stored event of the store (--db), in order and keeping its ids and
    topics, into the empty store at --to, in one transaction: all or nothing, and a
    store that holds any event is refused. The copy answers every question as the
    original does; its view is built on its first read, or now by
    'timeline project --db URL'."""
    tl = app.timeline()
    copied = tl.copy_to(target)
    from timeline.engine.config import StoreConfig

    shown = StoreConfig.from_url(target).url
    document = {"from": tl.config.url, "to": shown, "copied": copied}
    app.say(document, f"Copied {copied:,} events from {tl.config.url} to {shown}.")
