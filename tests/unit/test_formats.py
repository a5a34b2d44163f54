"""Export formats: TimelineJS, PLOVER and CSV (snapshots and imports: `test_snapshots.py`)."""

from __future__ import annotations

import html
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.article import article_folder
from tests.exports import fresh
from tests.strategies import stories
from timeline import Timeline
from timeline.engine import Development, Kind, Source, When
from timeline.engine._coding import CODING, cameo_kind, kind_of, plover_actor
from timeline.formats._exchange import export
from timeline.projections._slides import LONG_HEADLINE, split_headline
from timeline.projections._timelinejs import HEADLINE, headline
from timeline.projections.export import human_date, timelinejs


@pytest.fixture(scope="module")
def story() -> Iterator[Timeline]:
    """The bundled story, read only."""
    with Timeline() as tl:
        tl.load(article_folder())
        yield tl


# -- dates and headlines for people ------------------------------------------------------


@pytest.mark.parametrize(
    ("edtf", "words"),
    [
        ("2018-12-20", "20 December 2018"),
        ("2017-12", "December 2017"),
        ("2018-11~", "c. November 2018"),
        ("2019?", "perhaps 2019"),
        ("2018-11%", "perhaps c. November 2018"),
        ("../2018-12-20", "by 20 December 2018"),
        ("/2019-03", "by March 2019"),
        ("2017-12/2018-12-20", "between December 2017 and 20 December 2018"),
        ("2019-03/..", "from March 2019 onwards"),
        ("2019-03/", "from March 2019, end unknown"),
        ("2018-24", "winter 2018"),
        ("201X", "the 2010s"),
        ("20XX", "the 21st century"),
        ("2019-XX", "2019"),
        ("2018-11~/2019?", "between c. November 2018 and perhaps 2019"),
    ],
)
def test_dates_are_written_for_people(edtf: str, words: str) -> None:
    assert human_date(When(edtf)) == words


@given(st.text(alphabet="abc de,:;.", min_size=1, max_size=300).filter(str.strip))
def test_a_headline_is_short_and_cut_between_words(summary: str) -> None:
    short = headline(summary)
    assert len(short) <= HEADLINE
    words = " ".join(summary.split())
    kept = short.removesuffix("…").rstrip(" ,;:.")
    assert words.startswith(kept)
    assert kept == "" or len(words) == len(kept) or not words[len(kept)].isalnum()


def test_the_bundled_headlines_are_whole_clauses_or_cut_at_a_word(story: Timeline) -> None:
    for development in story.developments():
        short = headline(development.summary)
        assert 0 < len(short) <= HEADLINE
        assert development.summary.startswith(short.removesuffix("…"))
    summaries = {d.id: d.summary for d in story.developments()}
    assert headline(summaries["us-s400-nato-sanctions-threat"]) == (
        "The deal set off a deep US-Turkish dispute"
    )


# -- TimelineJS --------------------------------------------------------------------------


def slides(tl: Timeline, **options: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(export(tl, "timelinejs", **options))
    return document


def test_timelinejs_dates_sit_on_the_slide_not_inside_the_start_date(story: Timeline) -> None:
    events = {e["unique_id"]: e for e in slides(story)["events"]}
    agreement = events["s400-supply-agreement"]
    assert agreement["start_date"] == {"year": 2017, "month": 12}
    assert agreement["display_date"] == "December 2017"
    assert "end_date" not in agreement
    spread = events["patriot-sale-approved"]
    assert spread["display_date"] == "between December 2017 and 20 December 2018"
    assert spread["end_date"] == {"year": 2018, "month": 12, "day": 20}
    assert all("display_date" not in e["start_date"] for e in events.values())
    assert events["cavusoglu-keeps-s400-deal"]["display_date"] == "November 2018"


def test_open_start_developments_are_background_first(story: Timeline) -> None:
    events = slides(story)["events"]
    background = [e for e in events if e["display_date"].startswith("by ")]
    assert {e["unique_id"] for e in background} == {
        "turkey-f35-partnership",
        "us-congress-patriot-opposition",
    }
    assert events[: len(background)] == background
    first = min((e["start_date"]["year"], e["start_date"].get("month", 1)) for e in events)
    for event in background:
        assert event["display_date"] == "by 20 December 2018"
        assert (event["start_date"]["year"], event["start_date"]["month"]) == first
        assert "end_date" not in event


def test_timelinejs_text_names_actors_and_credits_the_source(story: Timeline) -> None:
    events = {e["unique_id"]: e for e in slides(story)["events"]}
    text = events["kremlin-s400-non-disclosure"]["text"]
    assert "Statement by Kremlin, towards Turkey" in text["text"]
    assert "Source: Sputnik — Kremlin spokesman Dmitry Peskov." in text["text"]
    assert "(official)" not in text["text"]
    assert events["us-senator-scrap-s400"]["group"] == "US Congress"
    assert all("media" not in e for e in events.values())  # TimelineJS needs a media URL


def test_slides_read_as_a_newsroom_would_publish_them(story: Timeline) -> None:
    story_copy = Timeline()
    story_copy.load(article_folder())
    story_copy.revise(
        "patriot-sale-approved", reported="2019-01-15", reason="exact date", occurred="2018-12-18"
    )
    document = slides(story_copy)
    events = {e["unique_id"]: e for e in document["events"]}
    names = {a.id: a.name for a in story_copy.registry.actors.values()}
    developments = {d.id: d for d in story_copy.developments()}
    # One row per actor: the group is the first actor's name, never a numbered lane.
    for ident, event in events.items():
        assert event["group"] == names[developments[ident].actors[0]]
    # Headlines whole (never cut with an ellipsis), and never repeated in the text.
    for ident, event in events.items():
        head, body = event["text"]["headline"], event["text"]["text"]
        assert not head.endswith("…")
        assert html.unescape(head) not in html.unescape(body)
        summary = " ".join(developments[ident].summary.split())
        assert html.unescape(head) in summary
    # Quotes and corrections are on the slide.
    text = events["kremlin-s400-non-disclosure"]["text"]["text"]
    assert "“no reason not to trust our Turkish partners” <cite>— Kremlin</cite>" in text
    corrected = events["patriot-sale-approved"]["text"]["text"]
    assert "Corrected 15 January 2019: exact date." in corrected
    # The title slide speaks to readers: no hash, no shell command.
    title = document["title"]["text"]["text"]
    assert "sha256" not in title
    assert "timeline export" not in title
    assert f"store position {story_copy.position}" in title
    assert document["timeline_snapshot"]["sha256"].startswith("sha256:")


@given(st.text(alphabet="abcde ,:;.A", min_size=1, max_size=300).filter(lambda t: "a" in t))
@example(". Aa")  # a lone full stop before a capital once made an empty headline
def test_a_headline_and_its_text_say_the_summary_once(summary: str) -> None:
    head, rest = split_headline(summary)
    assert head
    assert not head.endswith("…")
    words = " ".join(summary.split())
    assert words.startswith(head)
    tail = words[len(head) :].lstrip(" .,:;–—-")
    assert rest.lower() == tail.lower()
    if len(head) > LONG_HEADLINE:
        assert not any(mark in head[LONG_HEADLINE // 3 :] for mark in (": ", "; "))


def test_a_source_url_is_linked_and_text_is_escaped() -> None:
    development = Development(
        id="linked",
        occurred="2019-05-01",
        reported="2019-05-02",
        kind="statement",
        summary="A <b>bold</b> claim & more.",
        actors=["TUR"],
        source=Source("Reuters", "named", url="https://example.org/a?b=1&c=2"),
    )
    event = timelinejs([development], title="t")["events"][0]
    assert '<a href="https://example.org/a?b=1&amp;c=2"' in event["text"]["text"]
    assert event["text"]["headline"] == "A &lt;b&gt;bold&lt;/b&gt; claim &amp; more"


def test_the_title_defaults_to_the_most_claimed_topic_and_can_be_set(story: Timeline) -> None:
    document = slides(story)
    assert document["title"]["text"]["headline"] == (
        "Turkey's acquisition of Russian S-400 long-range air defence systems"
    )
    assert slides(story, title="The S-400 affair")["title"]["text"]["headline"] == (
        "The S-400 affair"
    )
    with Timeline() as empty:
        assert slides(empty)["title"]["text"]["headline"] == "Timeline"


@given(stories())
def test_every_development_gets_one_slide_in_its_first_actors_row(
    story: list[Development],
) -> None:
    events = timelinejs(story, title="t")["events"]
    assert sorted(e["unique_id"] for e in events) == sorted(d.id for d in story)
    firsts = {d.id: d.actors[0] for d in story}
    for event in events:
        assert event["group"] == firsts[event["unique_id"]]
        assert event["display_date"]
        assert "display_date" not in event["start_date"]


# -- PLOVER -----------------------------------------------------------------------------

# Each kind's CAMEO code and its PLOVER type, mode and context, from the latest
# CAMEO2PLOVER-2021.txt (Draft 0.8: the code's line) and the manual's cue table
# (tab:xlate), as the coding table must give them.
CROSSWALK = {
    Kind.STATEMENT: ("010", None, (), ()),
    Kind.APPEAL: ("020", None, (), ()),
    Kind.AGREEMENT: ("057", "SUPPORT", (), ("diplomatic",)),
    Kind.APPROVAL: ("0312", "AGREE", (), ("military",)),
    Kind.PROPOSAL: ("036", "AGREE", (), ("diplomatic",)),
    Kind.CONSULTATION: ("040", "CONSULT", (), ()),
    Kind.SUPPORT: ("050", "SUPPORT", (), ("diplomatic",)),
    Kind.COOPERATION: ("062", "COOPERATE", (), ("military",)),
    Kind.DELIVERY: ("062", "COOPERATE", (), ("military",)),
    Kind.AID: ("070", "AID", (), ()),
    Kind.CONCESSION: ("080", "CONCEDE", (), ()),
    Kind.RETREAT: ("084", "RETREAT", (), ()),
    Kind.DEMAND: ("100", "REQUEST", (), ()),
    Kind.ACCUSATION: ("110", "ACCUSE", (), ()),  # "disapprove" is no manual mode
    Kind.REJECTION: ("120", "REJECT", (), ()),
    Kind.THREAT: ("1312", "THREATEN", ("restrict",), ("economic",)),
    Kind.PROTEST: ("140", "PROTEST", (), ()),
    Kind.MOBILIZATION: ("150", "MOBILIZE", (), ()),
    Kind.SANCTION: ("163", "SANCTION", (), ("diplomatic",)),  # type: tab:xlate
    Kind.COERCION: ("170", "COERCE", (), ()),
    Kind.ASSAULT: ("180", "ASSAULT", (), ()),
}


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_codes_as_the_crosswalk_says(kind: Kind) -> None:
    coding = CODING[kind]
    assert (coding.cameo, coding.plover, coding.mode, coding.context) == CROSSWALK[kind]
    assert coding.needs_recipient == (coding.plover in {"COOPERATE", "AID", "SANCTION"})
    same = Kind.COOPERATION if kind is Kind.DELIVERY else kind
    coded = cameo_kind(coding.cameo)
    assert coded is not None
    assert coded[0] is same
    if coding.plover is not None:
        assert coding.source.startswith(f"CAMEO2PLOVER-2021.txt:{coding.cameo}")
        back = kind_of(coding.plover, coding.context, coding.mode)
        # SUPPORT in general is support; only its CAMEO 057 is a formal agreement.
        assert back is (Kind.SUPPORT if kind is Kind.AGREEMENT else same)


def test_actor_roles_map_to_plover_sectors() -> None:
    assert plover_actor("USA.CONGRESS") == ("USA", "LEG")
    assert plover_actor("USA.STATE") == ("USA", "GOV")
    assert plover_actor("RUS.KREMLIN") == ("RUS", "GOV")
    assert plover_actor("TUR.MFA") == ("TUR", "GOV")
    assert plover_actor("TUR.MIL") == ("TUR", "MIL")
    assert plover_actor("TUR") == ("TUR", None)
    assert plover_actor("TUR.SOMETHING") == ("TUR", None)


# -- CSV ----------------------------------------------------------------------------------


def test_the_developments_csv_reads_into_pandas_with_parsed_dates(story: Timeline) -> None:
    pandas = pytest.importorskip("pandas")
    text = export(story, "csv", known_at="2018-12-31")
    assert text.startswith("id,kind,summary,")  # a plain read_csv takes the first line as header
    dates = ["occurred_earliest", "occurred_latest", "reported_earliest", "reported_latest"]
    frame = pandas.read_csv(io.StringIO(text), parse_dates=[*dates, "recorded"])
    for column in [*dates, "recorded"]:
        assert pandas.api.types.is_datetime64_any_dtype(frame[column]), column
    developments = story.developments("2018-12-31")
    assert list(frame["id"]) == [d.id for d in developments]
    row = frame.set_index("id").loc["patriot-sale-approved"]
    assert row["occurred"] == "2017-12/2018-12-20"
    assert row["occurred_earliest"] == pandas.Timestamp("2017-12-01")
    assert row["occurred_latest"] == pandas.Timestamp("2018-12-20")
    assert row["reported_latest"] == pandas.Timestamp("2018-12-20")
    assert row["recorded"].tzinfo is not None
    background = frame.set_index("id").loc["turkey-f35-partnership"]
    assert pandas.isna(background["occurred_earliest"])  # an open start has no first day
    assert list(frame["summary"]) == [d.summary for d in developments]


def test_the_changes_csv_lists_each_positions_history(story: Timeline) -> None:
    pandas = pytest.importorskip("pandas")
    text = export(story, "csv", what="changes")
    frame = pandas.read_csv(
        io.StringIO(text),
        parse_dates=["day", "since_earliest", "since_latest"],
        keep_default_na=False,
        na_values={"day": [""], "since_earliest": [""], "since_latest": [""]},
    )
    for column in ("day", "since_earliest", "since_latest"):
        assert pandas.api.types.is_datetime64_any_dtype(frame[column])
    expected = []
    for actor in story.registry.actors:
        for topic in story.registry.topics:
            for change in story.history(actor, topic):
                expected.append((actor, topic, change.day.isoformat(), change.kind))
    found = [(r.actor, r.topic, r.day.date().isoformat(), r.change) for r in frame.itertuples()]
    assert sorted(found) == sorted(expected)
    assert set(frame["stance"]) <= {"rejects", "opposes", "undecided", "supports", "committed"}


def test_a_hash_sign_in_a_field_does_not_cut_the_row_for_pandas() -> None:
    pandas = pytest.importorskip("pandas")
    tl = fresh()
    tl.revise(
        "s400-supply-agreement",
        reported="2019-01-02",
        reason="a clearer summary",
        summary="Deal #1, signed: Russia, Turkey.",
    )
    frame = pandas.read_csv(io.StringIO(export(tl, "csv")), comment="#", parse_dates=["revised"])
    assert len(frame) == len(tl.developments())
    row = frame.set_index("id").loc["s400-supply-agreement"]
    assert row["summary"] == "Deal #1, signed: Russia, Turkey."
    assert not pandas.isna(row["revised"])
