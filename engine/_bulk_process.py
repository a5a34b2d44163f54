"""A bulk write's transaction held by a second process, so the store's work overlaps the reading.

    store = ProcessTransaction(app)   # a writer process opens the store and begins
    store.streams(idents)             # answered by the writer, inside its transaction
    store.append(events)              # handed over; the caller reads on meanwhile
    store.commit()                    # waits for every append, then commits

The writer holds the same transaction the caller would (`Backend.begin`): the same
lock, the same statements, all or nothing.  Appends are sent without waiting for
their statements, so the store inserts one batch while the caller reads and
plans the next; the next call that needs an answer (the next batch's streams,
or the commit) waits for them, in order, so a batch's streams are always read
after every earlier batch was appended.  An append that fails makes that next
call raise its error and the transaction is rolled back.  Only the stored
events' plain parts cross the pipe (an id as a number, a version, a topic and
the state's bytes), which costs little beside making them.  If the caller dies
or leaves without committing, the writer's end of the pipe closes and it rolls
back.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any
from uuid import UUID

from timeline.engine._bulk_stores import StoreTransaction, grouped
from timeline.engine.errors import StoreError

if TYPE_CHECKING:
    from eventsourcing.persistence import StoredEvent

    from timeline.engine._application import StoreApplication

__all__ = ["ProcessTransaction", "end", "main", "peak_mb", "portable", "separable", "start"]

# Stored states sent at once while listing the recorded developments.
STATES = 5000
# An event as it crosses the pipe: stream id as an int, version, topic, state.
Row = tuple[int, int, str, bytes]


def separable(app: StoreApplication) -> bool:
    """Whether a second process can open the same store (a file or a server, not memory)."""
    backend = app.backend
    if backend.name == "postgresql":
        return True
    return backend.name == "sqlite" and backend.file(dict(app.env)) is not None


class ProcessTransaction(StoreTransaction):
    """The caller's side: each call sent to the writer process, answers awaited when needed."""

    def __init__(self, app: StoreApplication) -> None:
        self.app = app
        self._pipe, self._process = start("timeline.engine._bulk_process")
        env = {**app.env, "CREATE_TABLE": "n"}  # the caller's open made them
        self._pipe.send(("open", env))  # by the pipe: a password stays off the command line
        self._begun = False
        self.writer_peak_mb = 0.0  # the writer's peak RSS, known after the commit

    def _call(self, request: str, argument: Any = None) -> Any:
        """Sends a request and returns its answer, raising the writer's error as its own."""
        self._send(request, argument)
        if not self._begun:
            self._begun = True
            self._answer()  # the writer's begin: the lock is held from here
        return self._answer()

    def _send(self, request: str, argument: Any) -> None:
        try:
            self._pipe.send((request, argument))
        except (BrokenPipeError, ConnectionResetError):
            self._answer()  # the writer left: its error, if it sent one
            raise _gone(self._process.poll()) from None

    def _answer(self) -> Any:
        try:
            status, value = self._pipe.recv()
        except (EOFError, ConnectionResetError):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(5)
            raise _gone(self._process.poll()) from None
        if status == "error":
            raise value
        return value

    def streams(self, idents: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        rows: list[Row] = self._call("streams", [ident.int for ident in idents])
        return grouped([(UUID(int=i), version, topic, state) for i, version, topic, state in rows])

    def empty(self) -> bool:
        return bool(self._call("empty"))

    def append(self, events: Sequence[StoredEvent]) -> None:
        rows = [(_int_of(e.originator_id), e.originator_version, e.topic, e.state) for e in events]
        self._send("append", rows)
        self.appended += len(rows)

    def append_new(self, idents: Sequence[UUID], topic: str, states: Sequence[bytes]) -> None:
        rows = [(i.int, 1, topic, s) for i, s in zip(idents, states, strict=True)]
        self._send("append", rows)
        self.appended += len(rows)

    def recorded_states(self) -> Iterator[bytes]:
        self._call("states", None)
        try:
            while states := self._call("more", None):
                yield from states
        finally:
            with contextlib.suppress(StoreError, OSError):
                self._call("done", None)

    def commit(self) -> None:
        try:
            last, self.writer_peak_mb = self._call("commit")
        finally:
            self._finish()
        if last:
            recorder: Any = self.app.recorder
            recorder.last_written = max(getattr(recorder, "last_written", 0), last)
            from timeline.engine._postgres import _count_commit

            _count_commit()  # after the commit: a reader told of it must find it

    def rollback(self) -> None:
        try:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._pipe.send(("rollback", None))
        finally:
            self._finish()

    def _finish(self) -> None:
        end(self._pipe, self._process)  # a stuck writer's transaction dies with it


def start(module: str) -> tuple[Connection, subprocess.Popen[bytes]]:
    """A process running `module.main(fd)` and a two-way pipe to it.

    Started as its own program rather than by `multiprocessing`, which would import
    the caller's main module again in the child (a script without a main guard
    would run twice).
    """
    ours, theirs = socket.socketpair()
    # The caller found this package by its own path, so the writer is given the same.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    code = f"from {module} import main; main({theirs.fileno()})"
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=[theirs.fileno()], env=env
        )
    finally:
        theirs.close()
    return Connection(ours.detach()), process


def end(pipe: Connection, process: subprocess.Popen[bytes]) -> None:
    """Closes the pipe to a process `start` made and waits for it to end, killed if it
    has not within 30 seconds."""
    pipe.close()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _int_of(ident: Any) -> int:
    return ident.int if type(ident) is UUID else UUID(str(ident)).int


def _gone(code: int | None) -> StoreError:
    return StoreError(f"the bulk write's writer process ended early (exit code {code})")


def portable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling, else a `StoreError` that says what it was."""
    try:
        same = str(pickle.loads(pickle.dumps(error))) == str(error)
    except Exception:
        same = False
    if not same:  # an error made again from its message alone may say something else
        return StoreError(f"the bulk write failed: {type(error).__name__}: {error}")
    return error


def main(fd: int) -> None:
    """The writer: opens the store, begins, and answers the caller until it commits or leaves."""
    from timeline.engine._application import StoreApplication

    # Ctrl-C reaches the whole process group: the caller decides, and its rollback (or
    # its end, which closes the pipe) ends this transaction.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pipe = Connection(fd)
    try:
        _, env = pipe.recv()
        app = StoreApplication(env=env)
        store = app.backend.begin(app.recorder)
    except BaseException as error:
        pipe.send(("error", portable(error)))
        return
    pipe.send(("ok", None))
    _Writer(pipe, app, store).run()


class _Writer:
    """The writer's loop over the caller's requests, inside one transaction."""

    def __init__(self, pipe: Connection, app: StoreApplication, store: StoreTransaction) -> None:
        self.pipe, self.app, self.store = pipe, app, store
        self.failed: BaseException | None = None  # an append's error, told at the next call
        self.states: Iterator[bytes] | None = None

    def run(self) -> None:
        try:
            while True:
                try:
                    request, argument = self.pipe.recv()
                except EOFError:  # the caller left without committing
                    self.store.rollback()
                    return
                if request == "rollback":
                    self.store.rollback()
                    return
                if self._handle(request, argument):
                    return
        finally:
            self.pipe.close()

    def _handle(self, request: str, argument: Any) -> bool:
        """Does one request; True once the transaction has ended."""
        if request == "append":
            if self.failed is None:
                try:
                    self._append(argument)
                except BaseException as error:  # told to the caller at its next call
                    self.failed = error
            return False
        if self.failed is not None:
            self.store.rollback()
            self.pipe.send(("error", portable(self.failed)))
            return True
        try:
            answer = self._answer(request, argument)
        except BaseException as error:
            with contextlib.suppress(Exception):
                self.store.rollback()
            self.pipe.send(("error", portable(error)))
            return True
        self.pipe.send(("ok", answer))
        return request == "commit"

    def _append(self, rows: list[Row]) -> None:
        from eventsourcing.persistence import StoredEvent

        self.store.append([StoredEvent(UUID(int=i), v, t, s) for i, v, t, s in rows])

    def _answer(self, request: str, argument: Any) -> Any:
        if request == "streams":
            return self._streams(argument)
        if request == "empty":
            return self.store.empty()
        if request == "commit":
            self.store.commit()
            return int(getattr(self.app.recorder, "last_written", 0)), peak_mb()
        if request == "states":
            self.states = self.store.recorded_states()
            return None
        if request == "more":
            assert self.states is not None
            return list(itertools.islice(self.states, STATES))
        if request == "done":
            close = getattr(self.states, "close", None)
            if close is not None:
                close()
            self.states = None
            return None
        raise ValueError(f"unknown request {request!r}")

    def _streams(self, idents: list[int]) -> list[Row]:
        found = self.store.streams([UUID(int=i) for i in idents])
        return [
            (ident.int, e.originator_version, e.topic, e.state)
            for ident, events in found.items()
            for e in events
        ]


def peak_mb() -> float:
    """This process's peak RSS in MB (VmHWM), or 0 where Linux's status file is absent."""
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0
