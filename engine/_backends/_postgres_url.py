"""A postgresql:// URL read into eventsourcing's PostgreSQL settings, every parameter checked."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from timeline.engine.config import (
    _BIGGEST,
    _SCHEME,
    IDENTIFIER,
    _hide,
    _no_password,
    _secrets,
    _shown,
)
from timeline.engine.errors import StoreError

__all__ = ["PARAMETERS", "postgres_env", "replica_argument", "schema_name"]


def replica_argument(replica: str) -> str:
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


def schema_name(url: str, value: str, what: str) -> str:
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


def postgres_env(url: str, password: str | None) -> dict[str, str]:
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
            env["POSTGRES_SCHEMA"] = schema_name(url, value, "parameter 'schema'")
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
        env["POSTGRES_GET_PASSWORD_TOPIC"] = f"{_no_password.__module__}:{_no_password.__name__}"
    return env
