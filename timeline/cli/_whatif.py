"""`--what-if FILE` on the read commands, and `timeline branch`: answers as if more were recorded.

A read command that takes `@what_if` and opens its store with `opened(app)`
answers over a what-if branch (`timeline.branch.Branch`) when `--what-if` is
given: the developments, revisions and retractions of a seed file or folder (the
`timeline load` format), or of a branch saved with `timeline branch save`, are
layered over the store for that one command, and nothing is written.

`timeline branch save NAME FILE` keeps such a layer under a name (as a JSON Lines
file beside an SQLite store: `story.db` keeps them in `story.branches/`), pinned
at the store position it was saved at; `list`, `show NAME` and `discard NAME`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from timeline.cli import _options as opt
from timeline.cli._context import App, pass_app
from timeline.cli._render import Column

if TYPE_CHECKING:
    from timeline import Timeline
    from timeline.branch import Branch
    from timeline.engine._loader import Seeds

__all__ = ["branch", "opened", "what_if"]

F = TypeVar("F", bound=Callable[..., Any])
META = "timeline.what_if"
WHAT_IF_HELP = (
    "Answer as if what FILE holds had been recorded too, without writing it: the "
    "developments, revisions and retractions of a seed file or folder (as for 'timeline "
    "load'), or a branch saved with 'timeline branch save' (its NAME)."
)
FOLDER_HELP = (
    "The folder saved branches are kept in (default: beside an SQLite store, in "
    "STORE.branches/; a PostgreSQL store needs one)."
)


def _remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[META] = value  # shared by every context of this run


def what_if(function: F) -> F:
    """`--what-if FILE|NAME`: layer a seed file or a saved branch over the store."""
    return click.option(
        "--what-if",
        metavar="FILE|NAME",
        expose_value=False,
        callback=_remember,
        help=WHAT_IF_HELP,
    )(function)


def _counts(seeds: Seeds) -> dict[str, int]:
    from timeline.engine.corrections import Revision

    revisions = sum(1 for _, c in seeds.corrections if isinstance(c, Revision))
    return {
        "developments": len(seeds.developments),
        "revisions": revisions,
        "retractions": len(seeds.corrections) - revisions,
        "actors": len(seeds.actors),
        "topics": len(seeds.topics),
    }


def _counted(seeds: Seeds) -> str:
    """What a branch layers, in words: '1 development, 2 retractions'."""
    found = [f"{n} {kind[:-1]}{'s' * (n != 1)}" for kind, n in _counts(seeds).items() if n]
    return ", ".join(found) or "nothing new"


def _layered(app: App, tl: Timeline, given: str) -> Branch:
    from timeline.branch import SUFFIX, Branch

    path = Path(given).expanduser()
    if path.exists():
        if path.is_file() and path.name.endswith(SUFFIX):
            found = Branch.read(tl, path)
        else:
            found = Branch(tl)
            found.load_seeds(path)
        label = app.settings.shown(path.absolute())
    else:
        found = _saved(tl, given, None, option="--what-if")
        label = f"the saved branch {given!r}"
    app.info(
        f"what if: {_counted(found.layered)} from {label}, layered over the store as it "
        f"stood at position {found.position}; nothing is written to it"
    )
    return found


def opened(app: App) -> Timeline | Branch:
    """The store a read command answers from: a what-if branch of it under `--what-if`."""
    tl = app.timeline()
    ctx = click.get_current_context(silent=True)
    given = None if ctx is None else ctx.meta.get(META)
    if given is None:
        return tl
    return _layered(app, tl, str(given))


def _saved(tl: Timeline, name: str, folder: Path | None, *, option: str = "") -> Branch:
    """The branch saved under `name`; for an option, a name that is no saved branch is no file."""
    from timeline.branch import NAME, Branch
    from timeline.projections.errors import QueryError

    try:
        names = Branch.saved(tl, folder=folder) if NAME.fullmatch(name) else []
    except QueryError:
        if not option:
            raise
        names = []  # a PostgreSQL store keeps no saved branches of its own
    if name not in names:
        raise click.UsageError(
            f"{option} {name!r}: no such file, and no branch saved under that name "
            "(see 'timeline branch list')"
            if option
            else f"no branch saved under the name {name!r} (see 'timeline branch list')"
        )
    return Branch.load(tl, name, folder=folder)


# -- timeline branch ---------------------------------------------------------------------


def _folder(function: F) -> F:
    return click.option(
        "--folder",
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help=FOLDER_HELP,
    )(function)


def _where(app: App, tl: Timeline, folder: Path | None, name: str) -> str:
    from timeline.branch import FolderShelf, shelf_of

    shelf = shelf_of(tl, folder)
    if isinstance(shelf, FolderShelf):
        return app.settings.shown(shelf.path(name).absolute())
    return "memory (an in-memory store's branches end with the run)"


@click.group(
    short_help="Save, list, show and discard what-if branches.",
    epilog="Example: timeline branch save no-deal what-if.toml, then "
    "timeline positions --as-of 2019 --what-if no-deal",
)
def branch() -> None:
    """What-if branches: a seed file's developments, revisions and retractions kept under
    a name and layered over the store by any read command given --what-if NAME, never
    written to the store. A branch answers as the store stood when it was saved.
    'timeline import' of its file (see 'timeline branch show') records it for real.
    """


@branch.command(short_help="Save a seed file (or folder) as a named what-if branch.")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace a branch saved under NAME already.")
@_folder
@opt.output(table=False)
@opt.store
@pass_app
def save(app: App, name: str, file: Path, replace: bool, folder: Path | None) -> None:
    """Save what FILE holds (a seed file or folder, or a saved branch's .jsonl file) as the
    branch NAME, pinned at the store's current position. The store is not written to."""
    from timeline.branch import NAME, SUFFIX, Branch

    tl = app.timeline()
    if not NAME.fullmatch(name):
        raise click.BadParameter(
            "expected letters, digits, '.', '_' or '-', starting with a letter or digit",
            param_hint="NAME",
        )
    if not replace and name in Branch.saved(tl, folder=folder):
        raise click.UsageError(f"a branch {name!r} is saved already; add --replace to replace it")
    if file.is_file() and file.name.endswith(SUFFIX):
        made = Branch.read(tl, file)
    else:
        made = Branch(tl)
        made.load_seeds(file)
    made.save(name, folder=folder)
    where = _where(app, tl, folder, name)
    app.say(
        {"saved": name, "position": made.position, "path": where, **_counts(made.layered)},
        f"Saved the branch {name!r} ({_counted(made.layered)}) over the store as it stood at "
        f"position {made.position}, in {where}; nothing was written to the store.",
    )


LIST_COLUMNS = (
    Column("name"),
    Column("position"),
    Column("developments"),
    Column("revisions"),
    Column("retractions"),
)


def _outline(text: str) -> dict[str, Any]:
    """A saved branch's position and what it holds, read from its lines without checking."""
    found: dict[str, Any] = {"position": None}
    kinds = {"development": 0, "revision": 0, "retraction": 0, "actor": 0, "topic": 0}
    for line in text.split("\n"):  # JSON Lines end at "\n": a text may hold U+2028
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):  # not checked here: `branch show` reports it
            continue
        kind = data.get("type") if isinstance(data, dict) else None
        if kind == "meta":
            found["position"] = data.get("position")
        elif kind in kinds:
            kinds[kind] += 1
    return {**found, **{f"{kind}s": count for kind, count in kinds.items()}}


@branch.command("list", short_help="The saved what-if branches.")
@_folder
@opt.output()
@opt.store
@pass_app
def list_(app: App, folder: Path | None) -> None:
    """The branches saved for this store: the store position each answers as of, and how
    many developments, revisions and retractions it layers."""
    from timeline.branch import shelf_of

    shelf = shelf_of(app.timeline(), folder)
    found = []
    for name in shelf.names():
        text = shelf.read(name)
        if text is not None:
            found.append({"name": name, **_outline(text)})
    rows = [
        [b["name"], str(b["position"]), *(str(b[k]) for k in ("developments", "revisions",
                                                                "retractions"))]
        for b in found
    ]  # fmt: skip
    app.show(
        {"branches": found},
        LIST_COLUMNS,
        rows,
        empty="No saved branches; save one with 'timeline branch save NAME FILE'.",
    )


SHOW_COLUMNS = (
    Column("what"),
    Column("id"),
    Column("reported", under="id"),
    Column("details"),
)


def _details(record: dict[str, Any]) -> str:
    kind = record["type"]
    if kind == "development":
        return f"{record['occurred']}, {record['kind']}: {record['summary']}"
    if kind == "revision":
        changed = [k for k in ("occurred", "kind", "summary", "source", "claims") if k in record]
        return f"changes {', '.join(changed)}: {record['reason']}"
    if kind == "retraction":
        return str(record["reason"])
    return str(record.get("name") or record.get("description") or "")


@branch.command(short_help="What one saved branch layers over the store.")
@click.argument("name")
@_folder
@opt.output()
@opt.store
@pass_app
def show(app: App, name: str, folder: Path | None) -> None:
    """What the saved branch NAME layers over the store, in the order it was recorded, and
    the file it is kept in (which 'timeline import' records for real)."""
    tl = app.timeline()
    found = _saved(tl, name, folder)
    records = [json.loads(line) for line in found.log().split("\n")[1:] if line.strip()]
    rows = [
        [
            r["type"],
            str(r.get("development") or r.get("id") or ""),
            str(r.get("reported") or ""),
            _details(r),
        ]
        for r in records
    ]
    where = _where(app, tl, folder, name)
    document = {"name": name, "position": found.position, "path": where, "records": records}
    app.show(
        document,
        SHOW_COLUMNS,
        rows,
        empty=f"The branch {name!r} layers nothing.",
        header=f"The branch {name!r}, over the store at position {found.position} ({where}):",
    )


@branch.command(short_help="Delete a saved what-if branch.")
@click.argument("name")
@_folder
@opt.output(table=False)
@opt.store
@pass_app
def discard(app: App, name: str, folder: Path | None) -> None:
    """Delete the saved branch NAME. The store itself is not touched."""
    from timeline.branch import NAME, shelf_of

    shelf = shelf_of(app.timeline(), folder)
    if not NAME.fullmatch(name) or not shelf.remove(name):
        raise click.UsageError(
            f"no branch saved under the name {name!r} (see 'timeline branch list')"
        )
    app.say({"discarded": name}, f"Discarded the branch {name!r}.")
