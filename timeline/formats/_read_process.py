"""A file's records read in a second process, each new development's stored bytes made there.

    with ReadApart(records, registry, reported) as read:
        import_records(app, read, ...)   # as with `records` themselves

The reader process runs the same format's reader on the same file with the same
registry, so it yields the same records in the same order.  A development it
sends as a `Row`: its line, label and id, and its JSON text as its creation
event's state holds it (written from the row's cells by `RowText` when it can, else
`StoredEvents.development_text` of the development); everything else (names,
corrections, rejected records) it sends as itself.  The importing process then
only plans and stores: a development whose stream is new is stored around that
text (with its stream id and the instant it is recorded, made there as the inline
import makes them), and one that meets a stream already held is decoded from the
text and planned as it would have been.  Plain parts cross the pipe
(pickling checked values costs about as much as reading them), a few thousand
records at a time; the reader reads ahead while the importing process writes,
and stops when the pipe is full.  If the importing process leaves, the reader's
pipe closes and it ends.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from eventsourcing.persistence import Mapper

from timeline.engine._bulk import YOUNG
from timeline.engine._bulk_process import end, peak_mb, portable, start
from timeline.engine._encode import StoredEvents
from timeline.engine._import_lines import Item
from timeline.engine._registry import Registry
from timeline.engine.corrections import check_unranked
from timeline.engine.errors import LoadError, RecordError
from timeline.engine.values import Development
from timeline.engine.when import When
from timeline.formats._records import Records, Row

__all__ = ["SENT", "ReadApart", "Row", "main", "usable"]

# Records sent at once, and messages received ahead of their planning: the reader
# stays a few thousand records ahead, not further (memory stays flat).
SENT = 1000
AHEAD = 8


def usable(mapper: Mapper[Any]) -> bool:
    """Whether a reader process makes the very bytes this mapper stores (plain JSON)."""
    return StoredEvents(mapper).usable


class ReadApart:
    """A file's records as a reader process reads them, in file order (`Row` for developments)."""

    def __init__(self, records: Records, registry: Registry, reported: When | None) -> None:
        self.path = records.path
        self.peak_mb = self.cpu = 0.0  # the reader's peak RSS and CPU seconds, once done
        self._pipe, self._process = start("timeline.formats._read_process")
        try:
            self._pipe.send(("open", (records.path, records.format, reported, registry)))
        except BaseException:
            self._process.kill()
            self._process.wait()
            raise
        # Messages are taken off the pipe as they come, so the reader reads on while
        # this process plans and stores (a full pipe would stop it).
        self._received: queue.Queue[bytes | None] = queue.Queue(AHEAD)
        self._receiver = threading.Thread(target=self._receive, daemon=True)
        self._receiver.start()

    def _receive(self) -> None:
        try:
            while True:
                self._received.put(self._pipe.recv_bytes())
        except (EOFError, OSError):
            self._received.put(None)  # the reader has ended (or was ended)

    def __enter__(self) -> ReadApart:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._process.poll() is None and kind is not None:
            self._process.kill()  # it holds nothing: its records are not wanted now
        while self._receiver.is_alive():  # emptied, so that the receiver can end
            with contextlib.suppress(queue.Empty):
                self._received.get(timeout=0.1)
        end(self._pipe, self._process)

    def __iter__(self) -> Iterator[Any]:
        while True:
            message = self._received.get()
            if message is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._process.wait(5)
                code = self._process.poll()
                raise LoadError([f"{self.path}: the reader process ended early (exit code {code})"])
            status, value = pickle.loads(message)
            if status == "error":
                raise value
            if status == "done":
                self.peak_mb, self.cpu = value
                return
            for entry in value:
                yield Row(*entry) if type(entry) is tuple else entry


def _encoder(events: StoredEvents) -> Any:
    """The reader's making of a record's message: a development's parts, else the record."""
    written = events.development_text

    def encode(record: Any) -> Any:
        if type(record) is Row:  # written from its row's cells (`RowText`)
            return (record.line, record.label, record.value_id, record.text)
        if type(record) is not Item or type(record.value) is not Development:
            return record
        value = record.value
        try:  # as `BulkWrite.recorded` checks: a refusal is left to the importing process
            check_unranked(value.claims, f"development {value.id!r}")
        except RecordError:
            return record
        text = written(value)
        if text is None:  # the mapper's own path, in the importing process
            return record
        return (record.line, record.label, value.id, text)

    return encode


def main(fd: int) -> None:
    """The reader: reads the file it is sent and sends its records back, a few at a time."""
    from timeline.engine._application import StoreApplication
    from timeline.formats import open_records
    from timeline.formats._row_text import RowText

    # Ctrl-C reaches the whole process group: the importing process decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(YOUNG, *gc.get_threshold()[1:])  # as in a bulk write, for the same reason
    pipe = Connection(fd)
    try:
        _, (path, form, reported, registry) = pipe.recv()
        records = open_records(path, registry=registry, format=form, reported=reported)
        events = StoredEvents(StoreApplication().mapper)  # the same transcodings
        encode = _encoder(events)
        batch: list[Any] = []
        for record in records.written(RowText(events).make):
            batch.append(encode(record))
            if len(batch) >= SENT:
                pipe.send(("rows", batch))
                batch = []
        if batch:
            pipe.send(("rows", batch))
        pipe.send(("done", (peak_mb(), time.process_time())))
    except (BrokenPipeError, ConnectionResetError, EOFError):
        return  # the importing process left: nothing to tell
    except BaseException as error:
        with contextlib.suppress(OSError):
            pipe.send(("error", portable(error)))
    finally:
        pipe.close()
