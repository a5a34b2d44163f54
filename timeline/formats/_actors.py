"""Actors as a dataset names them: each distinct name its own actor, under its country."""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterator

from timeline.engine._import_lines import Item
from timeline.engine._registry import Registry
from timeline.engine.values import Actor
from timeline.formats._countries import UNKNOWN, country_code, country_name

__all__ = ["Actors"]

_NOT_WORD = re.compile(r"[^A-Z0-9]+")
_REMEMBERED = 200_000  # answers kept by `Actors.find`, so memory stays bounded
_LONGEST = 40  # characters of a name kept in an id; longer names are cut and hashed


def _slug(name: str) -> str:
    """An id part from a name: ASCII capitals and digits joined by underscores."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _NOT_WORD.sub("_", folded.upper()).strip("_")
    if len(slug) > _LONGEST or not slug:
        slug = f"{slug[:_LONGEST].rstrip('_')}_{_digest(name)}".lstrip("_")
    return slug


def _same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


class Actors:
    """Finds or makes the actor a record names, yielding each new one once, before use.

    An actor is found by its Wikidata id, then by its exact name (or id) in the
    registry; else it is made: a country named as itself is the country (`TUR`),
    any other name is `COUNTRY.NAME` (`USA.STEVEN_MNUCHIN`), and a different name
    that would take the same id gets the id with a short hash of the name added.
    """

    def __init__(self, registry: Registry, *, shared: bool = False) -> None:
        # Shared, the registry is the caller's own working copy, which it reads too.
        self.registry = registry if shared else Registry(registry.actors.values(), ())
        self._wikidata = {a.wikidata: a.id for a in registry.actors.values() if a.wikidata}
        self._new: list[Actor] = []
        # What `find` answered from an actor already registered (by name, not by a
        # Wikidata id, which a later actor may claim): the registry only grows, so the
        # same question gets the same answer, and a dataset repeats its names.
        self._found: dict[tuple[object, ...], str] = {}

    def pending(self, line: int) -> Iterator[Item]:
        """The actors made since the last call, as items of `line`."""
        made, self._new = self._new, []
        for actor in made:
            yield Item(line, f"actor {actor.id!r}", actor)

    def find(
        self,
        name: str,
        country: str = "",
        *,
        sector: str | None = None,
        wikidata: str | None = None,
        roles: tuple[str, ...] = (),
    ) -> str:
        """The id of the actor a record names (made and registered if new)."""
        asked = (name, country, sector, wikidata, roles)
        found = self._found.get(asked)
        if found is not None:
            return found
        name = " ".join(name.split())
        if wikidata and wikidata in self._wikidata:
            return self._wikidata[wikidata]
        code = (country_code(country) if country else None) or UNKNOWN
        if code == UNKNOWN and not roles and name:
            code = country_code(name) or UNKNOWN  # a country named with no code given
        own = country_name(code)
        base = ".".join((code, *roles))
        if not name:
            # Unnamed: the country itself, or its sector (USA.GOV) when one is given.
            name = " ".join((own or country or "unknown actor", *roles))
            itself = True
        else:
            itself = not roles and any(_same(name, n) for n in (own, country) if n)
        wanted = base if itself else f"{base}.{_slug(name)}"
        for ident in (wanted, f"{wanted}_{_digest(name)}"):
            existing = self.registry.actors.get(ident)
            if existing is None:
                known = self._known(name, code)
                if known is not None:
                    return known
                self._make(ident, name, code, sector, wikidata)
                return ident
            shown = (name, f"{name} ({code})", f"{name} ({ident})")
            if itself or any(_same(existing.name, n) for n in shown):
                if not wikidata and len(self._found) < _REMEMBERED:
                    self._found[asked] = ident
                return ident
        raise AssertionError("unreachable: a hashed id names one name")

    def _known(self, name: str, code: str) -> str | None:
        """A registered actor of this country that goes by this name, if any."""
        found = self.registry.lookup("actor", name)
        return found if found is not None and found.split(".", 1)[0] == code else None

    def _make(
        self, ident: str, name: str, code: str, sector: str | None, wikidata: str | None
    ) -> None:
        if "." in ident and code != UNKNOWN and code not in self.registry.actors:
            # The country too, so that asking for it (relations ISR PSE) finds its people.
            self._make(code, country_name(code) or code, code, None, None)
        # A bare name that already stands for another actor is told apart by country,
        # then by id, then by a number (an id that is its country's code adds nothing).
        shown = next(
            n for n in _told_apart(name, code, ident) if self.registry.lookup("actor", n) is None
        )
        actor = Actor(
            ident,
            shown,
            country=None if code == UNKNOWN else code,
            sector=sector or None,
            wikidata=wikidata or None,
        )
        if not self.registry.check_actor(actor):
            return
        self.registry.add_actor(actor)
        if wikidata:
            self._wikidata[wikidata] = ident
        self._new.append(actor)


def _told_apart(name: str, code: str, ident: str) -> Iterator[str]:
    """The names an actor may be shown by, the first one free taken: the bare name, then
    with its country, then with its id, then numbered."""
    yield from (name, f"{name} ({code})", f"{name} ({ident})")
    for number in itertools.count(2):
        yield f"{name} ({ident}) {number}"


def _digest(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:6].upper()
