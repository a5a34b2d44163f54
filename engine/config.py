"""Store URLs: one string picks in-memory, SQLite or PostgreSQL persistence."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import uuid4

import attrs

from timeline.engine.errors import StoreError

__all__ = ["StoreConfig"]

MEMORY_URL = "memory://"


@attrs.frozen
class StoreConfig:
    """Where the events live, as eventsourcing persistence settings."""

    url: str
    env: dict[str, str] = attrs.field(eq=False, repr=False)
    kind: str  # "memory", "sqlite" or "postgresql"

    @property
    def redacted_url(self) -> str:
        """The URL with any password replaced, safe to print."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()

    def redact(self, text: str) -> str:
        """Returns `text` with the password, if any, replaced."""
        password = self.env.get("POSTGRES_PASSWORD")
        return text.replace(password, "***") if password else text

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
        digest = hashlib.sha256(f"timeline/{schema}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        with self.connect() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

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
        cls, url: str | None = None, *, password: str | None = None, schema: str | None = None
    ) -> StoreConfig:
        """Reads `memory://`, `sqlite:///path.db` or `postgresql://user@host/db`.

        A PostgreSQL password and schema may come in the URL (`?schema=name`) or
        as arguments, which win.
        """
        url = url or MEMORY_URL
        if urlsplit(url).scheme in ("postgresql", "postgres"):
            env = _postgres_env(url)
            if password is not None:
                env["POSTGRES_PASSWORD"] = password
            if schema is not None:
                env["POSTGRES_SCHEMA"] = schema
            return cls(url, env, "postgresql")
        if password is not None or schema is not None:
            raise StoreError("a password or schema applies only to postgresql:// stores")
        scheme = urlsplit(url).scheme
        if scheme == "memory":
            return cls(url, {"PERSISTENCE_MODULE": "eventsourcing.popo"}, "memory")
        if scheme == "sqlite":
            return cls(url, _sqlite_env(url), "sqlite")
        raise StoreError(
            f"cannot open store {url!r}: expected a URL starting with memory://, "
            "sqlite:/// or postgresql://"
        )


def _sqlite_env(url: str) -> dict[str, str]:
    # As in SQLAlchemy: sqlite:///story.db is relative, sqlite:////abs/story.db absolute.
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else ""
    if not path:
        raise StoreError(f"cannot open store {url!r}: expected sqlite:///path/to/file.db")
    if path == ":memory:":
        path = f"file:timeline-{uuid4().hex}?mode=memory&cache=shared"
    else:
        file = Path(path).expanduser()
        file.parent.mkdir(parents=True, exist_ok=True)
        path = str(file)
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path}


def _postgres_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise StoreError(
            f"cannot open store {StoreConfig(url, {}, 'x').redacted_url!r}: "
            "expected a database name, as in postgresql://user@host:5432/dbname"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": query.pop("connect_timeout", "5"),
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query.pop("schema")
    for key, value in query.items():
        env[f"POSTGRES_{key.upper()}"] = value
    return env
