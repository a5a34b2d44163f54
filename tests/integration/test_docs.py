"""Every command in the real registry has help with examples and a row in the README's table."""

from __future__ import annotations

import io
import re
from pathlib import Path

import click
import pytest

from timeline.cli import Settings, run
from timeline.cli._app import COMMANDS, cli

README = Path(__file__).resolve().parents[2] / "README.md"


def _table_commands(readme: str) -> set[str]:
    """The command names that open a backticked span in the first cell of the command table."""
    table = readme.split("| command | what it does |", 1)[1].split("\n\n", 1)[0]
    rows = [row for row in table.splitlines() if row.startswith("| `")]
    first_cells = [re.split(r"(?<!\\)\|", row)[1] for row in rows]  # `\|` is a pipe in a cell
    return {span.split()[0] for cell in first_cells for span in re.findall(r"`([^`]+)`", cell)}


def _command(name: str) -> click.Command:
    found = cli.get_command(click.Context(cli), name)
    assert found is not None, f"COMMANDS names {name!r} but it does not load"
    return found


def _subcommands() -> list[tuple[str, str]]:
    """Every (group, subcommand) pair the registry's groups define themselves."""
    return [
        (name, sub)
        for name in COMMANDS
        if isinstance(command := _command(name), click.Group)
        for sub in command.commands
    ]


def _help(tmp_path: Path, *argv: str) -> str:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run([*argv, "--help"], Settings(None, tmp_path), stdout, stderr)
    assert status == 0, stderr.getvalue()
    assert not tmp_path.joinpath("timeline").exists()  # help creates no store
    return stdout.getvalue()


def test_the_registry_holds_every_command_of_the_tree() -> None:
    assert len(COMMANDS) >= 26
    assert list(cli.list_commands(click.Context(cli))) == list(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help_with_examples(tmp_path: Path, name: str) -> None:
    shown = _help(tmp_path, name)
    assert f"Usage: timeline {name}" in shown
    assert _command(name).get_short_help_str().strip(), f"{name} has no one-line help"
    assert re.search(r"Examples?: \S", shown), f"timeline {name} --help shows no example"


@pytest.mark.parametrize(("group", "name"), _subcommands())
def test_every_subcommand_has_help(tmp_path: Path, group: str, name: str) -> None:
    assert f"Usage: timeline {group} {name}" in _help(tmp_path, group, name)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_in_the_readme_table(name: str) -> None:
    assert name in _table_commands(README.read_text()), f"README's command table lacks {name}"


def test_the_readme_table_names_only_real_commands() -> None:
    assert _table_commands(README.read_text()) <= {*COMMANDS, "--version"}
