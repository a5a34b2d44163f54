"""Country names and numbers, as event datasets write them, to ISO 3166 three-letter codes."""

from __future__ import annotations

import functools

import pycountry

__all__ = ["UNKNOWN", "country_code", "country_name"]

# The ISO 3166 user-assigned code for "unspecified": the country of an actor the data
# gives none for (an international organisation, an unnamed group).
UNKNOWN = "XXX"

# Names the datasets use that ISO 3166 spells otherwise, or does not list.
_NAMES = {
    "turkey": "TUR",
    "turkiye": "TUR",
    "occupied palestinian territory": "PSE",
    "palestine": "PSE",
    "palestinian territory": "PSE",
    "kosovo": "XKX",
    "britain": "GBR",
    "great britain": "GBR",
    "united kingdom": "GBR",
    "russia": "RUS",
    "south korea": "KOR",
    "north korea": "PRK",
    "democratic republic of congo": "COD",
    "republic of congo": "COG",
    "ivory coast": "CIV",
    "czech republic": "CZE",
    "eswatini": "SWZ",
    "micronesia": "FSM",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "laos": "LAO",
    "vietnam": "VNM",
    "taiwan": "TWN",
    "moldova": "MDA",
    "tanzania": "TZA",
}


@functools.lru_cache(maxsize=1024)
def country_code(text: str) -> str | None:
    """The three-letter code of a country named, numbered or coded by a dataset, if known."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        found = pycountry.countries.get(numeric=text.zfill(3))
        return None if found is None else str(found.alpha_3)
    if len(text) == 3 and text.isalpha() and text.isupper():
        return text  # already a code (ISO 3166 or CAMEO's own, such as IGO)
    if text.casefold() in _NAMES:
        return _NAMES[text.casefold()]
    try:
        return str(pycountry.countries.lookup(text).alpha_3)
    except LookupError:
        return None


@functools.lru_cache(maxsize=1024)
def country_name(code: str) -> str | None:
    """The common name of a three-letter country code, if ISO 3166 has it."""
    for name, known in _NAMES.items():
        if known == code and name in ("turkey", "palestine", "kosovo", "russia"):
            return name.title()
    found = pycountry.countries.get(alpha_3=code)
    if found is None:
        return None
    return str(getattr(found, "common_name", None) or found.name)
