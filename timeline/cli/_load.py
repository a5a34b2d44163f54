"""`load`: seed files into the store, all or nothing, with progress and a one-line summary."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from timeline.cli import _options as opt
from timeline.cli._context import App, pass_app
from timeline.cli._memo import Memo, digest, identity
from timeline.cli._writes import forecasts

if TYPE_CHECKING:
    from timeline import Timeline
    from timeline.engine._loader import Seeds

__all__ = ["load"]

HELP = """Load a seed file, or every *.toml file in a folder (in name order), into the
store. Nothing is written unless everything is valid, and every problem is listed
with its file, line, record and field. Loading again adds nothing; a development
already recorded with other content is refused (correct it with 'timeline revise').

\b
A seed file holds [[actor]], [[topic]] and [[development]] tables (the whole
format: 'timeline load --spec'):
  [[actor]]        id, name, aliases, [[actor.person]] (name, role, aliases)
  [[topic]]        id, description, aliases
  [[development]]  id, occurred, reported, kind, summary, actors, targets,
                   source = { publisher, reliability, attribution, url },
                   claims = [{ actor, topic, stance, quote }]

\b
Actor ids are CAMEO-style: three capital letters (a country, TUR; or a CAMEO
group such as IGO, NGO), optionally more capitals or digits naming an
organisation (IGONAT for NATO, IGOEU), then optional roles after dots, each
capitals and digits (USA.STATE, RUS.KREMLIN). An actor with a dot belongs
to the one before it. Names, aliases and people resolve to these ids.

\b
A development reported before it occurred is kept (a forecast, or a plan
announced) with a warning. Your own store starts empty: the bundled story is
in 'timeline demo' only.
"""


def _spec(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from timeline import seeds

    click.echo((seeds.path() / "FORMAT.md").read_text(encoding="utf-8"), nl=False)
    ctx.exit(0)


@contextlib.contextmanager
def _progress(app: App) -> Iterator[Any]:
    """A progress display on a terminal's stderr; nothing when piped or under --json."""
    if not app.err.terminal or app.json:
        yield None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    console = app.err.console(live=True)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        yield progress


def _catch_up(tl: Timeline, progress: Any) -> None:
    """Brings the view up to date, a step at a time so that progress can show."""
    view, head = tl.materialised, tl.head
    start = view.tracking_id
    if start >= head:
        return
    task = None
    if progress is not None:
        task = progress.add_task("updating the view", total=head - start, count="")
    step = max(1000, (head - start) // 20)
    # Steps by notification id, not by the tracking: ids that rolled-back inserts
    # took are never used, so a step may hold no event and not move the tracking.
    target = start
    while target < head:
        target = min(target + step, head)
        view.catch_up(until=target)
        if task is not None:
            done = view.tracking_id - start
            progress.update(task, completed=done, count=f"{done}/{head - start} events")


def _fingerprint(tl: Timeline) -> str | None:
    """The store's own fingerprint (see `Memo`); None in memory, which is never remembered."""
    return None if tl.config.backend.in_process else tl.fingerprint()


def _read_for_new_store(path: Path) -> Seeds:
    """The seeds for a store not yet made, read before it is, so a rejected load creates nothing.

    A new store has no names and no developments, so what is read here is what a
    load into it would read: the seeds are recorded as read, never parsed twice.
    """
    from timeline.engine._loader import read_seeds
    from timeline.engine._registry import Registry

    return read_seeds(path, Registry())


@click.command(help=HELP, short_help="Load seed files into the store (all or nothing).",
               epilog="Example: timeline load my-story/")  # fmt: skip
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--full", is_flag=True,
              help="Check every record, even when the files and the store are unchanged "
              "since the last load.")  # fmt: skip
@click.option("--spec", is_flag=True, is_eager=True, expose_value=False, callback=_spec,
              help="Print the seed format (FORMAT.md) and exit.")  # fmt: skip
@opt.output(table=False)
@opt.store
@pass_app
def load(app: App, path: Path, full: bool) -> None:
    """Loads seed files."""
    started = time.monotonic()
    store = app.store
    seeds = None if store.exists() else _read_for_new_store(path)
    tl = app.timeline(write=True)
    memo, files = Memo(app.settings.load_cache), digest(path)
    key = identity(tl.config.redacted_url)
    if not full and memo.seen(key, files, _fingerprint(tl)):
        seconds = time.monotonic() - started
        app.say({"path": str(path), "added": [], "unchanged": True},
                f"Nothing new: {path} is already recorded ({seconds:.1f} s).")  # fmt: skip
        return
    with _progress(app) as progress:
        task = None
        if progress is not None:
            task = progress.add_task(f"reading and checking {path}", total=None, count="")
        added = tl.load(path) if seeds is None or tl.head else _record(tl, seeds)
        if task is not None:
            progress.remove_task(task)
        _catch_up(tl, progress)
    memo.remember(key, files, _fingerprint(tl))
    _summarise(app, tl, path, added, time.monotonic() - started)


def _record(tl: Timeline, seeds: Seeds) -> list[str]:
    """Records seeds read for the new store; the ids of the new developments."""
    return tl.record_many(
        seeds.developments, actors=seeds.actors, topics=seeds.topics, corrections=seeds.corrections
    )


def _summarise(app: App, tl: Timeline, path: Path, added: list[str], seconds: float) -> None:
    # What this load wrote itself: another writer's events meanwhile are not counted.
    written = tl.materialised.application.written or {}
    actors, topics = written.get("actor", 0), written.get("topic", 0)
    corrections = written.get("correction", 0)
    new = set(added)
    early = forecasts([d for d in tl.developments() if d.id in new]) if new else []
    if early:
        shown = ", ".join(early[:5]) + (f" and {len(early) - 5} more" if len(early) > 5 else "")
        app.warn(f"reported before they occurred (kept as forecasts): {shown}")
    document = {
        "path": str(path),
        "added": added,
        "actors": actors,
        "topics": topics,
        "corrections": corrections,
    }
    if not (added or actors or topics or corrections):
        text = f"Nothing new: everything in {path} is already recorded ({seconds:.1f} s)."
        app.say({**document, "unchanged": True}, text)
        return
    counts = [_count(len(added), "development"), _count(actors, "actor"), _count(topics, "topic")]
    if corrections:
        counts.append(_count(corrections, "correction"))
    app.say(document, f"Loaded {path}: {', '.join(counts)} new ({seconds:.1f} s).")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
