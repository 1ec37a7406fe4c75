"""The meldingen analysis page on the demo: peaks with where, why and how sure, a story,
and the next 8 weeks, all through the query layer; public (it counts reports, not people)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.support.chart_tables import assert_table_holds_the_chart

from koers.web.app import create_app


@pytest.fixture(scope="module")
def client(demo_project: Path) -> Iterator[TestClient]:
    with TestClient(create_app(demo_project)) as test_client:
        yield test_client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_peaks_page_shows_the_story_table_and_forecast(client: TestClient) -> None:
    page = client.get("/meldingen/pieken", params={"van": "2025-01-01", "tot": "2026-11-22"})
    assert page.status_code == 200, page.text
    peaks = client.get(
        "/api/tabellen/meldingen_pieken", params={"from": "2025-01-01", "to": "2026-11-22"}
    ).json()["rows"]
    assert peaks, "the demo has planted peaks in this period"
    text = _text(page.text)
    biggest = max(peaks, key=lambda p: p["extra"])
    assert biggest["zin"] in page.text  # the story opens with the biggest peak
    assert f"Alle pieken ({len(peaks)})" in text
    assert 'id="pieken-spec"' in page.text and 'id="prognose-spec"' in page.text
    backtest = client.get("/api/tabellen/meldingen_backtest").json()["rows"]
    if backtest:
        assert "Hoe goed was deze prognose eerder?" in text
    else:  # the e2e demo has two years: too short to look back on
        assert "is nog niet te zeggen" in text
    for link in re.findall(r'href="(/api/[^"]+)"', page.text):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_choosing_gemeente_and_category_shows_intervals_per_wijk(client: TestClient) -> None:
    forecast = client.get("/api/tabellen/meldingen_prognose", params={"gemeente": "GM0299"}).json()[
        "rows"
    ]
    category = forecast[0]["category"]
    page = client.get("/meldingen/pieken", params={"gemeente": "GM0299", "category": category})
    assert page.status_code == 200
    assert f"Verwachte meldingen {category} per wijk en week, met het 80%-interval" in page.text
    wijken = {r["wijk_name"] for r in forecast if r["category"] == category}
    assert all(f'<th scope="row">{w}</th>' in page.text for w in wijken)


def test_unknown_gemeente_is_a_clear_error(client: TestClient) -> None:
    answer = client.get("/meldingen/pieken", params={"gemeente": "GM9999"})
    assert answer.status_code == 400 and "Onbekende gemeente" in answer.text


def test_the_weekly_chart_has_a_table_with_its_numbers(client: TestClient) -> None:
    html = client.get("/meldingen/pieken", params={"gemeente": "GM0226"}).text
    assert assert_table_holds_the_chart(html, "pieken-spec", "weken-tabel", "week") > 40
