"""The charts render headless, as PNG and SVG files of the expected size that are not blank.

With `TIMELINE_DOCS=docs` the bundled story's charts are also saved there as the
README's pictures (`docs/chart-s400-purchase.png`, `docs/chart-relations-tur-usa.png`,
`docs/chart-s400-purchase-revisions.png`, `docs/chart-f35-participation-known.png`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from PIL import Image, ImageStat

from tests.article import corrected_story
from timeline import Timeline, seeds
from timeline.projections import charts
from timeline.web import render
from timeline.web.render import ChartError

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def story() -> Timeline:
    """The bundled story, in memory."""
    tl = Timeline()
    tl.load(seeds.path())
    return tl


@pytest.fixture(scope="module")
def corrected() -> Timeline:
    """The bundled story with the README's correction and retraction, reported in 2019."""
    return corrected_story()


Make = Callable[[Timeline], Figure]
FIGURES: dict[str, tuple[str, Make, tuple[int, int]]] = {
    "topic": (
        "story",
        lambda tl: render.topic_figure(charts.topic_chart(tl, "s400-purchase")),
        (1000, 560),
    ),
    "compare": (
        "corrected",
        lambda tl: render.comparison_figure(
            charts.comparison(tl, "s400-purchase", known_at="2019-01-01")
        ),
        (1400, 560),
    ),
    "relations": (
        "story",
        lambda tl: render.relations_figure(
            charts.relations_chart(tl.relations("TUR", "USA")), names=("Turkey", "United States")
        ),
        (1000, 560),
    ),
}


def assert_not_blank(path: Path, size: tuple[int, int]) -> None:
    """The PNG has the size, its pixels vary, and it uses more than a few colours."""
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == size
        rgb = image.convert("RGB")
        assert max(ImageStat.Stat(rgb).var) > 500  # a blank or near-blank image has ~0
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 50
        assert max(count for count, _ in colours) < 0.97 * size[0] * size[1]


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_a_png_is_drawn_at_its_size_and_is_not_blank(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    which, make, size = FIGURES[name]
    tl: Timeline = request.getfixturevalue(which)
    path = render.save(make(tl), tmp_path / f"{name}.png")
    assert_not_blank(path, size)
    doubled = render.save(make(tl), tmp_path / f"{name}-2x.png", dpi=200)
    assert_not_blank(doubled, (size[0] * 2, size[1] * 2))


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_an_svg_is_drawn_at_its_size_with_the_series_colours(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    which, make, size = FIGURES[name]
    tl: Timeline = request.getfixturevalue(which)
    path = render.save(make(tl), tmp_path / f"{name}.svg")
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    width, height = (float(root.attrib[k].removesuffix("pt")) for k in ("width", "height"))
    assert (round(width / 72 * 100), round(height / 72 * 100)) == size  # 72 pt an inch
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) > 30
    text = path.read_text()
    colours = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}", text)}
    assert len(colours) >= 4
    if name != "relations":
        assert len(colours & set(render.PALETTE)) >= 3  # one per actor's line
    else:
        assert {render.COOPERATION.lower(), render.CONFLICT.lower()} <= colours


def test_svg_output_is_reproducible(story: Timeline) -> None:
    chart = charts.topic_chart(story, "s400-purchase")
    first = render.to_bytes(render.topic_figure(chart), "svg")
    assert first == render.to_bytes(render.topic_figure(chart), "svg")


def test_the_retraction_and_the_day_line_are_drawn(corrected: Timeline) -> None:
    pair = charts.comparison(corrected, "s400-purchase", known_at="2019-01-01", day="2018-06-01")
    day = pair.now.start + dt.timedelta(days=30)
    text = render.to_bytes(render.comparison_figure(pair, day=day), "svg").decode()
    # Text is drawn as paths; matplotlib keeps each string beside them as a comment.
    assert text.count("<!-- US Congress: retracted 2019-02-01 -->") == 1  # only as known now
    assert text.count(f"<!-- as of {day.isoformat()} -->") == 2
    assert "<!-- as known at 2019-01-01 -->" in text


def test_an_empty_chart_still_draws(story: Timeline, tmp_path: Path) -> None:
    chart = charts.topic_chart(story, "s400-purchase", known_at="2017-09-11")
    assert chart.series == ()
    path = render.save(render.topic_figure(chart), tmp_path / "empty.png")
    with Image.open(path) as image:
        assert image.size == (1000, 560)
    empty = charts.relations_chart(story.relations("RUS", "USA", known_at="2017-09-11"))
    render.save(render.relations_figure(empty), tmp_path / "none.svg")


def test_an_unknown_format_is_a_timeline_error(story: Timeline, tmp_path: Path) -> None:
    chart = charts.topic_chart(story, "s400-purchase")
    with pytest.raises(ChartError, match="chart format 'gif'"):
        render.save(render.topic_figure(chart), tmp_path / "chart.gif")


def test_the_readme_pictures(story: Timeline, corrected: Timeline, tmp_path: Path) -> None:
    folder = Path(os.environ.get("TIMELINE_DOCS", str(tmp_path)))
    folder.mkdir(parents=True, exist_ok=True)
    written = {
        "chart-s400-purchase.png": render.topic_figure(charts.topic_chart(story, "s400-purchase")),
        "chart-relations-tur-usa.png": FIGURES["relations"][1](story),
        "chart-s400-purchase-revisions.png": FIGURES["compare"][1](corrected),
        "chart-f35-participation-known.png": render.comparison_figure(
            charts.comparison(story, "f35-participation", known_at="2019-07-16")
        ),
    }
    for name, figure in written.items():
        path = render.save(figure, folder / name, dpi=150)
        with Image.open(path) as image:
            assert image.size[0] >= 1500
        assert_not_blank(path, Image.open(path).size)


def test_the_chart_commands_write_their_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from timeline.cli import run
    from timeline.cli._app import COMMANDS, register
    from timeline.cli._settings import Settings

    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as tl:
        tl.load(seeds.path())
    added = "chart" not in COMMANDS
    if added:
        register("chart", "timeline.web.cli", "chart")
    settings = Settings.from_env({"HOME": str(tmp_path), "NO_COLOR": "1"})
    try:
        for argv, name, size in [
            (
                ["chart", "positions", "S-400 deal", "--as-of", "2018-06"],
                "s400-purchase.png",
                (1500, 840),
            ),
            (
                ["chart", "compare", "s400-purchase", "--known-at", "2018-12-19", "-o", "c.svg"],
                "c.svg",
                None,
            ),
            (
                ["chart", "relations", "Turkey", "USA", "--by", "quarter", "--dpi", "100"],
                "relations-tur-usa.png",
                (1000, 560),
            ),
        ]:
            out, err = io.StringIO(), io.StringIO()
            monkeypatch.chdir(tmp_path)
            code = run(["--db", url, *argv], settings, out, err)
            assert code == 0, err.getvalue()
            assert out.getvalue().strip() == f"wrote {name}"
            if size is not None:
                assert_not_blank(tmp_path / name, size)
            else:
                assert ET.parse(tmp_path / name).getroot().tag == f"{SVG}svg"
    finally:
        if added:
            del COMMANDS["chart"]


def test_every_date_axis_says_its_years_and_no_label_repeats(story: Timeline) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    pair = charts.comparison(story, "s400-purchase", known_at="2018-12-19")
    figures = [
        render.comparison_figure(pair),
        render.topic_figure(charts.topic_chart(story, "s400-purchase")),
        render.relations_figure(charts.relations_chart(story.relations("TUR", "USA"))),
    ]
    for figure in figures:
        FigureCanvasAgg(figure).draw()  # type: ignore[no-untyped-call]
        for axes in figure.axes:
            labels = [t.get_text() for t in axes.get_xticklabels() if t.get_text()]
            assert labels
            assert len(set(labels)) == len(labels), labels
            assert re.search(r"\b(19|20)\d\d\b", labels[0]), labels
