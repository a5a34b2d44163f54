"""Store URLs: one string picks in-memory, SQLite or PostgreSQL persistence.

A password never leaves a `StoreConfig` in text: `url`, `redacted_url`, `repr` and
every error show `***` in its place, however the URL was spelled.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, unquote_plus, urlsplit
from uuid import uuid4

import attrs

from timeline.engine.errors import StoreError

__all__ = ["StoreConfig"]

MEMORY_URL = "memory://"
EXPECTED = "expected memory://, sqlite:///path/to/file.db or postgresql://user@host:5432/db"
# The store application's name, which eventsourcing's PostgreSQL recorder puts in the
# name of the events table (`timeline_events`).
APPLICATION = "timeline"
# The rule projections/sql.py applies to the schema it puts into SQL.
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


@attrs.frozen(repr=False)
class StoreConfig:
    """Where the events live, as eventsourcing persistence settings.

    The URL as given (password included) is kept private; `url` is the redacted text.
    """

    _url: str = attrs.field(alias="url")
    env: dict[str, str] = attrs.field(eq=False)
    kind: str  # "memory", "sqlite" or "postgresql"

    def __repr__(self) -> str:
        return f"StoreConfig(url={self.url!r}, kind={self.kind!r})"

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
        if self.kind != "postgresql":
            return None
        import psycopg

        try:
            self.connect().close()
        except psycopg.Error as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            # psycopg prefixes the reason with the address it tried; keep the reason.
            return first.rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()
        return None

    def connect(self) -> Any:
        """A new autocommit psycopg connection to this PostgreSQL store."""
        import psycopg

        env = self.env
        return psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            # None, not "": libpq then looks up PGPASSWORD and ~/.pgpass itself.
            password=env["POSTGRES_PASSWORD"] or None,
            connect_timeout=int(float(env.get("POSTGRES_CONNECT_TIMEOUT", "5"))),
            autocommit=True,
        )

    @contextmanager
    def creating(self) -> Iterator[None]:
        """Holds, on PostgreSQL, a lock that serialises creating this store's tables.

        Processes opening a new database at once would otherwise race to create
        the same tables and types; elsewhere this does nothing.
        """
        if self.kind != "postgresql":
            yield
            return
        schema = self.env.get("POSTGRES_SCHEMA", "public")
        import hashlib  # only here: slow to import

        digest = hashlib.sha256(f"timeline/{schema}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        with self.connect() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def holds_store(self) -> bool:
        """Whether a timeline store is there: on PostgreSQL, whether its event table is in
        the schema (an empty database holds none); files and memory are checked elsewhere.

        A server that cannot be reached answers True, so the open that follows says why.
        """
        if self.kind != "postgresql":
            return True
        import psycopg
        from psycopg import sql

        schema = self.env.get("POSTGRES_SCHEMA") or "public"
        try:
            with self.connect() as conn:
                name = sql.Identifier(schema, f"{APPLICATION}_events").as_string(conn)
                row = conn.execute("SELECT to_regclass(%s)", (name,)).fetchone()
        except psycopg.Error:
            return True
        return row is not None and row[0] is not None

    def locked(self, reason: str) -> str:
        """The reason for a lock that waited too long, with who holds it and how to wait longer."""
        if self.kind != "sqlite" or "locked" not in reason:
            return reason
        from timeline.engine._locks import holders

        path = self.env["SQLITE_DBNAME"]
        held = holders(path)
        who = f"; held by {', '.join(held)}" if held else "; another process holds its write lock"
        waited = self.env.get("SQLITE_LOCK_TIMEOUT", SQLITE_WAIT)
        return f"{reason}{who} (waited {waited} s; add ?timeout=SECONDS to the URL to wait longer)"

    @property
    def replica(self) -> StoreConfig | None:
        """The hot standby that reads go to (same database, user and schema), if one is set."""
        where = self.env.get("POSTGRES_REPLICA")
        if self.kind != "postgresql" or where is None:
            return None
        host, _, port = where.rpartition(":")
        env = {k: v for k, v in self.env.items() if not k.startswith("POSTGRES_REPLICA")}
        env.update(POSTGRES_HOST=host, POSTGRES_PORT=port)
        return StoreConfig(self._url, env, "postgresql")

    @property
    def replica_wait(self) -> float:
        """Seconds a read on the standby waits for it to replay its caller's last write."""
        return float(self.env.get("POSTGRES_REPLICA_WAIT", REPLICA_WAIT))

    @property
    def location(self) -> str:
        """A short description of the store for messages (path, or host and database)."""
        if self.kind == "sqlite":
            return f"SQLite file {self.env['SQLITE_DBNAME']}"
        if self.kind == "postgresql":
            return (
                f"PostgreSQL database {self.env['POSTGRES_DBNAME']!r} on "
                f"{self.env['POSTGRES_HOST']}:{self.env['POSTGRES_PORT']}"
            )
        return "in-memory store"

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
        name = scheme[0][:-3].lower() if scheme else ""
        if name in ("postgresql", "postgres"):
            if password is not None and not isinstance(password, str):
                raise StoreError("password: expected text")
            env = _postgres_env(url, password or None)
            if schema is not None:
                env["POSTGRES_SCHEMA"] = _schema(url, schema, "the schema argument")
            if replica is not None:
                env["POSTGRES_REPLICA"] = _replica_argument(replica)
            return cls(url, env, "postgresql")
        if password is not None or schema is not None or replica is not None:
            raise StoreError("a password, schema or replica applies only to postgresql:// stores")
        if name == "memory" and url[len("memory://") :] == "":
            return cls(url, {"PERSISTENCE_MODULE": "eventsourcing.popo"}, "memory")
        if name == "sqlite":
            return cls(url, _sqlite_env(url), "sqlite")
        shown = _shown(url)
        if name == "memory":
            raise StoreError(f"cannot open store {shown!r}: memory:// takes nothing after it")
        raise StoreError(f"cannot open store {shown!r}: {EXPECTED}")


# How long, in seconds, a read on a replica waits for it to replay its caller's last write.
REPLICA_WAIT = "2"


def _replica_argument(replica: str) -> str:
    """`host:port` of the standby a `replica` argument names (host[:port] or a URL)."""
    if not isinstance(replica, str):
        raise StoreError(f"replica: expected host[:port] or a postgresql:// URL, found {replica!r}")
    where = replica
    if _SCHEME.match(replica):
        try:
            parts = urlsplit(replica)
            where = f"{parts.hostname or ''}:{parts.port or 5432}"
        except ValueError:
            where = ""
    checked = _replica(where)
    if checked is None:
        raise StoreError(
            f"replica {_shown(replica)!r}: expected host[:port] or a postgresql:// URL "
            "of the hot standby (port 1 to 65535)"
        )
    return checked


def _sqlite_env(url: str) -> dict[str, str]:
    # As in SQLAlchemy: sqlite:///story.db is relative, sqlite:////abs/story.db absolute.
    shown = _shown(url)
    path = url[len("sqlite:///") :] if url[: len("sqlite:///")].lower() == "sqlite:///" else ""
    if not path:
        raise StoreError(f"cannot open store {shown!r}: expected sqlite:///path/to/file.db")
    if path == ":memory:":
        path = f"file:timeline-{uuid4().hex}?mode=memory&cache=shared"
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path}
    # SQLite would read `file:...` as a URI (mode=memory keeps nothing, mode=ro
    # writes nothing), and eventsourcing takes any "mode=memory" as in-memory.
    path, _, query = path.partition("?")
    wait = _sqlite_timeout(shown, query)
    if path[:5].lower() == "file:" or "#" in path or ":memory:" in path:
        raise StoreError(
            f"cannot open store {shown!r}: expected a plain file path, as in "
            "sqlite:///path/to/file.db[?timeout=SECONDS] (SQLite URI names are not "
            "supported; sqlite:///:memory: keeps nothing)"
        )
    file = Path(path).expanduser()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot open store {shown!r}: {error.strerror or error}") from None
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(file),
        "SQLITE_LOCK_TIMEOUT": wait,
    }


# How long, in seconds, to wait for another process's write lock before saying so.
SQLITE_WAIT = "5"


def _sqlite_timeout(shown: str, query: str) -> str:
    """The lock wait a `?timeout=SECONDS` asks for (the only parameter an SQLite URL takes)."""
    if not query:
        return SQLITE_WAIT
    key, _, value = query.partition("=")
    if key != "timeout" or not re.fullmatch(r"[0-9]{1,5}", value) or not 1 <= int(value) <= 86400:
        raise StoreError(
            f"cannot open store {shown!r}: expected no parameter, or ?timeout=SECONDS "
            "(a whole number from 1 to 86400: how long to wait for another process's lock)"
        )
    return str(int(value))


def _schema(url: str, value: str, what: str) -> str:
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
        raise StoreError(
            f"cannot open store {_shown(url)!r}: {what} is {value!r}; expected letters, "
            "digits and underscores, starting with a letter or underscore (at most 63)"
        )
    return value


def _count(low: int) -> Callable[[str], str | None]:
    def read(value: str) -> str | None:
        # At most ten digits: int() refuses thousands, and none of them is in range.
        ok = re.fullmatch(r"[0-9]{1,10}", value) and low <= int(value) <= _BIGGEST
        return str(int(value)) if ok else None

    return read


def _seconds(value: str) -> str | None:
    try:
        number = float(value) if re.fullmatch(r"[0-9.]{1,20}", value) else math.nan
    except ValueError:
        return None
    return value if math.isfinite(number) and 0 < number <= _BIGGEST else None


def _flag(value: str) -> str | None:
    truth = {"y", "yes", "t", "true", "on", "1"}, {"n", "no", "f", "false", "off", "0"}
    lowered = value.lower()
    return "y" if lowered in truth[0] else "n" if lowered in truth[1] else None


def _replica(value: str) -> str | None:
    """`host[:port]` of a hot standby, checked; the port defaults to PostgreSQL's own."""
    host, colon, port = value.partition(":")
    port = port if colon else "5432"
    fine = re.fullmatch(r"[A-Za-z0-9._-]{1,253}", host) and re.fullmatch(r"[0-9]{1,5}", port)
    if not fine or not 1 <= int(port) <= 65535:
        return None
    return f"{host}:{int(port)}"


# Each query parameter a postgresql:// URL may carry: how it is read, what it must be.
PARAMETERS: dict[str, tuple[Callable[[str], str | None], str]] = {
    "connect_timeout": (_count(1), "a whole number of seconds, at least 1"),
    "pool_size": (_count(1), "a whole number of connections, at least 1"),
    "max_overflow": (_count(0), "a whole number of connections, 0 or more"),
    "max_waiting": (_count(0), "a whole number of waiting requests, 0 (no limit) or more"),
    "conn_max_age": (_seconds, "a number of seconds above 0"),
    "pre_ping": (_flag, "true or false"),
    "lock_timeout": (_count(0), "a whole number of seconds, 0 (no limit) or more"),
    "idle_in_transaction_session_timeout": (
        _count(0),
        "a whole number of seconds, 0 (no limit) or more",
    ),
    "replica": (_replica, "a hot standby's host[:port], as in replica=standby:5433"),
    "replica_wait": (_seconds, "a number of seconds above 0"),
}


def _postgres_env(url: str, password: str | None) -> dict[str, str]:
    shown, secrets = _shown(url), _secrets(url)
    encode = "if the password holds / ? # or &, percent-encode them (%2F %3F %23 %26)"

    def fail(why: str) -> StoreError:
        # A password cut short by an unencoded / ? or # lands in the path or query.
        return StoreError(_hide(f"cannot open store {shown!r}: {why}", secrets))

    try:
        parts = urlsplit(url)
        port = parts.port or 5432
    except ValueError:
        raise fail(f"expected host:port with a port from 1 to 65535; {encode}") from None
    if "@" in parts.path or "@" in parts.fragment:
        raise fail(f"expected postgresql://user:password@host:port/dbname; {encode}")
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        hint = f"; {encode}" if "@" in parts.query else ""
        raise fail(f"expected a database name, as in postgresql://user@host:5432/dbname{hint}")
    if parts.fragment:
        raise fail("expected nothing after '#'")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "5",
    }
    seen: set[str] = set()
    known = ", ".join(["password", "schema", *PARAMETERS])
    # Not parse_qsl: it reads "+" as a space, and libpq (like a password) does not.
    for piece in (p for p in parts.query.split("&") if p):
        key, value = (unquote(text) for text in piece.partition("=")[::2])
        if key in seen:
            raise fail(f"parameter {key!r} is given twice; expected it once")
        seen.add(key)
        if key == "password":
            if env["POSTGRES_PASSWORD"]:
                raise fail("a password is given twice; expected it once")
            env["POSTGRES_PASSWORD"] = value
        elif key == "schema":
            env["POSTGRES_SCHEMA"] = _schema(url, value, "parameter 'schema'")
        elif key in PARAMETERS:
            read, expected = PARAMETERS[key]
            checked = read(value)
            if checked is None:
                raise fail(f"parameter {key!r} is {value!r}; expected {expected}")
            env[f"POSTGRES_{key.upper()}"] = checked
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise fail(f"unknown parameter {key!r}; expected one of {known}")
        else:  # not a name: perhaps the tail of a password, so it is not shown
            raise fail(f"a parameter that is not a name; expected one of {known}; {encode}")
    if password is not None:
        env["POSTGRES_PASSWORD"] = password
    if not env["POSTGRES_PASSWORD"]:
        # eventsourcing hands its pool password="" otherwise, which stops libpq
        # from reading PGPASSWORD; this function gives the driver None instead.
        env["POSTGRES_GET_PASSWORD_TOPIC"] = f"{__name__}:{_no_password.__name__}"
    return env
