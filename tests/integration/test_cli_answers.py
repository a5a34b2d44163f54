"""Answers people can read: the day a date stood for, hints, filters, and words for changes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.integration.test_cli import article_environment, as_json, environment, timeline
from timeline.cli._dates import human


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    found = article_environment(tmp_path_factory.mktemp("answers"))
    assert timeline(found, "demo", "actors").returncode == 0
    return found


def demo(env: dict[str, str], *args: str) -> str:
    """The demo store's answer, after checking the command succeeded."""
    result = timeline(env, "demo", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_coarse_day_says_which_day_it_stood_for(env: dict[str, str]) -> None:
    shown = demo(env, "positions", "--as-of", "2018-11")
    assert shown.startswith("Positions as of 30 Nov 2018 (the end of 2018-11):\n")
    assert (
        as_json(timeline(env, "demo", "positions", "--as-of", "2018-11", "--json"))["as_of"]
        == "2018-11-30"
    )


def test_a_thin_certain_view_points_at_possible(env: dict[str, str]) -> None:
    result = timeline(env, "demo", "positions", "--as-of", "2018-06-30")
    assert (
        "hint: 9 positions rest on developments that may have happened by then; add --possible"
        in (" ".join(result.stderr.split()))
    )
    with_possible = timeline(env, "demo", "positions", "--as-of", "2018-06-30", "--possible")
    assert "hint" not in with_possible.stderr
    assert "committed (tentative)" in with_possible.stdout


@pytest.mark.parametrize(
    "filters",
    [(), ("--actor", "USA", "--children"), ("--topic", "s400-purchase"), ("--actor", "TUR")],
)
def test_the_possible_hint_counts_the_tentative_positions_the_filters_keep(
    env: dict[str, str], filters: tuple[str, ...]
) -> None:
    # The hint is read apart from the listing (one search per pair): it must count what
    # `--possible` then lists as tentative, under the same filters.
    day = ("--as-of", "2018-06-30")
    listed = as_json(timeline(env, "demo", "positions", *day, *filters, "--possible", "--json"))
    tentative = sum(1 for position in listed["positions"] if position["tentative"])
    assert tentative > 0
    hinted = re.search(
        r"hint: (\d+) positions? rests? on",
        " ".join(timeline(env, "demo", "positions", *day, *filters).stderr.split()),
    )
    assert hinted is not None
    assert int(hinted.group(1)) == tentative


def test_empty_answers_repeat_every_filter(env: dict[str, str]) -> None:
    shown = demo(
        env, "positions", "--as-of", "2018-12-31", "--known-at", "2018-12-01",
        "--actor", "USA", "--children", "--reliability", "official",
    )  # fmt: skip
    assert shown == (
        "No positions as of 31 Dec 2018, as known at 1 Dec 2018, for USA and the actors "
        "below it, from official sources.\n"
    )
    listed = demo(env, "developments", "--known-at", "2018-12-01", "--topic", "patriot-sale")
    assert listed == "No developments, as known at 1 Dec 2018, on patriot-sale.\n"
    history = demo(env, "history", "USA", "patriot-sale", "--known-at", "2018-12-01")
    assert history == "No claims by USA on patriot-sale count, as known at 1 Dec 2018.\n"


def test_diff_says_what_changed(env: dict[str, str]) -> None:
    shown = demo(env, "diff", "2018-06-30", "2018-12-31", "--possible", "--wide")
    assert "committed -> committed" not in shown
    assert "changed" not in shown
    assert re.search(
        r"^USA\.STATE\s+patriot-sale\s+became certain\s+supports \(tentative\)", shown, re.M
    )
    assert re.search(r"^TUR\s+s400-purchase\s+more evidence\s", shown, re.M)
    document = as_json(
        timeline(env, "demo", "diff", "2018-06-30", "2018-12-31", "--possible", "--json")
    )
    turkey = next(
        d for d in document["differences"] if d["topic"] == "s400-purchase" and d["actor"] == "TUR"
    )
    assert turkey["what"] == ["more evidence"]


def test_history_prints_no_year_one_and_months_as_months(env: dict[str, str]) -> None:
    shown = demo(env, "history", "USA.CONGRESS", "patriot-sale", "--possible", "--wide")
    assert "0001" not in shown
    assert re.search(r"^by 2018-12-20\s+began\s+opposes \(tentative\)", shown, re.M)
    turkey = demo(env, "history", "TUR", "s400-purchase", "--wide")
    assert re.search(r"^2017-12\s+began\s+committed\s+2017-12\s", turkey, re.M)
    assert "2017-12-31" not in turkey
    help_text = timeline(env, "history", "--help").stdout
    for word in ("began", "changed", "reinforced", "confirmed", "updated"):
        assert re.search(rf"^\s+{word}\s+\S", help_text, re.M), word


def test_explain_answers_in_the_developments_words(env: dict[str, str]) -> None:
    shown = " ".join(
        demo(env, "explain", "USA.CONGRESS", "patriot-sale", "--as-of", "2018-12-31").split()
    )
    assert "USA.CONGRESS on patriot-sale as of 31 Dec 2018: undecided." in shown
    assert "Resistance in Congress to the Patriot sale eased" in shown  # the summary
    assert "sets the position" in shown
    assert "overtaken" in shown
    kremlin = " ".join(demo(env, "explain", "Peskov", "s400-purchase", "--as-of", "2019").split())
    assert '"no reason not to trust our Turkish partners"' in kremlin  # the quote


def test_days_take_now_today_relative_phrases_and_common_spellings(env: dict[str, str]) -> None:
    today = dt.date.today()
    assert demo(env, "positions").startswith(f"Positions as of {human(today)} (today):")
    for spelling in ("2018/12/31", "31 Dec 2018", "Dec 31, 2018", "December 31 2018"):
        assert demo(env, "positions", "--as-of", spelling).startswith(
            "Positions as of 31 Dec 2018:"
        )
    assert demo(env, "positions", "--as-of", "Dec 2018").startswith(
        "Positions as of 31 Dec 2018 (the end of 2018-12):"
    )
    vs_now = demo(env, "diff", "2018-12-31", "--known-at", "2018-12-19", "--vs-known-at", "now")
    assert f"as known at {human(today)} (today)" in " ".join(vs_now.split())
    last_month = demo(env, "positions", "--as-of", "last month")
    end = today.replace(day=1) - dt.timedelta(days=1)
    assert last_month.startswith(f"Positions as of {human(end)} (the end of last month):")
    for ambiguous, edtf in (
        ("12/31/2018", "2018-12-31"),
        ("05/12/2018", "2018-12-05 or 2018-05-12"),
    ):
        refused = timeline(env, "demo", "positions", "--as-of", ambiguous)
        assert refused.returncode == 2
        assert f"write it year first, as EDTF: {edtf}" in " ".join(refused.stderr.split())


def test_positions_and_developments_filter_by_topic_actor_and_reliability(
    env: dict[str, str],
) -> None:
    def positions(*args: str) -> set[tuple[str, str]]:
        found = as_json(timeline(env, "demo", "positions", "--as-of", "2019", "--json", *args))
        return {(p["actor"], p["topic"]) for p in found["positions"]}

    def developments(*args: str) -> set[str]:
        found = as_json(timeline(env, "demo", "developments", "--json", *args))
        return {d["id"] for d in found["developments"]}

    everything = positions()
    assert positions("--topic", "Patriot deal") == {p for p in everything if p[1] == "patriot-sale"}
    assert positions("--actor", "Washington") == {p for p in everything if p[0] == "USA"}
    official = positions("--reliability", "official")
    assert ("USA.CONGRESS", "patriot-sale") not in official  # it rests on anonymous sources
    assert official < everything
    assert developments("--topic", "patriot-sale") == {
        "cavusoglu-keeps-s400-deal", "patriot-sale-approved", "us-congress-patriot-opposition",
        "us-congress-patriot-opposition-softens",
    }  # fmt: skip
    assert "us-senator-scrap-s400" in developments("--actor", "USA", "--children")
    assert "us-senator-scrap-s400" not in developments("--actor", "USA")
    anonymous = developments("--reliability", "anonymous")
    assert anonymous
    assert anonymous < developments()


def test_relations_explains_its_scale_and_counts_possible_developments(env: dict[str, str]) -> None:
    help_text = " ".join(timeline(env, "relations", "--help").stdout.split())
    for words in ("Goldstein", "-10", "+10", "summed", "--possible", "start of its span"):
        assert words in help_text, words
    certain = as_json(timeline(env, "demo", "relations", "USA", "TUR", "--by", "year", "--json"))
    possible = as_json(
        timeline(env, "demo", "relations", "USA", "TUR", "--by", "year", "--possible", "--json")
    )
    assert [p["period"] for p in certain["periods"]] == ["2018"]
    assert [p["period"] for p in possible["periods"]] == ["2017", "2018"]
    count = sum(len(p["developments"]) for p in certain["periods"])
    assert sum(len(p["developments"]) for p in possible["periods"]) == count


def test_positions_for_a_day_with_nothing_certain(tmp_path: Path) -> None:
    env = environment(tmp_path)
    shown = timeline(env, "demo", "positions", "--as-of", "2017-06")
    assert shown.stdout == "No positions as of 30 Jun 2017 (the end of 2017-06).\n"


def test_unknown_names_with_no_close_match_list_what_exists(env: dict[str, str]) -> None:
    actor = " ".join(timeline(env, "demo", "positions", "--actor", "Qwxyz").stderr.split())
    assert "unknown actor 'Qwxyz'" in actor
    assert "the known actors are RUS, RUS.KREMLIN, TUR, TUR.MFA, USA" in actor
    topic = " ".join(timeline(env, "demo", "history", "TUR", "weather").stderr.split())
    assert "the known topics are f35-participation, patriot-sale" in topic
    close = timeline(env, "demo", "show", "patriot-sale-aproved")
    assert close.returncode == 2
    assert "did you mean patriot-sale-approved?" in close.stderr
    far = " ".join(timeline(env, "demo", "show", "zzz").stderr.split())
    assert "the recorded ids include cavusoglu-keeps-s400-deal" in far


def test_actors_topics_and_show_say_what_is_in_a_store(env: dict[str, str]) -> None:
    actors = as_json(timeline(env, "demo", "actors", "--json"))["actors"]
    assert [a["id"] for a in actors][:3] == ["RUS", "RUS.KREMLIN", "TUR"]
    kremlin = next(a for a in actors if a["id"] == "RUS.KREMLIN")
    assert kremlin["people"][0]["name"] == "Dmitry Peskov"
    topics = demo(env, "topics")
    assert re.search(r"^s400-purchase\s+Turkey's acquisition", topics, re.M)
    shown = demo(env, "show", "s400-supply-agreement")
    assert shown.split("\n\n")[1].startswith("* effective: as recorded\noccurred  2017-12\n")
