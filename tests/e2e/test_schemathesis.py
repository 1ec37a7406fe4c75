"""schemathesis against the OpenAPI spec of the demo app, in-process (ASGI): no server error.

Two runs. The first uses the spec as served, so mostly unknown metric ids. The second pins
the metric id to the real ones and declares the parameters the data routes read from the query
string beyond the spec (from, to, the dimension filters), so generated values reach the query
layer and the warehouse.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from koers.web.app import create_app

pytestmark = pytest.mark.slow

#: Small enough that both runs together stay well under a minute on the demo project.
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

#: Query parameters the data and export routes read (see koers.web.params); some are not in
#: the served spec because the routes take them from the raw query string.
QUERY_PARAMS = ("gemeente", "by", "from", "to", "category", "wijk")


@pytest.fixture()
def app(demo_project: Path) -> FastAPI:
    # One app per test: schemathesis' pytest plugin ends the lifespans it started after each
    # test, and the app's lifespan closes the warehouse connection on the way out.
    return create_app(demo_project)


@pytest.fixture()
def served_schema(app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture()
def known_metric_schema(app: FastAPI) -> Any:
    raw = copy.deepcopy(app.openapi())
    metric_ids = [m.id for m in app.state.queries.packs.metrics.values()]
    for path, item in raw["paths"].items():
        for operation in item.values():
            params = operation.setdefault("parameters", [])
            for param in params:
                if param["name"] == "metric_id":
                    param["schema"] = {"type": "string", "enum": metric_ids}
            if path.endswith(("/data", "/export.csv", "/export.xlsx")):
                names = {p["name"] for p in params}
                params.extend(
                    {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                    for n in QUERY_PARAMS
                    if n not in names
                )
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = app
    return schema


def run_operations(schema: Any) -> dict[str, str]:
    """Runs every operation of ``schema`` with positive and negative generated requests; the
    failures by operation. (schemathesis' own pytest integration, ``from_fixture``, does not
    work with pytest 9 yet; this is its plain Python API.)"""
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE]
        if operation.path_parameters or operation.query:
            modes.append(GenerationMode.NEGATIVE)
        strategy = st.one_of(*(operation.as_strategy(generation_mode=m) for m in modes))

        @given(case=strategy)
        @SETTINGS
        def call(case: Any) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        try:
            call()
        except Exception as exc:  # the generated request that failed, and why
            failures[operation.label] = str(exc)[:2000]
    return failures


def test_served_spec_gives_no_server_error(served_schema: Any) -> None:
    assert run_operations(served_schema) == {}


def test_known_metrics_give_no_server_error(known_metric_schema: Any) -> None:
    assert run_operations(known_metric_schema) == {}
