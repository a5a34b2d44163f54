"""Developments, claims and sources made from command-line options or a TOML snippet."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from timeline.cli._dates import parse_day

if TYPE_CHECKING:
    from timeline import Timeline
    from timeline.engine import Development, Source, StanceClaim, When

__all__ = [
    "claims_from",
    "development_from_file",
    "development_from_options",
    "occurred_from",
    "source_from",
]

REQUIRED = ("dev_id", "occurred", "reported", "kind", "summary", "actors", "publisher",
            "reliability")  # fmt: skip
OPTION = {"dev_id": "--id", "actors": "--actor", "targets": "--target", "claims": "--claim"}
_FIELD = re.compile(r"\b(?:Development|Source|StanceClaim)\.(\w+)")


def _option(name: str) -> str:
    return OPTION.get(name, f"--{name.replace('_', '-')}")


def occurred_from(text: str, reported: When) -> When:
    """An occurred date: EDTF or a common spelling, or a phrase resolved against `reported`."""
    from timeline.engine.when import When

    if When.is_relative(text):
        return When.relative(text, anchor=reported)
    found: When = parse_day(text, dt.date.today()).when
    return found


def claims_from(texts: tuple[str, ...]) -> list[StanceClaim]:
    """Stance claims from `ACTOR:TOPIC:STANCE[:QUOTE]` texts."""
    from timeline.engine import StanceClaim
    from timeline.engine.errors import RecordError

    claims = []
    for text in texts:
        parts = text.split(":", 3)
        if len(parts) < 3 or not all(part.strip() for part in parts[:3]):
            raise RecordError(f"--claim {text!r}: expected ACTOR:TOPIC:STANCE[:QUOTE]")
        actor, topic, stance = (part.strip() for part in parts[:3])
        quote = parts[3].strip() if len(parts) == 4 and parts[3].strip() else None
        try:
            claims.append(StanceClaim(actor, topic, stance, quote))
        except RecordError as error:
            raise RecordError(f"--claim {text!r}: {error}") from None
    return claims


def source_from(current: Source | None, given: dict[str, Any]) -> Source | None:
    """A source from the options given, the rest kept from `current` (None: nothing given)."""
    from timeline.engine import Source

    fields = ("publisher", "reliability", "attribution", "url")
    chosen: dict[str, Any] = {name: given.get(name) for name in fields}
    if all(value is None for value in chosen.values()):
        return None
    for name in fields:
        if chosen[name] is None and current is not None:
            chosen[name] = getattr(current, name)
    return Source(chosen["publisher"], chosen["reliability"], chosen["attribution"], chosen["url"])


def development_from_options(tl: Timeline, given: dict[str, Any]) -> Development:
    """The development the options of `timeline add` describe."""
    from timeline.engine import Development
    from timeline.engine.errors import DateError, RecordError
    from timeline.engine.when import When

    missing = [_option(name) for name in REQUIRED if not given.get(name)]
    if missing:
        raise click.UsageError(
            f"missing {', '.join(missing)} (or give a FILE with one [[development]])"
        )
    reported: When = given["reported"].when
    try:
        return Development(
            id=given["dev_id"],
            occurred=occurred_from(given["occurred"], reported),
            reported=reported,
            kind=given["kind"],
            summary=given["summary"],
            actors=given["actors"],
            targets=given.get("targets", ()),
            source=source_from(None, given),  # type: ignore[arg-type]  # both were given
            claims=claims_from(given.get("claims", ())),
            occurred_as_written=given["occurred"] if When.is_relative(given["occurred"]) else None,
        )
    except (RecordError, DateError) as error:
        text = _FIELD.sub(lambda found: _option(found[1]), str(error))
        raise RecordError(text) from None


def development_from_file(tl: Timeline, file: str) -> Development:
    """The one [[development]] of a TOML file (or of stdin, for '-'), checked as `load` does."""
    from timeline.engine._input import read_input
    from timeline.engine._loader import read_seeds
    from timeline.engine.errors import LoadError

    name = "<stdin>" if file == "-" else file
    if file == "-":
        with click.open_file(file, "r", encoding="utf-8") as stream:
            text = stream.read()
    else:
        try:  # a FIFO or a device is refused before a byte is read
            text = read_input(file).decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise LoadError([f"{name}: cannot read the file: {error}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LoadError([f"{name}: TOML syntax error: {error}"]) from None
    tables = data.get("development")
    if set(data) != {"development"} or not isinstance(tables, list) or len(tables) != 1:
        found = ", ".join(f"[[{key}]]" for key in data) or "no tables"
        raise LoadError(
            [f"{name}: expected exactly one [[development]] table, found {found}; "
             "to load more, use 'timeline load'"]
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "development.toml"
        path.write_text(text, encoding="utf-8")
        try:
            seeds = read_seeds(path, tl.registry)
        except LoadError as error:
            raise LoadError([p.replace(str(path), name) for p in error.problems]) from None
    return seeds.developments[0]
