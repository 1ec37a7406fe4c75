"""The Beheer page and the XLSX export, against the demo project and a small hostile one."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from tests.helpers import drop_file, write_project
from tests.support.accounts import client_as, log_in
from tests.support.demo import koers

from koers.config import load_project
from koers.engine import connect
from koers.ingestion.ledger import QUARANTINE_SCHEMA, QUARANTINE_TABLE
from koers.web.app import create_app

DUTCH_MOMENT = re.compile(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}")
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def client(demo_project: Path) -> Iterator[TestClient]:
    with TestClient(create_app(demo_project)) as test_client:
        log_in(test_client, "beheerder")
        yield test_client


def test_beheer_is_for_the_beheerder_role_only(demo_project: Path) -> None:
    with TestClient(create_app(demo_project)) as anonymous:
        for path in ("/beheer", "/beheer/quarantaine.csv"):
            answer = anonymous.get(path, follow_redirects=False)
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/inloggen?volgende=")
    with TestClient(create_app(demo_project)) as analist:
        log_in(analist, "analist-gm0226")
        for path in ("/beheer", "/beheer/quarantaine.csv"):
            answer = analist.get(path)
            assert answer.status_code == 403
            assert "meldingen_GM0" not in answer.text


def _planted_bad_rows(demo_project: Path, code: str | None = None) -> int:
    truth = json.loads((demo_project / "grondwaarheid" / "meldingen.json").read_text())
    return sum(
        len(rows)
        for name, rows in truth["malformed_rows"].items()
        if code is None or f"_{code}_" in name
    )


def test_beheer_lists_runs_loads_and_quarantine(client: TestClient, demo_project: Path) -> None:
    page = client.get("/beheer")
    assert page.status_code == 200
    text = page.text
    assert '<a href="/beheer">Beheer</a>' in text
    assert "Alleen voor de rol beheerder" in text
    assert "geslaagd" in text  # the demo's run
    for source, code in (("meldingen_duiven", "GM0226"), ("meldingen_zevenaar", "GM0299")):
        # Many sources deliver many files: the page filtered by source lists all of its own.
        filtered = client.get("/beheer", params={"bron": source}).text
        assert f"uit bron {source}, nieuwste eerst" in filtered
        for export in (demo_project / "bronnen" / "meldingen" / code).glob("*.csv"):
            assert export.name in filtered
        assert "meldingen_GM0293_" not in filtered
    assert DUTCH_MOMENT.search(text)
    assert "meldingen v" in text and "bewaard" in text
    total = _planted_bad_rows(demo_project)
    assert 0 < total <= 100
    assert f"Rij 1 tot en met {total} van {total} apart gezette rij(en)" in text
    assert "Pagina 1 van 1" in text


def test_quarantine_filters_by_source(client: TestClient, demo_project: Path) -> None:
    page = client.get("/beheer", params={"bron": "meldingen_westervoort"})
    assert page.status_code == 200
    body = page.text.split('id="quarantaine-tabel"', 1)[1].split("</table>", 1)[0]
    sources = re.findall(r"<tr><td>([a-z_]+)</td>", body)
    assert sources and set(sources) == {"meldingen_westervoort"}
    expected = _planted_bad_rows(demo_project, "GM0293")
    assert f"van {expected} apart gezette rij(en) uit bron meldingen_westervoort" in page.text
    assert 'href="/beheer/quarantaine.csv?bron=meldingen_westervoort"' in page.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bron": "meldingen_elders"}, "Onbekende bron &#39;meldingen_elders&#39;"),
        ({"pagina": "twee"}, "&#39;pagina&#39; moet een geheel getal"),
    ],
)
def test_bad_parameters_get_a_dutch_reason(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    response = client.get("/beheer", params=params)
    assert response.status_code == 400
    assert message in response.text


def test_quarantine_downloads_as_dutch_csv(client: TestClient, demo_project: Path) -> None:
    response = client.get("/beheer/quarantaine.csv", params={"bron": "meldingen_duiven"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "quarantaine_meldingen_duiven.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content[3:].decode("utf-8")), delimiter=";"))
    assert rows[0] == ["Bron", "Bestand", "Rij", "Kolom", "Waarde", "Reden"]
    assert len(rows) - 1 == _planted_bad_rows(demo_project, "GM0226")
    assert {r[0] for r in rows[1:]} == {"meldingen_duiven"}


def test_lineage_of_a_mart_names_the_demo_files(client: TestClient, demo_project: Path) -> None:
    page = client.get("/beheer", params={"tabel": "marts.meldingen_dag"})
    assert page.status_code == 200
    table = page.text.split('id="herkomst-tabel"', 1)[1].split("</table>", 1)[0]
    exports = sorted(p.name for p in (demo_project / "bronnen" / "meldingen").glob("*/*.csv"))
    assert exports and all(name in table for name in exports)
    assert '<option value="marts.meldingen_dag" selected>' in page.text

    unknown = client.get("/beheer", params={"tabel": "marts.bestaat_niet"})
    assert unknown.status_code == 200
    assert "Onbekende tabel &#39;marts.bestaat_niet&#39;" in unknown.text


def test_xlsx_export_holds_the_numbers_of_the_csv(client: TestClient) -> None:
    params = {"by": "month,gemeente", "from": "2025-01-01", "to": "2025-03-31"}
    url = "/api/metrics/meldingen_afhandeltijd_mediaan/export"
    xlsx = client.get(f"{url}.xlsx", params=params)
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Periode", "Gemeente", "Mediane afhandeltijd"]
    assert rows[1][0] == datetime(2025, 1, 1) and sheet["A2"].number_format == "dd-mm-yyyy"
    api = client.get(f"{url.removesuffix('/export')}/data", params=params).json()["rows"]
    assert [r[2] for r in rows[1:]] == pytest.approx([r["value"] for r in api])
    assert client.get(f"{url}.xlsx", params={"gemeente": "GM9999"}).status_code == 400


def test_dashboard_offers_the_xlsx_next_to_the_csv(client: TestClient) -> None:
    page = client.get("/dashboards/meldingen").text
    csv_link = page.index("Download CSV (Excel)")
    assert "/export.xlsx?" in page and page.index("Download XLSX (Excel)") > csv_link


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small project whose quarantine holds markup and a formula, as a delivery could, and
    enough rows to need three pages."""
    folder = write_project(tmp_path_factory.mktemp("vijandig"))
    drop_file(folder, "GM0226", "GM0226_klein.csv")
    result = koers("run", cwd=folder)
    assert result.returncode == 0, result.stderr
    source = "meldingen_gm0226"
    filler = [("x", source, "c.csv", n, "datum", "1-1", "geen datum") for n in range(1, 201)]
    with connect(load_project(folder)) as warehouse:
        warehouse.insert_rows(
            QUARANTINE_TABLE,
            list(QUARANTINE_SCHEMA),
            [
                ("x", source, f"{SCRIPT}.csv", 7, "omschrijving", SCRIPT, SCRIPT),
                ("x", source, "b.csv", 8, "categorie", '=HYPERLINK("x")', "test"),
                *filler,
            ],
        )
    return folder


def test_values_from_deliveries_are_escaped(hostile_project: Path) -> None:
    with client_as(hostile_project, "beheerder", "beheerder") as client:
        page = client.get("/beheer", params={"bron": "meldingen_gm0226"})
        download = client.get("/beheer/quarantaine.csv")
    assert page.status_code == 200
    assert SCRIPT not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert '\'=HYPERLINK(""x"")' in download.content.decode("utf-8")


def test_quarantine_pages_keep_the_filter(hostile_project: Path) -> None:
    with client_as(hostile_project, "beheerder", "beheerder") as client:
        first = client.get("/beheer", params={"bron": "meldingen_gm0226"})
        second = client.get("/beheer", params={"bron": "meldingen_gm0226", "pagina": "2"})
        beyond = client.get("/beheer", params={"pagina": "99"})
    found = re.search(r"van (\d+) apart gezette rij", first.text)
    assert found
    total = int(found.group(1))
    pages = -(-total // 100)
    assert total > 200 and f"Pagina 1 van {pages}" in first.text
    assert 'href="/beheer?bron=meldingen_gm0226&amp;pagina=2#quarantaine"' in first.text
    assert "Rij 101 tot en met 200" in second.text and 'rel="prev"' in second.text
    assert f"Pagina {pages} van {pages}" in beyond.text and 'rel="next"' not in beyond.text


def test_a_fresh_warehouse_says_nothing_was_loaded(tmp_path: Path) -> None:
    folder = write_project(tmp_path)
    connect(load_project(folder)).close()  # an empty warehouse file, no tables yet
    with client_as(folder, "beheerder", "beheerder") as client:
        page = client.get("/beheer")
        download = client.get("/beheer/quarantaine.csv")
    assert page.status_code == 200
    assert "Nog niets geladen" in page.text and "Nog niets gebouwd" in page.text
    assert download.status_code == 200
