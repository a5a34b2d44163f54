"""Store URLs: one string picks the backend (in-memory, SQLite or PostgreSQL persistence).

A password never leaves a `StoreConfig` in text: `url`, `redacted_url`, `repr` and
every error show `***` in its place, however the URL was spelled.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import quote, unquote, unquote_plus

import attrs

from timeline.engine._backends import Backend, backend_for
from timeline.engine.errors import StoreError

__all__ = ["StoreConfig"]

MEMORY_URL = "memory://"
EXPECTED = "expected memory://, sqlite:///path/to/file.db or postgresql://user@host:5432/db"
# The store application's name, which eventsourcing's PostgreSQL recorder puts in the
# name of the events table (`timeline_events`), and the view tracks its progress by.
APPLICATION = "timeline"
# The rule projections/_sql.py applies to the schema it puts into SQL.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_BIGGEST = 2**31 - 1  # what the driver and server take as a count or timeout


def _redact_url(url: str) -> str:
    """`url` with whatever may be a password shown as ***, however it is spelled.

    `?password=` values go first (so an `@` in one cannot pass for the user part's
    end); the user part then ends at the last `@`, so a password holding `/`, `?`
    or `@` unencoded is hidden too.  When in doubt more is hidden, never less.
    """
    scheme = _SCHEME.match(url)
    head = scheme.end() if scheme else 0
    pieces = re.split(r"([?&])", url[head:])
    for i in range(2, len(pieces), 2):
        key, equals, _ = pieces[i].partition("=")
        if equals and unquote_plus(key).strip().lower() == "password":
            pieces[i] = f"{key}=***"
    text = url[:head] + "".join(pieces)
    at = text.rfind("@", head)
    user, colon, _ = text[head:at].partition(":") if at >= 0 else ("", "", "")
    return f"{text[:head]}{user}:***{text[at:]}" if colon else text


def _secrets(url: str) -> set[str]:
    """Every spelling of a password in `url`: as written and decoded, user part and query."""
    found: set[str] = set()
    scheme = _SCHEME.match(url)
    head = scheme.end() if scheme else 0
    at = url.rfind("@", head)
    if at >= 0 and ":" in url[head:at]:
        written = url[head:at].partition(":")[2]
        found |= {written, unquote(written)}
    for piece in re.split(r"[?&]", url[head:])[1:]:
        key, equals, value = piece.partition("=")
        if equals and unquote_plus(key).strip().lower() == "password":
            found |= {value, unquote(value), unquote_plus(value)}
    return {secret for secret in found if secret}


def _hide(text: str, secrets: set[str]) -> str:
    """`text` with each secret replaced by ***, longest first."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _shown(url: str) -> str:
    """`url` as any message may show it."""
    return _hide(_redact_url(url), _secrets(url))


def _no_password() -> None:
    """Gives the driver no password, so libpq looks in PGPASSWORD and ~/.pgpass itself."""


def _backend(value: Backend | str) -> Backend:
    """The backend itself, or the one a kind's name (as `kind` shows it) stands for."""
    if isinstance(value, Backend):
        return value
    found = backend_for(value)
    if found is None:
        raise StoreError(f"no kind of store is called {value!r}; {EXPECTED}")
    return found


@attrs.frozen(repr=False)
class StoreConfig:
    """Where the events live, as eventsourcing persistence settings, and their backend.

    The URL as given (password included) is kept private; `url` is the redacted text.
    The backend (`timeline.engine._backends`) answers everything that differs by kind.
    """

    _url: str = attrs.field(alias="url")
    env: dict[str, str] = attrs.field(eq=False)
    backend: Backend = attrs.field(converter=_backend)

    def __repr__(self) -> str:
        return f"StoreConfig(url={self.url!r}, kind={self.kind!r})"

    @property
    def kind(self) -> str:
        """The kind of store by name: "memory", "sqlite" or "postgresql"."""
        return self.backend.name

    @property
    def url(self) -> str:
        """The store's URL with any password replaced, safe to print."""
        return _shown(self._url)

    @property
    def redacted_url(self) -> str:
        """The URL with any password replaced, safe to print (the same as `url`)."""
        return self.url

    def redact(self, text: str) -> str:
        """Returns `text` with the password, as given or as written in the URL, replaced."""
        password = self.env.get("POSTGRES_PASSWORD") or ""
        given = {password, quote(password, safe="")} - {""}
        return _hide(text, given | _secrets(self._url))

    def diagnose(self) -> str | None:
        """Connects once directly to say why the server refused, or None if it did not."""
        return self.backend.diagnose(self)

    def connect(self) -> Any:
        """A new autocommit connection to this store's database server (PostgreSQL's)."""
        return self.backend.connect(self)

    def creating(self) -> AbstractContextManager[None]:
        """Holds, where processes may race to create this store's tables, a lock against it."""
        return self.backend.creating(self)

    def holds_store(self) -> bool:
        """Whether a timeline store is there: on PostgreSQL, whether its event table is in
        the schema (an empty database holds none); files and memory are checked elsewhere.

        A server that cannot be reached answers True, so the open that follows says why.
        """
        return self.backend.holds_store(self)

    def locked(self, reason: str) -> str:
        """The reason for a lock that waited too long, with who holds it and how to wait longer."""
        return self.backend.locked(self, reason)

    @property
    def replica(self) -> StoreConfig | None:
        """The hot standby that reads go to (same database, user and schema), if one is set."""
        return self.backend.replica(self)

    @property
    def replica_wait(self) -> float:
        """Seconds a read on the standby waits for it to replay its caller's last write."""
        return float(self.env.get("POSTGRES_REPLICA_WAIT", REPLICA_WAIT))

    @property
    def location(self) -> str:
        """A short description of the store for messages (path, or host and database)."""
        return self.backend.location(self.env)

    @classmethod
    def from_url(
        cls,
        url: str | None = None,
        *,
        password: str | None = None,
        schema: str | None = None,
        replica: str | None = None,
    ) -> StoreConfig:
        """Reads `memory://`, `sqlite:///path.db` or `postgresql://user@host/db`.

        No URL (None) means `memory://`; an empty one is an error.  `sqlite:///:memory:`
        is an SQLite store that keeps nothing; other SQLite URI names (`file:...`) and
        `?` parameters are refused.  A PostgreSQL password and schema may come in the
        URL (`user:password@`, `?password=`, `?schema=`) or as arguments, which win;
        `?connect_timeout=` and the pool settings are checked, and unknown parameters
        refused.  `?replica=host[:port]` (or the `replica` argument: `host[:port]` or a
        postgresql:// URL, whose host and port are taken) names a hot standby to read
        from, `?replica_wait=SECONDS` how long a read waits for it.  Give no password
        at all to keep it out of `ps` and shell history: the driver then gets none (an
        empty one counts as none), and libpq itself uses `PGPASSWORD` or `~/.pgpass`
        (timeline never reads the environment).
        """
        if url is None:
            url = MEMORY_URL
        if not isinstance(url, str):
            raise StoreError(f"cannot open store {url!r}: {EXPECTED}")
        if not url:
            raise StoreError(f"cannot open store '': the URL is empty; {EXPECTED}")
        scheme = _SCHEME.match(url)
        backend = backend_for(scheme[0][:-3].lower() if scheme else "")
        given = password is not None or schema is not None or replica is not None
        if given and (backend is None or not backend.server):
            raise StoreError("a password, schema or replica applies only to postgresql:// stores")
        if backend is None:
            raise StoreError(f"cannot open store {_shown(url)!r}: {EXPECTED}")
        return cls(url, backend.settings(url, password, schema, replica), backend)


# How long, in seconds, a read on a replica waits for it to replay its caller's last write.
REPLICA_WAIT = "2"
