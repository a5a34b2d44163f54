"""Shared fixtures: Hypothesis profiles and one store fixture for every persistence."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import HealthCheck, settings

from tests.browser import browser  # noqa: F401  one session's browser, for every test file
from timeline import Timeline

# The fast default keeps the edit-test loop short; CI runs the deeper profile, twice as
# many examples (sized so that CI, now some 1,600 tests on three pytest-xdist workers,
# stays well inside its half hour on two cores; one process alone took 19-22 minutes).
settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Accepts pyproject's `-n` when pytest-xdist is off (`-p no:xdist`): one process runs all."""
    if pluginmanager.has_plugin("xdist"):
        return
    group = parser.getgroup("xdist", "pytest-xdist is off: the tests run in this process")
    # `_addoption`: pytest keeps lowercase short options for plugins, as xdist itself is.
    group._addoption("-n", "--numprocesses", dest="numprocesses", default=0, help="ignored")


POSTGRES_URL = os.environ.get("TIMELINE_TEST_POSTGRES_URL")
STORES = ["memory", "sqlite", "postgresql"]


def _with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&schema={schema}" if parts.query else f"schema={schema}"
    return urlunsplit(parts._replace(query=query))


@contextmanager
def fresh_schema(base: str) -> Iterator[str]:
    """A URL for a new schema on the server `base` names, dropped on leaving."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    server = base.split("?")[0]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_schema(base, schema)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL for a fresh schema on the test server, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("TIMELINE_TEST_POSTGRES_URL is not set: no PostgreSQL server to test")
    with fresh_schema(POSTGRES_URL) as url:
        yield url


StoreFactory = Callable[[], str]


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store of each kind: in-memory, SQLite file, PostgreSQL."""
    kind = request.param
    if kind == "memory":
        return "memory://"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'story.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def timeline(store_url: str) -> Iterator[Timeline]:
    """An empty timeline on each kind of store."""
    tl = Timeline.open(store_url)
    try:
        yield tl
    finally:
        tl.close()
