"""Golden tests of the bundled story: the S-400 article of 19-20 December 2018 as seeds.

They pin what the seeds say (every development, its dates, kind and stance claims)
and what the engine answers from them, through the public API only; the table of what
the seeds must say is `tests/story_golden.py`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.article import article_folder
from tests.story_golden import GOLDEN
from timeline import Timeline, seeds
from timeline.engine import Development, Precision, Reliability, Stance, When

# The article carries no date; it appeared on 19 or 20 December 2018.
ARTICLE = When("2018-12-19/2018-12-20")
ARTICLE_LAST_DAY = "2018-12-20"

TOPICS = {
    "s400-purchase",
    "patriot-sale",
    "f35-participation",
    "sanctions-on-turkey",
    "s400-inspection-by-us",
}


@pytest.fixture(scope="module")
def story() -> Iterator[Timeline]:
    """An in-memory timeline with the article's seeds loaded."""
    tl = Timeline()
    tl.load(article_folder())
    try:
        yield tl
    finally:
        tl.close()


@pytest.fixture(scope="module")
def developments(story: Timeline) -> dict[str, Development]:
    """Every loaded development by id."""
    return {development.id: development for development in story.developments()}


# -- the seed folder --------------------------------------------------------------------


def test_path_is_the_folder_of_seed_files() -> None:
    folder = seeds.path()
    assert folder.is_dir()
    names = {file.name for file in folder.glob("*.toml")}
    assert names == {*seeds.ARTICLE, "sequel.toml"}


def test_loading_again_changes_nothing(story: Timeline) -> None:
    assert story.load(article_folder()) == []
    assert len(story.developments()) == len(GOLDEN)


# -- registries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        ("TUR", "TUR"),
        ("Ankara", "TUR"),
        ("Turkey", "TUR"),
        ("Washington", "USA"),
        ("Trump administration", "USA"),
        ("Moscow", "RUS"),
        ("Kremlin", "RUS.KREMLIN"),
        ("Peskov", "RUS.KREMLIN"),
        ("Dmitry Peskov", "RUS.KREMLIN"),
        ("Cavusoglu", "TUR.MFA"),
        ("Mevlut Cavusoglu", "TUR.MFA"),
        ("Mevlüt Çavuşoğlu", "TUR.MFA"),
        ("State Department", "USA.STATE"),
        ("Congress", "USA.CONGRESS"),
    ],
)
def test_actor_names_resolve(story: Timeline, name: str, actor: str) -> None:
    assert story.registry.resolve("actor", name) == actor


def test_people_speak_for_their_actor(story: Timeline) -> None:
    actors = story.registry.actors
    peskov = {person.name: person for person in actors["RUS.KREMLIN"].people}
    assert peskov["Dmitry Peskov"].role == "Kremlin spokesman"
    minister = {person.name: person for person in actors["TUR.MFA"].people}
    assert "Foreign Minister" in (minister["Mevlut Cavusoglu"].role or "")
    assert actors["TUR.MFA"].parent == "TUR"


def test_topics_are_registered(story: Timeline) -> None:
    assert set(story.registry.topics) == TOPICS
    assert story.registry.resolve("topic", "S-400 deal") == "s400-purchase"


def test_positions_accept_aliases(story: Timeline) -> None:
    view = story.as_of(ARTICLE_LAST_DAY)
    assert view.position("Ankara", "S-400 deal") == view.position("TUR", "s400-purchase")


# -- every development, as golden data --------------------------------------------------


def test_every_development_is_present(developments: dict[str, Development]) -> None:
    assert set(developments) == set(GOLDEN)


@pytest.mark.parametrize("dev_id", sorted(GOLDEN))
def test_development_matches_golden(developments: dict[str, Development], dev_id: str) -> None:
    occurred, kind, reliability, claims = GOLDEN[dev_id]
    development = developments[dev_id]
    assert development.occurred == When(occurred)
    assert development.kind is kind
    assert development.source.reliability is reliability
    found = {(claim.actor, claim.topic, claim.stance) for claim in development.claims}
    assert found == claims


@pytest.mark.parametrize("dev_id", sorted(GOLDEN))
def test_everything_is_reported_by_the_article(
    developments: dict[str, Development], dev_id: str
) -> None:
    development = developments[dev_id]
    assert development.reported == ARTICLE
    assert development.source.publisher == "Sputnik"
    assert development.source.attribution
    assert development.occurred.latest <= ARTICLE.latest


@pytest.mark.parametrize("dev_id", sorted(GOLDEN))
def test_no_day_is_invented(developments: dict[str, Development], dev_id: str) -> None:
    # The article states no day at all: the only day allowed is the last day it could
    # have appeared, as the end of a span of what had happened by then.
    occurred = developments[dev_id].occurred
    assert occurred.precision is not Precision.DAY
    for end in occurred.text.split("/"):
        if end in ("", ".."):
            continue
        if When(end).precision is Precision.DAY:
            assert end == ARTICLE_LAST_DAY


def test_summaries_and_quotes_are_short_and_present(
    developments: dict[str, Development],
) -> None:
    for development in developments.values():
        assert development.summary.strip()
        for claim in development.claims:
            if claim.quote is not None:
                assert len(claim.quote.split()) <= 8, (development.id, claim.quote)


# -- Turkey and the S-400 ---------------------------------------------------------------


def test_turkey_has_no_position_before_the_deal(story: Timeline) -> None:
    assert story.as_of("2017-11-30").position("TUR", "s400-purchase") is None
    assert story.as_of("2017-11-30", possible=True).position("TUR", "s400-purchase") is None


def test_turkey_is_committed_by_the_end_of_december_2017(story: Timeline) -> None:
    position = story.as_of("2017-12-31").position("TUR", "s400-purchase")
    assert position is not None
    assert position.stance is Stance.COMMITTED
    assert not position.tentative
    assert position.since == When("2017-12")
    assert position.evidence == ("s400-supply-agreement",)


def test_turkey_is_tentatively_committed_mid_december_2017(story: Timeline) -> None:
    assert story.as_of("2017-12-15").position("TUR", "s400-purchase") is None
    position = story.as_of("2017-12-15", possible=True).position("TUR", "s400-purchase")
    assert position is not None
    assert position.stance is Stance.COMMITTED
    assert position.tentative


def test_turkey_is_still_committed_when_the_article_appears(story: Timeline) -> None:
    position = story.as_of(ARTICLE_LAST_DAY).position("TUR", "s400-purchase")
    assert position is not None
    assert position.stance is Stance.COMMITTED
    assert position.since == When("2017-12")
    assert position.evidence == ("s400-supply-agreement", "cavusoglu-keeps-s400-deal")


def test_foreign_minister_spoke_last_month(developments: dict[str, Development]) -> None:
    development = developments["cavusoglu-keeps-s400-deal"]
    assert development.occurred == When("2018-11")
    assert development.occurred.precision is Precision.MONTH
    assert development.occurred_as_written == "last month"
    assert development.actors == ("TUR.MFA",)


def test_turkey_position_after_the_minister(story: Timeline) -> None:
    view = story.as_of("2018-11-30")
    committed = view.position("TUR", "s400-purchase")
    assert committed is not None
    assert committed.evidence[-1] == "cavusoglu-keeps-s400-deal"
    patriot = view.position("TUR", "patriot-sale")
    assert patriot is not None
    assert patriot.stance is Stance.SUPPORTS


# -- the United States ------------------------------------------------------------------


def test_us_opposition_is_dated_only_by_the_article(story: Timeline) -> None:
    # The threats followed the December 2017 deal at a time the article does not give:
    # mid-2018 they had possibly happened, and certainly by the article.
    assert story.as_of("2018-06-01").position("USA", "s400-purchase") is None
    possible = story.as_of("2018-06-01", possible=True).position("USA", "s400-purchase")
    assert possible is not None
    assert possible.stance is Stance.OPPOSES
    assert possible.tentative
    view = story.as_of(ARTICLE_LAST_DAY)
    opposes = view.position("USA", "s400-purchase")
    sanctions = view.position("USA", "sanctions-on-turkey")
    assert opposes is not None
    assert opposes.stance is Stance.OPPOSES
    assert not opposes.tentative
    assert sanctions is not None
    assert sanctions.stance is Stance.SUPPORTS


def test_patriot_approval_is_known_only_from_the_article(story: Timeline) -> None:
    before = story.as_of(ARTICLE_LAST_DAY, known_at="2018-12-18")
    after = story.as_of(ARTICLE_LAST_DAY, known_at="2018-12-20")
    assert "patriot-sale-approved" not in {d.id for d in before.developments()}
    assert "patriot-sale-approved" in {d.id for d in after.developments()}
    assert before.position("USA.STATE", "patriot-sale") is None
    approval = after.position("USA.STATE", "patriot-sale")
    assert approval is not None
    assert approval.stance is Stance.SUPPORTS


def test_nothing_is_known_before_the_article(story: Timeline) -> None:
    assert story.as_of(ARTICLE_LAST_DAY, known_at="2018-12-19").developments() == ()
    assert story.developments(known_at="2018-12-19") == []


def test_congress_softens_on_the_patriot_sale(
    story: Timeline, developments: dict[str, Development]
) -> None:
    # The earlier opposition has an open start, so it may have been held before
    # December 2017; the softening follows it in story order.
    earlier = story.as_of("2017-11-30", possible=True).position("Congress", "patriot-sale")
    assert earlier is not None
    assert earlier.stance is Stance.OPPOSES
    assert earlier.tentative
    order = [d.id for d in story.developments()]
    assert order.index("us-congress-patriot-opposition") < order.index(
        "us-congress-patriot-opposition-softens"
    )
    now = story.as_of(ARTICLE_LAST_DAY).position("USA.CONGRESS", "patriot-sale")
    assert now is not None
    assert now.stance is Stance.UNDECIDED
    assert now.evidence == ("us-congress-patriot-opposition-softens",)
    softens = developments["us-congress-patriot-opposition-softens"]
    assert softens.source.attribution is not None
    assert "unnamed sources with knowledge of the matter" in softens.source.attribution


def test_a_us_senator_demands_turkey_scrap_the_deal(
    developments: dict[str, Development],
) -> None:
    development = developments["us-senator-scrap-s400"]
    assert development.actors == ("USA.CONGRESS",)
    assert development.targets == ("TUR",)
    assert development.source.attribution is not None
    assert development.source.attribution.startswith("a US senator")


# -- the offer of a US look at the S-400, and the Kremlin -------------------------------


def test_turkey_offer_comes_from_two_unnamed_sources(
    developments: dict[str, Development],
) -> None:
    development = developments["turkey-proposes-us-s400-study"]
    assert development.source.reliability is Reliability.ANONYMOUS
    assert development.source.attribution is not None
    assert "two unnamed sources" in development.source.attribution
    assert "Bloomberg" in development.source.attribution
    (claim,) = development.claims
    assert claim.quote == "control damage"


def test_kremlin_points_to_non_disclosure(
    story: Timeline, developments: dict[str, Development]
) -> None:
    development = developments["kremlin-s400-non-disclosure"]
    assert development.actors == ("RUS.KREMLIN",)
    assert development.source.attribution == "Kremlin spokesman Dmitry Peskov"
    view = story.as_of(ARTICLE_LAST_DAY)
    inspection = view.position("Peskov", "s400-inspection-by-us")
    assert inspection is not None
    assert inspection.stance is Stance.OPPOSES
    turkey = view.position("Ankara", "s400-inspection-by-us")
    assert turkey is not None
    assert turkey.stance is Stance.SUPPORTS
    kremlin = view.position("RUS.KREMLIN", "s400-purchase")
    assert kremlin is not None
    assert kremlin.stance is Stance.SUPPORTS
    assert set(kremlin.evidence) == {
        "kremlin-s400-non-disclosure",
        "kremlin-s400-patriot-not-connected",
    }


# -- the F-35 programme -----------------------------------------------------------------


def test_turkey_f35_role_has_an_open_start(story: Timeline) -> None:
    position = story.as_of(ARTICLE_LAST_DAY).position("TUR", "f35-participation")
    assert position is not None
    assert position.stance is Stance.COMMITTED
    assert position.since == When("../2018-12-20")
    assert position.evidence == ("turkey-f35-partnership", "turkey-warns-on-f35-freeze")


def test_f35_warnings_are_an_interval(developments: dict[str, Development]) -> None:
    occurred = developments["turkey-warns-on-f35-freeze"].occurred
    assert occurred.is_interval
    assert occurred.earliest < occurred.latest
