"""`actors`, `topics` and `show`: what a store holds, and everything about one development."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from timeline.cli import _options as opt
from timeline.cli import _text as words
from timeline.cli._context import App, pass_app
from timeline.cli._reads import corrections
from timeline.cli._render import Column

if TYPE_CHECKING:
    from timeline.engine import Development, Entry, Revision

__all__ = ["actors", "show", "topics"]

ACTOR_COLUMNS = (
    Column("id"),
    Column("name"),
    Column("aliases", under="name"),
    Column("people", under="name"),
    Column("codes", under="name"),
)
TOPIC_COLUMNS = (Column("id"), Column("description"), Column("aliases", under="description"))


@click.command(
    short_help="The actors of the story, with their names and people.",
    epilog="Example: timeline demo actors --json",
)
@opt.output()
@opt.store
@click.option(
    "--country",
    metavar="CODE",
    help="Only the actors of this country, as event data codes it (TUR, USA).",
)
@pass_app
def actors(app: App, country: str | None) -> None:
    """The registered actors: the id to use, the display name, and the aliases and people
    that also name them (any of these works wherever an actor is asked for). An actor
    with a dot in its id (USA.STATE) belongs to the one before the dot (USA). Actors
    imported from event data also show the data's country and sector codes and their
    Wikidata id, which names them too."""
    found = sorted(app.timeline().registry.actors.values(), key=lambda actor: actor.id)
    if country is not None:
        wanted = country.strip().upper()
        found = [a for a in found if (a.country or a.id.split(".", 1)[0]) == wanted]
    rows = [
        [
            a.id,
            a.name,
            ", ".join(a.aliases),
            "; ".join(p.name + (f" ({p.role})" if p.role else "") for p in a.people),
            " ".join(c for c in (a.country, a.sector, a.wikidata) if c),
        ]
        for a in found
    ]
    document = {
        "actors": [
            {
                "id": a.id,
                "name": a.name,
                "aliases": list(a.aliases),
                "people": [
                    {"name": p.name, "role": p.role, "aliases": list(p.aliases)} for p in a.people
                ],
                "country": a.country,
                "sector": a.sector,
                "wikidata": a.wikidata,
            }
            for a in found
        ]
    }
    app.show(document, ACTOR_COLUMNS, rows, empty="No actors yet: load a story first.")


@click.command(
    short_help="The topics actors take stances on.", epilog="Example: timeline demo topics"
)
@opt.output()
@opt.store
@pass_app
def topics(app: App) -> None:
    """The registered topics: the id to use, what a stance on it is about, and aliases."""
    found = sorted(app.timeline().registry.topics.values(), key=lambda topic: topic.id)
    rows = [[t.id, t.description, ", ".join(t.aliases)] for t in found]
    document = {
        "topics": [
            {"id": t.id, "description": t.description, "aliases": list(t.aliases)} for t in found
        ]
    }
    app.show(document, TOPIC_COLUMNS, rows, empty="No topics yet: load a story first.")


def _fields(development: Development) -> list[list[str]]:
    """A development's fields as (name, value) rows."""
    rows = [
        ["occurred", words.occurred(development)],
        ["reported", development.reported.text],
        ["kind", str(development.kind)],
        ["summary", development.summary],
        ["actors", ", ".join(development.actors)],
    ]
    if development.targets:
        rows.append(["targets", ", ".join(development.targets)])
    rows.append(["source", words.source(development)])
    if development.source.url:
        rows.append(["url", development.source.url])
    for further in development.reports:
        rows.append(["report", words.report(further)])
    for claim in development.claims:
        quote = f' "{claim.quote}"' if claim.quote else ""
        rows.append(["claim", f"{claim.actor} {claim.stance} {claim.topic}{quote}"])
    return rows


def _revision_rows(revision: Revision) -> list[list[str]]:
    rows = [["reason", revision.reason]]
    for name, value in revision.changes.items():
        if name == "claims":
            shown = "; ".join(f"{c.actor} {c.stance} {c.topic}" for c in value) or "none"
        elif name == "source":
            shown = f"{value.publisher} ({value.reliability})"
        elif isinstance(value, tuple):  # actors, targets, mode, context
            shown = ", ".join(value) or "none"
        elif value is None:  # a value the revision clears
            shown = "none"
        else:
            shown = str(value)
        rows.append([name, shown])
    return rows


def _sections(entry: Entry) -> list[tuple[str, list[list[str]]]]:
    """The effective version first (marked), then the original and each correction."""
    effective = entry.as_known(None)
    sections: list[tuple[str, list[list[str]]]] = []
    if effective is None:
        retraction = entry.retractions[0]
        sections.append(
            (f"* effective: none, retracted {retraction.reported}: {retraction.reason}", [])
        )
    elif entry.revisions:
        sections.append(("* effective (with every revision applied)", _fields(effective)))
    label = "* effective: as recorded" if effective == entry.development else "original"
    sections.append((label, _fields(entry.development)))
    for number, revision in enumerate(sorted(entry.revisions, key=lambda r: r.order_key), 1):
        sections.append(
            (f"revision {number}, reported {revision.reported}", _revision_rows(revision))
        )
    for ranking in sorted(entry.rankings, key=lambda r: r.order_key):
        rows = [["rank", str(ranking.rank)], ["reason", ranking.reason]]
        if ranking.actor is not None:
            rows.append(["claim", f"{ranking.actor} on {ranking.topic}"])
        if ranking.by is not None:
            rows.append(["by", ranking.by])
        sections.append((f"ranking, reported {ranking.reported}", rows))
    for retraction in entry.retractions:
        sections.append(
            (f"retraction, reported {retraction.reported}", [["reason", retraction.reason]])
        )
    return sections


def _show_json(entry: Entry) -> dict[str, Any]:
    effective = entry.as_known(None)
    return {
        "id": entry.id,
        "status": "retracted"
        if effective is None
        else "revised"
        if entry.revisions
        else "recorded",
        "effective": None if effective is None else words.development_json(effective),
        "original": words.development_json(entry.development),
        "corrections": corrections(entry, None),
    }


@click.command(
    short_help="One development, with its revisions and retractions.",
    epilog="Example: timeline demo show patriot-sale-approved",
)
@click.argument("dev_id", metavar="ID")
@opt.output(table=False)
@opt.store
@pass_app
def show(app: App, dev_id: str) -> None:
    """The development ID as it stands now (the effective version, marked *), then the
    original as recorded and each revision and retraction, with its reported date and
    reason. To correct it: 'timeline revise ID ...' or 'timeline retract ID ...'."""
    entry = app.timeline().entry(dev_id)
    if app.json:
        app.out.json(_show_json(entry))
        return
    app.out.line(entry.id)
    for title, rows in _sections(entry):
        app.out.line("")
        app.out.line(title)
        if rows:
            app.out.table((Column("field"), Column("value")), rows, wide=False, header=False)
