"""The first JSON value of a file's head, for telling JSON formats apart."""

from __future__ import annotations

import json
from typing import Any

from timeline.formats._records import Head

_DECODER = json.JSONDecoder()


def first_object(head: Head) -> dict[str, Any] | None:
    """The first JSON object in the head (inside an array if the file is one), or None."""
    text = head.text.lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        text = text[1:].lstrip()
    if not text.startswith("{"):
        return None
    try:
        value, _ = _DECODER.raw_decode(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
