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
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlglot import exp

from koers.errors import PackError
from koers.privacy.access import PrivacyLevel


class MetricKind(StrEnum):
    #: Adds up over time: counts received in a period.
    FLOW = "flow"
    #: A level at a moment: the value on the last day of each period (a backlog).
    STOCK = "stock"


class Disclosure(StrEnum):
    """Whether a public answer needs statistical disclosure control (ADR 0008).

    Every ``openbaar`` metric must say so: the pack author knows whether a metric counts
    people (clients, applicants) or things (reports about a broken street light).
    """

    #: Counts people or their cases: the public gets protected publication tables
    #: (koers.privacy.disclosure, CBS rule).
    CBS = "cbs"
    #: Counts no people; published as computed. The metric's description must make that plain.
    NONE = "geen"


#: Time grains a publication table can be made at; days are too fine to protect.
PublicationGrain = Literal["week", "month", "quarter", "year"]


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
    #: Required for ``openbaar`` metrics: "cbs" (counts people) or "geen".
    disclosure: Disclosure | None = None
    #: The one dimension besides gemeente that the public may split a protected metric by.
    publication_dimension: str | None = None
    publication_grain: PublicationGrain = "month"

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

    @model_validator(mode="after")
    def _publishable(self) -> Metric:
        if self.privacy == PrivacyLevel.OPENBAAR and self.disclosure is None:
            raise ValueError(
                "een openbare metriek moet 'disclosure' opgeven: \"cbs\" als zij personen "
                'of hun zaken telt, "geen" als niet'
            )
        if self.disclosure is not Disclosure.CBS:
            if self.publication_dimension:
                raise ValueError("'publication_dimension' hoort alleen bij disclosure = \"cbs\"")
            return self
        if self.unit != "aantal" or not _is_plain_count(self.formula):
            raise ValueError(
                'disclosure = "cbs" kan alleen bij een telling (sum(...) of count(...)); '
                "percentages en gemiddelden worden uit beschermde tellingen afgeleid"
            )
        if self.publication_dimension is not None and (
            self.publication_dimension == "gemeente"
            or self.publication_dimension not in self.dimensions
        ):
            raise ValueError(
                f"'publication_dimension' ({self.publication_dimension}) moet een van de "
                "dimensies van de metriek zijn, anders dan gemeente"
            )
        return self


def _is_plain_count(formula: str) -> bool:
    """Sums and counts add up over cells, which the protection's totals rely on."""
    parsed = sqlglot.parse_one(formula, read="duckdb")
    return isinstance(parsed, exp.Sum | exp.Count)


class TableColumn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str


class Table(BaseModel):
    """A published table: rows of a mart shown as they are, for results that do not add up
    (a forecast with its interval, a list of peaks with their causes) and so cannot be a
    metric. The query layer applies the same level and gemeente rules as to metrics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str
    description: str
    mart: Annotated[str, Field(pattern=r"^marts\.[a-z][a-z0-9_]*$")]
    date_column: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    #: The columns served, in order; gemeente_code is always served first.
    columns: list[TableColumn]
    order_by: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]] = []
    privacy: PrivacyLevel
    disclosure: Disclosure | None = None
    owner: str
    #: The column with the person's pseudonym, for rows about one person: every view and
    #: export writes the pseudonyms of the rows shown to the audit log.
    pseudonym_column: Annotated[str | None, Field(pattern=r"^[a-z][a-z0-9_]*$")] = None

    @model_validator(mode="after")
    def _publishable(self) -> Table:
        if self.pseudonym_column is not None:
            if self.privacy != PrivacyLevel.VERTROUWELIJK:
                raise ValueError(
                    'een tabel met rijen per persoon moet privacy = "vertrouwelijk" zijn'
                )
            if self.pseudonym_column not in {c.name for c in self.columns}:
                raise ValueError(
                    f"pseudonym_column '{self.pseudonym_column}' staat niet in de kolommen"
                )
        if self.privacy == PrivacyLevel.OPENBAAR and self.disclosure is not Disclosure.NONE:
            raise ValueError(
                "een openbare tabel kan niet tegen onthulling worden beschermd: alleen "
                'disclosure = "geen" (telt geen personen), anders privacy = "intern"'
            )
        return self


class _MetricsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dimensions: list[Dimension] = []
    metrics: list[Metric] = []
    tables: list[Table] = []


def load_tables_file(path: Path) -> list[Table]:
    return _parse(path).tables


def _parse(path: Path) -> _MetricsFile:
    try:
        return _MetricsFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise PackError(f"{path}: ongeldige metrieken ({exc})") from None


def load_metrics_file(path: Path) -> tuple[list[Dimension], list[Metric]]:
    """The file's dimensions and metrics. A metric may name a dimension another pack declares
    (a project's own KPI over a pack's mart), so the dimensions are checked by the PackSet
    once every pack is loaded, not here."""
    parsed = _parse(path)
    return parsed.dimensions, parsed.metrics


#: Every mart carries gemeente_code, so every metric can be split by gemeente.
GEMEENTE = Dimension(id="gemeente", title="Gemeente", column="gemeente_code")
