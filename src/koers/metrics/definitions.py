"""Metric and dimension declarations, as a pack writes them in ``metrics.toml``.

A metric is a formula over a mart, not code in a page: id, Dutch title and description,
unit, formula, the dimensions it may be split by, its privacy level and its owner.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import sqlglot
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlglot import exp

from koers.errors import PackError
from koers.privacy.access import PrivacyLevel


class MetricKind(StrEnum):
    #: Adds up over time: counts received in a period.
    FLOW = "flow"
    #: A level at a moment: the value on the last day of each period (a backlog).
    STOCK = "stock"


class Dimension(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str
    column: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    #: A column with a readable name for each value (a wijk's name beside its code).
    label_column: Annotated[str | None, Field(pattern=r"^[a-z][a-z0-9_]*$")] = None


class Metric(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str
    description: str
    unit: Literal["aantal", "dagen", "procent", "euro"]
    kind: MetricKind = MetricKind.FLOW
    mart: Annotated[str, Field(pattern=r"^marts\.[a-z][a-z0-9_]*$")]
    date_column: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    formula: str
    dimensions: list[str]
    privacy: PrivacyLevel
    owner: str
    #: Which direction is good, for colouring a change: "omhoog", "omlaag" or neutral.
    better: Literal["omhoog", "omlaag", "neutraal"] = "neutraal"

    @field_validator("formula")
    @classmethod
    def _aggregate_expression(cls, value: str) -> str:
        try:
            parsed = sqlglot.parse_one(value, read="duckdb")
        except sqlglot.errors.ParseError as exc:
            raise ValueError(f"formule is geen geldige SQL-expressie ({exc})") from None
        if not any(isinstance(node, exp.AggFunc) for node in parsed.walk()):
            raise ValueError("formule moet aggregeren, bijvoorbeeld sum(...) of median(...)")
        if any(isinstance(node, exp.Select | exp.Subquery) for node in parsed.walk()):
            raise ValueError("formule mag geen subquery bevatten")
        return value


class _MetricsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dimensions: list[Dimension] = []
    metrics: list[Metric] = []


def load_metrics_file(path: Path) -> tuple[list[Dimension], list[Metric]]:
    try:
        parsed = _MetricsFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise PackError(f"{path}: ongeldige metrieken ({exc})") from None
    known = {d.id for d in parsed.dimensions} | {"gemeente"}
    for metric in parsed.metrics:
        unknown = set(metric.dimensions) - known
        if unknown:
            raise PackError(
                f"{path}: metriek {metric.id} noemt onbekende dimensie(s) {sorted(unknown)}"
            )
    return parsed.dimensions, parsed.metrics


#: Every mart carries gemeente_code, so every metric can be split by gemeente.
GEMEENTE = Dimension(id="gemeente", title="Gemeente", column="gemeente_code")
