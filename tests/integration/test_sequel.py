"""The bundled story's sequel: the article's files answer as before, and each later
report changes the answers only from the day it appeared."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from tests.upgrade import answers
from timeline import Timeline, seeds
from timeline.engine._loader import Seeds, read_seeds
from timeline.engine._registry import Registry

HERE = Path(__file__).parent
ARTICLE = ("actors.toml", "topics.toml", "developments.toml")
DAYS = ("2017-12-31", "2018-12-31", "2019-07-16", "2019-12-31", "2020-12-31")
# The developments the issue names, by the ids the sequel gives them.
NAMED = (
    "dsca-patriot-notification",
    "us-halts-f35-equipment",
    "shanahan-f35-unwinding-letter",
    "pentagon-suspends-turkey-f35",
    "s400-first-delivery",
    "white-house-f35-impossible",
    "caatsa-sanctions-on-ssb",
)


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("article")
    for name in ARTICLE:
        shutil.copy(seeds.path() / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def bundled() -> Seeds:
    return read_seeds(seeds.path(), Registry())


@pytest.fixture(scope="module")
def sequel_ids(bundled: Seeds, article: Path) -> list[str]:
    told = {d.id for d in read_seeds(article, Registry()).developments}
    return [d.id for d in bundled.developments if d.id not in told]


def _store(found: Seeds, left_out: str | None = None, *, correction: int | None = None) -> Timeline:
    """A store of the bundled seeds, without one development (and its corrections) or one
    correction (by its index)."""
    tl = Timeline()
    corrections = [
        pair for n, pair in enumerate(found.corrections) if pair[0] != left_out and n != correction
    ]
    tl.record_many(
        [d for d in found.developments if d.id != left_out],
        actors=found.actors,
        topics=found.topics,
        corrections=corrections,
    )
    return tl


def _answers(tl: Timeline, known_at: dt.date) -> dict[str, object]:
    found: dict[str, object] = {day: tl.as_of(day, known_at=known_at).positions() for day in DAYS}
    found["developments"] = tl.developments(known_at)
    explained = tl.explain("USA.STATE", "patriot-sale", "2018-12-31", known_at=known_at)
    # Explain also lists the claims not yet known, as such: only the known ones count.
    found["explained"] = [c for c in explained.claims if c.status != "unknown"]
    return found


def test_the_article_alone_answers_exactly_as_before_the_sequel(article: Path) -> None:
    tl = Timeline()
    assert len(tl.load(article)) == 13
    expected = json.loads((HERE / "article-answers.json").read_text(encoding="utf-8"))
    assert answers.answers(tl) == expected


def test_the_sequel_adds_at_least_twelve_developments_from_2017_to_2020(
    bundled: Seeds, sequel_ids: list[str]
) -> None:
    assert len(sequel_ids) >= 12
    assert set(NAMED) <= set(sequel_ids)
    by_id = {d.id: d for d in bundled.developments}
    for dev_id in sequel_ids:
        occurred = by_id[dev_id].occurred
        assert dt.date(2017, 1, 1) <= occurred.earliest
        assert occurred.latest <= dt.date(2020, 12, 31)


def test_every_sequel_development_names_reports_a_reader_can_find(
    bundled: Seeds, sequel_ids: list[str]
) -> None:
    by_id = {d.id: d for d in bundled.developments}
    for dev_id in sequel_ids:
        development = by_id[dev_id]
        assert development.reported.earliest == development.reported.latest, dev_id
        for report in development.all_reports:
            assert report.publisher.strip(), dev_id
            assert report.url is not None, dev_id
            assert report.url.startswith("http"), dev_id
            assert report.published is not None or report is development.source, dev_id
            published = report.published or development.reported
            assert published.earliest == published.latest, dev_id  # a day
            assert published.latest >= development.reported.latest, dev_id


def test_each_sequel_development_changes_answers_only_from_its_report_day(
    bundled: Seeds, sequel_ids: list[str]
) -> None:
    full = _store(bundled)
    by_id = {d.id: d for d in bundled.developments}
    for dev_id in sequel_ids:
        without = _store(bundled, dev_id)
        reported = by_id[dev_id].reported.earliest
        before = reported - dt.timedelta(days=1)
        assert _answers(full, before) == _answers(without, before), dev_id
        assert dev_id not in {d.id for d in full.developments(before)}
        assert dev_id in {d.id for d in full.developments(reported)}


def test_each_correction_changes_answers_only_from_its_report_day(bundled: Seeds) -> None:
    full = _store(bundled)
    assert bundled.corrections, "the sequel records its corrections"
    for n, (dev_id, correction) in enumerate(bundled.corrections):
        without = _store(bundled, correction=n)
        reported = correction.reported.earliest
        before = reported - dt.timedelta(days=1)
        assert _answers(full, before) == _answers(without, before), dev_id
        later = max(reported, dt.date(2018, 12, 20))
        assert _answers(full, later) != _answers(without, later), dev_id


def test_the_dsca_notice_dates_the_articles_approval_by_a_revision(bundled: Seeds) -> None:
    tl = _store(bundled)
    entry = next(e for e in tl.corrections() if e.id == "patriot-sale-approved")
    assert entry.development.occurred.text == "2017-12/2018-12-20"  # the article, unedited
    first_known = entry.current("2018-12-20")
    assert first_known is not None
    assert first_known.occurred.text == "2018-12-18"
    assert entry.current("2018-12-19") is None  # the article was not yet out


def test_the_knowledge_axis_shows_the_same_day_three_ways(bundled: Seeds) -> None:
    tl = _store(bundled)
    views = [
        tl.as_of("2019-12-31", known_at=known).positions()
        for known in ("2018-12-20", "2019-07-16", "2020-12-31")
    ]
    assert views[0] != views[1] != views[2]
    assert ("USA", "f35-participation") not in views[1]
    assert str(views[2][("USA", "f35-participation")].stance) == "rejects"


def test_a_demo_store_of_the_article_alone_is_extended_with_the_sequel(
    tmp_path: Path, article: Path, bundled: Seeds
) -> None:
    from tests.integration.test_cli import as_json, data, environment, timeline

    env = environment(tmp_path)
    data(env).mkdir(parents=True)
    earlier = Timeline.open(f"sqlite:///{data(env) / 'demo.db'}")
    earlier.load(article)
    earlier.retract("us-senator-scrap-s400", reported="2019-02-01", reason="a demo write")
    earlier.close()
    told = timeline(env, "demo", "topics")
    assert told.returncode == 0, told.stderr
    new = len(bundled.developments) - 13
    assert "extended the demo store" in told.stderr
    assert f"({new} new developments)" in told.stderr
    listed = timeline(env, "demo", "developments", "--json")
    found = {d["id"]: d for d in as_json(listed)["developments"]}
    assert seeds.EDITION in found
    assert found["us-senator-scrap-s400"]["retracted"]  # what the demo store had stays
    again = timeline(env, "demo", "topics")
    assert again.stderr == ""  # extended once


@pytest.fixture(scope="module")
def story_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sequel") / "story.db"
    with Timeline.open(f"sqlite:///{path}") as tl:
        tl.load(seeds.path())
    return path


def test_show_lists_every_report_and_what_each_repeats(story_db: Path, tmp_path: Path) -> None:
    from tests.integration.test_cli import environment, timeline

    shown = timeline(environment(tmp_path), "--db", str(story_db), "show", "s400-first-delivery")
    assert shown.returncode == 0, shown.stderr
    lines = [line.split(None, 1) for line in shown.stdout.splitlines() if line.strip()]
    reports = [parts[1] for parts in lines if parts[0] == "report"]
    assert len(reports) == 2
    assert reports[0].startswith("En Son Haber, 2019-07-12 (official,")
    assert "; first-hand)" in reports[0]
    assert "; repeats RIA Novosti)" in reports[1]
    assert "https://news.am/eng/news/523539.html" in reports[1]


def test_explain_lists_the_reports_known_by_its_knowledge_day(
    story_db: Path, tmp_path: Path
) -> None:
    from tests.integration.test_cli import as_json, environment, timeline

    env = environment(tmp_path)
    ask = ["--db", str(story_db), "explain", "TUR", "s400-purchase", "--as-of", "2019-12-31"]
    document = as_json(timeline(env, *ask, "--json"))
    claims = {c["development"]: c for c in document["claims"]}
    erdogan = claims["erdogan-s400-deal-signed"]["reports"]
    assert [r["publisher"] for r in erdogan] == ["Sputnik", "Xeber Saati", "168.am"]
    assert [r["repeats"] for r in erdogan] == ["Hurriyet Daily News", "Hurriyet Daily News", "TASS"]
    assert {r["published"] for r in erdogan} == {"2017-09-12"}
    text = timeline(env, *ask).stdout
    assert "Reports (3, 2 independent):" in text
    # As known the day the first report appeared, the later ones are not yet listed.
    early = as_json(timeline(env, *ask, "--known-at", "2019-07-12", "--json"))
    delivered = {c["development"]: c for c in early["claims"]}["s400-first-delivery"]
    assert len(delivered["reports"]) == 3


def test_min_reports_on_the_command_is_the_librarys(story_db: Path, tmp_path: Path) -> None:
    from tests.integration.test_cli import as_json, environment, timeline
    from timeline.cli._text import position_json

    env = environment(tmp_path)
    ask = ["--db", str(story_db), "positions", "--as-of", "2020-12-31", "--json"]
    with Timeline.open(f"sqlite:///{story_db}") as tl:
        for n in (1, 2, 3):
            found = as_json(timeline(env, *ask, "--min-reports", str(n)))["positions"]
            expected = tl.as_of("2020-12-31", min_reports=n).positions().values()
            assert found == [position_json(p) for p in expected], n
    everything = as_json(timeline(env, *ask, "--topic", "sanctions-on-turkey"))["positions"]
    assert "TUR.MFA" in {p["actor"] for p in everything}
    two = as_json(timeline(env, *ask, "--topic", "sanctions-on-turkey", "--min-reports", "2"))
    # The ministry's release and the two reports repeating it are one origin.
    assert "TUR.MFA" not in {p["actor"] for p in two["positions"]}
    refused = timeline(env, *ask, "--min-reports", "0")
    assert refused.returncode == 2


def test_a_report_before_the_development_was_reported_is_refused(tmp_path: Path) -> None:
    from timeline.engine.errors import LoadError

    (tmp_path / "story.toml").write_text(
        (seeds.path() / "actors.toml").read_text(encoding="utf-8")
        + """
[[development]]
id = "early-echo"
occurred = "2019-01-02"
reported = "2019-01-03"
kind = "statement"
summary = "A statement."
actors = ["TUR"]
source = { publisher = "BBC", reliability = "named" }
reports = [{ publisher = "AP", published = "2019-01-01", reliability = "named" }]
""",
        encoding="utf-8",
    )
    tl = Timeline()
    with pytest.raises(LoadError, match=r"report 1 \(AP\): published 2019-01-01, before"):
        tl.load(tmp_path / "story.toml")
    assert tl.developments() == []
