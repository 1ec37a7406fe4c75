"""The sociaal-domein council report end to end on a demo: CLI, HTML, PDF, every number vs the API.

One demo for the module, made as a user makes it (``koers demo``), then ``koers report``. The
numbers and the HTML are checked apart from the PDF; the PDF is checked by its page images and
its text (docs/reports.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.support.demo import koers, query_service

from koers.reports.council.build import make_report
from koers.reports.council.document import Figure, ReportDocument, Table
from koers.reports.council.html import figure_html
from koers.web.app import create_app

pytestmark = pytest.mark.slow

DUIVEN = "GM0226"
PERIOD = "2025-Q3"
SECTIONS = ("Cliënten per productcategorie", "Cliënten per leeftijdsgroep", "Voorzieningen",
            "Kosten en begroting", "Wachttijden en termijnen", "Verantwoording")  # fmt: skip


@pytest.fixture(scope="module")
def demo(report_demo: Path) -> Path:
    """The session's report demo (tests/reports/conftest.py)."""
    return report_demo


def _report(demo: Path, out: Path, *extra: str) -> None:
    result = koers("report", "sociaal-domein", "-p", str(demo), "--period", PERIOD,
                   "--gemeente", DUIVEN, "--out", str(out), *extra)  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.fixture(scope="module")
def html(demo: Path) -> str:
    out = demo / "sociaal.html"
    _report(demo, out, "--format", "html")
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf(demo: Path) -> Path:
    out = demo / "sociaal.pdf"
    _report(demo, out, "--format", "pdf")
    return out


@pytest.fixture(scope="module")
def document(demo: Path) -> ReportDocument:
    return make_report(demo, "sociaal-domein", PERIOD, DUIVEN)


@pytest.fixture(scope="module")
def api(demo: Path) -> Iterator[TestClient]:
    with TestClient(create_app(demo)) as client:  # anonymous: the public, as the report asks
        yield client


def test_html_has_title_summary_all_sections_and_svg_charts(html: str) -> None:
    assert 'id="titel"' in html and 'id="samenvatting"' in html
    assert "Sociaal domein: Wmo en Jeugd" in html and "Duiven (GM0226)" in html
    for title in SECTIONS:
        assert f"<h2>{title}</h2>" in html, title
    assert html.count("<svg") >= 5
    assert "<script" not in html.lower()
    # The legal terms are named in the waiting-time section.
    assert "art. 2.3.2" in html and "art. 2.3.5" in html and "4:13" in html


def test_pdf_renders_title_summary_and_detail_pages(pdf: Path, document: ReportDocument) -> None:
    import pypdfium2

    pages = pypdfium2.PdfDocument(pdf)
    assert len(pages) >= 3
    texts = [" ".join(p.get_textpage().get_text_range().split()) for p in pages]
    assert "Sociaal domein" in texts[0] and "Duiven" in texts[0] and "Pagina" not in texts[0]
    assert "Samenvatting" in texts[1] and "Pagina 2 van" in texts[1]
    for index, page in enumerate(pages):
        pixels = page.render(scale=0.5).to_numpy()
        assert float(np.mean(pixels.min(axis=2) < 200)) > 0.002, f"pagina {index + 1} is leeg"
    # The summary page holds every key figure and every narrative sentence.
    for key in document.summary.key_figures:
        for figure in (key.current, key.previous, key.change):
            assert figure.text in texts[1], (key.label, figure.text)
    for sentence in document.summary.sentences:
        assert " ".join(sentence.text.split()) in texts[1]
    assert len(document.summary.sentences) >= 3
    everything = " ".join(texts)
    for title in SECTIONS:
        assert title in everything


def test_pdf_is_tagged_in_dutch_with_a_bookmark_per_section(pdf: Path) -> None:
    """A screen reader needs the structure tree and the language; a reader the bookmarks."""
    import pypdfium2

    raw = pdf.read_bytes()
    assert b"/StructTreeRoot" in raw and b"/MarkInfo" in raw
    assert re.search(rb"/Lang\s*\(nl", raw)
    bookmarks = [b.get_title() for b in pypdfium2.PdfDocument(pdf).get_toc()]
    assert bookmarks[:2] == ["Sociaal domein: Wmo en Jeugd", "Samenvatting"]
    for title in SECTIONS:
        assert title in bookmarks, title


def _api_rows(api: TestClient, url: str, cache: dict[str, Any]) -> list[dict[str, Any]]:
    if url not in cache:
        response = api.get(url)
        assert response.status_code == 200, (url, response.text)
        cache[url] = response.json()["rows"]
    rows: list[dict[str, Any]] = cache[url]
    return rows


def _check(figure: Figure, api: TestClient, cache: dict[str, Any]) -> int:
    """Measured figures equal their API row; derived ones (and averages) recompute."""
    if figure.question is not None:
        picked = [r for r in _api_rows(api, figure.question.url, cache)
                  if all(str(r.get(k)) == v for k, v in figure.question.row)]  # fmt: skip
        assert len(picked) == 1, figure.question
        assert picked[0]["value"] == figure.value, figure.question
        if figure.value is None:
            assert figure.reason and picked[0]["toelichting"] == figure.reason
        return 1
    a, b = (part.value for part in figure.inputs)
    checked = sum(_check(part, api, cache) for part in figure.inputs)
    if a is None or b is None:
        assert figure.value is None and figure.reason == "invoer verborgen", figure
        return checked
    expected = {
        "verandering_procent": (a / b - 1) * 100,
        "verschil": a - b,
        "per_1000": a / b * 1000,
        "None": a / b,  # an average: the sum of waiting days over the number of decisions
    }[str(figure.derivation)]
    assert figure.value == pytest.approx(expected, rel=1e-12)
    return checked


def test_every_number_equals_the_api_answer_to_its_question(
    document: ReportDocument, api: TestClient
) -> None:
    cache: dict[str, Any] = {}
    figures = list(document.figures())
    assert len(figures) > 100
    assert sum(_check(f, api, cache) for f in figures) > 100
    urls = {q.url.split("?")[0] for q in document.questions()}
    for metric in ("sociaal_domein_clienten", "sociaal_domein_clienten_leeftijd",
                   "sociaal_domein_voorzieningen", "sociaal_domein_beschikkingen",
                   "sociaal_domein_wachtdagen", "sociaal_domein_beschikkingen_te_laat",
                   "sociaal_domein_lasten_begroting", "sociaal_domein_lasten_realisatie",
                   "inwoners", "sociaal_domein_inwoners_leeftijd"):  # fmt: skip
        assert f"/api/metrics/{metric}/data" in urls, metric
    for question in document.questions():
        assert api.get(question.url).status_code == 200


def test_counts_of_people_are_protected_and_hidden_cells_show_why(
    document: ReportDocument, html: str
) -> None:
    counted = [f for f in document.figures()
               if f.question and f.question.metric_id.startswith("sociaal_domein_")
               and "lasten" not in f.question.metric_id]  # fmt: skip
    shown = [f.value for f in counted if f.value is not None]
    hidden = [f for f in counted if f.value is None]
    assert shown and all(v % 5 == 0 and v >= 10 for v in shown)
    # The demo has small groups (jeugdreclassering, late decisions): some cells are hidden.
    assert hidden
    for figure in hidden:
        assert figure.reason in ("minder dan 10", "afgeschermd om een ander getal te beschermen")
        assert figure.text == "verborgen"
        rendered = str(figure_html(figure))
        assert f"verborgen <small>({figure.reason})</small>" in rendered
        assert rendered in html
    # No number in a table or sentence is printed as 0 (charts leave hidden values out).
    assert not re.search(r'class="getal"[^>]*>0<', html)


def test_a_rate_or_average_with_a_hidden_part_is_hidden(document: ReportDocument) -> None:
    derived = [f for f in document.figures() if f.question is None and f.inputs]
    with_hidden_part = [f for f in derived if any(p.value is None for p in f.inputs)]
    assert with_hidden_part, "the demo should have a ratio resting on a hidden count"
    for figure in with_hidden_part:
        assert figure.value is None and figure.reason == "invoer verborgen"
    rates = [f for f in derived if f.derivation == "per_1000"]
    assert any(f.value is not None for f in rates)
    assert any(f.value is None for f in rates)


def test_the_summary_names_duiven_and_the_change_against_last_year(
    document: ReportDocument,
) -> None:
    labels = [k.label for k in document.summary.key_figures]
    assert "Cliënten per 1.000 inwoners" in labels and "Beschikkingen" in labels
    first = document.summary.sentences[0].text
    assert "Duiven" in first and re.search(r"\d+,\d per 1\.000 inwoners", first)
    assert "een jaar eerder" in first


@pytest.mark.parametrize("gemeente", ["GM0293", "GM0299"])
def test_the_report_works_for_the_other_gemeenten_too(
    demo: Path, api: TestClient, gemeente: str
) -> None:
    """Issue 7: the report works for all three municipalities (Duiven is checked above)."""
    document = make_report(demo, "sociaal-domein", PERIOD, gemeente)
    cache: dict[str, Any] = {}
    figures = list(document.figures())
    assert sum(_check(f, api, cache) for f in figures) > 100
    naam = {"GM0293": "Westervoort", "GM0299": "Zevenaar"}[gemeente]
    assert naam in " ".join(s.text for s in document.summary.sentences)


def test_a_rate_per_age_group_divides_by_the_inhabitants_of_that_group(
    document: ReportDocument,
) -> None:
    """Issue 7: "per 1,000 inhabitants by age band" means inhabitants of the same age band."""
    section = next(s for s in document.sections if s.title == "Cliënten per leeftijdsgroep")
    table = next(b for b in section.blocks if isinstance(b, Table))
    checked = 0
    for row in table.rows:
        rates = [c for c in row.cells if isinstance(c, Figure) and c.derivation == "per_1000"]
        assert len(rates) == 3, row.label  # the three gemeenten side by side
        for rate in rates:
            clients, inhabitants = rate.inputs
            assert inhabitants.question is not None
            if row.label.startswith("Totaal"):
                assert inhabitants.question.metric_id == "inwoners"
                continue
            assert inhabitants.question.metric_id == "sociaal_domein_inwoners_leeftijd"
            assert dict(inhabitants.question.row)["leeftijdsgroep"] == row.label
            assert clients.question and dict(clients.question.row)["leeftijdsgroep"] == row.label
            checked += 1
    assert checked == 15
    assert "15 tot 20 jaar is verdeeld" in table.note and "schatting" in table.note
    # The group of the oldest, compared to all ages, is many times larger per 1.000.
    oud = next(r for r in table.rows if r.label == "85 jaar of ouder").cells[2]
    totaal = next(r for r in table.rows if r.label.startswith("Totaal")).cells[2]
    assert isinstance(oud, Figure) and isinstance(totaal, Figure)
    assert oud.value is not None and totaal.value is not None and oud.value > 4 * totaal.value


def test_the_age_group_denominators_are_the_cbs_bands_summed_exactly_once(demo: Path) -> None:
    """Whole bands add up exactly; the band 15 tot 20 is split 3:2 in whole people; every
    gemeente's groups add up to its inhabitants (staff see the exact, unrounded counts)."""
    with query_service(demo) as service:
        warehouse = service.warehouse
        groups = warehouse.query(
            "SELECT gemeente_code, leeftijdsgroep, inwoners, geschat "
            "FROM marts.sociaal_domein_inwoners_kwartaal WHERE kwartaal_einde = DATE '2025-09-30'"
        ).rows
        bands = dict(
            ((g, band), n)
            for g, band, n in warehouse.query(
                "SELECT gemeente_code, leeftijdsklasse, inwoners FROM marts.bevolking_dag "
                "WHERE datum = DATE '2025-09-30'"
            ).rows
        )
    assert len(groups) == 15
    by = {(g, group): (n, geschat) for g, group, n, geschat in groups}
    for gemeente in ("GM0226", "GM0293", "GM0299"):

        def band(label: str, gemeente: str = gemeente) -> int:
            return int(bands[(gemeente, label)])

        total = sum(n for (g, _), n in bands.items() if g == gemeente)
        assert sum(n for (g, _), (n, _) in by.items() if g == gemeente) == total
        assert by[(gemeente, "65 tot 75 jaar")] == (
            band("65 tot 70 jaar") + band("70 tot 75 jaar"),
            False,
        )
        assert by[(gemeente, "85 jaar of ouder")] == (
            band("85 tot 90 jaar") + band("90 tot 95 jaar") + band("95 jaar of ouder"),
            False,
        )
        young, geschat = by[(gemeente, "0 tot 18 jaar")]
        whole = band("0 tot 5 jaar") + band("5 tot 10 jaar") + band("10 tot 15 jaar")
        assert geschat and abs(young - whole - 0.6 * band("15 tot 20 jaar")) <= 0.5
        assert by[(gemeente, "18 tot 65 jaar")][1]
