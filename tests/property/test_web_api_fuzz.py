"""No request gets a server error: Schemathesis from the OpenAPI document, and Hypothesis text.

Schemathesis generates requests (valid and invalid) for every operation of the app's
OpenAPI document and checks the answers against it; the second test sends arbitrary
text for every date, name and flag parameter.  Every answer must be below 500, JSON
for errors, and a 4xx must name its parameter.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from timeline import Timeline, seeds
from timeline.web import create_app


def _app() -> Any:
    tl = Timeline()
    tl.load(seeds.path())
    return create_app(tl, title="S-400")


APP = _app()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_schemathesis_finds_no_server_error(case: schemathesis.Case[Any]) -> None:
    response = case.call_and_validate(checks=CHECKS)
    if 400 <= response.status_code < 500:
        error = response.json()["error"]
        assert error["status"] == response.status_code
        assert error["message"]


CLIENT = TestClient(APP, raise_server_exceptions=False)
TEXT = st.one_of(
    st.text(max_size=24),
    st.sampled_from(["", "..", "/", "2018-12-31", "0001-01-01", "9999-12-31", "9999", "201X"]),
    st.from_regex(r"\A-?\d{1,5}(-\d{1,2}){0,2}[~?%]?\Z"),
    st.from_regex(r"\A(\d{4}(-\d{2}){0,2}|\.\.)?/(\d{4}(-\d{2}){0,2}|\.\.)?\Z"),
)
NAMES = st.one_of(
    st.text(max_size=16), st.sampled_from(["TUR", "Ankara", "USA.STATE", "s400-purchase", ""])
)
OPERATIONS: dict[str, dict[str, st.SearchStrategy[str]]] = {
    "/api/positions": {"day": TEXT, "known_at": TEXT, "actor": NAMES, "possible": NAMES},
    "/api/history": {"actor": NAMES, "topic": NAMES, "known_at": TEXT},
    "/api/explain": {
        "actor": NAMES,
        "topic": NAMES,
        "day": TEXT,
        "known_at": TEXT,
        "limit": TEXT,
        "skip": TEXT,
    },
    "/api/diff": {"d1": TEXT, "d2": TEXT, "known_at": TEXT, "vs_known_at": TEXT},
    "/api/developments": {"known_at": TEXT, "period": TEXT, "actor": NAMES, "topic": NAMES},
    "/api/relations": {"a": NAMES, "b": NAMES, "by": NAMES, "known_at": TEXT},
    "/api/chart-data/topic": {"topic": NAMES, "known_at": TEXT},
}


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    path = draw(st.sampled_from(sorted(OPERATIONS)))
    fields = OPERATIONS[path]
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), unique=True))
    return path, {name: draw(fields[name]) for name in chosen}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=requests())
def test_arbitrary_parameter_text_is_answered_below_500(
    request: tuple[str, dict[str, str]],
) -> None:
    path, params = request
    response = CLIENT.get(path, params=params)
    assert response.status_code < 500, (path, params, response.text)
    if response.status_code >= 400:
        error = response.json()["error"]
        # It names a parameter sent, or a required one missing (diff needs d2 or vs_known_at).
        assert error["parameter"] in params or error["parameter"] in {
            "day",
            "d1",
            "d2",
            "actor",
            "topic",
            "a",
            "b",
        }
