"""The first JSON object of a file's head, for telling JSON formats apart."""

from __future__ import annotations

from typing import Any

from timeline.formats._json_stream import scan
from timeline.formats._records import Head


def first_object(head: Head) -> dict[str, Any] | None:
    """The first JSON object in the head, however laid out (see `_json_stream`), or None."""
    text = head.text.lstrip("\ufeff \t\r\n")
    if not text.startswith(("{", "[")):
        return None
    for _, _, found, _ in scan(iter(text.splitlines(keepends=True))):
        return found
    return None
