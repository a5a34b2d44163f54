"""A local web page for a story, its JSON API, and its charts as PNG or SVG.

    from timeline import Timeline, seeds
    from timeline.web import serve

    tl = Timeline()
    tl.load(seeds.path())
    serve(tl)  # http://127.0.0.1:8000/ until Ctrl-C

`create_app` gives the FastAPI app itself, `running` serves it on a thread, and
`timeline.web.render` draws the charts of `timeline.projections.charts`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeline.engine._lazy import lazy

if TYPE_CHECKING:
    from timeline.web.app import create_app
    from timeline.web.render import ChartError
    from timeline.web.server import ServeError, running, serve

__all__ = ["ChartError", "ServeError", "create_app", "running", "serve"]

# Loaded on first use: the command lists `chart` and `serve` without the server and
# plotting libraries, which take most of a second to import.
_HOMES = {
    "create_app": "app",
    "ChartError": "render",
    "ServeError": "server",
    "running": "server",
    "serve": "server",
}


_attribute = lazy("timeline.web", _HOMES, globals())


def __getattr__(name: str) -> object:
    """The attribute, imported on first use; a missing `web` extra is said as such."""
    from timeline.engine._extras import missing

    try:
        return _attribute(name)
    except ModuleNotFoundError as error:
        raise missing(error, f"timeline.web.{name}") or error from None
