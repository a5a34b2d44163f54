"""The replica setting of a store URL: where reads go, and what is refused."""

from __future__ import annotations

import pytest

from timeline.engine.config import StoreConfig
from timeline.engine.errors import StoreError

PRIMARY = "postgresql://app:secret@primary:5432/story?schema=s"


def test_a_url_parameter_names_the_standby_with_everything_else_kept() -> None:
    config = StoreConfig.from_url(f"{PRIMARY}&replica=standby:5433&replica_wait=0.5")
    standby = config.replica
    assert standby is not None
    assert (standby.env["POSTGRES_HOST"], standby.env["POSTGRES_PORT"]) == ("standby", "5433")
    for key in ("POSTGRES_DBNAME", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_SCHEMA"):
        assert standby.env[key] == config.env[key]
    assert config.replica_wait == 0.5
    assert (config.env["POSTGRES_HOST"], config.env["POSTGRES_PORT"]) == ("primary", "5432")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("standby", ("standby", "5432")),
        ("10.0.0.7:6000", ("10.0.0.7", "6000")),
        ("postgresql://app@standby.local:5444/story", ("standby.local", "5444")),
    ],
)
def test_the_argument_takes_a_host_port_or_a_url(given: str, expected: tuple[str, str]) -> None:
    standby = StoreConfig.from_url(PRIMARY, replica=given).replica
    assert standby is not None
    assert (standby.env["POSTGRES_HOST"], standby.env["POSTGRES_PORT"]) == expected


def test_no_replica_means_reads_from_the_primary() -> None:
    assert StoreConfig.from_url(PRIMARY).replica is None


@pytest.mark.parametrize("bad", ["stand by", "standby:0", "standby:99999", "standby:", "a/b", ""])
def test_a_bad_replica_is_refused_naming_the_parameter(bad: str) -> None:
    with pytest.raises(StoreError, match="replica"):
        StoreConfig.from_url(f"{PRIMARY}&replica={bad}")
    with pytest.raises(StoreError, match="replica"):
        StoreConfig.from_url(PRIMARY, replica=bad)


def test_a_replica_is_refused_for_stores_other_than_postgresql() -> None:
    with pytest.raises(StoreError, match="postgresql"):
        StoreConfig.from_url("sqlite:///story.db", replica="standby:5433")


def test_the_password_never_shows_in_a_replica_error() -> None:
    with pytest.raises(StoreError) as caught:
        StoreConfig.from_url(PRIMARY, replica="postgresql://app:secret@/")
    assert "secret" not in str(caught.value)
