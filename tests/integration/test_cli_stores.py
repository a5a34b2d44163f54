"""Which store the command uses: your own (empty at first), the demo's, or one named by --db."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.integration.test_cli import TIMELINE, UK_NOTE, as_json, data, environment, timeline
from timeline import Timeline, seeds

# The bundled story: how many developments the demo store is made with, and how many
# positions it gives as of 2019.
_BUNDLED = Timeline()
BUNDLED = len(_BUNDLED.load(seeds.path()))
POSITIONS_2019 = len(_BUNDLED.as_of("2019").positions())


def test_a_new_machine_has_an_empty_store_and_reads_never_create_it(tmp_path: Path) -> None:
    env = environment(tmp_path)
    result = timeline(env, "positions", "--as-of", "2018-12-31")
    assert result.returncode == 1
    assert "there is no story yet" in result.stderr
    assert "timeline init" in result.stderr
    assert "timeline demo positions" in result.stderr
    assert not (tmp_path / "home").exists()  # no file, no folder
    created = timeline(env, "init")
    assert (created.returncode, created.stderr) == (0, "")
    assert "created, and empty" in created.stdout
    assert as_json(timeline(env, "developments", "--json"))["developments"] == []


def test_loading_my_story_on_a_new_machine_loads_only_my_story(tmp_path: Path) -> None:
    env = environment(tmp_path)
    folder = tmp_path / "my-story"
    folder.mkdir()
    (folder / "story.toml").write_text(UK_NOTE, encoding="utf-8")
    loaded = timeline(env, "load", str(folder))
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith(f"Loaded {folder}: 1 development, 1 actor, 0 topics new (")
    assert loaded.stdout.count("\n") == 1  # one line
    listed = as_json(timeline(env, "developments", "--json"))
    assert [d["id"] for d in listed["developments"]] == ["uk-note"]  # no bundled story
    assert not (data(env) / "demo.db").exists()
    # The demo is beside it, and stays apart.
    demo = as_json(timeline(env, "demo", "developments", "--json"))
    assert "uk-note" not in {d["id"] for d in demo["developments"]}
    assert len(demo["developments"]) == BUNDLED
    assert len(as_json(timeline(env, "developments", "--json"))["developments"]) == 1


def test_a_rejected_first_load_creates_no_store(tmp_path: Path) -> None:
    env = environment(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text(UK_NOTE.replace('kind = "statement"', 'kind = "speech"'), encoding="utf-8")
    result = timeline(env, "load", str(bad))
    assert result.returncode == 2
    assert not data(env).exists()


def test_a_plain_path_is_an_sqlite_file(tmp_path: Path) -> None:
    env = environment(tmp_path)
    (tmp_path / "story.toml").write_text(UK_NOTE, encoding="utf-8")
    loaded = timeline(env, "load", "story.toml", "--db", "story.db", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert (tmp_path / "story.db").is_file()
    for where in (["--db", "story.db"], ["--db", str(tmp_path / "story.db")]):
        listed = as_json(timeline(env, *where, "developments", "--json", cwd=tmp_path))
        assert [d["id"] for d in listed["developments"]] == ["uk-note"]


def test_a_mistyped_path_is_not_created(tmp_path: Path) -> None:
    env = environment(tmp_path)
    missing = tmp_path / "typo" / "stroy.db"
    for db in (str(missing), f"sqlite:///{missing}"):
        result = timeline(env, "--db", db, "positions")
        assert result.returncode == 1
        assert f"no store at {missing}: the file does not exist" in " ".join(result.stderr.split())
        assert not (tmp_path / "typo").exists()


def test_a_seed_file_with_no_tables_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("# a story to come\n", encoding="utf-8")
    result = timeline(environment(tmp_path), "load", str(empty))
    assert result.returncode == 2
    assert f"no records in {empty}" in result.stderr
    assert "Traceback" not in result.stderr


def test_piping_into_head_is_no_error(tmp_path: Path) -> None:
    env = environment(tmp_path)
    for args in (["demo", "developments"], ["demo", "export"], ["demo", "positions", "--json"]):
        pipeline = subprocess.run(
            f"'{TIMELINE}' {' '.join(args)} | head -n 1",
            shell=True,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            executable="/bin/bash",
        )
        assert pipeline.stderr.replace(_made(env), "") == ""
        status = subprocess.run(
            ["bash", "-c", f"'{TIMELINE}' {' '.join(args)} | head -c 1 >/dev/null; "
             'echo "${PIPESTATUS[0]}"'],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert (status.stdout.strip(), status.stderr) == ("0", "")


def _made(env: dict[str, str]) -> str:
    """The note the first use of the demo store prints."""
    return (
        "timeline: made the demo store ~/.local/share/timeline/demo.db with the bundled story "
        f"({BUNDLED} developments); your own store is separate\n"
    )


def test_demo_reset_puts_the_bundled_story_back(tmp_path: Path) -> None:
    env = environment(tmp_path)
    retracted = timeline(
        env, "demo", "retract", "us-senator-scrap-s400", "--reported", "2019-02-01",
        "--reason", "misattributed",
    )  # fmt: skip
    assert retracted.returncode == 0, retracted.stderr
    after = as_json(timeline(env, "demo", "positions", "--as-of", "2019", "--json"))
    assert len(after["positions"]) == POSITIONS_2019 - 1
    assert timeline(env, "demo", "reset").returncode == 0
    again = as_json(timeline(env, "demo", "positions", "--as-of", "2019", "--json"))
    assert len(again["positions"]) == POSITIONS_2019
    refused = timeline(env, "--db", "x.db", "demo", "positions")
    assert refused.returncode == 2
    assert "uses its own store" in refused.stderr


def test_project_refuses_a_bad_interval_or_batch(tmp_path: Path) -> None:
    env = environment(tmp_path)
    interval = timeline(env, "demo", "project", "--interval", "-1", "--follow")
    assert interval.returncode == 2
    assert "expected seconds above 0 and below a day, found '-1'" in interval.stderr
    batch = timeline(env, "demo", "project", "--batch", "0")
    assert batch.returncode == 2
    assert "expected a whole number of events, 1 or more, found '0'" in batch.stderr
    done = timeline(env, "demo", "project")
    assert done.returncode == 0, done.stderr
