"""Errors the web server answers itself (an address that does not exist, a method a page does
not take) come in Dutch: a page in the site's layout for a browser, JSON for the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from koers.web.app import create_app


@pytest.fixture(scope="module")
def client(demo_project: Path) -> Iterator[TestClient]:
    with TestClient(create_app(demo_project)) as test_client:
        yield test_client


def _title(html: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", html)
    assert found, html[:300]
    return found.group(1)


@pytest.mark.parametrize("path", ["/bestaat-niet", "/static/koers/bestaat-niet.css"])
def test_an_unknown_page_is_a_dutch_page_with_a_way_back(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in answer.text
    assert _title(answer.text).startswith("Pagina niet gevonden")
    assert "Deze pagina bestaat niet" in answer.text and '<a href="/">' in answer.text
    assert "Not Found" not in answer.text
    assert "default-src 'self'" in answer.headers["content-security-policy"]


def test_a_page_refuses_another_method_in_dutch_and_says_which_it_takes(
    client: TestClient,
) -> None:
    answer = client.post("/")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET"
    assert "kan dat verzoek niet verwerken" in answer.text
    assert "Method Not Allowed" not in answer.text


def test_the_api_answers_unknown_addresses_and_methods_in_dutch_json(client: TestClient) -> None:
    missing = client.get("/api/bestaat-niet")
    assert missing.status_code == 404
    assert missing.json() == {
        "detail": "Dit adres bestaat niet in de API; zie /docs voor de adressen die er zijn."
    }
    wrong = client.delete("/api/metrics")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET"
    assert wrong.json() == {"detail": "Deze methode is op dit adres niet toegestaan."}


def test_a_page_of_the_app_that_finds_nothing_keeps_its_own_message(client: TestClient) -> None:
    answer = client.get("/dashboards/bestaat-niet")
    assert answer.status_code == 404
    assert _title(answer.text).startswith("Pagina niet gevonden")
    assert "Dit dashboard bestaat niet." in answer.text


def test_a_refused_question_reads_as_a_sentence_on_the_page(client: TestClient) -> None:
    answer = client.get("/meldingen/pieken", params={"gemeente": "GM9999"})
    assert answer.status_code == 400
    assert "<p>Onbekende gemeente &#39;GM9999&#39;</p>" in answer.text
    api = client.get("/api/metrics/meldingen_ontvangen/data", params={"gemeente": "GM9999"})
    assert api.status_code == 400 and api.json()["detail"].startswith("onbekende gemeente")


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/api/metrics/bestaat_niet", "onbekende metriek 'bestaat_niet'"),
        ("/api/metrics/bestaat_niet/data", "onbekende metriek 'bestaat_niet'"),
        ("/api/metrics/bestaat_niet/export.parquet", "onbekende metriek 'bestaat_niet'"),
        ("/api/tabellen/bestaat_niet", "onbekende tabel 'bestaat_niet'"),
        ("/api/tabellen/bestaat_niet/export.csv", "onbekende tabel 'bestaat_niet'"),
    ],
)
def test_an_unknown_metric_or_table_is_not_found(client: TestClient, path: str, words: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.json() == {"detail": words}
