"""`help` and `completion`: the conventions of a command people use every day."""

from __future__ import annotations

import click

from timeline.cli._context import PROG, App, pass_app

__all__ = ["completion", "help_"]

SHELLS = ("bash", "zsh", "fish")


@click.command(
    "help",
    short_help="Show the help of a command.",
    epilog="Examples: timeline help positions; timeline help branch save",
)
@click.argument("command", nargs=-1)
@click.pass_context
def help_(ctx: click.Context, command: tuple[str, ...]) -> None:
    """Show the help of COMMAND (or of timeline itself): 'timeline help positions'."""
    root = ctx.find_root()
    group: click.Command = root.command
    current = root
    for name in command:
        if not isinstance(group, click.Group):
            raise click.UsageError(f"{current.command_path} has no subcommands", ctx)
        found = group.get_command(current, name)
        if found is None:
            group.resolve_command(current, [name])  # raises with suggestions
            return
        current = click.Context(found, info_name=name, parent=current)
        group = found
    click.echo(current.get_help())


@click.command(
    short_help="Print a shell completion script.",
    epilog='Example: eval "$(timeline completion bash)"',
)
@click.argument("shell", type=click.Choice(SHELLS))
@pass_app
def completion(app: App, shell: str) -> None:
    """Print the completion script for SHELL; load it from your shell's start-up file:

    \b
      bash:  eval "$(timeline completion bash)"      in ~/.bashrc
      zsh:   eval "$(timeline completion zsh)"       in ~/.zshrc
      fish:  timeline completion fish | source       in ~/.config/fish/config.fish
    """
    from click.shell_completion import get_completion_class

    from timeline.cli._app import cli
    from timeline.cli._settings import COMPLETE_VAR

    found = get_completion_class(shell)
    assert found is not None
    app.out.write(found(cli, {}, PROG, COMPLETE_VAR).source())
