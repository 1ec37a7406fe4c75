"""The council report end to end on a demo project: CLI, HTML, PDF, and every number vs the API.

Made the way a user makes it (``koers demo``, then ``koers report``). The HTML and the numbers
are checked apart from the PDF bytes; then the PDF is checked by its pages as images and its
text (docs/reports.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.support.demo import koers

from koers.reports.council.build import make_report
from koers.reports.council.document import Figure, ReportDocument
from koers.web.app import create_app

pytestmark = pytest.mark.slow

DUIVEN = "GM0226"
PERIOD = "2025-Q3"


@pytest.fixture(scope="module")
def demo(report_demo: Path) -> Path:
    """The session's report demo (tests/reports/conftest.py)."""
    return report_demo


def _report(demo: Path, out: Path, *extra: str) -> str:
    result = koers(
        "report", "meldingen", "-p", str(demo), "--period", PERIOD, "--gemeente", DUIVEN,
        "--out", str(out), *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


@pytest.fixture(scope="module")
def html(demo: Path) -> str:
    out = demo / "rapport.html"
    _report(demo, out, "--format", "html")
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf(demo: Path) -> Path:
    out = demo / "rapport.pdf"
    _report(demo, out)  # the format follows the extension
    return out


@pytest.fixture(scope="module")
def document(demo: Path) -> ReportDocument:
    return make_report(demo, "meldingen", PERIOD, DUIVEN)


@pytest.fixture(scope="module")
def api(demo: Path) -> Iterator[TestClient]:
    with TestClient(create_app(demo)) as client:  # anonymous: the public, as the report asks
        yield client


def test_html_is_one_self_contained_file_with_title_summary_sections_and_charts(
    html: str,
) -> None:
    assert 'id="titel"' in html and 'id="samenvatting"' in html
    assert "Meldingen openbare ruimte" in html and "Duiven (GM0226)" in html
    assert "Derde kwartaal 2025" in html and "Bron: Koers" in html
    for title in ("De gemeenten naast elkaar", "Ontwikkeling per maand", "Per categorie in Duiven",
                  "Verantwoording"):  # fmt: skip
        assert f"<h2>{title}</h2>" in html
    assert html.count("<svg") >= 4
    # Self-contained and static: no scripts, no files or fonts fetched from elsewhere.
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:|//|file:)""", html)
    assert "<link" not in html.lower()
    # Charts are in Dutch: thousands with a dot on the axis of received meldingen.
    assert re.search(r">\d\.\d{3}<", html)


def test_pdf_has_a_title_page_a_summary_and_detail_pages_that_all_render(pdf: Path) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    assert len(document) >= 3
    texts = [page.get_textpage().get_text_range() for page in document]
    assert "Meldingen openbare ruimte" in texts[0] and "Duiven" in texts[0]
    assert "Pagina" not in texts[0]  # no page number on the title page
    assert "Samenvatting" in texts[1] and "Pagina 2 van" in texts[1]
    assert "De gemeenten naast elkaar" in texts[2]
    for index, page in enumerate(document):
        pixels = page.render(scale=0.5).to_numpy()
        inked = float(np.mean(pixels.min(axis=2) < 200))
        assert inked > 0.002, f"pagina {index + 1} is leeg"
    # Detail pages carry charts: far more ink than text alone.
    assert max(float(np.mean(p.render(scale=0.5).to_numpy().min(axis=2) < 200))
               for p in document) > 0.03  # fmt: skip


def test_pdf_text_holds_the_key_numbers(pdf: Path, document: ReportDocument) -> None:
    import pypdfium2

    text = " ".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf)).replace(
        "\r\n", " "
    )
    for key in document.summary.key_figures:
        assert key.current.value is not None
        for figure in (key.current, key.previous, key.change):
            assert figure.text in text, (key.label, figure.text)
    for sentence in document.summary.sentences:
        assert " ".join(sentence.text.split()) in " ".join(text.split())


def _api_rows(api: TestClient, url: str, cache: dict[str, Any]) -> list[dict[str, Any]]:
    if url not in cache:
        response = api.get(url)
        assert response.status_code == 200, (url, response.text)
        cache[url] = response.json()["rows"]
    rows: list[dict[str, Any]] = cache[url]
    return rows


def _check(figure: Figure, api: TestClient, cache: dict[str, Any]) -> int:
    """Measured figures equal their API row; derived ones recompute from their inputs."""
    if figure.question is not None:
        picked = [
            r for r in _api_rows(api, figure.question.url, cache)
            if all(str(r.get(k)) == v for k, v in figure.question.row)
        ]  # fmt: skip
        if figure.value is None:
            assert not picked or picked[0]["value"] is None, figure
            if picked:
                assert picked[0].get("toelichting") == figure.reason
        else:
            assert len(picked) == 1, figure.question
            assert picked[0]["value"] == figure.value, (figure.question.url, figure.question.row)
        return 1
    a, b = (part.value for part in figure.inputs)
    checked = sum(_check(part, api, cache) for part in figure.inputs)
    if a is None or b is None:
        assert figure.value is None and figure.reason
        return checked
    expected = {
        "verandering_procent": (a / b - 1) * 100,
        "verschil": a - b,
        "per_1000": a / b * 1000,
    }[str(figure.derivation)]
    assert figure.value == pytest.approx(expected, rel=1e-12)
    return checked


def test_every_number_equals_the_api_answer_to_its_question(
    document: ReportDocument, api: TestClient
) -> None:
    cache: dict[str, Any] = {}
    figures = list(document.figures())
    assert len(figures) > 50
    checked = sum(_check(f, api, cache) for f in figures)
    assert checked > 40
    # The rate per 1.000 inwoners rests on the new bevolking metric, asked as the public.
    assert any("/api/metrics/inwoners/data" in q.url for q in document.questions())
    # Chart questions are answered by the API too.
    for question in document.questions():
        assert api.get(question.url).status_code == 200


def test_the_html_numbers_are_the_documents_numbers(html: str, document: ReportDocument) -> None:
    urls = {q.url for q in document.questions()}
    traced = set(re.findall(r'data-api="([^"]+)"', html))
    parts = {part for item in traced for part in item.replace("&amp;", "&").split(" ; ") if part}
    assert parts and parts <= urls
    for section in document.sections:
        for block in section.blocks:
            for row in getattr(block, "rows", ()):
                for cell in row.cells:
                    if isinstance(cell, Figure):
                        assert f">{cell.text}<" in html


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--period", "2025-Q5", "--gemeente", DUIVEN],
            "een jaar heeft de kwartalen Q1 tot en met Q4",
        ),
        (["--period", "juli", "--gemeente", DUIVEN], "is geen kwartaal"),
        (["--period", "2026-Q1", "--gemeente", DUIVEN], "geen volledige gegevens"),
        (["--period", "2023-Q2", "--gemeente", DUIVEN], "geen volledige gegevens"),
        (["--period", PERIOD, "--gemeente", "GM9999"], "is geen gemeente van dit project"),
        (["--period", PERIOD, "--gemeente", DUIVEN, "--format", "docx"], "kies pdf of html"),
    ],
)
def test_wrong_requests_fail_with_one_dutch_line(demo: Path, args: list[str], words: str) -> None:
    out = demo / "fout.html"
    result = koers("report", "meldingen", "-p", str(demo), "--out", str(out), *args)
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("fout: ") and words in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_an_unknown_report_names_the_known_ones(demo: Path) -> None:
    result = koers("report", "bestaat-niet", "-p", str(demo), "--period", PERIOD,
                   "--gemeente", DUIVEN, "--out", str(demo / "x.pdf"))  # fmt: skip
    assert result.returncode == 2
    assert "onbekend rapport 'bestaat-niet'" in result.stderr and "meldingen" in result.stderr


def test_inwoners_per_gemeente_and_year_match_the_demo_population(
    demo: Path, api: TestClient
) -> None:
    truth = json.loads((demo / "grondwaarheid" / "bevolking.json").read_text(encoding="utf-8"))
    totals = {(t["gemeente_code"], t["jaar"]): t["inwoners"] for t in truth["totalen"]}
    # Staff see exact counts: the stock of a year is its 1 January count.
    from koers.config import load_project
    from koers.engine import connect
    from koers.metrics.query import QueryService
    from koers.metrics.request import Grain, MetricRequest
    from koers.packs import load_packs
    from koers.privacy.access import SYSTEM

    project = load_project(demo)
    with connect(project, read_only=True) as warehouse:
        queries = QueryService(project, warehouse, load_packs(project.packs, project.dir))
        exact = queries.data(
            SYSTEM, MetricRequest("inwoners", grain=Grain.YEAR, dimensions=("gemeente",))
        ).rows
        bands = queries.data(
            SYSTEM,
            MetricRequest("inwoners", grain=Grain.YEAR, dimensions=("gemeente", "leeftijdsklasse")),
        ).rows
    assert {(r["gemeente"], int(r["period"][:4])): r["value"] for r in exact} == totals
    assert len({r["leeftijdsklasse"] for r in bands}) == 20
    # The public gets the same counts through disclosure control: rounded to fives.
    public = api.get("/api/metrics/inwoners/data", params={"by": "quarter,gemeente"}).json()
    for row in public["rows"]:
        true = totals[(row["gemeente"], int(row["period"][:4]))]
        assert row["value"] % 5 == 0 and abs(row["value"] - true) <= 2.5
    refused = api.get("/api/metrics/inwoners/data", params={"by": "month,gemeente"})
    assert refused.status_code == 400 and "kwartaal" in refused.json()["detail"]
