"""A dataset row's development written straight as its stored JSON text, never made.

A reader that only stores new developments (a reader process, or an import with
no release) needs each one's JSON text, not the value: `RowText.make` takes what
`Event.make` takes and, when every part is one the development's checks pass
as they are (`engine._made.development`'s usual case), writes the very text
`StoredEvents.development_text` would write of the development `Event.make`
makes, skipping the checked `Development` and its `Source`.  Any other row is
made by `Event.make` itself, so a bad row gets the same `RecordError`.  The text
is written from a template whose pieces are the mapper's own (`value_text`),
checked at the start against the mapper's writing of two developments; should
they differ (a field added, another transcoder), every row is made by
`Event.make`.
"""

from __future__ import annotations

import json.encoder
from collections.abc import Callable
from typing import Any

from timeline.engine._checks import LONGEST_ID
from timeline.engine._encode import StoredEvents
from timeline.engine._made import _DIRECT
from timeline.engine._made import _usual_text as _usual
from timeline.engine.values import DEVELOPMENT_ID, Development, Kind, Reliability
from timeline.engine.when import When
from timeline.formats._events import Event, Written

__all__ = ["RowText"]

_text: Callable[[str], str] = json.encoder.encode_basestring  # as `StoredEvents` writes texts
_match = DEVELOPMENT_ID.fullmatch


class RowText:
    """Makes a dataset row's development as its stored text (`Written`) when it can."""

    def __init__(self, events: StoredEvents) -> None:
        self._events = events
        when = events.value_text(When("2000-01-01"))
        named = events.value_text(Reliability.NAMED)
        kinds = {kind: events.value_text(kind) for kind in Kind}
        self._kinds: dict[Kind, str] = {k: t for k, t in kinds.items() if t is not None}
        self.usable = _DIRECT and when is not None and named is not None
        if not self.usable or when is None:
            return
        # A `When` as `{head}"text"}`; the template's pieces around each field's value.
        self._when = when.removesuffix(_text("2000-01-01") + "}")
        self._open = '{"_type_":"development","_data_":{"id":'
        self._source = (
            ',"source":{"_type_":"source","_data_":{"publisher":',
            f',"reliability":{named},"attribution":null,"url":',
        )
        self.usable = all(self._probe(*shape) for shape in _PROBES)

    def _probe(self, coded: str | None, mode: tuple[str, ...], weight: float | None) -> bool:
        """Whether the template writes a probe development as the mapper's writer does."""
        fields: dict[str, Any] = {
            "occurred": When("2019-04-12"),
            "reported": When("2019-04-13"),
            "kind": Kind.THREAT,
            "summary": 'A "probe" \u00e9',
            "actors": ("USA",),
            "targets": ("TUR",),
            "publisher": "example.com",
            "url": None if coded is None else "https://example.com/1",
            "coded": coded,
            "mode": mode,
            "context": mode,
            "weight": weight,
        }
        made = Event.make("probe-1", **fields)
        written = self._write("probe-1", fields)
        return written is not None and written == self._events.development_text(made)

    def make(self, ident: str, **fields: Any) -> Development | Written:
        """`Event.make(ident, **fields)`, as its stored text when every part is usual."""
        written = self._write(ident, fields) if self.usable else None
        if written is not None:
            return Written(ident, written)
        return Event.make(ident, **fields)

    def _write(self, ident: str, fields: dict[str, Any]) -> str | None:
        """The text, or None when a part is one `Event.make` must check or convert."""
        get = fields.get
        occurred, reported, kind = fields["occurred"], fields["reported"], fields["kind"]
        summary, actors = fields["summary"], fields["actors"]
        mode, context, weight = get("mode", ()), get("context", ()), get("weight")
        # `Event.make`'s own steps: distinct targets that are not actors, the
        # publisher "unknown" when empty, empty texts as None.
        targets = tuple(t for t in dict.fromkeys(get("targets", ())) if t not in actors)
        publisher, url, coded = fields["publisher"] or "unknown", get("url"), get("coded")
        url, coded = url or None, coded or None
        kind_text = self._kinds.get(kind) if type(kind) is Kind else None
        if not (
            kind_text is not None
            and type(ident) is str
            and len(ident) <= LONGEST_ID
            and _match(ident) is not None
            and type(occurred) is When
            and type(reported) is When
            and _usual(summary)
            and type(actors) is tuple
            and len(actors) > 0
            and _usual(publisher)
            and (url is None or _usual(url))
            and (coded is None or _usual(coded))
            and type(mode) is tuple
            and type(context) is tuple
            and (weight is None or (type(weight) is float and -10 <= weight <= 10))
        ):
            return None
        when, (publisher_key, url_key) = self._when, self._source
        try:  # the lists' texts: escaping refuses any other value, which `Event.make` checks
            parts = [
                self._open,
                _text(ident),
                ',"occurred":',
                when,
                _text(occurred.text),
                '},"reported":',
                when,
                _text(reported.text),
                '},"kind":',
                kind_text,
                ',"summary":',
                _text(summary),
                ',"actors":[',
                ",".join(map(_text, actors)),
                "]",
                publisher_key,
                _text(publisher),
                url_key,
                "null" if url is None else _text(url),
                '}},"targets":[',
                ",".join(map(_text, targets)),
                '],"claims":[],"occurred_as_written":null',
            ]
            if coded is not None:
                parts += (',"coded":', _text(coded))
            if mode:
                parts += (',"mode":[', ",".join(map(_text, mode)), "]")
            if context:
                parts += (',"context":[', ",".join(map(_text, context)), "]")
        except TypeError:
            return None
        if weight is not None:
            parts += (',"weight":', float.__repr__(weight))
        parts.append("}}")
        return "".join(parts)


# The probes' optional parts: none of them, then each one given.
_PROBES: tuple[tuple[str | None, tuple[str, ...], float | None], ...] = (
    (None, (), None),
    ("1312", ("restrict", "coerce"), -5.8),
)
