"""Fuzzing: whatever text comes in, nothing but a `TimelineError` comes out.

Dates, relative phrases and seed files (random text, random TOML documents, and
mutations of the bundled seeds) are fed in; every outcome must be a value or a
`TimelineError`, and the few facts every outcome keeps are checked too.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests import strategies
from timeline import seeds
from timeline.engine import LoadError, TimelineError, When
from timeline.engine._loader import SCHEMAS, read_seeds
from timeline.engine._registry import Registry
from timeline.engine.values import Kind, Reliability, Stance
from timeline.engine.when import FIRST_DAY, LAST_DAY

# Scaled from the profile (conftest): the default stays quick, `ci` runs thousands.
BASE = settings().max_examples
PARSING = settings(max_examples=BASE * 10)
FILES = settings(max_examples=BASE * 4)

# -- dates ----------------------------------------------------------------------------------

EDTF_CHARS = "0123456789X-/.~?% "


# Shaped like a date (a year, a month or a day), with parts out of range: 0000, 13, 99.
NEAR_EDTF = st.builds(
    lambda y, m, d, cut, q: f"{y:04d}-{m:02d}-{d:02d}"[:cut] + q,
    *(st.integers(0, n) for n in (9999, 99, 99)),
    st.sampled_from([4, 7, 10]),
    st.sampled_from(["", "", "~", "?", "%"]),
)


@st.composite
def mutated(draw: st.DrawFn, texts: st.SearchStrategy[str]) -> str:
    """A text with one character removed, replaced or inserted."""
    text: str = draw(texts)
    at = draw(st.integers(0, len(text)))
    new: str = draw(st.sampled_from([*EDTF_CHARS, "", "２", "٣", "\u00a0"]))
    return text[:at] + new + text[at + draw(st.integers(0, 1)) :]


def date_texts() -> st.SearchStrategy[str]:
    """Date-like and arbitrary text, over the whole calendar and past its ends."""
    digits = st.characters(categories=["Nd"])
    return st.one_of(
        strategies.point_texts(1, 9999),
        strategies.edtf_texts(1, 9998),
        NEAR_EDTF,
        st.tuples(NEAR_EDTF, NEAR_EDTF).map("/".join),
        st.text(EDTF_CHARS, max_size=25),
        st.text(st.one_of(digits, st.sampled_from("-/~?%X")), max_size=12),
        st.text(),
    )


@PARSING
@given(text=st.one_of(date_texts(), mutated(date_texts())))
def test_any_text_is_a_date_or_a_date_error(text: str) -> None:
    try:
        when = When(text)
    except TimelineError:
        return
    assert When(when.text) == when
    assert FIRST_DAY <= when.earliest <= when.latest <= LAST_DAY
    assert when.text.isascii()


COUNTS = st.one_of(
    st.integers(0, 10**40).map(str),
    st.integers(0, 4_000_000).map(str),
    st.sampled_from(["a", "an", "one", "twelve", "thirteen", "9" * 5000]),
    st.text(st.characters(categories=["Nd"]), min_size=1, max_size=4),
)
UNITS = ["day", "week", "month", "year", "fortnight"]
PHRASES = st.one_of(
    st.sampled_from(["today", "yesterday", "this week", "last week", "this month"]),
    st.sampled_from(["last month", "this year", "last year", "Last  Month", " today "]),
    st.builds("{} {}{} ago".format, COUNTS, st.sampled_from(UNITS), st.sampled_from(["", "s"])),
    st.text(),
)
ANCHORS = st.one_of(
    date_texts(),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)),
)


@PARSING
@given(phrase=PHRASES, anchor=ANCHORS)
def test_any_phrase_resolves_or_is_a_date_error(phrase: str, anchor: str | dt.date) -> None:
    try:
        when = When.relative(phrase, anchor=anchor)
    except TimelineError:
        return
    assert When.is_relative(phrase)
    assert When(when.text) == when


# -- seed files -----------------------------------------------------------------------------

KINDS = ("actor", "topic", "development")

PLACE = re.compile(r"^(?P<file>.+?\.toml):(?P<line>\d+): ")


def load(path: Path, lines: dict[str, int], registry: Registry | None = None) -> Any:
    """Reads `path`; a rejection must be a LoadError whose lines exist in their files.

    Any other error, a `TimelineError` too, fails the test: `read_seeds` promises
    a `LoadError`.
    """
    try:
        found = read_seeds(path, registry or Registry())
    except LoadError as error:
        problems = error.problems
    else:
        event("loaded")  # shown by --hypothesis-show-statistics: how deep the fuzz went
        return found
    event("refused")
    assert problems
    for problem in problems:
        place = PLACE.match(problem)
        if place:
            assert place["file"] in lines, problem
            assert 1 <= int(place["line"]) <= lines[place["file"]] + 1, problem
    return None


def write(folder: Path, name: str, content: str | bytes) -> dict[str, int]:
    """Writes one seed file; returns its name with its number of lines."""
    data = content.encode() if isinstance(content, str) else content
    (folder / name).write_bytes(data)
    return {str(folder / name): data.count(b"\n")}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder per module, rewritten by each example (Hypothesis needs no fresh one)."""
    return tmp_path_factory.mktemp("fuzz")


TOKENS = [
    *"[]{}=,.\"'#\n \t\\",
    *("actor", "topic", "development", "person", "id", "name", "aliases", "occurred"),
    *('"""', "'''", '"TUR"', '"2018-12"', "2018-12-19", "[[actor]]\n", "[[development]]\n"),
    *("1", "x", "true", "\ufeff", "２", "\r\n"),
]


@FILES
@given(
    content=st.text() | st.binary() | st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
)
def test_any_file_is_seeds_or_a_load_error(folder: Path, content: str | bytes) -> None:
    lines = write(folder, "fuzz.toml", content)
    load(folder / "fuzz.toml", lines)


ANY_VALUE = st.recursive(
    st.one_of(st.text(max_size=8), st.integers(), st.floats(), st.booleans(), st.dates()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)
# Names of the registry's actors and topics (tests/strategies.py), of the documents' own,
# and some that stand for nothing.
KNOWN = st.sampled_from(["TUR", "RUS", "RUS.KREMLIN", "USA", "USA.STATE"])
NAMES = KNOWN | st.sampled_from(["GRC", "Athens", "Peskov", "", "tur "])
STANCES, KINDS_, RELIABILITIES = (list(map(str, enum)) for enum in (Stance, Kind, Reliability))
CLAIMS = st.lists(
    st.fixed_dictionaries(
        {
            "actor": KNOWN,
            "topic": st.sampled_from(["s400-purchase", "patriot-sale"]),
            "stance": st.sampled_from(STANCES),
        }
    ),
    max_size=3,
    unique_by=lambda claim: (claim["actor"], claim["topic"]),
)
# Valid values for each key (ids, names, aliases and people come from `numbered`).
VALID: dict[str, st.SearchStrategy[Any]] = {
    "name": st.sampled_from(["Greece", "Israel", "Ministry"]),
    "description": st.sampled_from(["A gas deal.", "Membership talks."]),
    "occurred": strategies.edtf_texts() | st.sampled_from(["last month", "3 weeks ago"]),
    "reported": strategies.bounded_whens().map(str),
    "kind": st.sampled_from(KINDS_),
    "summary": st.sampled_from(["Signed.", "Said so."]),
    "actors": st.lists(KNOWN, min_size=1, max_size=3),
    "targets": st.lists(KNOWN, max_size=2),
    "source": st.fixed_dictionaries(
        {
            "publisher": st.sampled_from(["Reuters", "TASS"]),
            "reliability": st.sampled_from(RELIABILITIES),
        },
        optional={"url": st.just("https://example.org/a")},
    ),
    "claims": CLAIMS,
}
# Wrong but well-shaped values, mixed into sloppy tables with the valid ones.
WRONG: dict[str, st.SearchStrategy[Any]] = {
    "id": st.sampled_from(["GRC", "GRC.MFA", "grc", "TUR", "gas-deal", "S4", "dev-1", "Dev 1"]),
    "name": st.sampled_from(["Greece", " "]),
    "aliases": st.lists(st.sampled_from(["Athens", "Hellas", "", "TUR"]), max_size=2),
    "person": st.lists(
        st.fixed_dictionaries(
            {"name": st.sampled_from(["Dendias", "Peskov", ""])},
            optional={"aliases": st.lists(st.sampled_from(["Dendias", "N. D."]), max_size=2)},
        ),
        max_size=2,
    ),
    "kind": st.just("agreemnt"),
    "actors": st.lists(NAMES, max_size=3),
    "targets": st.lists(NAMES, max_size=2),
    "source": st.dictionaries(st.sampled_from(["publisher", "reliability", "url"]), ANY_VALUE),
    "claims": st.lists(
        st.fixed_dictionaries(
            {"actor": NAMES, "topic": st.text(max_size=4), "stance": st.sampled_from(STANCES)}
        ),
        max_size=3,
    ),
}


HOW = ["random", "absent"]  # besides valid and wrong: how a sloppy table gets each key


@st.composite
def records(draw: st.DrawFn, kind: str, clean: bool) -> dict[str, Any]:
    """A table of one kind: plausible keys, in a sloppy one now and then wrong or stray.

    A clean table has every required key and only valid values; `numbered` then
    gives it an id, name, aliases and people of its own.
    """
    table: dict[str, Any] = {}
    for key, (_type, required, _example) in SCHEMAS[kind].items():
        how = "valid" if clean else draw(st.sampled_from(["valid"] * 6 + ["wrong"] * 2 + HOW))
        if how == "absent" or (not required and draw(st.booleans())):
            continue
        if how == "valid" and key not in VALID:
            if clean:
                continue
            how = "wrong"
        table[key] = draw({"valid": VALID, "wrong": WRONG}.get(how, {}).get(key, ANY_VALUE))
    if not clean and draw(st.integers(0, 9)) == 0:
        table[draw(st.sampled_from(["extra", "summry", "Id", "id "]))] = draw(ANY_VALUE)
    return table


def numbered(kind: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clean tables with ids, names, aliases and people of their own: nothing clashes."""
    for n, row in enumerate(rows):
        row["id"] = {"actor": "GRC.R{}", "topic": "topic-{}", "development": "dev-{}"}[kind]
        row["id"] = row["id"].format(n)
        if kind == "actor":  # a name, like an alias, may stand for one actor only
            row["name"], row["aliases"] = f"{row['name']} {n}", [f"Greek office {n}"]
            row["person"] = [{"name": f"Speaker {n}", "aliases": [f"S{n}"]}]
    return rows


def documents(clean: bool) -> st.SearchStrategy[dict[str, list[dict[str, Any]]]]:
    """Seed tables by kind: clean ones, or sloppy ones with a stray top-level table."""
    tables = {kind: st.lists(records(kind, clean), min_size=1, max_size=3) for kind in KINDS}
    if clean:
        tables = {
            kind: rows.map(functools.partial(numbered, kind)) for kind, rows in tables.items()
        }
    else:
        tables["notes"] = st.lists(st.dictionaries(st.text(max_size=4), ANY_VALUE), min_size=1)
    return st.fixed_dictionaries({}, optional=tables)


def _string(text: str, multiline: bool = False) -> str:
    # JSON's escapes are TOML's; a multi-line string keeps its newlines as they are.
    if not multiline:
        return json.dumps(text, ensure_ascii=False)
    return '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'


def toml_value(value: Any) -> str:
    """`value` written as an inline TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # inf, -inf and nan are TOML too
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(toml_value, value)) + "]"
    return "{ " + ", ".join(f"{_string(k)} = {toml_value(v)}" for k, v in value.items()) + " }"


def _table(header: str, table: dict[str, Any], multiline: bool) -> str:
    people = table.get("person") if header == "[[actor]]" else None
    headed = isinstance(people, list) and all(isinstance(p, dict) for p in people)
    text = header + "\n"
    for key, value in table.items():
        if key == "person" and headed:
            continue
        # Multi-line strings may hold header-like lines, which must not start records.
        long = multiline and isinstance(value, str)
        key = key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)
        text += f"{key} = {_string(value, True) if long else toml_value(value)}\n"
    for person in people if headed and isinstance(people, list) else []:
        text += _table("[[actor.person]]", person, multiline)
    return text


def toml_document(tables: dict[str, list[dict[str, Any]]], inline: set[str], multi: bool) -> str:
    """The tables as TOML: inline arrays first (they belong to the root), then headers."""
    parts = [
        f"{kind} = [\n" + "".join(f"  {toml_value(t)},\n" for t in rows) + "]\n"
        for kind, rows in tables.items()
        if kind in inline
    ]
    for kind, rows in tables.items():
        parts += [_table(f"[[{kind}]]", row, multi) for row in rows if kind not in inline]
    return "\n".join(parts)


@FILES
@given(
    clean=st.booleans(),
    data=st.data(),
    inline=st.sets(st.sampled_from([*KINDS, "notes"])),
    multiline=st.booleans(),
)
def test_any_toml_document_is_seeds_or_a_load_error(
    folder: Path, clean: bool, data: st.DataObject, inline: set[str], multiline: bool
) -> None:
    tables = data.draw(documents(clean), label="tables")
    lines = write(folder, "doc.toml", toml_document(tables, inline, multiline))
    known = Registry(strategies.registry_actors(), strategies.registry_topics())
    found = load(folder / "doc.toml", lines, known)
    if clean and tables:
        assert found is not None, "a clean document was refused"
    if found is not None:  # every record was read, each exactly once
        assert len(found.actors) == len(tables.get("actor", []))
        assert len(found.topics) == len(tables.get("topic", []))
        assert len(found.developments) == len(tables.get("development", []))


BUNDLED = {path.name: path.read_text(encoding="utf-8") for path in seeds.path().glob("*.toml")}
SNIPPETS = [
    *"[]{}\"'#=,\n\\",
    *('"""', "'''", "[[development]]\n", "[[actor.person]]\n", "[topic]\n", 'id = "x"\n'),
    *('aliases = [""]\n', '"2018-13"', '"9999-24"', '"２０１８"', "\ufeff", "title = 1\n"),
]


@st.composite
def mutations(draw: st.DrawFn, text: str) -> str:
    """`text` after a few edits: cuts, insertions, copied lines, replaced strings."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["cut", "insert", "copy", "replace", "truncate"]))
        if how == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif how == "insert":
            text = text[:at] + draw(st.sampled_from(SNIPPETS) | st.text(max_size=5)) + text[at:]
        elif how == "copy":
            lines = text.splitlines(keepends=True)
            start = draw(st.integers(0, max(len(lines) - 1, 0)))
            chunk = lines[start : start + draw(st.integers(1, 12))]
            spot = draw(st.integers(0, len(lines)))
            text = "".join(lines[:spot] + chunk + lines[spot:])
        elif how == "replace":
            quoted = list(re.finditer(r'"[^"\n]*"', text))
            if quoted:
                hit = draw(st.sampled_from(quoted))
                new = draw(st.one_of(date_texts(), NAMES, st.text(max_size=5)))
                text = text[: hit.start()] + _string(new) + text[hit.end() :]
        else:
            text = text[:at]
    return text


@FILES
@given(name=st.sampled_from(sorted(BUNDLED)), alone=st.booleans(), data=st.data())
def test_any_mutation_of_the_bundled_seeds_is_seeds_or_a_load_error(
    folder: Path, name: str, alone: bool, data: st.DataObject
) -> None:
    text = data.draw(mutations(BUNDLED[name]), label="mutated")
    story = folder / "story"
    story.mkdir(exist_ok=True)
    lines: dict[str, int] = {}
    for other, original in BUNDLED.items():
        lines |= write(story, other, text if other == name else original)
    load(story / name if alone else story, lines)


def test_the_bundled_seeds_load_unmutated() -> None:
    assert read_seeds(seeds.path(), Registry()).developments
