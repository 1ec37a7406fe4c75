"""The Burgerzaken page on the demo: forecast, counter capacity, the 2014 wave, a story
whose numbers link to their queries, all through the query layer (issue 6 point 4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.support.accounts import ensure_account, log_in
from tests.support.chart_tables import assert_table_holds_the_chart

from koers.web.app import create_app


@pytest.fixture(scope="module")
def app(demo_project: Path) -> Iterator[TestClient]:
    ensure_account(demo_project, "burgerzaken-zevenaar", "manager", gemeenten=("GM0299",))
    with TestClient(create_app(demo_project), follow_redirects=False) as client:
        yield client


@pytest.fixture(scope="module")
def staff(demo_project: Path, app: TestClient) -> Iterator[TestClient]:
    with TestClient(app.app, follow_redirects=False) as client:
        log_in(client, "burgerzaken-zevenaar")
        yield client


def test_page_tells_the_story_with_traceable_numbers(staff: TestClient) -> None:
    page = staff.get("/reisdocumenten")
    assert page.status_code == 200, page.text
    html = page.text
    text = re.sub(r"<[^>]+>", "", html)
    assert "verwachten we in Zevenaar" in text
    assert "De drukste week is week" in text and "de balie biedt" in text
    assert "vóór de verloopdatum vernieuwd" in text  # the behaviour learned from the data
    assert 'id="prognose-spec"' in html and 'id="golf-spec"' in html
    links = re.findall(r'<a class="fact" href="([^"]+)"', html)
    assert links, "numbers in the story must link to their query"
    for link in set(links):
        answer = staff.get(link.replace("&amp;", "&"))
        assert answer.status_code == 200, link


def test_story_numbers_equal_the_api(staff: TestClient) -> None:
    weeks = staff.get("/api/tabellen/reisdocumenten_prognose", params={"gemeente": "GM0299"})
    rows = weeks.json()["rows"]
    assert len(rows) == 156
    total = sum(r["verwacht_aanvragen"] for r in rows)
    page = staff.get("/reisdocumenten").text
    from koers.formatting import number

    assert f">{number(total)}</a> aanvragen" in page


def test_public_is_sent_to_log_in(app: TestClient) -> None:
    answer = app.get("/reisdocumenten")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/inloggen")
    assert app.get("/api/tabellen/reisdocumenten_prognose").status_code == 403


def test_the_charts_have_tables_with_their_numbers(staff: TestClient) -> None:
    html = staff.get("/reisdocumenten").text
    assert assert_table_holds_the_chart(html, "golf-spec", "golf-tabel", "quarter") > 0
    weeks = staff.get("/api/tabellen/reisdocumenten_prognose", params={"gemeente": "GM0299"})
    table = re.search(r'<caption id="weken-tabel">.*?</table>', html, re.S)
    assert table
    shown = re.findall(r"<tr><td>(\d{4}-W\d\d)</td>", table.group(0))
    assert shown == [r["iso_week"] for r in weeks.json()["rows"]]
