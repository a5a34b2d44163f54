"""Where records and fields sit in a seed file's text, for errors that point at lines.

`tomllib` gives no positions, so the text is scanned: each `[[kind]]` header starts
a record, and a field's line is its first `key =` line inside that record.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

KINDS = ("actor", "topic", "development")
FieldPath = tuple[str | int, ...]
KEY = r"[ \t]*[\"']?{}[\"']?[ \t]*[=.][ \t]*"
TOKEN = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*'
    r"|[\[\]{},]|[^\s\[\]{},\"'#]+"
)
HEADER = re.compile(r"^[ \t]*\[(\[?)[ \t]*([^\[\]#\n]+?)[ \t]*\]", re.M)


@attrs.define
class Span:
    """Where one record sits in the text: its own keys, then its sub-tables."""

    start: int
    end: int
    subs: dict[str, list[tuple[int, int]]] = attrs.field(factory=dict)


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


class SeedFile:
    """One seed file: its name as shown, its data, and where its records' lines are."""

    def __init__(self, order: int, name: str, text: str) -> None:
        self.order, self.name, self.text = order, name, text
        self.data: dict[str, Any] = {}
        self.records: dict[str, list[Span]] = {kind: [] for kind in KINDS}
        heads = [h for h in HEADER.finditer(text) if not self._in_string(h.start())]
        ends = [h.start() for h in heads[1:]] + [len(text)]
        span, owner = None, ""
        for head, end in zip(heads, ends, strict=True):
            name = re.sub(r"[\s\"']", "", head[2])
            kind, _, sub = name.partition(".")
            if head[1] and name in KINDS:
                span, owner = Span(head.start(), end), name
                self.records[name].append(span)
            elif span is not None and sub and kind == owner:
                span.subs.setdefault(sub, []).append((head.start(), end))
            else:
                span = None

    def _in_string(self, offset: int) -> bool:
        before = self.text[:offset]
        return (before.count('"""') + before.count("'''")) % 2 == 1

    def line_of(self, offset: int) -> int:
        """The 1-based line number of a character offset."""
        return self.text.count("\n", 0, offset) + 1

    def line(self, kind: str, index: int, path: FieldPath) -> int | None:
        """The line of a field (else of its record); None when records cannot be matched."""
        if len(self.records[kind]) != len(self.data.get(kind, [])):
            return None  # tables written some other way (inline arrays): no safe guess
        span = self.records[kind][index]
        start, end, steps = span.start, span.end, list(path)
        if steps and isinstance(steps[0], str) and steps[0] in span.subs:
            tables = span.subs[str(steps.pop(0))]
            number = steps.pop(0) if steps and isinstance(steps[0], int) else 0
            if not isinstance(number, int) or number >= len(tables):
                return self.line_of(start)
            start, end = tables[number]
        offset, value = start, -1
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
