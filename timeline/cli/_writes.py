"""`init`, `add`, `revise`, `rank` and `retract`: writing to a story from the command line.

Writes create the store if need be.  A development reported before it occurred is
kept (forecasts and announcements of plans exist) with a warning on stderr.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from timeline.cli import _options as opt
from timeline.cli._context import App, pass_app
from timeline.cli._dates import DayArg
from timeline.cli._drafts import development_from_file, development_from_options, source_from

if TYPE_CHECKING:
    from timeline import Timeline
    from timeline.engine import Development, StanceClaim

__all__ = ["add", "forecasts", "init", "rank", "retract", "revise"]

KINDS = (
    "statement", "agreement", "approval", "proposal", "cooperation", "delivery", "demand",
    "rejection", "threat", "sanction",
)  # fmt: skip
STANCES = "rejects, opposes, undecided, supports, committed"


def forecasts(developments: list[Development]) -> list[str]:
    """The ids of developments reported before they could have occurred."""
    return [d.id for d in developments if d.reported.latest < d.occurred.earliest]


@click.command(
    short_help="Create an empty store (your own, or --db).",
    epilog="Example: timeline init --db story.db",
)
@opt.output(table=False)
@opt.store
@pass_app
def init(app: App) -> None:
    """Create the store if it does not exist: your own (in the data folder) or --db.
    It starts empty; fill it with 'timeline load FILE' or 'timeline add'."""
    store = app.store
    existed = store.exists()
    tl = app.timeline(write=True)
    events = tl.head
    state = f"already there ({events} events)" if existed else "created, and empty"
    app.say({"store": store.label, "created": not existed, "events": events},
            f"The store {store.label} is {state}.")  # fmt: skip


def _claim_option(function: Any) -> Any:
    return click.option(
        "--claim",
        "claims",
        multiple=True,
        metavar="ACTOR:TOPIC:STANCE[:QUOTE]",
        help=f"A stance claim (repeatable); STANCE is one of {STANCES}.",
    )(function)


def _source_options(function: Any) -> Any:
    function = click.option("--url", help="Where the report is.")(function)
    function = click.option("--attribution", help="Who the report attributes it to.")(function)
    function = click.option(
        "--reliability",
        type=click.Choice(opt.RELIABILITIES, case_sensitive=False),
        help="How the source stands behind it.",
    )(function)
    return click.option("--publisher", help="Who published the report.")(function)


@click.command(
    short_help="Record a development, from options or a TOML [[development]].",
    epilog="Examples: timeline add --id uk-note --occurred 2018-12 --reported 2018-12-20 "
    "--kind statement --summary 'A note.' --actor GBR --publisher Reuters --reliability named; "
    "timeline add note.toml; cat note.toml | timeline add -",
)
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, allow_dash=True)
)
@click.option("--id", "dev_id", metavar="ID", help="A slug, unique in the story.")
@click.option("--occurred", metavar="D", help="When it happened (EDTF, or 'last month').")
@click.option("--reported", metavar="D", type=opt.DAY, help="When the public could know it.")
@click.option("--kind", type=click.Choice(KINDS), help="What kind of development.")
@click.option("--summary", help="What happened, in your own words.")
@click.option("--actor", "actors", multiple=True, metavar="A", help="Who acted (repeatable).")
@click.option("--target", "targets", multiple=True, metavar="A", help="At whom (repeatable).")
@_source_options
@_claim_option
@opt.output(table=False)
@opt.store
@pass_app
def add(app: App, /, file: str | None, **given: Any) -> None:
    """Record one development: from the options, or from FILE ('-' for stdin) holding one
    [[development]] table in the seed format (see 'timeline help load'). Recording the
    same content again changes nothing; other content under a recorded id is refused
    (correct it with 'timeline revise')."""
    supplied = {k: v for k, v in given.items() if v not in (None, ())}
    if file is not None and supplied:
        raise click.UsageError("give FILE or the options, not both")
    tl = app.timeline(write=True)
    if file is not None:
        development = development_from_file(tl, file)
    else:
        development = development_from_options(tl, supplied)
    new = tl.record_many([development])
    stored = tl.entry(development.id).development
    if forecasts([stored]):
        app.warn(
            f"{stored.id!r} is reported ({stored.reported}) before it occurred "
            f"({stored.occurred}); it is kept as a forecast"
        )
    text = f"Added {stored.id}." if new else f"Nothing new: {stored.id} is already recorded."
    app.say({"id": stored.id, "added": bool(new)}, text)


def _targets(names: tuple[str, ...], none: bool) -> tuple[str, ...] | None:
    if none and names:
        raise click.UsageError("give --target or --no-targets, not both")
    return () if none else (names or None)


def _claims(tl: Timeline, texts: tuple[str, ...], none: bool) -> list[StanceClaim] | None:
    from timeline.cli._drafts import claims_from

    if none and texts:
        raise click.UsageError("give --claim or --no-claims, not both")
    if none:
        return []
    return claims_from(texts) if texts else None


@click.command(
    short_help="Correct a recorded development, from a date on.",
    epilog="Example: timeline revise patriot-sale-approved --reported 2019-01-15 "
    "--reason 'exact date' --occurred 2018-12-18",
)
@click.argument("dev_id", metavar="ID")
@click.option("--reported", metavar="D", type=opt.DAY, required=True,
              help="When the correction became known (it counts from then on).")  # fmt: skip
@click.option("--reason", required=True, help="Why it is corrected.")
@click.option("--occurred", metavar="D", help="The corrected date (EDTF, or 'last month').")
@click.option("--kind", type=click.Choice(KINDS), help="The corrected kind.")
@click.option("--summary", help="The corrected summary.")
@click.option("--actor", "actors", multiple=True, metavar="A",
              help="Who acted, corrected (repeatable; replaces all).")  # fmt: skip
@click.option("--target", "targets", multiple=True, metavar="A",
              help="At whom, corrected (repeatable; replaces all).")  # fmt: skip
@click.option("--no-targets", is_flag=True, help="The development has no target.")
@_source_options
@_claim_option
@click.option("--no-claims", is_flag=True, help="The development makes no stance claims.")
@opt.output(table=False)
@opt.store
@pass_app
def revise(app: App, /, dev_id: str, reported: DayArg, reason: str, **given: Any) -> None:
    """Record a correction of development ID, known from --reported on: only the fields
    given change (--claim, --actor and --target replace all of theirs; source options
    change the source).
    Earlier states of knowledge are kept: --known-at before the date still shows the
    original. The same correction again changes nothing."""
    tl = app.timeline(write=True)
    entry = tl.entry(dev_id)
    current = entry.as_known(None) or entry.development
    occurred = given.pop("occurred")
    changes: dict[str, Any] = {"kind": given.pop("kind"), "summary": given.pop("summary")}
    if occurred is not None:
        from timeline.cli._drafts import occurred_from

        changes["occurred"] = occurred_from(occurred, reported.when)
    changes["claims"] = _claims(tl, given.pop("claims"), given.pop("no_claims"))
    changes["actors"] = given.pop("actors") or None
    changes["targets"] = _targets(given.pop("targets"), given.pop("no_targets"))
    changes["source"] = source_from(current.source, given)
    before = len(entry.revisions)
    tl.revise(dev_id, reported=reported.when, reason=reason, **changes)
    added = len(tl.entry(dev_id).revisions) > before
    text = f"Revised {dev_id}, known from {reported.when}." if added else (
        f"Nothing new: {dev_id} already has this revision.")  # fmt: skip
    app.say({"id": dev_id, "revised": added}, text)


@click.command(
    short_help="Withdraw a recorded development, from a date on.",
    epilog="Example: timeline retract us-senator-scrap-s400 --reported 2019-02-01 "
    "--reason misattributed",
)
@click.argument("dev_id", metavar="ID")
@click.option("--reported", metavar="D", type=opt.DAY, required=True,
              help="When the withdrawal became known (it counts from then on).")  # fmt: skip
@click.option("--reason", required=True, help="Why it is withdrawn.")
@opt.output(table=False)
@opt.store
@pass_app
def retract(app: App, dev_id: str, reported: DayArg, reason: str) -> None:
    """Record that development ID is withdrawn, known from --reported on: from then it no
    longer counts (earlier states of knowledge still show it). A retraction is final.
    Then says what it changed, with everything recorded, as of today: the positions,
    history change points and relations periods that rested on it ('timeline impact')."""
    from timeline.cli._impact import impact_json, impact_summary, retraction_impact

    tl = app.timeline(write=True)
    before = tl.entry(dev_id).retractions
    changed = None if before else retraction_impact(tl, dev_id)  # asked before it is written
    tl.retract(dev_id, reported=reported.when, reason=reason)
    added = not before
    text = f"Retracted {dev_id}, known from {reported.when}." if added else (
        f"Nothing new: {dev_id} is already retracted so.")  # fmt: skip
    document: dict[str, Any] = {"id": dev_id, "retracted": added}
    if changed is not None:
        document["changed"] = impact_json(changed)
    app.say(document, text)
    if changed is not None and not app.json:
        app.out.line("What it changed, with everything recorded, as of today:")
        for line in impact_summary(changed):
            app.out.line(line)


@click.command(
    short_help="Mark a development's claims preferred, normal or deprecated.",
    epilog="Example: timeline rank us-senator-scrap-s400 deprecated --reported 2019-02-01 "
    "--reason 'one senator, not Congress'",
)
@click.argument("dev_id", metavar="ID")
@click.argument("rank", type=click.Choice(["preferred", "normal", "deprecated"]))
@click.option("--reported", metavar="D", type=opt.DAY, required=True,
              help="When the judgement became known (it counts from then on).")  # fmt: skip
@click.option("--reason", required=True, help="Why the claims are ranked so.")
@click.option("--by", metavar="ID", help="The later development whose report grounds it.")
@click.option("--actor", metavar="NAME", help="Rank only the claim of this actor (with --topic).")
@click.option("--topic", metavar="NAME", help="Rank only the claim on this topic (with --actor).")
@opt.output(table=False)
@opt.store
@pass_app
def rank(
    app: App,
    dev_id: str,
    rank: str,
    reported: DayArg,
    reason: str,
    by: str | None,
    actor: str | None,
    topic: str | None,
) -> None:
    """Rank the claims of development ID (or its claim of --actor on --topic), known from
    --reported on. A preferred claim outranks the normal ones on its actor and topic; a
    deprecated one never counts; normal undoes an earlier ranking. Earlier states of
    knowledge keep the earlier ranks. Then says which positions it changed, with
    everything recorded, as of today."""
    tl = app.timeline(write=True)
    before = tl.entry(dev_id)
    pairs = before.claimed_pairs()
    if actor is not None and topic is not None:
        pairs = [(tl.registry.resolve("actor", actor), tl.registry.resolve("topic", topic))]
    was = _positions(tl, pairs)
    ranking = tl.rank(
        dev_id, rank, reported=reported.when, reason=reason, by=by, actor=actor, topic=topic
    )
    added = ranking not in before.rankings
    now = _positions(tl, pairs)
    changed = [(key, was[key], now[key]) for key in pairs if was[key] != now[key]]
    text = f"Ranked {dev_id} {rank}, known from {reported.when}." if added else (
        f"Nothing new: {dev_id} already has this ranking.")  # fmt: skip
    document = {
        "id": dev_id,
        "ranked": added,
        "changed": [
            {
                "actor": a,
                "topic": t,
                "before": _stance(old),
                "after": _stance(new),
                "evidence_before": [] if old is None else list(old.evidence),
                "evidence_after": [] if new is None else list(new.evidence),
            }
            for (a, t), old, new in changed
        ],
    }
    app.say(document, text)
    if added and not app.json:
        app.out.line("What it changed, with everything recorded, as of today:")
        for (a, t), old, new in changed:
            app.out.line(f"  {a} on {t}: {_held(old)} -> {_held(new)}")
        if not changed:
            app.out.line("  no position changed")


def _positions(tl: Timeline, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    import pendulum

    view = tl.as_of(pendulum.today().date())
    return {key: view.position(*key) for key in pairs}


def _stance(position: Any) -> str | None:
    return None if position is None else str(position.stance)


def _held(position: Any) -> str:
    if position is None:
        return "no position"
    return f"{position.stance} (on {', '.join(position.evidence)})"
