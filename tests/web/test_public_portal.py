"""The public portal: metrics that count people reach the public only as protected tables.

A project-local metric counts meldingen per category and declares ``disclosure = "cbs"``, as a
metric counting clients would. The counts per gemeente, category and month are made by hand,
with small cells among them, so every answer can be checked against the table the rule should
publish (issue 5 point 3, ADR 0008).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.helpers import pipeline_run, write_project
from tests.support.accounts import ensure_account, log_in

from koers.metrics.query import QueryService
from koers.privacy.access import PUBLIC
from koers.privacy.disclosure import CBS_WMO, TOTAL, Key, protect_counts
from koers.web.app import create_app

DUIVEN, WESTERVOORT, ZEVENAAR = "GM0226", "GM0293", "GM0299"
GEMEENTEN = (DUIVEN, WESTERVOORT, ZEVENAAR)
CATEGORIES = {"Afval": "Grofvuil", "Openbaar groen en water": "Boom", "Wegen": "Kuil in de weg"}
MONTHS = ("2024-01-01", "2024-02-01", "2024-03-01")
#: Meldingen per (gemeente, category, month). Zevenaar has no source: a row of zeros.
COUNTS = {
    (DUIVEN, "Afval", MONTHS[0]): 42,
    (DUIVEN, "Openbaar groen en water", MONTHS[0]): 3,
    (DUIVEN, "Wegen", MONTHS[0]): 27,
    (WESTERVOORT, "Afval", MONTHS[0]): 18,
    (WESTERVOORT, "Openbaar groen en water", MONTHS[0]): 31,
    (WESTERVOORT, "Wegen", MONTHS[0]): 12,
    (DUIVEN, "Afval", MONTHS[1]): 55,
    (DUIVEN, "Openbaar groen en water", MONTHS[1]): 14,
    (DUIVEN, "Wegen", MONTHS[1]): 8,
    (WESTERVOORT, "Afval", MONTHS[1]): 21,
    (WESTERVOORT, "Openbaar groen en water", MONTHS[1]): 1,
    (WESTERVOORT, "Wegen", MONTHS[1]): 36,
    (DUIVEN, "Afval", MONTHS[2]): 40,
    (DUIVEN, "Openbaar groen en water", MONTHS[2]): 40,
    (DUIVEN, "Wegen", MONTHS[2]): 40,
    (WESTERVOORT, "Afval", MONTHS[2]): 40,
    (WESTERVOORT, "Openbaar groen en water", MONTHS[2]): 40,
    (WESTERVOORT, "Wegen", MONTHS[2]): 40,
}
#: Two meldingen on 1 April: April has begun but is not complete, so it is not published.
PARTIAL_APRIL = 2

METRICS = """
[[dimensions]]
id = "soort"
title = "Soort"
column = "category"

[[dimensions]]
id = "buurt"
title = "Buurt"
column = "wijk_code"
label_column = "wijk_name"

[[metrics]]
id = "personen_test"
title = "Meldingen (als personentelling)"
description = "Testmetriek die doet alsof zij personen telt."
unit = "aantal"
kind = "flow"
mart = "marts.meldingen_dag"
date_column = "report_date"
formula = "sum(received_count)"
dimensions = ["gemeente", "soort", "buurt"]
privacy = "openbaar"
disclosure = "cbs"
publication_dimension = "soort"
owner = "Test"
"""


DASHBOARDS = """
[[dashboards]]
id = "personen"
title = "Personen"
description = "Testdashboard."
filters = ["buurt"]
default_months = 6

[[dashboards.panels]]
metric = "personen_test"
grain = "week"
series = "soort"
"""


def _write_meldingen(folder: Path, code: str) -> None:
    lines = [
        "Meldingnummer;Datum melding;Datum afgehandeld;Hoofdcategorie;Subcategorie;Wijkcode;"
        "Wijk;Status;Omschrijving"
    ]
    number = 0
    for (gemeente, category, month), count in COUNTS.items():
        if gemeente != code:
            continue
        for i in range(count):
            number += 1
            day = f"{1 + i % 28:02d}-{month[5:7]}-{month[:4]}"
            lines.append(
                f"{code}-{number};{day} 10:00;;{category};{CATEGORIES[category]};"
                f"WK{code[2:]}01;Centrum;Gemeld;"
            )
    for _ in range(PARTIAL_APRIL):
        number += 1
        lines.append(
            f"{code}-{number};01-04-2024 10:00;;Afval;Grofvuil;WK{code[2:]}01;Centrum;Gemeld;"
        )
    path = folder / "bronnen" / "meldingen" / code / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_project(tmp_path_factory.mktemp("portaal"), sources=(DUIVEN, WESTERVOORT))
    for code in (DUIVEN, WESTERVOORT):
        _write_meldingen(folder, code)
    (folder / "metrics.toml").write_text(METRICS, encoding="utf-8")
    (folder / "dashboards.toml").write_text(DASHBOARDS, encoding="utf-8")
    with pipeline_run(folder) as (summary, _):
        assert summary.rows_loaded == sum(COUNTS.values()) + 2 * PARTIAL_APRIL
    ensure_account(folder, "analist", "analist", gemeenten=(DUIVEN,))
    return folder


@pytest.fixture(scope="module")
def public(project: Path) -> Iterator[TestClient]:
    with TestClient(create_app(project), raise_server_exceptions=False) as client:
        yield client


def _expected_table(month: str) -> dict[Key, int | None]:
    """What the rule publishes for one month, from the hand-made counts."""
    counts: dict[Key, int] = {(g, c): n for (g, c, m), n in COUNTS.items() if m == month}
    table = protect_counts(
        counts,
        dimensions=("gemeente", "soort"),
        levels={"gemeente": GEMEENTEN, "soort": sorted(CATEGORIES)},
        rule=CBS_WMO,
    )
    keys = itertools.product([*GEMEENTEN, TOTAL], [*sorted(CATEGORIES), TOTAL])
    return {key: table.shown(key) for key in keys}


def _data(client: TestClient, **params: str) -> dict[str, Any]:
    response = client.get("/api/metrics/personen_test/data", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_every_public_answer_is_a_cell_of_the_protected_table(public: TestClient) -> None:
    expected = {month: _expected_table(month) for month in MONTHS}
    # The hand-made table has small cells; the rule must hide some and round the rest.
    assert any(v is None for v in expected[MONTHS[0]].values())
    asks: list[tuple[dict[str, str], tuple[object, object]]] = [
        ({"by": "month,gemeente,soort"}, ("gemeente", "soort")),
        ({"by": "month,gemeente"}, ("gemeente", TOTAL)),
        ({"by": "month,soort"}, (TOTAL, "soort")),
        ({"by": "month"}, (TOTAL, TOTAL)),
        ({"by": "month", "gemeente": DUIVEN}, (DUIVEN, TOTAL)),
        ({"by": "month,gemeente", "soort": "Wegen"}, ("gemeente", "Wegen")),
        ({"by": "month", "gemeente": WESTERVOORT, "soort": "Afval"}, (WESTERVOORT, "Afval")),
    ]
    for params, shape in asks:
        body = _data(public, **params)
        periods = {row["period"] for row in body["rows"]}
        assert periods == set(MONTHS), params  # April is not complete: not published
        for row in body["rows"]:
            key = tuple(row.get(part, part) if isinstance(part, str) else part for part in shape)
            want = expected[row["period"]][key]
            assert row["value"] == want, (params, row)
            assert (row["toelichting"] is None) == (want is not None), row


def test_no_shown_number_is_small_or_unrounded(public: TestClient) -> None:
    body = _data(public, by="month,gemeente,soort")
    shown = [row["value"] for row in body["rows"] if row["value"] is not None]
    assert shown and all(v >= CBS_WMO.threshold and v % CBS_WMO.rounding == 0 for v in shown)
    hidden = [row for row in body["rows"] if row["value"] is None]
    assert {row["toelichting"] for row in hidden} >= {"minder dan 10"}


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"by": "week"}, "alleen per maand"),
        ({"by": "day"}, "alleen per maand"),
        ({"by": "month,buurt"}, "niet naar buurt"),
        ({"by": "month", "buurt": "WK022601"}, "één waarde"),
        ({"by": "month", "soort": "Afval,Wegen"}, "één waarde"),
        ({"by": "month", "gemeente": f"{DUIVEN},{WESTERVOORT}"}, "één gemeente of alle"),
    ],
)
def test_free_queries_that_could_reveal_a_cell_are_refused(
    public: TestClient, params: dict[str, str], words: str
) -> None:
    response = public.get("/api/metrics/personen_test/data", params=params)
    assert response.status_code == 400, response.text
    assert words in response.json()["detail"]
    assert '"rows"' not in response.text


def test_a_date_range_is_widened_to_whole_months(public: TestClient) -> None:
    """Two ranges differing by a day would otherwise give that day's count away."""
    narrow = _data(public, by="month", **{"from": "2024-02-10", "to": "2024-02-11"})
    assert narrow["rows"] == [
        {
            "period": MONTHS[1],
            "value": _expected_table(MONTHS[1])[(TOTAL, TOTAL)],
            "toelichting": None,
        }
    ]


def test_staff_get_exact_counts(project: Path) -> None:
    with TestClient(create_app(project)) as client:
        log_in(client, "analist")
        body = client.get(
            "/api/metrics/personen_test/data", params={"by": "month,gemeente,soort"}
        ).json()
    exact = {(r["gemeente"], r["soort"], r["period"]): r["value"] for r in body["rows"]}
    assert exact[(DUIVEN, "Openbaar groen en water", MONTHS[0])] == 3
    assert "toelichting" not in body["columns"]


def test_downloads_carry_the_same_protected_cells(public: TestClient) -> None:
    params = {"by": "month,gemeente,soort"}
    rows = _data(public, **params)["rows"]
    csv_text = public.get("/api/metrics/personen_test/export.csv", params=params).text
    records = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff")), delimiter=";"))
    assert records[0][-1] == "Toelichting"
    assert len(records) - 1 == len(rows)
    hidden_csv = [r for r in records[1:] if r[-1]]
    assert hidden_csv and all(r[-2] == "" for r in hidden_csv)
    xlsx = public.get("/api/metrics/personen_test/export.xlsx", params=params)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [row[-2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [row["value"] for row in rows]


def test_home_tiles_use_protected_cells(public: TestClient) -> None:
    service: QueryService = public.app.state.queries  # type: ignore[attr-defined]
    tiles = service.latest_values(PUBLIC, "personen_test")
    by_key = {(t["gemeente_code"], t["period"]): t["value"] for t in tiles}
    assert by_key
    for month in MONTHS:
        table = _expected_table(month)
        for code in GEMEENTEN:
            assert by_key.get((code, month)) == table[(code, TOTAL)]


def test_the_public_dashboard_shows_the_protected_table(public: TestClient) -> None:
    page = public.get(
        "/dashboards/personen",
        params={"gemeente": DUIVEN, "van": "2024-01-01", "tot": "2024-03-31", "buurt": "WK022601"},
    )
    assert page.status_code == 200
    html = page.text
    assert "Deze cijfers tellen personen" in html and "per maand" in html
    assert '<td class="num suppressed">minder dan 10</td>' in html
    # Duiven's 3 trees in January: the week chart of a free query would show it.
    assert "by=month%2Csoort" in html and "buurt=" not in html.split("export.csv")[1][:200]
    table = _expected_table(MONTHS[0])
    assert table[(DUIVEN, "Openbaar groen en water")] is None
    assert table[(DUIVEN, "Afval")] is not None
    assert f'<td class="num">{table[(DUIVEN, "Afval")]}</td>' in html


def test_metric_declarations_are_checked() -> None:
    from pydantic import ValidationError

    from koers.metrics.definitions import Metric

    base = {
        "id": "m",
        "title": "M",
        "description": "d",
        "unit": "aantal",
        "mart": "marts.x",
        "date_column": "d",
        "formula": "sum(n)",
        "dimensions": ["gemeente", "wijk"],
        "privacy": "openbaar",
        "owner": "o",
    }
    with pytest.raises(ValidationError, match="moet 'disclosure' opgeven"):
        Metric.model_validate(base)
    with pytest.raises(ValidationError, match="alleen bij een telling"):
        Metric.model_validate({**base, "disclosure": "cbs", "formula": "median(n)"})
    with pytest.raises(ValidationError, match="publication_dimension"):
        Metric.model_validate({**base, "disclosure": "cbs", "publication_dimension": "leeftijd"})
    assert Metric.model_validate({**base, "privacy": "intern"}).disclosure is None
    assert Metric.model_validate({**base, "disclosure": "cbs", "publication_dimension": "wijk"})
