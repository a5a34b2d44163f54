"""`timeline demo COMMAND`: any command, on a store of its own holding the bundled story.

The demo store is `demo.db` beside your own store in the data folder; it is made
and filled with the bundled S-400 story on first use, and never mixes with yours.
A demo store made by an earlier version, with an earlier edition of the story, is
extended on its next use: the bundled seeds are loaded into it (a load adds only
what is new, and keeps whatever was written to the demo store since).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from timeline.cli._app import CONTEXT, TimelineGroup
from timeline.cli._context import App, pass_app

if TYPE_CHECKING:
    from timeline import Timeline
    from timeline.cli._store import Store

__all__ = ["demo", "open_demo"]


def open_demo(app: App, store: Store) -> Timeline:
    """Opens the demo store, filling it with the bundled story if it is new or empty."""
    from timeline import seeds

    tl = store.open(create=True)
    if tl.head == 0:
        added = tl.load(seeds.path())
        app.info(
            f"made the demo store {store.label} with the bundled story "
            f"({len(added)} developments); your own store is separate"
        )
    elif not _holds(tl, seeds.EDITION):
        added = tl.load(seeds.path())
        app.info(
            f"extended the demo store {store.label} with this version's bundled story "
            f"({len(added)} new developments)"
        )
    return tl


def _holds(tl: Timeline, dev_id: str) -> bool:
    from timeline.engine.errors import UnknownDevelopmentError

    try:
        tl.entry(dev_id)
    except UnknownDevelopmentError:
        return False
    return True


@click.group(
    cls=TimelineGroup,
    exclude=("demo", "init", "help", "completion"),
    context_settings=CONTEXT,
    short_help="Run a command on the bundled story (a store of its own).",
    epilog="Examples: timeline demo positions --as-of 2018-12-31; "
    "timeline demo explain USA.CONGRESS patriot-sale --as-of 2018-12-31",
)
@pass_app
def demo(app: App) -> None:
    """Run COMMAND on the demo store: the bundled S-400 story (Turkey, Russia and the US,
    2017 to 2020), made on first use beside your own store and never
    mixed with it. Writes (add, revise, retract, load) change the demo store only;
    'timeline demo reset' puts it back as shipped.
    """
    app.demo = True


@demo.command(short_help="Put the demo store back as shipped.")
@pass_app
def reset(app: App) -> None:
    """Delete the demo store and make it again from the bundled story."""
    store = app.store
    assert store.path is not None
    for path in store.path.parent.glob(store.path.name + "*"):
        path.unlink()
    app.timeline()
    app.say(
        {"reset": str(store.path)}, f"The demo store {store.label} holds the bundled story again."
    )
