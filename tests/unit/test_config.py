"""Store URLs: passwords never show, parameters are checked, and nothing means a default."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from timeline import Timeline
from timeline.engine import StoreError
from timeline.engine.config import StoreConfig

SECRET = "Hunter2-s3cret"


def shown(config: StoreConfig) -> str:
    """Every text a config shows of itself."""
    return "\n".join([repr(config), config.url, config.redacted_url, config.location])


def outcome(url: str, **arguments: str) -> str:
    """What reading `url` shows: the config's texts, or the error message."""
    try:
        return shown(StoreConfig.from_url(url, **arguments))
    except StoreError as error:
        return str(error)


# -- passwords ------------------------------------------------------------------------------

SPELLINGS = [
    "postgresql://ann:{pw}@db.example:6543/news",
    "postgres://ann:{pw}@db.example/news?schema=s1",
    "POSTGRESQL://ann:{pw}@db.example/news",
    "postgresql://ann@db.example/news?password={pw}",
    "postgresql://ann@db.example/news?PASSWORD={pw}&schema=s1",
    "postgresql://ann@db.example/news?pass%77ord={pw}",
    "postgresql://ann@db.example/news?password={pw}@x",
    "postgresql://ann:{pw}@db.example/news?password={pw}",
    "postgresq://ann:{pw}@db.example/news",
    "postgresql+psycopg://ann:{pw}@db.example/news",
    "mysql://ann:{pw}@db.example/news",
    "postgresql:ann:{pw}@db.example/news",
    "postgresql:/ann:{pw}@db.example/news",
    "ann:{pw}@db.example/news",
    "postgresql://ann:{pw}@db.example/",
    "postgresql://ann:{pw}@db.example:port/news",
    "postgresql://ann:{pw}@db.example:99999/news",
    "postgresql://ann:{pw}@[::1/news",
    "postgresql://ann:{pw}@db.example/news#frag",
    "postgresql://ann:{pw}@db.example/news?connect_timeout=abc",
    "postgresql://ann:{pw}@db.example/news?pool_size=abc",
    "postgresql://ann:{pw}@db.example/news?sslmode=require",
    "postgresql://ann:{pw}@db.example/news?schema=a;b",
    "postgresql://ann:{pw}@db.example/news?schema=a&schema=b",
    "postgresql://ann:{pw}@db.example/news?password=again",
    "postgresql://ann:{pw}/x@db.example/news",
    "postgresql://ann:{pw}?x@db.example/news",
    "postgresql://ann:{pw}#x@db.example/news",
    "postgresql://ann:{pw}@x@db.example/news",
    "postgresql://ann:1/{pw}@db.example/news",
    "postgresql://ann:1?{pw}@db.example/news",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_no_spelling_of_a_url_shows_its_password(spelling: str) -> None:
    text = outcome(spelling.format(pw=SECRET))
    assert SECRET not in text
    assert "Hunter2" not in text  # not even a part of it
    assert "s3cret" not in text


@given(
    password=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=4),
    spelling=st.sampled_from(SPELLINGS),
)
def test_no_percent_encoded_password_shows(password: str, spelling: str) -> None:
    encoded = quote(password, safe="")
    assume(not any(p in spelling.format(pw="") for p in (password, encoded)))
    text = outcome(spelling.format(pw=encoded))
    assert encoded not in text
    assert password not in text


def test_the_url_keeps_everything_but_the_password() -> None:
    config = StoreConfig.from_url(f"postgresql://ann:{SECRET}@db.example:6543/news?schema=s1")
    assert config.url == "postgresql://ann:***@db.example:6543/news?schema=s1"
    assert config.redacted_url == config.url
    assert repr(config) == f"StoreConfig(url={config.url!r}, kind='postgresql')"
    assert config.env["POSTGRES_PASSWORD"] == SECRET  # the driver still gets it
    assert config.redact(f"server said: {SECRET} is wrong") == "server said: *** is wrong"


def test_a_password_given_apart_never_shows() -> None:
    config = StoreConfig.from_url("postgresql://ann@db.example/news", password=SECRET)
    assert SECRET not in shown(config)
    assert config.env["POSTGRES_PASSWORD"] == SECRET
    assert config.redact(f"no: {quote(SECRET + '/x', safe='')}") != f"no: {SECRET}%2Fx"


def test_a_url_without_a_password_is_shown_whole() -> None:
    url = "postgresql://ann@db.example:6543/news?schema=s1&connect_timeout=9"
    assert StoreConfig.from_url(url).url == url


# -- leaving the password to libpq ----------------------------------------------------------


@pytest.mark.parametrize("password", [None, ""])
def test_without_a_password_libpq_looks_it_up_itself(
    monkeypatch: pytest.MonkeyPatch, password: str | None
) -> None:
    from eventsourcing.postgres import PostgresFactory
    from eventsourcing.utils import Environment
    from psycopg import pq
    from psycopg.conninfo import make_conninfo

    monkeypatch.setenv("POSTGRES_PASSWORD", "not-for-timeline")
    config = StoreConfig.from_url("postgresql://ann@127.0.0.1:1/news", password=password)
    assert config.env["POSTGRES_PASSWORD"] == ""  # timeline read no environment
    # What eventsourcing's pool hands the driver when it connects: no password at all
    # (an empty one would stop libpq from reading PGPASSWORD).
    pool = PostgresFactory(Environment("timeline", config.env)).datastore.pool
    assert pool.get_password_func is not None
    assert isinstance(pool.kwargs, dict)
    params = {k: v for k, v in pool.kwargs.items() if k != "row_factory"}
    conninfo = make_conninfo("", **{**params, "password": pool.get_password_func()})
    assert "password" not in conninfo
    monkeypatch.setenv("PGPASSWORD", "from-pgpassword")
    connection = pq.PGconn.connect_start(conninfo.encode())  # port 1: refused, no wait
    try:
        assert connection.password == b"from-pgpassword"
    finally:
        connection.finish()


def test_a_given_password_goes_to_the_driver() -> None:
    config = StoreConfig.from_url("postgresql://ann:p%40ss@127.0.0.1:1/news")
    assert config.env["POSTGRES_PASSWORD"] == "p@ss"
    assert "POSTGRES_GET_PASSWORD_TOPIC" not in config.env


@pytest.mark.postgres
def test_the_event_store_opens_with_pgpassword_alone(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from timeline.engine._application import StoreApplication

    parts = urlsplit(postgres_url)
    if not parts.password:
        pytest.skip("TIMELINE_TEST_POSTGRES_URL has no password to move to PGPASSWORD")
    host = parts.netloc.rpartition("@")[2]
    bare = urlunsplit(parts._replace(netloc=f"{parts.username}@{host}"))
    monkeypatch.setenv("PGPASSWORD", StoreConfig.from_url(postgres_url).env["POSTGRES_PASSWORD"])
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    config = StoreConfig.from_url(bare)
    config.connect().close()
    app = StoreApplication(env=config.env)
    try:
        assert app.head == 0
    finally:
        app.close()


# -- query parameters and schema ------------------------------------------------------------

BASE = "postgresql://ann@db.example/news"


@pytest.mark.parametrize(
    ("query", "named", "expected"),
    [
        ("connect_timeout=0", "connect_timeout", "at least 1"),
        ("connect_timeout=-5", "connect_timeout", "at least 1"),
        ("connect_timeout=abc", "connect_timeout", "at least 1"),
        ("connect_timeout=1.5", "connect_timeout", "at least 1"),
        ("connect_timeout=", "connect_timeout", "at least 1"),
        ("connect_timeout=٣", "connect_timeout", "at least 1"),
        ("pool_size=abc", "pool_size", "at least 1"),
        ("pool_size=0", "pool_size", "at least 1"),
        ("max_overflow=-1", "max_overflow", "0 or more"),
        ("conn_max_age=nan", "conn_max_age", "above 0"),
        ("conn_max_age=0", "conn_max_age", "above 0"),
        ("pre_ping=maybe", "pre_ping", "true or false"),
        ("lock_timeout=99999999999", "lock_timeout", "0 (no limit) or more"),
        ("sslmode=require", "sslmode", "expected one of password, schema, connect_timeout"),
        ("get_password_topic=os:getcwd", "get_password_topic", "expected one of"),
        ("schema=a&schema=b", "schema", "given twice"),
    ],
)
def test_each_parameter_is_checked_and_named(query: str, named: str, expected: str) -> None:
    with pytest.raises(StoreError) as info:
        StoreConfig.from_url(f"{BASE}?{query}")
    message = str(info.value)
    assert f"{named!r}" in message
    assert expected in message
    assert "POSTGRES_" not in message


def test_good_parameters_reach_the_store() -> None:
    query = "connect_timeout=10&pool_size=3&max_overflow=0&pre_ping=YES&conn_max_age=30.5"
    env = StoreConfig.from_url(f"{BASE}?{query}&lock_timeout=2").env
    assert env["POSTGRES_CONNECT_TIMEOUT"] == "10"
    assert env["POSTGRES_POOL_SIZE"] == "3"
    assert env["POSTGRES_MAX_OVERFLOW"] == "0"
    assert env["POSTGRES_PRE_PING"] == "y"
    assert env["POSTGRES_CONN_MAX_AGE"] == "30.5"
    assert env["POSTGRES_LOCK_TIMEOUT"] == "2"


@pytest.mark.parametrize(
    "schema",
    ['a"b', "a;drop table x", "1abc", "", "a b", "a" * 64, "ünï", 'x"; DROP SCHEMA public; --'],
)
def test_a_schema_that_is_not_an_identifier_is_refused(schema: str) -> None:
    with pytest.raises(StoreError, match="schema"):
        StoreConfig.from_url(f"{BASE}?schema={quote(schema)}")
    with pytest.raises(StoreError, match=r"expected letters, digits and underscores"):
        StoreConfig.from_url(BASE, schema=schema)


@pytest.mark.parametrize("schema", ["s1", "_x", "A" * 63, "news_2018"])
def test_an_identifier_is_a_schema(schema: str) -> None:
    assert StoreConfig.from_url(f"{BASE}?schema={schema}").env["POSTGRES_SCHEMA"] == schema
    assert StoreConfig.from_url(BASE, schema=schema).env["POSTGRES_SCHEMA"] == schema


# -- what a URL stands for ------------------------------------------------------------------


def test_no_url_is_memory_but_an_empty_one_is_an_error() -> None:
    assert StoreConfig.from_url(None).kind == "memory"
    with pytest.raises(StoreError, match="the URL is empty"):
        StoreConfig.from_url("")
    with pytest.raises(StoreError, match="the URL is empty"):
        Timeline("")
    with Timeline() as timeline:
        assert timeline.config.kind == "memory"


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///file:story?mode=memory&cache=shared",
        "sqlite:///FILE:story.db",
        "sqlite:///story.db?mode=memory",
        "sqlite:///story.db#x",
        "sqlite:///x:memory:",
        "sqlite://",
        "sqlite:///",
        "memory://story.db",
        "memory:",
        " memory://",
    ],
)
def test_urls_that_would_keep_nothing_unasked_are_refused(url: str) -> None:
    with pytest.raises(StoreError, match="cannot open store"):
        StoreConfig.from_url(url)


def test_sqlite_memory_is_asked_for_by_name(tmp_path: Path) -> None:
    assert StoreConfig.from_url("sqlite:///:memory:").kind == "sqlite"
    path = tmp_path / "deep" / "story.db"
    assert StoreConfig.from_url(f"sqlite:///{path}").env["SQLITE_DBNAME"] == str(path)


def test_a_folder_that_cannot_be_made_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError, match="cannot open store"):
        StoreConfig.from_url(f"sqlite:///{tmp_path / 'file' / 'story.db'}")
