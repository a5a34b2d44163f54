"""The page's positions and diffs share each day's positions, read once: the answers are
the library's, whichever of them read the positions first."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.article import corrected_story
from timeline import Timeline
from timeline.web import create_app, models, payloads

DAYS = ["2017-12-31", "2018-06-30", "2018-12-31", "2019-06-30"]
KNOWN = [None, "2018-12-19", "2019-01-20", "9999-12-31"]


@pytest.fixture(scope="module")
def story() -> Timeline:
    """The bundled story with a revision and a retraction reported in 2019."""
    return corrected_story()


def _asked(client: TestClient, path: str, **params: Any) -> Any:
    answer = client.get(path, params={k: v for k, v in params.items() if v is not None})
    assert answer.status_code == 200, answer.text
    return answer.json()


def _names(tl: Timeline) -> Any:
    return lambda ident: tl.registry.actors[ident].name if ident in tl.registry.actors else ident


@pytest.mark.parametrize("positions_first", [True, False])
def test_diffs_and_positions_answer_as_the_library(story: Timeline, positions_first: bool) -> None:
    with TestClient(create_app(story)) as client:
        for possible, d1, known, versus in itertools.product([False, True], DAYS, KNOWN, KNOWN[1:]):
            flag = str(possible).lower()
            asked = {"day": d1, "known_at": known, "possible": flag}
            if positions_first:  # the diff's first side is then a kept one
                _asked(client, "/api/positions", **asked)
            diff = _asked(
                client, "/api/diff", d1=d1, known_at=known, vs_known_at=versus, possible=flag
            )
            expected = payloads.diff(
                story.diff(d1, known_at=known, vs_known_at=versus, possible=possible),
                _names(story),
            )
            assert diff == json.loads(models.DiffOut.model_validate(expected).model_dump_json())
            view = story.as_of(d1, known, possible=possible)
            shown = _asked(client, "/api/positions", **asked)["positions"]
            assert shown == [
                json.loads(models.PositionOut.model_validate(p).model_dump_json())
                for p in payloads.positions(view.positions(), _names(story))
            ]
        # Two days at once, and one knowledge day for both.
        possible, flag = True, "true"
        two = _asked(client, "/api/diff", d1=DAYS[0], d2=DAYS[2], known_at=KNOWN[1], possible=flag)
        expected = payloads.diff(
            story.diff(DAYS[0], DAYS[2], known_at=KNOWN[1], possible=possible), _names(story)
        )
        assert two == json.loads(models.DiffOut.model_validate(expected).model_dump_json())
        assert two["differences"]
