"""A seed file's text: its TOML, its top-level tables, and where records and fields sit.

`tomllib` gives no positions, so for errors that point at lines the text is scanned,
once and only when a line is asked for: each `[[kind]]` header, or each item of a
top-level `kind = [...]` array, starts a record, and a field's line is its first
`key =` line (or inline-table key) inside that record.  Strings and comments are
skipped whole, so brackets in them count for nothing; the scan and every line
number cost time linear in the text.
"""

from __future__ import annotations

import bisect
import difflib
import re
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any

import attrs

from timeline.engine._fields import FieldPath

KINDS = ("actor", "topic", "development", "revision", "retraction", "ranking")
KEY = r"[ \t]*[\"']?{}[\"']?[ \t]*[=.][ \t]*"
# Multi-line strings may hold escaped quotes and end in up to two extra quotes.
_MULTILINE = r'"""(?:\\[\s\S]|[^\\])*?"""(?:""?)?|\'\'\'[\s\S]*?\'\'\'(?:\'\'?)?'
_STRING = r'"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\''
TOKEN = re.compile(rf"{_MULTILINE}|{_STRING}|#[^\n]*|[\[\]{{}},]|[^\s\[\]{{}},\"'#]+")
# What the scan stops at: strings and comments (skipped), a `[` or a key first on its
# line, and brackets; bare values in between are passed over by the regex engine.
SCAN = re.compile(
    rf"(?P<skip>{_MULTILINE})"
    rf"|^[ \t]*(?:(?P<lead>{_MULTILINE})|(?P<head>\[)|(?P<key>{_STRING}|[A-Za-z0-9_-]+))"
    rf"|(?P<string>{_STRING}|#[^\n]*)|(?P<open>[\[{{])|(?P<close>[\]}}])",
    re.M,
)
HEADER = re.compile(r"\[(\[?)[ \t]*([^\[\]#\n]+?)[ \t]*\]")
ASSIGN = re.compile(r"[ \t]*=[ \t]*(?=\[)")
TOML_PLACE = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)$")
# Whether text that is not valid TOML was at least meant to hold records.
RECORDS_WRITTEN = re.compile(
    r"^[ \t]*(?:\[\[[ \t]*[\"']?|[\"']?)(?:actor|topic|development)\b", re.M
)


@attrs.define
class Span:
    """Where one record sits in the text: its own keys, then its sub-tables.

    A record written inline (an item of `kind = [...]`) starts at its `{`.
    """

    start: int
    end: int
    subs: dict[str, list[tuple[int, int]]] = attrs.field(factory=dict)
    inline: bool = False


def items_at(text: str, start: int) -> list[tuple[int, int]]:
    """Offsets of the items of the array or inline table whose value begins at `start`."""
    items: list[tuple[int, int]] = []
    depth, item = 0, -1
    for token in TOKEN.finditer(text, start):
        if token[0].startswith("#"):
            continue
        if depth == 0 and token[0] not in ("[", "{"):
            return []
        if depth == 1 and token[0] in (",", "]", "}"):
            items += [(item, token.start())] if item >= 0 else []
            item = -1
        elif depth == 1 and item < 0:
            item = token.start()
        depth += (token[0] in ("[", "{")) - (token[0] in ("]", "}"))
        if depth == 0:
            break
    return items


def describe(value: Any) -> str:
    """What a TOML value is, for messages: `text 'x'`, `a number 7`, `an array`..."""
    if isinstance(value, bool | int | float | str):
        what = {bool: "true/false", str: "text"}.get(type(value), "a number")
        return f"{what} {str(value).lower() if isinstance(value, bool) else repr(value)}"
    if isinstance(value, list | dict):
        return "an array" if isinstance(value, list) else "a table"
    return f"a TOML date or time ({value}); write dates as quoted EDTF text"


def seed_paths(path: Path) -> list[Path]:
    """The seed files at `path`: the file itself, or a folder's *.toml files by name."""
    if path.is_dir():
        return sorted((p for p in path.glob("*.toml") if p.is_file()), key=lambda p: p.name)
    return [path] if path.exists() else []


def _unquote(key: str) -> str:
    return key[1:-1] if key[:1] in ('"', "'") else key


class SeedFile:
    """One seed file: its name as shown, its data, and where its records' lines are."""

    def __init__(self, order: int, name: str, text: str) -> None:
        self.order, self.name, self.text = order, name, text
        self.data: dict[str, Any] = {}
        self.parsed = False

    def check(self) -> list[tuple[int | None, str]]:
        """Reads the text as TOML into `data`; returns its syntax error or bad tables."""
        try:
            self.data, self.parsed = tomllib.loads(self.text), True
        except tomllib.TOMLDecodeError as error:
            message = str(error)
            place = TOML_PLACE.search(message)
            at = int(place[1]) if place and place[1] else self.line_of(len(self.text))
            column = f" (column {place[2]})" if place and place[2] else ""
            return [(at, f"TOML syntax error: {TOML_PLACE.sub('', message)}{column}")]
        except RecursionError:  # tomllib recurses once per level of nesting
            return [(None, "TOML syntax error: arrays or inline tables nested too deeply")]
        problems: list[tuple[int | None, str]] = []
        for key, value in self.data.items():
            if key not in KINDS:
                close = difflib.get_close_matches(key, KINDS, n=1, cutoff=0.6)
                hint = f"did you mean [[{close[0]}]]?" if close else "expected [[actor]], "
                hint += (
                    ""
                    if close
                    else "[[topic]], [[development]], [[revision]], [[retraction]] or [[ranking]]"
                )
                problems.append((self.top_line(key), f"unknown table {key!r}; {hint}"))
            elif not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                message = f"{key!r} is {describe(value)}; expected [[{key}]] tables"
                problems.append((self.top_line(key), message))
        return problems

    @property
    def holds_records(self) -> bool:
        """Whether the file holds a record (or, when it is not TOML, was meant to)."""
        if not self.parsed:
            return RECORDS_WRITTEN.search(self.text) is not None
        return any(isinstance(self.data.get(kind), list) and self.data[kind] for kind in KINDS)

    @cached_property
    def _newlines(self) -> list[int]:
        return [m.start() for m in re.finditer("\n", self.text)]

    @cached_property
    def _layout(self) -> tuple[dict[str, list[Span]], dict[str, int]]:
        """The records of each kind, and where each top-level key is first written."""
        text = self.text
        records: dict[str, list[Span]] = {kind: [] for kind in KINDS}
        tops: dict[str, int] = {}
        heads: list[re.Match[str]] = []
        depth, skip = 0, 0
        for token in SCAN.finditer(text):
            if token.start() < skip or token["skip"] or token["lead"] or token["string"]:
                continue
            if token["key"]:
                if depth == 0 and not heads:  # a key of the root table
                    key, at = _unquote(token["key"]), token.start("key")
                    tops.setdefault(key, at)
                    array = ASSIGN.match(text, token.end())
                    if key in KINDS and array:
                        found = items_at(text, array.end())
                        records[key] = [Span(s, e, inline=True) for s, e in found]
                continue
            if token["head"] and depth == 0:
                head = HEADER.match(text, token.start("head"))
                if head is None:  # a header this scan cannot read: skip its line
                    end = text.find("\n", token.end())
                    skip = len(text) if end < 0 else end
                    continue
                heads.append(head)
                skip = head.end()
                tops.setdefault(re.sub(r"[\s\"']", "", head[2]).partition(".")[0], head.start())
                continue
            depth = depth + 1 if token["head"] or token["open"] else max(depth - 1, 0)
        # Each header's table runs to the next header (the last one to the end).
        ends = [h.start() for h in heads[1:]] + [len(text)] * bool(heads)
        span, owner = None, ""
        for head, end in zip(heads, ends, strict=True):
            name = re.sub(r"[\s\"']", "", head[2])
            kind, _, sub = name.partition(".")
            if head[1] and name in KINDS:
                span, owner = Span(head.start(), end), name
                records[name].append(span)
            elif span is not None and sub and kind == owner:
                span.subs.setdefault(sub, []).append((head.start(), end))
            else:
                span = None
        return records, tops

    @property
    def records(self) -> dict[str, list[Span]]:
        """Where each record of each kind sits, in file order."""
        return self._layout[0]

    def line_of(self, offset: int) -> int:
        """The 1-based line number of a character offset."""
        return bisect.bisect_left(self._newlines, offset) + 1

    def top_line(self, key: str) -> int | None:
        """The line where a top-level key or table is first written, if it can be found."""
        offset = self._layout[1].get(key)
        return None if offset is None else self.line_of(offset)

    def line(self, kind: str, index: int, path: FieldPath) -> int | None:
        """The line of a field (else of its record); None when records cannot be matched."""
        tables = self.data.get(kind)
        if not isinstance(tables, list) or len(self.records[kind]) != len(tables):
            return None  # the text was not read the way TOML read it: no safe guess
        span = self.records[kind][index]
        start, end, steps = span.start, span.end, list(path)
        if steps and isinstance(steps[0], str) and steps[0] in span.subs:
            tables = span.subs[str(steps.pop(0))]
            number = steps.pop(0) if steps and isinstance(steps[0], int) else 0
            if not isinstance(number, int) or number >= len(tables):
                return self.line_of(start)
            start, end = tables[number]
        # An inline record's keys are found like those of any inline table.
        offset, value = start, start if span.inline else -1
        for step in steps:
            if isinstance(step, int):
                items = items_at(self.text, value) if value >= 0 else []
                if step >= len(items):
                    break
                offset = value = items[step][0]
                continue
            key = re.compile(KEY.format(re.escape(step)))
            if value < 0:  # the first key is among the table's own lines
                own = re.compile("^" + key.pattern, re.M)
                hit = own.search(self.text, start, end)
            else:  # later keys are inside an inline table
                items = items_at(self.text, value)
                hit = next((m for s, e in items if (m := key.match(self.text, s, e))), None)
            if hit is None:
                break
            offset, value = hit.start(), hit.end()
        return self.line_of(offset)
