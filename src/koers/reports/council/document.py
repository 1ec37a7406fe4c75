"""The report as data: title page, summary, sections of tables and charts, and its numbers.

The renderers (:mod:`.html`, :mod:`.pdf`) only lay this out; nothing here is formatted
twice. Every number is a :class:`Figure` that knows the API question it answers, or the
figures it was derived from and how, so a reader (and the tests) can trace it back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal
from urllib.parse import urlencode

from koers.analysis.narrative import Fact, Sentence, Source
from koers.formatting import number, with_unit

#: What a derived figure computes from its inputs (a, b).
Derivation = Literal["verandering_procent", "verschil", "per_1000"]

DERIVATION_WORDS: dict[Derivation, str] = {
    "verandering_procent": "100 × (a − b) / b",
    "verschil": "a − b",
    "per_1000": "1.000 × a / b",
}


@dataclass(frozen=True)
class ApiQuestion:
    """One question to the JSON API: ``GET url``, and the row of its answer that holds the number.

    ``row`` pairs columns of the answer with values (``period``, ``gemeente``, a dimension);
    a row that is absent from the answer means "no data", never zero.
    """

    metric_id: str
    params: tuple[tuple[str, str], ...]
    row: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return f"/api/metrics/{self.metric_id}/data?{urlencode(self.params)}"

    def with_row(self, **row: str) -> ApiQuestion:
        return ApiQuestion(self.metric_id, self.params, tuple(sorted(row.items())))


@dataclass(frozen=True)
class Figure:
    """A number in the report: measured (``question``) or derived (``derivation`` of ``inputs``).

    ``value`` is None when there is nothing to show; ``reason`` then says why in Dutch: a cell
    hidden by disclosure control ("minder dan 10"), no data, or an input that was hidden.
    """

    value: float | None
    unit: str
    reason: str | None = None
    question: ApiQuestion | None = None
    derivation: Derivation | None = None
    inputs: tuple[Figure, ...] = ()
    decimals: int | None = None
    #: What this number is, for the traceability appendix and a fact's source.
    label: str = ""

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        if self.value is None:
            return "verborgen" if self.reason and self.question else "–"
        if self.derivation == "verandering_procent":
            sign = "+" if self.value > 0 else ""
            return f"{sign}{number(self.value, 1)}%"
        if self.derivation == "verschil":
            sign = "+" if self.value > 0 else ""
            unit = {"procent": " procentpunt", "dagen": " dagen"}.get(self.unit, "")
            return f"{sign}{number(self.value, 1 if self.unit != 'aantal' else 0)}{unit}"
        if self.decimals is not None:
            return number(self.value, self.decimals)
        return with_unit(self.value, self.unit)

    @property
    def sources(self) -> list[ApiQuestion]:
        """The API questions this number rests on, itself or through its inputs."""
        if self.question:
            return [self.question]
        return [q for figure in self.inputs for q in figure.sources]

    def fact(self, period: tuple[date, date] | None = None) -> Fact:
        """This number as a narrative fact; its source names the API question."""
        first, last = period or (None, None)
        computation = (
            DERIVATION_WORDS[self.derivation] if self.derivation else "antwoord van de API"
        )
        series = self.question.metric_id if self.question else self.label
        query = " ; ".join(q.url for q in self.sources)
        value: float | str = self.value if self.value is not None else self.text
        return Fact(value, self.text, Source(series, first, last, computation, query))


def derive(kind: Derivation, a: Figure, b: Figure, *, unit: str, label: str = "") -> Figure:
    """``a`` against ``b``; hidden or missing inputs give no value, with the reason why."""
    if a.value is None or b.value is None:
        missing = a if a.value is None else b
        why = "invoer verborgen" if missing.reason and missing.question else "geen gegevens"
        return Figure(None, unit, why, derivation=kind, inputs=(a, b), label=label)
    if kind != "verschil" and b.value == 0:
        return Figure(None, unit, "deling door nul", derivation=kind, inputs=(a, b), label=label)
    x, y = a.value, b.value
    if kind == "verandering_procent":
        value = 100.0 * (x - y) / y
    elif kind == "verschil":
        value = x - y
    else:
        value = 1000.0 * x / y
    decimals = 1 if kind == "per_1000" else None
    return Figure(value, unit, derivation=kind, inputs=(a, b), decimals=decimals, label=label)


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: Sequence[Figure | str]
    #: The row of the reader's own gemeente, or a total: shown in bold.
    emphasis: bool = False


@dataclass(frozen=True)
class Table:
    title: str
    columns: Sequence[str]
    rows: Sequence[TableRow]
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart drawn server-side: the Vega-Lite spec, its SVG, and the questions behind it."""

    title: str
    spec: dict[str, Any]
    svg: str
    description: str
    questions: Sequence[ApiQuestion] = ()
    note: str = ""


Block = Table | Chart


@dataclass(frozen=True)
class Section:
    title: str
    sentences: Sequence[Sentence] = ()
    blocks: Sequence[Block] = ()


@dataclass(frozen=True)
class KeyFigure:
    """A headline number of the summary: this quarter, the same quarter last year, the change."""

    label: str
    current: Figure
    previous: Figure
    change: Figure
    #: Which direction is good ("omhoog", "omlaag", "neutraal"), for colouring the change.
    better: str = "neutraal"

    @property
    def judgement(self) -> str:
        """'beter', 'slechter' or '' (neutral, unchanged or unknown): a CSS class and a word."""
        value = self.change.value
        if value is None or value == 0 or self.better == "neutraal":
            return ""
        up_is_good = self.better == "omhoog"
        return "beter" if (value > 0) == up_is_good else "slechter"


@dataclass(frozen=True)
class Summary:
    key_figures: Sequence[KeyFigure]
    sentences: Sequence[Sentence]


@dataclass(frozen=True)
class TitlePage:
    title: str
    subtitle: str
    gemeente_code: str
    gemeente_naam: str
    period_label: str
    made_on: date
    source: str = "Bron: Koers"


@dataclass(frozen=True)
class MetricNote:
    """A metric the report uses, explained in the appendix with its owner."""

    id: str
    title: str
    description: str
    owner: str


@dataclass(frozen=True)
class ReportDocument:
    name: str
    title_page: TitlePage
    summary: Summary
    sections: Sequence[Section]
    metrics: Sequence[MetricNote] = field(default_factory=tuple)

    def figures(self) -> Iterator[Figure]:
        """Every number shown in the document, including the inputs of derived ones."""

        def walk(figure: Figure) -> Iterator[Figure]:
            yield figure
            for part in figure.inputs:
                yield from walk(part)

        for key in self.summary.key_figures:
            for figure in (key.current, key.previous, key.change):
                yield from walk(figure)
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Table):
                    for row in block.rows:
                        for cell in row.cells:
                            if isinstance(cell, Figure):
                                yield from walk(cell)

    def questions(self) -> list[ApiQuestion]:
        """The distinct API questions behind the document, charts included, in order."""
        seen: dict[str, ApiQuestion] = {}
        for figure in self.figures():
            for question in figure.sources:
                seen.setdefault(question.url, question.with_row())
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Chart):
                    for question in block.questions:
                        seen.setdefault(question.url, question.with_row())
        return list(seen.values())
