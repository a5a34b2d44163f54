"""Bad input from the reliability issue: each is refused with a `TimelineError`, or works."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from timeline import Timeline
from timeline.engine import DateError, LoadError, RecordError, When
from timeline.engine._loader import read_seeds
from timeline.engine._registry import Registry
from timeline.engine.values import Actor, Person, Topic

ACTOR = '[[actor]]\nid = "TUR"\nname = "Turkey"\naliases = ["Ankara"]\n'
DEVELOPMENT = """\
[[development]]
id = "s400-agreement"
occurred = "2017-12"
reported = "2018-12-19"
kind = "agreement"
summary = "Turkey signed a contract for the S-400."
actors = ["Ankara"]
source = { publisher = "Sputnik", reliability = "official" }
"""


@pytest.fixture
def tl() -> Iterator[Timeline]:
    """An empty in-memory timeline."""
    with Timeline() as timeline:
        yield timeline


def write(folder: Path, text: str, name: str = "story.toml") -> Path:
    """Writes a seed file and returns its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tl: Timeline, path: Path) -> list[str]:
    """Loads `path`, expecting a rejection that loads nothing; returns the problems."""
    with pytest.raises(LoadError) as info:
        tl.load(path)
    assert tl.entries() == []
    assert dict(tl.registry.actors) == {}
    return list(info.value.problems)


def expected_empty(path: Path | str) -> str:
    """The problem a file without records is reported with."""
    return f"no records in {path}; expected [[actor]], [[topic]] or [[development]] tables"


# -- seed files without records -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "# only a comment\n", '\n\ntitle = "x"\n', "   \n\t\n", "development = []\n"],
    ids=["empty", "comments", "other-key", "blank", "empty-array"],
)
def test_a_file_without_records_is_a_load_error(tl: Timeline, tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    found = problems(tl, path)
    assert found[-1] == expected_empty(path)


def test_a_non_toml_file_reports_the_syntax_error_and_no_records(
    tl: Timeline, tmp_path: Path
) -> None:
    path = write(tmp_path, "These are my notes\nabout the S-400.\n", "notes.toml")
    first, second = problems(tl, path)
    assert first.startswith(f"{path}:1: TOML syntax error")
    assert second == expected_empty(path)


def test_a_syntax_error_in_a_seed_file_does_not_also_claim_no_records(
    tl: Timeline, tmp_path: Path
) -> None:
    path = write(tmp_path, ACTOR + 'kind = "threat\n')
    (problem,) = problems(tl, path)
    assert problem.startswith(f"{path}:5: TOML syntax error")


def test_dev_null_is_a_file_without_records(tl: Timeline) -> None:
    assert problems(tl, Path("/dev/null")) == [expected_empty("/dev/null")]


def test_an_empty_file_beside_valid_ones_refuses_the_whole_folder(
    tl: Timeline, tmp_path: Path
) -> None:
    write(tmp_path, ACTOR, "a-actors.toml")
    write(tmp_path, DEVELOPMENT, "b-developments.toml")
    write(tmp_path, "", "c-empty.toml")
    assert problems(tl, tmp_path) == [expected_empty(tmp_path / "c-empty.toml")]


def test_a_deeply_nested_array_is_a_syntax_error(tl: Timeline, tmp_path: Path) -> None:
    path = write(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    # Collect earlier tests' garbage first: a finalizer run deep inside the parser's
    # recursion has no stack left to report itself, and fails the test for nothing.
    gc.collect()
    found = problems(tl, path)
    assert found[0] == f"{path}: TOML syntax error: arrays or inline tables nested too deeply"


# -- seed files written other ways ----------------------------------------------------------


INLINE = """\
actor = [
    { id = "TUR", name = "Turkey", aliases = ["Ankara"] },
    { id = "RUS", name = "Russia" },
]
development = [
  { id = "one", occurred = "2017-12", reported = "2018-12-19", kind = "agreement", \
summary = "Signed.", actors = ["TUR"], source = { publisher = "Sputnik", reliability = "named" } },
  { id = "two", occurred = "last month", reported = "2018-12-19", kind = "statement", \
summary = "Said.", actors = ["RUS"], source = { publisher = "TASS", reliability = "official" } },
]
"""


def test_an_inline_array_of_tables_loads(tl: Timeline, tmp_path: Path) -> None:
    assert tl.load(write(tmp_path, INLINE)) == ["one", "two"]
    assert tl.entry("two").development.occurred == When("2018-11")
    assert tl.registry.resolve("actor", "Ankara") == "TUR"


def test_a_problem_in_an_inline_record_names_its_line(tl: Timeline, tmp_path: Path) -> None:
    text = INLINE.replace('reliability = "official"', 'reliability = "secret"')
    text = text.replace('{ id = "RUS", name = "Russia" }', '{ id = "RUS", nme = "Russia" }')
    path = write(tmp_path, text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"two"' in row)
    assert problems(tl, path) == [
        f"{path}:3: actor 'RUS' field 'nme': unknown key 'nme'; did you mean 'name'?",
        f"{path}:3: actor 'RUS' field 'name': missing; expected a display name such as \"Turkey\"",
        f"{path}:{line}: development 'two' field 'source.reliability': expected a reliability "
        "(official, named, anonymous), found 'secret'",
    ]


def test_a_byte_order_mark_is_not_part_of_the_text(tl: Timeline, tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(("\ufeff" + ACTOR + "\n" + DEVELOPMENT).encode())
    assert tl.load(path) == ["s400-agreement"]


def test_headers_inside_strings_do_not_start_records(tl: Timeline, tmp_path: Path) -> None:
    # Brackets, quotes and headers inside strings and comments must not move the lines.
    text = (
        ACTOR
        + '# a comment with """ and [[development]]\n'
        + DEVELOPMENT.replace(
            'summary = "Turkey signed a contract for the S-400."',
            'summary = """He said:\n[[development]]\nid = "x" \\""" ]\n"""',
        ).replace(
            'actors = ["Ankara"]',
            "actors = [\n  '''['''\n]\ntargets = [\n  \"[\",\n  # ]\n]",
        )
    )
    path = write(tmp_path, text)
    found = problems(tl, path)
    line = text.splitlines().index("  '''['''") + 1
    assert found[0].startswith(f"{path}:{line}: development 's400-agreement' field 'actors[0]'")
    assert "unknown actor '['" in found[0]


def test_lines_stay_right_in_a_long_file(tl: Timeline, tmp_path: Path) -> None:
    records = [DEVELOPMENT.replace("s400-agreement", f"dev-{n}") for n in range(400)]
    records[-1] = records[-1].replace('kind = "agreement"', 'kind = "agreemnt"')
    text = ACTOR + "\n".join(records)
    path = write(tmp_path, text)
    (problem,) = problems(tl, path)
    line = text.splitlines().index('kind = "agreemnt"') + 1
    assert problem.startswith(f"{path}:{line}: development 'dev-399' field 'kind'")


# -- empty aliases --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Actor("TUR", "Turkey", aliases=["Ankara", ""]), "Actor.aliases[1]"),
        (lambda: Actor("TUR", "Turkey", aliases=" "), "Actor.aliases[0]"),
        (lambda: Person("Dmitry Peskov", aliases=[""]), "Person.aliases[0]"),
        (lambda: Topic("s400-purchase", "The deal.", aliases=["\t"]), "Topic.aliases[0]"),
    ],
    ids=["actor", "actor-blank", "person", "topic"],
)
def test_an_empty_alias_is_a_record_error_naming_the_field(
    make: Callable[[], object], field: str
) -> None:
    with pytest.raises(RecordError, match=rf"^{re.escape(field)}: expected non-empty text"):
        make()


def test_an_empty_alias_in_a_seed_file_is_located(tl: Timeline, tmp_path: Path) -> None:
    text = (
        ACTOR.replace('aliases = ["Ankara"]', 'aliases = ["Ankara", ""]')
        + '\n[[actor.person]]\nname = "Mevlut Cavusoglu"\naliases = [""]\n'
    )
    path = write(tmp_path, text)
    assert problems(tl, path) == [
        f"{path}:4: actor 'TUR' field 'aliases[1]': expected non-empty text such as "
        "'Ankara', found ''",
        f"{path}:8: actor 'TUR' field 'person[0].aliases[0]': expected non-empty text such "
        "as 'Ankara', found ''",
    ]
    with pytest.raises(LookupError):
        tl.registry.resolve("actor", "")


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "548180870023 days ago",
        "99999999 weeks ago",
        "99999999 months ago",
        "99999 years ago",
        "2018 years ago",  # year 0
        "737047 days ago",  # the day before 0001-01-01
        f"{10**40} days ago",
    ],
)
def test_a_phrase_reaching_out_of_range_is_a_date_error(phrase: str) -> None:
    with pytest.raises(DateError, match=rf"^cannot resolve '{phrase}' against '2018-12-19'"):
        When.relative(phrase, anchor="2018-12-19")


def test_a_week_ending_after_9999_is_a_date_error() -> None:
    with pytest.raises(DateError, match="'this week' against '9999-12-30'"):
        When.relative("this week", anchor="9999-12-30")
    assert When.relative("last week", anchor="9999-12-30") == When("9999-12-20/9999-12-26")
    assert When.relative("737046 days ago", anchor="2018-12-19") == When("0001-01-01")


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("9999-12", "9999-12-01", "9999-12-31"),
        ("9999-12~", "9999-11-01", "9999-12-31"),
        ("9999-11?", "9999-10-01", "9999-12-31"),
        ("9999-23", "9999-09-01", "9999-11-30"),
        ("9999-12/..", "9999-12-01", "9999-12-31"),
        ("9999-11/9999-12", "9999-11-01", "9999-12-31"),
        ("9999-12-31~", "9999-12-30", "9999-12-31"),
        ("2019-12", "2019-12-01", "2019-12-31"),
        ("2019-24", "2019-12-01", "2020-02-29"),
    ],
)
def test_valid_forms_at_the_end_of_the_calendar_have_their_span(
    text: str, earliest: str, latest: str
) -> None:
    when = When(text)
    assert (when.earliest.isoformat(), when.latest.isoformat()) == (earliest, latest)


@pytest.mark.parametrize("text", ["9999-24", "9999-24~", "9999-24/..", "2019/9999-24"])
def test_a_season_ending_after_9999_is_a_date_error(text: str) -> None:
    # An interval's message quotes the end that cannot be read.
    with pytest.raises(DateError, match=r"^cannot read date '9999-24~?': it ends in 10000"):
        When(text)


def test_a_span_reaching_the_last_day_counts_as_open_for_phrases() -> None:
    # The documented decision: the calendar's last day doubles as the open end.
    assert not When("9999-12").is_bounded
    with pytest.raises(DateError, match="reaches 0001-01-01 or 9999-12-31"):
        When.relative("last month", anchor="9999-12")
    assert When.relative("last month", anchor="9999-11") == When("9999-10")


@pytest.mark.parametrize(
    "text",
    ["２０１８", "٢٠١٨", "2018-1２", "۲۰۱۸-۱۲", "𝟚𝟘𝟙𝟠", "2018-12-1٩", "２０１８/2019"],
)
def test_non_ascii_digits_are_a_date_error(text: str) -> None:
    with pytest.raises(DateError, match=rf"^cannot read date '{text}': EDTF is ASCII text"):
        When(text)


@pytest.mark.parametrize("phrase", ["２ days ago", "٣ weeks ago", "𝟙 year ago"])
def test_non_ascii_digits_are_not_a_relative_phrase(phrase: str) -> None:
    assert not When.is_relative(phrase)
    with pytest.raises(DateError, match="cannot read relative phrase"):
        When.relative(phrase, anchor="2018-12-19")


def test_a_phrase_that_is_not_text_is_a_date_error() -> None:
    assert not When.is_relative(None)  # type: ignore[arg-type]
    with pytest.raises(DateError, match="cannot read relative phrase 7"):
        When.relative(7, anchor="2018-12-19")  # type: ignore[arg-type]


def test_a_bad_date_in_a_seed_file_is_located(tmp_path: Path) -> None:
    text = ACTOR + DEVELOPMENT.replace('"2017-12"', '"２０１７-12"')
    path = write(tmp_path, text)
    with pytest.raises(LoadError) as info:
        read_seeds(path, Registry())
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}:7: development 's400-agreement' field 'occurred'")
    assert "EDTF is ASCII text" in problem
