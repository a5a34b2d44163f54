"""`[[revision]]` and `[[retraction]]` tables correct developments from a seed file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.article import article_folder
from timeline import Timeline
from timeline.engine import LoadError

CORRECTIONS = """
[[revision]]
development = "patriot-sale-approved"
reported = "2019-01-15"
reason = "the State Department gave the exact date"
occurred = "2018-12-18"

[[revision]]
development = "us-congress-patriot-opposition-softens"
reported = "2019-01-20"
reason = "later reported as support"
claims = [{ actor = "Congress", topic = "patriot-sale", stance = "supports" }]

[[retraction]]
development = "us-senator-scrap-s400"
reported = "2019-02-01"
reason = "misattributed"
"""


@pytest.fixture
def tl() -> Timeline:
    timeline = Timeline()
    timeline.load(article_folder())
    return timeline


def test_a_seed_file_corrects_what_is_recorded(tl: Timeline, tmp_path: Path) -> None:
    file = tmp_path / "corrections.toml"
    file.write_text(CORRECTIONS)
    head = tl.head
    assert tl.load(file) == []
    assert tl.head == head + 3
    approved = tl.entry("patriot-sale-approved")
    assert [r.reason for r in approved.revisions] == ["the State Department gave the exact date"]
    assert approved.effective is not None
    assert approved.effective.occurred.text == "2018-12-18"
    congress = tl.as_of("2019-06-01").position("USA.CONGRESS", "patriot-sale")
    assert congress is not None
    assert str(congress.stance) == "supports"  # the alias 'Congress' was resolved
    before = tl.as_of("2019-06-01", known_at="2019-01-19").position("USA.CONGRESS", "patriot-sale")
    assert before is not None
    assert str(before.stance) == "undecided"
    assert tl.entry("us-senator-scrap-s400").effective is None
    assert tl.load(file) == []  # the same corrections again write nothing
    assert tl.head == head + 3


def test_corrections_load_with_their_developments_in_one_go(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    folder.mkdir()
    for name in ("actors.toml", "topics.toml", "developments.toml"):
        (folder / name).write_text((article_folder() / name).read_text())
    (folder / "zz-corrections.toml").write_text(CORRECTIONS)
    with Timeline() as tl:
        assert len(tl.load(folder)) == 13
        assert tl.entry("us-senator-scrap-s400").retractions


def test_a_bad_correction_refuses_the_whole_load(tl: Timeline, tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(
        CORRECTIONS
        + '\n[[retraction]]\ndevelopment = "us-senator-scrap-s400"\n'
        + 'reported = "2019-03-01"\nreason = "another"\n'
        + '\n[[revision]]\ndevelopment = "no-such-thing"\nreported = "2019"\n'
        + 'reason = "x"\nsummary = "Y."\n'
        + '\n[[revision]]\ndevelopment = "patriot-sale-approved"\nreported = "2019"\n'
        + 'reason = "changes nothing"\n'
    )
    head = tl.head
    with pytest.raises(LoadError) as raised:
        tl.load(file)
    problems = "\n".join(raised.value.problems)
    line = file.read_text().splitlines().index('reported = "2019-03-01"') + 1
    assert f"{file}:{line}: retraction #2 of 'us-senator-scrap-s400'" in problems
    assert "a retraction is final" in problems
    assert "found 'no-such-thing'; expected the id of a development" in problems
    assert "expected at least one of occurred, kind, summary, source or claims" in problems
    assert len(raised.value.problems) == 3
    assert tl.head == head


def test_a_seed_revision_names_the_parties_by_their_names(tl: Timeline, tmp_path: Path) -> None:
    file = tmp_path / "parties.toml"
    file.write_text(
        '[[revision]]\ndevelopment = "patriot-sale-approved"\nreported = "2019-01-15"\n'
        'reason = "recipient named"\ntargets = ["Congress"]\n'
    )
    tl.load(file)
    revision = tl.entry("patriot-sale-approved").revisions[-1]
    assert revision.targets == ("USA.CONGRESS",)  # the name resolved to its id
    before = tl.entry("patriot-sale-approved").current("2019-01-14")
    after = tl.entry("patriot-sale-approved").current("2019-01-15")
    assert before is not None
    assert after is not None
    assert (before.targets, after.targets) == (("TUR",), ("USA.CONGRESS",))
