"""Protected cells in a council report: hidden with their Dutch reason, never shown as 0.

A project-local metric counts meldingen but declares ``disclosure = "cbs"`` as a count of
clients would; a few hand-made small counts force the rule to hide cells. The report's figure,
its HTML and the public API must agree on which cells are hidden and why.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.helpers import pipeline_run, write_project

from koers.config import load_project
from koers.engine import connect
from koers.metrics.query import QueryService
from koers.packs import load_packs
from koers.privacy.access import PUBLIC
from koers.reports.council import (
    Quarter,
    ReportContext,
    ReportDocument,
    Section,
    Summary,
    Table,
    TableRow,
    TitlePage,
)
from koers.reports.council.context import Gemeente
from koers.reports.council.document import derive
from koers.reports.council.html import render_html
from koers.web.app import create_app

DUIVEN, WESTERVOORT = "GM0226", "GM0293"
#: Meldingen per gemeente and category in the first quarter of 2024; 3 and 4 are small.
COUNTS = {(DUIVEN, "Afval"): 42, (DUIVEN, "Groen"): 57, (DUIVEN, "Wegen"): 3,
          (WESTERVOORT, "Afval"): 31, (WESTERVOORT, "Groen"): 66, (WESTERVOORT, "Wegen"): 4}  # fmt: skip
METRICS = """
[[dimensions]]
id = "soort"
title = "Soort"
column = "category"

[[metrics]]
id = "personen_test"
title = "Cliënten (test)"
description = "Testmetriek die doet alsof zij personen telt."
unit = "aantal"
kind = "flow"
mart = "marts.meldingen_dag"
date_column = "report_date"
formula = "sum(received_count)"
dimensions = ["gemeente", "soort"]
privacy = "openbaar"
disclosure = "cbs"
publication_dimension = "soort"
publication_grain = "quarter"
owner = "Test"
"""


def _write(folder: Path, code: str) -> None:
    lines = ["Meldingnummer;Datum melding;Datum afgehandeld;Hoofdcategorie;Subcategorie;Wijkcode;"
             "Wijk;Status;Omschrijving"]  # fmt: skip
    for (gemeente, category), count in COUNTS.items():
        if gemeente != code:
            continue
        for i in range(count):
            day = f"{1 + i % 28:02d}-{1 + i % 3:02d}-2024"
            lines.append(
                f"{code}-{category}-{i};{day} 10:00;;{category};x;WK{code[2:]}01;C;Gemeld;"
            )
    # A melding on the last day of the quarter, so the quarter counts as complete.
    lines.append(f"{code}-eind;31-03-2024 10:00;;Afval;x;WK{code[2:]}01;C;Gemeld;")
    (folder / "bronnen" / "meldingen" / code / "export.csv").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_project(tmp_path_factory.mktemp("beschermd"), sources=(DUIVEN, WESTERVOORT))
    for code in (DUIVEN, WESTERVOORT):
        _write(folder, code)
    (folder / "metrics.toml").write_text(METRICS, encoding="utf-8")
    with pipeline_run(folder):
        pass
    return folder


def test_hidden_cells_carry_their_reason_into_the_report_and_match_the_api(
    project: Path,
) -> None:
    loaded = load_project(project)
    quarter = Quarter.parse("2024-Q1")
    gemeenten = [Gemeente(g.code, g.naam) for g in loaded.gemeenten]
    with connect(loaded, read_only=True) as warehouse:
        queries = QueryService(loaded, warehouse, load_packs(loaded.packs, loaded.dir))
        ctx = ReportContext(queries, PUBLIC, quarter, gemeenten[0], gemeenten, date(2024, 5, 1))
        answer = ctx.ask("personen_test", by="quarter,gemeente,soort",
                         first=quarter.first_day, last=quarter.last_day)  # fmt: skip
        small = answer.figure(period=quarter.key, gemeente=DUIVEN, soort="Wegen")
        cells = [answer.figure(period=quarter.key, gemeente=g, soort=s)
                 for g in (DUIVEN, WESTERVOORT) for s in ("Afval", "Groen")]  # fmt: skip
    assert small.value is None and small.reason == "minder dan 10"
    shown = [c for c in cells if c.value is not None]
    assert shown, answer.rows
    assert all(c.value % 5 == 0 for c in shown if c.value is not None)
    large = shown[0]
    ratio = derive("verandering_procent", small, large, unit="aantal")
    assert ratio.value is None and ratio.reason == "invoer verborgen"

    table = Table("Test", ["Soort", "Duiven"], [TableRow("Wegen", [small]),
                                                TableRow("Afval", [large]),
                                                TableRow("Verhouding", [ratio])])  # fmt: skip
    document = ReportDocument(
        "test",
        TitlePage("Test", "Sub", DUIVEN, "Duiven", "2024-K1", date(2024, 5, 1)),
        Summary([], []),
        [Section("Detail", blocks=[table])],
        ctx.metric_notes(),
    )
    html = render_html(document)
    row = html.split("<td>Wegen</td>")[1].split("</tr>")[0]
    assert "verborgen <small>(minder dan 10)</small>" in row
    assert ">0<" not in row and ">3<" not in row
    assert "–" in html.split("<td>Verhouding</td>")[1].split("</tr>")[0]

    with TestClient(create_app(project)) as client:
        assert small.question is not None
        rows = client.get(small.question.url).json()["rows"]
    cell = next(r for r in rows if r["gemeente"] == DUIVEN and r["soort"] == "Wegen")
    assert cell["value"] is None and cell["toelichting"] == small.reason
