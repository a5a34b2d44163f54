"""What a user of the library meets first: the public names, their annotations, and errors
that say what to write instead."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import timeline
from timeline import Development, Source, StanceClaim, Timeline, When, seeds
from timeline.engine.errors import DateError, RecordError, TimelineError


def test_the_public_types_are_importable_from_timeline() -> None:
    from timeline import Actor, Kind, Position, Reliability, Topic, View, exchange

    tl = Timeline()
    tl.load(seeds.path())
    view = tl.as_of("2018-12-31")
    assert isinstance(view, View)
    assert isinstance(view.position("TUR", "s400-purchase"), Position)
    assert isinstance(tl.registry.actors["TUR"], Actor)
    assert isinstance(tl.registry.topics["s400-purchase"], Topic)
    assert Kind.parse("statement") is Kind.STATEMENT
    assert Reliability.parse("named") is Reliability.NAMED
    assert exchange.export(tl, "json") == timeline.formats._exchange.export(tl, "json")
    for name in timeline.__all__:
        assert getattr(timeline, name) is not None


@pytest.mark.parametrize(
    ("cls", "field", "expected"),
    [
        (Development, "kind", "Kind | str"),
        (Source, "reliability", "Reliability | str"),
        (StanceClaim, "stance", "Stance | str | int"),
        (StanceClaim, "rank", "Rank | str"),
    ],
)
def test_fields_read_through_a_converter_have_real_annotations(
    cls: type, field: str, expected: str
) -> None:
    assert cls.__init__.__annotations__[field] == expected  # type: ignore[misc]


def test_a_source_given_as_a_mapping_is_a_record_error_naming_the_field() -> None:
    with pytest.raises(RecordError, match=r"Development\.source: expected a Source") as error:
        Development(
            id="x",
            occurred="2018",
            reported="2018",
            kind="statement",
            summary="s",
            actors=["TUR"],
            source={"publisher": "a", "reliability": "named"},  # type: ignore[arg-type]
        )
    assert isinstance(error.value, TimelineError)
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("31/12/2018", "write it year first, as EDTF: 2018-12-31"),
        ("12/31/2018", "write it year first, as EDTF: 2018-12-31"),
        ("03/04/2018", "2018-04-03 or 2018-03-04"),
        ("31.12.2018", "2018-12-31"),
    ],
)
def test_a_day_first_date_in_the_library_names_the_edtf_to_write(text: str, advice: str) -> None:
    with pytest.raises(DateError, match=advice.replace(".", r"\.")) as error:
        When(text)
    assert "exactly one '/'" not in str(error.value)


# The modules of engine/ and projections/ a user may import by name; everything else is
# private (`_name.py`) and reached through the packages' re-exports, as attrs does.
PUBLIC_MODULES = {
    "engine": {"aggregates", "config", "corrections", "errors", "values", "when"},
    "projections": {"charts", "errors", "export"},
}
ROOT = Path(timeline.__file__).resolve().parent.parent


@pytest.mark.parametrize("folder", sorted(PUBLIC_MODULES))
def test_only_the_curated_modules_are_public(folder: str) -> None:
    found = {p.stem for p in (ROOT / folder).glob("*.py") if not p.stem.startswith("_")}
    assert found == PUBLIC_MODULES[folder]


@pytest.mark.parametrize("package", ["timeline.engine", "timeline.projections"])
def test_a_package_re_exports_its_values_on_first_use_only(package: str) -> None:
    probe = (
        "import importlib, sys\n"
        f"package = importlib.import_module({package!r})\n"
        f"print(sorted(m for m in sys.modules if m.startswith({package!r} + '._')))\n"
        "print(all(getattr(package, name) is not None for name in package.__all__))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded, resolved = done.stdout.splitlines()
    # Importing the package loads none of its implementation modules (the lazy
    # loader itself aside); each name in `__all__` then resolves.
    assert set(ast.literal_eval(loaded)) <= {"timeline.engine._lazy"}
    assert resolved == "True"
