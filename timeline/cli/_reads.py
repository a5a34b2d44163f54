"""The read-model subcommands of `timeline`: diff, explain, relations and export."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from timeline import Timeline
from timeline.cli import _output as out
from timeline.cli._args import knowledge, possible, show, when
from timeline.projections.export import FORMATS, export
from timeline.projections.relations import PERIODS

__all__ = ["add_commands"]

Commands = Any  # argparse's private _SubParsersAction


def _day(day: Any) -> str | None:
    return out.day_text(day)


def _diff(tl: Timeline, args: argparse.Namespace, stdout: TextIO) -> None:
    result = tl.diff(
        args.d1, args.d2, known_at=args.known_at, vs_known_at=args.vs_known_at,
        possible=args.possible,
    )  # fmt: skip
    document = {
        "days": [_day(day) for day in result.days],
        "known_at": [_day(day) for day in result.known_at],
        "possible": result.possible,
        "differences": [
            {
                "actor": d.actor,
                "topic": d.topic,
                "change": d.kind,
                "before": None if d.before is None else out.position_json(d.before),
                "after": None if d.after is None else out.position_json(d.after),
            }
            for d in result.differences
        ],
    }
    rows = [
        [d.actor, d.topic, d.kind, out.stance_text(d.before), out.stance_text(d.after)]
        for d in result.differences
    ]
    columns = ("actor", "topic", "change", "before", "after")
    text = out.table(columns, rows) if rows else "no position changed"
    show(args, stdout, document, text)


def _explain(tl: Timeline, args: argparse.Namespace, stdout: TextIO) -> None:
    result = tl.explain(
        args.actor, args.topic, args.as_of, known_at=args.known_at, possible=args.possible
    )
    claims = [
        {
            "development": c.development.id,
            "occurred": c.development.occurred.text,
            "reported": c.development.reported.text,
            "stance": str(c.stance),
            "quote": c.quote,
            "status": c.status,
            "reason": c.reason,
        }
        for c in result.claims
    ]
    document = {
        "actor": result.actor,
        "topic": result.topic,
        "as_of": _day(result.day),
        "known_at": _day(result.known_at),
        "position": None if result.position is None else out.position_json(result.position),
        "rule": result.rule,
        "claims": claims,
    }
    stance = "no position" if result.position is None else str(result.position.stance)
    rows = [
        [c.development.id, c.development.occurred.text, str(c.stance), c.status, c.reason]
        for c in result.claims
    ]
    table = out.table(("development", "occurred", "stance", "status", "why"), rows)
    text = f"{result.actor} on {result.topic} as of {result.day}: {stance}\n{result.rule}"
    show(args, stdout, document, f"{text}\n\n{table}" if rows else text)


def _relations(tl: Timeline, args: argparse.Namespace, stdout: TextIO) -> None:
    result = tl.relations(
        args.a, args.b, by=args.by, known_at=args.known_at, children=not args.exact
    )
    periods = [
        {
            "period": p.label,
            "start": _day(p.start),
            "end": _day(p.end),
            "cooperation": p.cooperation,
            "conflict": p.conflict,
            "score": p.score,
            "developments": list(p.developments),
        }
        for p in result.periods
    ]
    document = {"a": result.a, "b": result.b, "by": result.by, "periods": periods}
    rows = [
        [p.label, f"{p.score:+.1f}", f"{p.cooperation:+.1f}", f"{p.conflict:+.1f}",
         ", ".join(p.developments)]
        for p in result.periods
    ]  # fmt: skip
    columns = ("period", "score", "cooperation", "conflict", "developments")
    text = (
        out.table(columns, rows) if rows else f"no developments between {result.a} and {result.b}"
    )
    show(args, stdout, document, text)


def _export(tl: Timeline, args: argparse.Namespace, stdout: TextIO) -> None:
    document = export(tl.developments(known_at=args.known_at), args.format, title=args.title)
    if args.format == "plover":
        # PLOVER records travel as JSON lines, one event per line.
        print("\n".join(json.dumps(r, ensure_ascii=False) for r in document), file=stdout)
    else:
        print(out.dump(document), file=stdout)


def add_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Adds diff, explain, relations and export to the subcommands."""
    diff = commands.add_parser(
        "diff",
        parents=[common],
        help="what changed between two days, or two states of knowledge",
        description="Positions that were added, removed or changed from day D1 to day D2 "
        "(default D1), or from what was known at --known-at to what was known at "
        "--vs-known-at.",
        epilog="examples: timeline diff 2018-01-01 2019-01-01; "
        "timeline diff 2018-12-31 --known-at 2018-12-19 --vs-known-at 2018-12-20",
    )
    diff.add_argument("d1", metavar="D1", type=when, help="the first day")
    diff.add_argument("d2", metavar="D2", type=when, nargs="?", help="the second day")
    knowledge(diff)
    knowledge(diff, "--vs-known-at")
    possible(diff)
    diff.set_defaults(handler=_diff)

    explain = commands.add_parser(
        "explain",
        parents=[common],
        help="the developments behind a position and the rule that chose it",
        description="Why ACTOR held its position on TOPIC as of day D: the winning claim, "
        "the run of claims behind it, and the claims it beat or that did not count.",
        epilog="example: timeline explain TUR s400-purchase --as-of 2018-12-31",
    )
    explain.add_argument("actor", metavar="ACTOR", help="actor id, name or alias")
    explain.add_argument("topic", metavar="TOPIC", help="topic slug or alias")
    explain.add_argument("--as-of", metavar="D", required=True, type=when, help="the day")
    knowledge(explain)
    possible(explain)
    explain.set_defaults(handler=_explain)

    relations = commands.add_parser(
        "relations",
        parents=[common],
        help="a cooperation–conflict score between two actors over time",
        description="Goldstein-weighted cooperation and conflict between actors A and B "
        "(and the actors below them) per period, with the developments behind each.",
        epilog="example: timeline relations USA TUR --by year",
    )
    relations.add_argument("a", metavar="A", help="an actor id, name or alias")
    relations.add_argument("b", metavar="B", help="another actor")
    relations.add_argument("--by", choices=sorted(PERIODS), default="month", help="the period")
    relations.add_argument(
        "--exact", action="store_true", help="only the actors named, not those below them"
    )
    knowledge(relations)
    relations.set_defaults(handler=_relations)

    exporter = commands.add_parser(
        "export",
        parents=[common],
        help="the story listing as JSON, TimelineJS 3 or PLOVER",
        description="Every development (known at --known-at) in story order, as full JSON "
        "records, a TimelineJS 3 document, or PLOVER event records (JSON lines).",
        epilog="example: timeline export --format timelinejs > story.json",
    )
    exporter.add_argument("--format", choices=FORMATS, default="json", help="the format")
    exporter.add_argument("--title", default="timeline", help="the TimelineJS title")
    knowledge(exporter)
    exporter.set_defaults(handler=_export)
