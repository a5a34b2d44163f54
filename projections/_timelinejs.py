"""TimelineJS 3 documents: slides with dates written for people, and rows that never stack.

The choices, in short:

- `display_date` is set on the *slide* (TimelineJS shows it instead of the start and
  end dates), written for people: "c. November 2018" (approximate), "perhaps 2019"
  (uncertain), "by 20 December 2018" (open or unknown start), "between December 2017
  and 20 December 2018" (interval), "from March 2019 onwards" (open end).
- The headline is whole and the text goes on after it, with the claims' quotes, who
  acted towards whom (display names from the registry), every correction known and
  the source as a credit line (see `projections._slides`).
- A span with both ends known gets an `end_date`, so the navigator draws how long it
  may have lasted; a point date is placed at its own start, unwidened.
- A development with an open start is background: its slide comes first, at the
  story's first day, instead of last (at its end day).
- Every slide's `group` is the display name of its first actor: one row per actor in
  the navigator, which itself gives a row more room when its markers would overlap.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from timeline.engine import Development, Precision, When
from timeline.projections._slides import Correction, slide_text, split_headline

__all__ = [
    "HEADLINE",
    "Slide",
    "document",
    "headline",
    "human_date",
    "point_words",
]

HEADLINE = 80

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
_QUALIFIER = re.compile(r"[?~%]$")


# -- dates for people ----------------------------------------------------------------


def _bare(text: str) -> tuple[When, bool, bool]:
    """One EDTF date without its qualifier, and whether it was approximate, uncertain."""
    qualifier = text[-1] if _QUALIFIER.search(text) else ""
    return When(text.rstrip("?~%")), qualifier in ("~", "%"), qualifier in ("?", "%")


def point_words(text: str) -> str:
    """An EDTF date (not an interval) in words: '20 December 2018', 'c. November 2018'."""
    when, approximate, uncertain = _bare(text)
    day, precision = when.earliest, when.precision
    if precision is Precision.DAY:
        words = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    elif precision is Precision.MONTH:
        words = f"{_MONTHS[day.month - 1]} {day.year}"
    elif precision is Precision.SEASON:
        words = f"{_SEASONS[int(when.text[5:7])]} {day.year}"
    elif precision is Precision.YEAR:
        words = str(day.year)
    elif precision is Precision.DECADE:
        words = f"the {day.year}s"
    elif precision is Precision.CENTURY:
        words = f"the {_ordinal(day.year // 100 + 1)} century"
    else:
        words = f"{day.year}–{when.latest.year}"
    if approximate:
        words = f"c. {words}"
    if uncertain:
        words = f"perhaps {words}"
    return words


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def human_date(when: When) -> str:
    """An EDTF date or interval written for people, keeping what is uncertain about it."""
    if not when.is_interval:
        return point_words(when.text)
    start, end = when.text.split("/")
    if start in ("", ".."):
        return f"by {point_words(end)}"
    if end == "..":
        return f"from {point_words(start)} onwards"
    if end == "":
        return f"from {point_words(start)}, end unknown"
    return f"between {point_words(start)} and {point_words(end)}"


def headline(summary: str, limit: int = HEADLINE) -> str:
    """A short headline from a summary: its first sentence, cut at a clause or a word."""
    text = " ".join(summary.split())
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", text, maxsplit=1)[0]
    sentence = sentence.rstrip(".")
    if len(sentence) <= limit:
        return sentence
    # A colon, semicolon or dash ends a clause that stands alone; a comma may not.
    clauses = [m.start() for m in re.finditer(r"[:;]\s|\s[–—]\s|\s-\s", sentence)]
    fitting = [i for i in clauses if limit // 2 <= i <= limit]
    if fitting:
        return sentence[: fitting[-1]].rstrip(" ,;:–—-")
    cut = sentence.rfind(" ", 0, limit)
    cut = cut if cut > 0 else limit - 1
    return sentence[:cut].rstrip(" ,;:–—-") + "…"


# -- placing slides --------------------------------------------------------------------


def _side_start(text: str) -> tuple[dt.date, Precision]:
    """The first day and precision of one side of an EDTF date, without widening."""
    when, _, _ = _bare(text)
    return when.earliest, when.precision


def _side_end(text: str) -> dt.date:
    when, _, _ = _bare(text)
    return when.latest


def _date_object(day: dt.date, precision: Precision) -> dict[str, int]:
    """A TimelineJS date object no finer than `precision`."""
    if precision is Precision.DAY:
        return {"year": day.year, "month": day.month, "day": day.day}
    if precision in (Precision.MONTH, Precision.SEASON):
        return {"year": day.year, "month": day.month}
    return {"year": day.year}


def _shown(day: dt.date, precision: Precision) -> dt.date:
    """The day TimelineJS places a date object at: the first day of its precision."""
    found = _date_object(day, precision)
    return dt.date(found["year"], found.get("month", 1), found.get("day", 1))


@attrs.frozen
class Slide:
    """Where one development sits on the timeline: its days, and whether it is background."""

    development: Development
    start: dt.date
    precision: Precision
    end: dt.date | None
    background: bool

    @property
    def last(self) -> dt.date:
        return self.end if self.end is not None else self.start


def _place(development: Development) -> Slide | None:
    """The slide days of a development; None when TimelineJS could place it nowhere."""
    when = development.occurred
    if not when.is_interval:
        start, precision = _side_start(when.text)
        return Slide(development, start, precision, None, background=False)
    start_text, end_text = when.text.split("/")
    if start_text in ("", ".."):
        if end_text in ("", ".."):
            return None
        _, precision = _side_start(end_text)
        return Slide(development, _side_end(end_text), precision, None, background=True)
    start, precision = _side_start(start_text)
    end = None if end_text in ("", "..") else _side_end(end_text)
    if end is not None and end <= start:
        end = None
    return Slide(development, start, precision, end, background=False)


def document(
    developments: Iterable[Development],
    *,
    title: str,
    title_text: str = "",
    name: Callable[[str], str] = str,
    corrections: Mapping[str, Sequence[Correction]] | None = None,
) -> dict[str, Any]:
    """A TimelineJS 3 document: a title slide and one slide per placeable development.

    `name` gives an actor's display name from its id; `title_text` is HTML shown
    under the title; `corrections` the corrections known of each development, by id.
    A development with no known end at all is left out (TimelineJS needs a year to
    place a slide); every other development gets exactly one slide, in story order
    with background first.
    """
    placed = [slide for d in developments if (slide := _place(d)) is not None]
    bounded = [s for s in placed if not s.background]
    first = min((s.start for s in bounded), default=None)
    slides = []
    for slide in placed:
        if slide.background and first is not None and first < slide.start:
            slide = attrs.evolve(slide, start=first, precision=_first_precision(bounded))
        slides.append(slide)
    slides.sort(key=lambda s: (not s.background, s.start, s.last, s.development.id))
    corrections = corrections or {}
    events = []
    for slide in slides:
        development = slide.development
        known = corrections.get(development.id, ())
        event: dict[str, Any] = {
            "start_date": _date_object(slide.start, slide.precision),
            "display_date": human_date(development.occurred),
            "text": {
                "headline": html.escape(split_headline(development.summary)[0], quote=False),
                "text": slide_text(development, name, known, human_date),
            },
            "group": name(development.actors[0]),
            "unique_id": development.id,
        }
        if slide.end is not None:
            event["end_date"] = _date_object(slide.end, Precision.DAY)
        events.append(event)
    title_slide = {"text": {"headline": html.escape(title, quote=False), "text": title_text}}
    return {"title": title_slide, "events": events}


def _first_precision(slides: Sequence[Slide]) -> Precision:
    """The precision of the story's first slide, for background placed at its day."""
    first = min(slides, key=lambda s: (s.start, s.last))
    return first.precision
