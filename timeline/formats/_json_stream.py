"""JSON objects read one at a time from a file, however they are laid out.

One object a line (JSON Lines), objects pretty-printed one after another (with or
without commas between them), or one array of objects: each object is yielded with
the line it starts on, without reading the whole file.  A comma before a closing
brace or bracket, which hand-edited files carry (the PLOVER gold standard records
do), is forgiven.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import msgspec

from timeline.engine.errors import LoadError

__all__ = ["Digest", "Found", "head_of", "objects", "scan"]

# (line, text, the object or None, why it is not one)
Found = tuple[int, str, dict[str, Any] | None, str]
_TRAILING = re.compile(r',(\s*[}\]])|("(?:[^"\\]|\\.)*")', re.S)


# msgspec parses a line in about a third of json.loads's time.  Whatever it takes, json
# reads as the same value (a property test holds them together); whatever it refuses
# (NaN, a lone surrogate escape, a float past the largest, a bad line) is read by
# json.loads as before, which gives the same value or the same error.
_decode = msgspec.json.Decoder().decode


def _forgiving(text: str) -> Any:
    try:
        return _decode(text)
    except (msgspec.MsgspecError, RecursionError):
        pass
    return _json_forgiving(text)


def _json_forgiving(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        # Drop commas before a closing brace or bracket, leaving strings untouched.
        return json.loads(_TRAILING.sub(lambda m: m.group(2) or m.group(1), text))


def _parsed(line: int, text: str) -> Found:
    try:
        value = _forgiving(text)
    except json.JSONDecodeError as error:
        return line, text, None, f"not JSON: {error.msg} (line {line + error.lineno - 1})"
    except RecursionError:
        return line, text, None, "JSON nested too deeply; expected a flat record per line"
    if not isinstance(value, dict):
        return line, text, None, "expected a JSON object"
    return line, text, value, ""


class _Scanner:
    """Tracks braces and strings across lines to find where an object ends."""

    def __init__(self) -> None:
        self.depth, self.in_string, self.escaped = 0, False, False

    def feed(self, text: str, start: int) -> int | None:
        """The index just past the object's end in `text`, or None if it goes on."""
        for i in range(start, len(text)):
            char = text[i]
            if self.in_string:
                if self.escaped:
                    self.escaped = False
                elif char == "\\":
                    self.escaped = True
                elif char == '"':
                    self.in_string = False
            elif char == '"':
                self.in_string = True
            elif char in "{[":
                self.depth += 1
            elif char in "}]":
                self.depth -= 1
                if self.depth == 0:
                    return i + 1
        return None


def objects(path: str) -> Iterator[Found]:
    """Every top-level object of the file, lazily, with the line it starts on."""
    try:
        with open(path, encoding="utf-8-sig") as file:
            yield from scan(file)
    except UnicodeDecodeError as error:
        raise LoadError([f"{path}: not UTF-8 text: {error}"]) from None
    except OSError as error:
        raise LoadError([f"{path}: cannot read the file: {error}"]) from None


def scan(file: Iterator[str]) -> Iterator[Found]:
    """Every top-level object of the lines given, with the line it starts on."""
    pending: list[str] = []
    scanner: _Scanner | None = None
    first = 0
    for number, raw in enumerate(file, start=1):
        rest = raw
        while rest:
            if scanner is not None:
                end = scanner.feed(rest, 0)
                if end is None:
                    pending.append(rest)
                    break
                pending.append(rest[:end])
                yield _parsed(first, "".join(pending))
                pending, scanner, rest = [], None, rest[end:]
                continue
            stripped = rest.lstrip(" \t\r\n,[]")
            if not stripped:
                break
            if not stripped.startswith("{"):
                yield number, raw.rstrip("\r\n"), None, "not JSON: expected an object"
                break
            if stripped == rest.lstrip() and rest.strip().endswith("}"):
                whole = _parsed(number, rest.strip().rstrip(","))
                if whole[2] is not None:  # one object a line: the fast path
                    yield whole
                    break
            scanner, first, pending = _Scanner(), number, []
            rest = stripped
    if scanner is not None:
        yield (
            first,
            "".join(pending),
            None,
            "not JSON: the object is not closed at the end of the file",
        )


def head_of(path: str) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    """The meta line (if any) and the first record, read from the start of the file."""
    meta, first = None, None
    for _, _, found, _ in itertools.islice(objects(path), 2):
        if found is not None and found.get("type") == "meta" and meta is None and first is None:
            meta = found
        elif first is None:
            first = found
            break
    return meta, first


class Digest:
    """The sha256 of the records after a meta line, as the export computed it."""

    def __init__(self) -> None:
        self.hash, self.count = hashlib.sha256(b"["), 0

    def add(self, record: Mapping[str, Any]) -> None:
        text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        # A lone surrogate is refused by the values' checks, with its field: not here.
        self.hash.update(
            ("," if self.count else "").encode() + text.encode("utf-8", "surrogatepass")
        )
        self.count += 1

    def text(self) -> str:
        self.hash.update(b"]")
        return "sha256:" + self.hash.hexdigest()
