"""What-if branches: speculative developments and corrections layered over a store, unwritten.

    from timeline import Timeline, seeds
    from timeline.branch import Branch

    tl = Timeline()
    tl.load(seeds.path())
    what_if = Branch(tl)  # or tl.branch()
    what_if.retract("s400-supply-agreement", reported="2019-01-10", reason="what if")
    what_if.as_of("2019").position("TUR", "s400-purchase")  # the speculative answer
    tl.as_of("2019").position("TUR", "s400-purchase")  # the store's, unchanged

A `Branch` takes the writes a `Timeline` takes (`record`, `record_many`, `revise`,
`retract`, `register_actor`, `register_topic`, and `load_seeds` for `load`), checks
them as the store would (names resolved, an id recorded with other content
refused, the same record again a no-op, a retraction final), all or nothing, and
keeps them in memory: nothing reaches the event log or the view.
Every read of the facade works on it with the same signature (`as_of`, `history`,
`diff`, `explain`, `relations`, `developments`, `corrections`, `entries`,
`entry`, `registry`), scope options included, and answers exactly as a store
that had really recorded the same things would.

How a read is answered, without folding the log: the developments a branch
*touches* (those it adds, revises or retracts) are left out of the view's read
(`Scope(without=touched)`), and the branch's own entries (its developments, and
the store's entries of the ids it corrects, read from the view's copy of the
streams, with its corrections added) are merged in story order; a position is
then `rule.winning_run`/`rule.position` of the merged claims.  Pairs no touched
development claims are read from the view as they are.

A branch is pinned at the store position it was made at (`position`): every read
is answered as the store stood then, so a branch answers the same while the
store moves on, until `refresh()` moves it to the store's current position.

Saved branches (`branch.save(name)`, `Branch.load(tl, name)`, `Branch.saved(tl)`,
and `branch.discard()`, which empties the branch and deletes its saved copy) are kept
outside the event log and the view's tables, as the project's own JSON Lines
log (`timeline export --format jsonl`; the meta line names the branch and its
position), one `NAME.jsonl` file per branch:

- in the `folder` given, if one is;
- else, for an SQLite file store, in a folder beside the file named after it
  (`story.db` keeps its branches in `story.branches/`);
- for the in-memory store, in memory, for as long as the `Timeline` lives;
- a PostgreSQL store has no folder of its own: pass `folder`.

Files, because a saved branch is then a plain, reviewable file that travels
with the store file, is read back exactly, and can be made real on purpose with
`timeline import NAME.jsonl`; nothing about it needs the store's tables.
"""

from timeline.branch._branch import Branch
from timeline.branch._shelves import NAME, FolderShelf, MemoryShelf, Shelf, shelf_of
from timeline.branch._shelves import SUFFIX as SUFFIX  # the saved files' suffix, for the command

__all__ = ["NAME", "Branch", "FolderShelf", "MemoryShelf", "Shelf", "shelf_of"]
