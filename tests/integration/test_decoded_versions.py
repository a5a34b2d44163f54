"""The view decodes a stored version once while it keeps it: a listing on another
knowledge day reuses it, and a version written since is decoded anew."""

from __future__ import annotations

from pathlib import Path

from timeline import Timeline, seeds


def test_a_version_is_decoded_once_and_a_revision_is_its_own(tmp_path: Path) -> None:
    with Timeline.open(f"sqlite:///{tmp_path / 'story.db'}") as tl:
        tl.load(seeds.path())
        first = {d.id: d for d in tl.developments_page(None, limit=100)[0]}
        again = {d.id: d for d in tl.developments_page("2018-12-20", limit=100)[0]}
        assert len(again.keys() & first.keys()) >= 10
        assert all(again[i] is first[i] for i in again.keys() & first.keys())  # decoded once
        tl.revise(
            "patriot-sale-approved", reported="2019-01-15", reason="exact", occurred="2018-12-17"
        )
        now = {d.id: d for d in tl.developments_page(None, limit=100)[0]}
        then = {d.id: d for d in tl.developments_page("2018-12-31", limit=100)[0]}
        assert str(now["patriot-sale-approved"].occurred) == "2018-12-17"
        assert then["patriot-sale-approved"] is first["patriot-sale-approved"]
        assert now["patriot-sale-approved"] != first["patriot-sale-approved"]
        assert list(now.values()) == tl.developments()
