"""Seed loading: valid seeds load once; every kind of bad input is located and loads nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import strategies
from timeline import Timeline
from timeline.engine import LoadError, Stance, When
from timeline.engine.values import Development, Kind

SEED = """\
[[actor]]
id = "TUR"
name = "Turkey"
aliases = ["Ankara"]

[[actor]]
id = "RUS.KREMLIN"
name = "Kremlin"

[[actor.person]]
name = "Dmitry Peskov"
aliases = ["Peskov"]

[[topic]]
id = "s400-purchase"
description = "Turkey's purchase of Russian S-400 air defence systems."

[[development]]
id = "s400-agreement"
occurred = "2017-12"
reported = "2018-12-19"
kind = "agreement"
summary = "Turkey and Russia signed a contract for the S-400."
actors = ["Ankara", "RUS.KREMLIN"]
targets = ["USA"]
source = { publisher = "Sputnik", reliability = "official" }
claims = [
    { actor = "TUR", topic = "s400-purchase", stance = "committed" },
    { actor = "Peskov", topic = "s400-purchase", stance = "supports" },
]

[[development]]
id = "us-warning"
occurred = "last month"
reported = "2018-12-19"
kind = "threat"
summary = "Washington warned Ankara of sanctions."
actors = ["USA"]
targets = ["TUR"]
source = { publisher = "Bloomberg", reliability = "anonymous" }
claims = [{ actor = "USA", topic = "s400-purchase", stance = "opposes" }]
"""


@pytest.fixture
def tl() -> Iterator[Timeline]:
    """An in-memory timeline that already knows one actor, USA."""
    timeline = Timeline()
    timeline.register_actor("USA", "United States", aliases=["Washington"])
    yield timeline
    timeline.close()


def write(folder: Path, text: str, name: str = "story.toml") -> Path:
    """Writes a seed file and returns its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line that contains `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def rejected(tl: Timeline, path: Path) -> list[str]:
    """Loads `path`, expecting a rejection that writes nothing; returns the problems."""
    before = (dict(tl.registry.actors), dict(tl.registry.topics))
    with pytest.raises(LoadError) as info:
        tl.load(path)
    assert tl.entries() == []
    assert (dict(tl.registry.actors), dict(tl.registry.topics)) == before
    assert str(info.value).startswith(f"{len(info.value.problems)} problem")
    return list(info.value.problems)


def test_valid_seeds_load_with_names_resolved(tl: Timeline, tmp_path: Path) -> None:
    path = write(tmp_path, SEED)
    assert tl.load(path) == ["s400-agreement", "us-warning"]
    agreement = tl.entry("s400-agreement").development
    assert agreement.actors == ("TUR", "RUS.KREMLIN")
    assert [(c.actor, c.stance) for c in agreement.claims] == [
        ("TUR", Stance.COMMITTED),
        ("RUS.KREMLIN", Stance.SUPPORTS),
    ]
    warning = tl.entry("us-warning").development
    assert warning.occurred == When("2018-11")
    assert warning.occurred_as_written == "last month"
    assert tl.registry.resolve("actor", "Peskov") == "RUS.KREMLIN"


def test_second_load_adds_nothing(tl: Timeline, tmp_path: Path) -> None:
    path = write(tmp_path, SEED)
    assert len(tl.load(path)) == 2
    entries = tl.entries()
    assert tl.load(path) == []
    assert tl.entries() == entries


def test_folder_loads_every_file_whatever_the_order(tl: Timeline, tmp_path: Path) -> None:
    # Developments come first by name, yet actors and topics of later files resolve.
    cut = SEED.index("[[topic]]"), SEED.index("[[development]]")
    write(tmp_path, SEED[cut[1] :], "a-developments.toml")
    write(tmp_path, SEED[: cut[0]], "b-actors.toml")
    write(tmp_path, SEED[cut[0] : cut[1]], "c-topics.toml")
    write(tmp_path, "not seeds", "notes.txt")
    assert tl.load(tmp_path) == ["s400-agreement", "us-warning"]


# (id, text replaced, replacement, line needle, record, field, what the message says)
BAD_INPUTS = [
    (
        "malformed-date",
        'occurred = "2017-12"',
        'occurred = "2017-13"',
        "2017-13",
        "development 's400-agreement'",
        "occurred",
        "cannot read date '2017-13': month 13 is not 01-12 (or a season 21-24)",
    ),
    (
        "unknown-actor",
        'actors = ["Ankara", "RUS.KREMLIN"]',
        'actors = ["Ankara", "RUS.KREMLN"]',
        "RUS.KREMLN",
        "development 's400-agreement'",
        "actors[1]",
        "unknown actor 'RUS.KREMLN'; did you mean 'RUS.KREMLIN'?",
    ),
    (
        "unknown-topic",
        '{ actor = "Peskov", topic = "s400-purchase"',
        '{ actor = "Peskov", topic = "s400-purchse"',
        "s400-purchse",
        "development 's400-agreement'",
        "claims[1].topic",
        "unknown topic 's400-purchse'; did you mean 's400-purchase'?",
    ),
    (
        "missing-field",
        'reported = "2018-12-19"\nkind = "threat"',
        'kind = "threat"',
        ("[[development]]", 2),
        "development 'us-warning'",
        "reported",
        'missing; expected EDTF text such as "2018-12-19"',
    ),
    (
        "unknown-key",
        'summary = "Washington',
        'summry = "Washington',
        "summry",
        "development 'us-warning'",
        "summry",
        "unknown key 'summry'; did you mean 'summary'?",
    ),
    (
        "array-expected",
        'actors = ["USA"]',
        'actors = "USA"',
        'actors = "USA"',
        "development 'us-warning'",
        "actors",
        "found text 'USA'; expected an array of actor names such as [\"TUR\"]",
    ),
    (
        "text-expected",
        'name = "Kremlin"',
        "name = 7",
        "name = 7",
        "actor 'RUS.KREMLIN'",
        "name",
        "found a number 7; expected a display name",
    ),
    (
        "duplicate-id",
        'id = "us-warning"',
        'id = "s400-agreement"',
        ('id = "s400-agreement"', 2),
        "development 's400-agreement'",
        "id",
        "'s400-agreement' is already used at {file}:{first}; expected each id once",
    ),
    (
        "bad-kind",
        'kind = "threat"',
        'kind = "threats"',
        "threats",
        "development 'us-warning'",
        "kind",
        f"expected a kind ({', '.join(map(str, Kind))}), found 'threats'",
    ),
    (
        "bad-stance",
        'stance = "opposes"',
        'stance = "against"',
        "against",
        "development 'us-warning'",
        "claims[0].stance",
        "expected a stance (rejects, opposes, undecided, supports, committed), found 'against'",
    ),
    (
        "bad-reliability",
        'reliability = "anonymous"',
        'reliability = "secret"',
        "secret",
        "development 'us-warning'",
        "source.reliability",
        "expected a reliability (official, named, anonymous), found 'secret'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "needle", "record", "field", "message"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_is_located_and_loads_nothing(
    tl: Timeline,
    tmp_path: Path,
    old: str,
    new: str,
    needle: str | tuple[str, int],
    record: str,
    field: str,
    message: str,
) -> None:
    assert old in SEED
    text = SEED.replace(old, new, 1)
    path = write(tmp_path, text)
    line = line_of(text, *needle) if isinstance(needle, tuple) else line_of(text, needle)
    message = message.format(file=path, first=line_of(text, 'id = "s400-agreement"'))
    expected = f"{path}:{line}: {record} field '{field}': {message}"
    problems = rejected(tl, path)
    assert any(p.startswith(expected) for p in problems), problems


def test_toml_syntax_error_names_its_line(tl: Timeline, tmp_path: Path) -> None:
    text = SEED.replace('kind = "threat"', 'kind = "threat', 1)
    path = write(tmp_path, text)
    problems = rejected(tl, path)
    assert len(problems) == 1
    line = line_of(text, 'kind = "threat')
    assert problems[0].startswith(f"{path}:{line}: TOML syntax error")


def test_every_problem_in_every_file_is_reported(tl: Timeline, tmp_path: Path) -> None:
    text = (
        SEED.replace('occurred = "2017-12"', 'occurred = "2017-13"')
        .replace('kind = "threat"', 'kind = "menace"')
        .replace('actors = ["USA"]', 'actors = ["Atlantis"]')
        .replace('description = "Turkey', 'descripton = "Turkey')
    )
    write(tmp_path, text, "a.toml")
    write(tmp_path, "[[topic]]\nid = 'patriot-sale'\n", "b.toml")
    problems = rejected(tl, tmp_path)
    # In file and line order; a missing field is reported at its record's header.
    fields = ["description", "descripton", "occurred", "kind", "actors[0]", "description"]
    assert [p.split("field '")[1].split("'")[0] for p in problems] == fields
    assert problems[-1].startswith(f"{tmp_path / 'b.toml'}:1: topic 'patriot-sale'")


def test_changed_content_of_a_recorded_id_is_refused_with_its_id(
    tl: Timeline, tmp_path: Path
) -> None:
    tl.load(write(tmp_path, SEED))
    before = tl.entries()
    extra = SEED[SEED.index('[[development]]\nid = "us-warning"') :]
    text = SEED.replace("signed a contract", "agreed") + extra.replace("us-warning", "new-one")
    path = write(tmp_path, text, "changed.toml")
    with pytest.raises(LoadError) as info:
        tl.load(path)
    assert tl.entries() == before  # not even the new development was written
    (problem,) = info.value.problems
    assert "differs in summary" in problem
    line = line_of(text, 'id = "s400-agreement"')
    assert problem.startswith(f"{path}:{line}: development 's400-agreement' field 'id': already")


def test_clash_with_a_registered_actor_is_reported(tl: Timeline, tmp_path: Path) -> None:
    text = SEED.replace('id = "TUR"\nname = "Turkey"', 'id = "USA"\nname = "America"')
    path = write(tmp_path, text)
    problems = rejected(tl, path)
    assert problems[0].startswith(f"{path}:2: actor 'USA' field 'id': actor 'USA' is already")


@pytest.mark.parametrize("name", ["missing.toml", "empty-folder"])
def test_nothing_to_read_is_a_load_error(tl: Timeline, tmp_path: Path, name: str) -> None:
    (tmp_path / "empty-folder").mkdir()
    problems = rejected(tl, tmp_path / name)
    assert problems[0].startswith(str(tmp_path / name))


# -- property: one corrupted record rejects the whole file ---------------------------------

CORRUPTIONS = ["date", "actor", "topic", "missing", "unknown-key", "type", "enum", "duplicate"]


def _record(development: Development) -> dict[str, Any]:
    source = development.source
    table: dict[str, Any] = {
        "id": development.id,
        "occurred": development.occurred.text,
        "reported": development.reported.text,
        "kind": str(development.kind),
        "summary": development.summary,
        "actors": list(development.actors),
        "source": {"publisher": source.publisher, "reliability": str(source.reliability)},
        "claims": [
            {"actor": c.actor, "topic": c.topic, "stance": str(c.stance)}
            for c in development.claims
        ],
    }
    return table


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(value)


def _toml(records: list[dict[str, Any]]) -> str:
    tables = [
        f'[[actor]]\nid = "{a.id}"\nname = "{a.name}"\n' for a in strategies.registry_actors()
    ]
    tables += [
        f'[[topic]]\nid = "{t.id}"\ndescription = "{t.description}"\n'
        for t in strategies.registry_topics()
    ]
    for record in records:
        tables.append(
            "[[development]]\n" + "".join(f"{k} = {_value(v)}\n" for k, v in record.items())
        )
    return "\n".join(tables)


def _corrupt(record: dict[str, Any], how: str, records: list[dict[str, Any]]) -> None:
    if how == "date":
        record["occurred"] = "2018-13"
    elif how == "actor":
        record["actors"] = [*record["actors"], "Atlantis"]
    elif how == "topic":
        record["claims"] = [{"actor": "TUR", "topic": "no-such-topic", "stance": "supports"}]
    elif how == "missing":
        del record["summary"]
    elif how == "unknown-key":
        record["sumary"] = record.pop("summary")
    elif how == "type":
        record["actors"] = record["actors"][0]
    elif how == "enum":
        record["kind"] = "agreemnt"
    else:
        records.append({**record, "summary": "Another story."})


@given(
    developments=st.lists(
        strategies.developments(), min_size=1, max_size=4, unique_by=lambda d: d.id
    ),
    data=st.data(),
)
def test_a_file_with_one_corrupted_record_is_rejected_whole(
    tmp_path_factory: pytest.TempPathFactory,
    developments: list[Development],
    data: st.DataObject,
) -> None:
    records = [_record(d) for d in developments]
    path = write(tmp_path_factory.mktemp("seeds"), _toml(records))
    with Timeline() as timeline:
        assert timeline.load(path) == [d.id for d in developments]  # the file was valid
    victim = data.draw(st.sampled_from(records), label="victim")
    how = data.draw(st.sampled_from(CORRUPTIONS), label="corruption")
    _corrupt(victim, how, records)
    write(path.parent, _toml(records))
    with Timeline() as timeline:
        with pytest.raises(LoadError) as info:
            timeline.load(path)
        assert timeline.entries() == []
        assert dict(timeline.registry.actors) == {}
    assert any(f"development {victim['id']!r}" in p for p in info.value.problems)
