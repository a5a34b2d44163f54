"""`actor add` and `topic add`: register an actor or a topic from the command line.

`add` records developments only about actors and topics the store knows; these two
commands register new ones (as a seed file's `[[actor]]` and `[[topic]]` do), so a
story can grow one country or subject at a time.  Registering the same again
changes nothing; other content under a registered id is refused.
"""

from __future__ import annotations

import click

from timeline.cli import _options as opt
from timeline.cli._context import App, pass_app
from timeline.engine.errors import RecordError

__all__ = ["actor", "topic"]


def _person(text: str) -> tuple[str, str | None]:
    name, _, role = text.partition(":")
    if not name.strip():
        raise RecordError(f"--person {text!r}: expected NAME or NAME:ROLE")
    return name.strip(), role.strip() or None


@click.group(
    short_help="Register an actor: timeline actor add ID NAME.",
    epilog="Example: timeline actor add GRC Greece --alias Athens",
)
def actor() -> None:
    """Register actors (countries, organisations and their roles) in the store."""


@actor.command(
    "add",
    short_help="Register an actor by id and name.",
    epilog="Example: timeline actor add GRC Greece --alias Athens "
    "--person 'Nikos Dendias:foreign minister'",
)
@click.argument("ident", metavar="ID")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, metavar="A", help="Another name (repeatable).")
@click.option(
    "--person",
    "people",
    multiple=True,
    metavar="NAME[:ROLE]",
    help="Someone who speaks for it (repeatable).",
)
@opt.output(table=False)
@opt.store
@pass_app
def add_actor(
    app: App, ident: str, name: str, aliases: tuple[str, ...], people: tuple[str, ...]
) -> None:
    """Register the actor ID (CAMEO-style: GRC, USA.CONGRESS) named NAME, with its
    aliases and people, so that developments can name it. Creates the store if need be."""
    from timeline.engine import Actor, Person

    given = Actor(ident, name, aliases, [Person(*_person(text)) for text in people])
    tl = app.timeline(write=True)
    before = tl.position
    tl.register_actor(given)
    new = tl.position != before
    app.say(
        {"actor": given.id, "registered": new},
        f"Registered actor {given.id} ({given.name})." if new else f"{given.id} is already there.",
    )


@click.group(
    short_help="Register a topic: timeline topic add ID DESCRIPTION.",
    epilog="Example: timeline topic add f35-deliveries 'Deliveries of F-35s to Turkey.'",
)
def topic() -> None:
    """Register topics (the subjects actors take stances on) in the store."""


@topic.command(
    "add",
    short_help="Register a topic by slug and description.",
    epilog="Example: timeline topic add f35-deliveries 'Deliveries of F-35s to Turkey.'",
)
@click.argument("ident", metavar="ID")
@click.argument("description")
@click.option("--alias", "aliases", multiple=True, metavar="A", help="Another name (repeatable).")
@opt.output(table=False)
@opt.store
@pass_app
def add_topic(app: App, ident: str, description: str, aliases: tuple[str, ...]) -> None:
    """Register the topic ID (a slug: s400-purchase) described by DESCRIPTION, so that
    stance claims can name it. Creates the store if need be."""
    from timeline.engine import Topic

    given = Topic(ident, description, aliases)
    tl = app.timeline(write=True)
    before = tl.position
    tl.register_topic(given)
    new = tl.position != before
    app.say(
        {"topic": given.id, "registered": new},
        f"Registered topic {given.id}." if new else f"{given.id} is already there.",
    )
