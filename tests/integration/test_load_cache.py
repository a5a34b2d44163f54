"""The load cache (#23 items 1 and 3): it never vouches for a store it did not read, and it
never holds a password."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from tests.integration.test_cli import UK_NOTE, environment, timeline


def _note(folder: Path, ident: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "note.toml"
    path.write_text(UK_NOTE.replace("uk-note", ident), encoding="utf-8")
    return path


def test_a_store_copied_over_the_loaded_one_is_never_vouched_for_by_the_cache(
    tmp_path: Path,
) -> None:
    env = environment(tmp_path)
    story, other = tmp_path / "story.db", tmp_path / "other.db"
    mine, theirs = _note(tmp_path / "mine", "uk-note"), _note(tmp_path / "theirs", "uk-other")
    assert timeline(env, "--db", str(story), "load", str(mine)).returncode == 0
    assert timeline(env, "--db", str(other), "load", str(theirs)).returncode == 0
    # Copied over in place: the same path, the same inode, the same head position.
    inode = story.stat().st_ino
    story.write_bytes(other.read_bytes())
    assert story.stat().st_ino == inode
    again = timeline(env, "--db", str(story), "load", str(mine))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"Loaded {mine}: 1 development"), again.stdout
    assert timeline(env, "--db", str(story), "show", "uk-note").returncode == 0


def test_reloading_the_same_store_is_still_answered_from_the_cache(tmp_path: Path) -> None:
    env = environment(tmp_path)
    story, mine = tmp_path / "story.db", _note(tmp_path / "mine", "uk-note")
    assert timeline(env, "--db", str(story), "load", str(mine)).returncode == 0
    again = timeline(env, "--db", str(story), "load", str(mine))
    assert again.stdout.startswith(f"Nothing new: {mine} is already recorded ("), again.stdout


def _schema_urls(base: str, secret: str, schema: str) -> list[str]:
    """The test server's URL with a password in each spelling, on one schema."""
    parts = urlsplit(base)
    host = parts.netloc.rsplit("@", 1)[-1]
    spelled = quote(secret, safe="")
    in_user = parts._replace(netloc=f"postgres:{spelled}@{host}", query=f"schema={schema}")
    in_query = parts._replace(
        netloc=f"postgres@{host}", query=f"password={spelled}&schema={schema}"
    )
    return [urlunsplit(in_user), urlunsplit(in_query)]


def test_the_load_cache_never_holds_a_password(tmp_path: Path) -> None:
    base = os.environ.get("TIMELINE_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("TIMELINE_TEST_POSTGRES_URL is not set: no PostgreSQL server to test")
    import psycopg

    env, secret = environment(tmp_path), "s3cr=t/p@ss"
    schema = f"t_{uuid.uuid4().hex[:12]}"
    note = _note(tmp_path / "mine", "uk-note")
    with psycopg.connect(base.split("?")[0], autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        for url in _schema_urls(base, secret, schema):
            loaded = timeline(env, "--db", url, "load", str(note))
            assert loaded.returncode == 0, loaded.stderr
        cache = Path(env["HOME"]) / ".cache" / "timeline" / "loads.json"
        written = cache.read_bytes()
        for spelling in (secret, quote(secret, safe=""), "s3cr"):
            assert spelling.encode() not in written
        assert cache.stat().st_mode & 0o077 == 0
    finally:
        with psycopg.connect(base.split("?")[0], autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
