"""PostgreSQL's binary COPY data of stored events, made at once instead of a row at a time.

psycopg's `Copy.write_row` dumps each row's four values through its adapters, a
few microseconds of Python an event; a bulk import appends millions.  Here every
row is packed by one `struct` call, the event's topic (one of a few) is packed
once, and the whole batch is handed to `Copy.write` as one block: the signature,
the rows and the trailer of PostgreSQL's binary COPY format, the very bytes
`write_row` sends for a table of (uuid, int8, text, bytea).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from eventsourcing.persistence import StoredEvent

__all__ = ["SIGNATURE", "TRAILER", "binary_copy"]

# The format's signature, its flags and its header extension's length (none).
SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"  # a row of -1 fields: the end of the data
# A row's start: four fields, then the id's length and bytes, the version's length and value.
_HEAD = struct.Struct(">hi16siq")
_LENGTH = struct.Struct(">i")
_LONGEST = 2**31 - 1  # a field's length is a signed 32-bit number


def binary_copy(events: Sequence[StoredEvent]) -> bytes | None:
    """The binary COPY data of `events` as rows of (uuid, int8, text, bytea), or None
    when one of them is not of that shape (its id not a UUID, a topic with NUL), which
    `Copy.write_row` is then left to dump or refuse as it always did."""
    head, length = _HEAD.pack, _LENGTH.pack
    topics: dict[str, bytes] = {}
    parts = [SIGNATURE]
    try:
        for event in events:
            ident, version = event.originator_id, event.originator_version
            topic, state = event.topic, event.state
            packed = topics.get(topic)
            if packed is None:
                if type(topic) is not str or "\x00" in topic:
                    return None
                encoded = topic.encode()
                packed = topics[topic] = length(len(encoded)) + encoded
            if type(ident) is not UUID or type(version) is not int or len(state) > _LONGEST:
                return None
            parts += (head(4, 16, ident.bytes, 8, version), packed, length(len(state)), state)
    except (TypeError, ValueError, struct.error):  # a state that is not bytes, a huge version
        return None
    parts.append(TRAILER)
    return b"".join(parts)
