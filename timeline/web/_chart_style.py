"""The charts' look, shared by every drawer: colours, sizes, matplotlib's settings under
one lock, the date axis and the heading."""

from __future__ import annotations

import datetime as dt
import functools
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from timeline.web._ticks import YearTicks

__all__ = [
    "CONFLICT",
    "COOPERATION",
    "GRID",
    "INK",
    "LABEL_RISE",
    "MUTED",
    "PALETTE",
    "PAPER",
    "RELATIONS_AXES",
    "SIZE",
    "STANCE_VIEW",
    "STYLE",
    "TOPIC_AXES",
]

PALETTE = (
    "#1d4e89",
    "#c0392b",
    "#1b998b",
    "#e0a100",
    "#7b4fa0",
    "#5c8001",
    "#d1495b",
    "#3d405b",
)
INK, MUTED, GRID, PAPER = "#1a1a1a", "#6b6b6b", "#e4e4e4", "#ffffff"
COOPERATION, CONFLICT = "#2f6db5", "#c0392b"
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "svg.hashsalt": "timeline",
    "svg.fonttype": "path",
    # Names and titles are the story's text, drawn as written: '$' starts no formula.
    "text.parse_math": False,
}
SIZE = (10.0, 5.6)
# Where the relations chart's axes sit in its figure (left, bottom, width, height).
RELATIONS_AXES = (0.08, 0.16, 0.86, 0.68)
# Where the topic chart's axes sit in its figure, and the stances' axis's view.
TOPIC_AXES = (0.1, 0.16, 0.72, 0.68)
STANCE_VIEW = (-2.6, 2.6)
# How far (points) a label pushed apart by one unit of the stances' axis moves.
LABEL_RISE = 36
_LOCK = threading.RLock()  # rc_context changes process-wide settings


@contextmanager
def _styled() -> Iterator[None]:
    with _LOCK, rc_context(STYLE):  # type: ignore[arg-type]  # keys typed as literals
        yield


def _x(day: dt.date) -> float:
    """A day as matplotlib's date number: days since its epoch (1970-01-01 unless set).

    Counted by hand rather than by `date2num`, which takes ~40 µs a day: a chart at a
    million developments places hundreds of thousands of days.
    """
    return float(day.toordinal() - _epoch())


@functools.cache
def _epoch() -> int:
    epoch: str = mdates.get_epoch()  # type: ignore[no-untyped-call]
    return dt.date.fromisoformat(epoch[:10]).toordinal()


def _color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _frame(axes: Axes) -> None:
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="y", length=0)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(YearTicks())  # every axis says its years


def _heading(figure: Figure, title: str, subtitle: str) -> None:
    figure.text(0.02, 0.965, title, fontsize=14, fontweight="bold", color=INK, va="top")
    figure.text(0.02, 0.905, subtitle, fontsize=10, color=MUTED, va="top")


def _known(known_at: dt.date | None) -> str:
    return "as known now (every report recorded)" if known_at is None else f"as known at {known_at}"


def _wrap(text: str, width: int = 95) -> str:
    return textwrap.shorten(text, width=width, placeholder="…")
