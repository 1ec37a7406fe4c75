"""The Wmo/Jeugd waiting list on the demo, and the cases behind it (issue 7 points 2 and 5):
staff see the aggregates; only roles allowed `vertrouwelijk` data of their own gemeente see
the cases, after a purpose, with every view logged with the pseudonyms shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from tests.support.accounts import ensure_account, log_in
from tests.support.chart_tables import assert_table_holds_the_chart

from koers.access.audit import AuditFilter, list_records, verify_chain
from koers.web.app import create_app

WESTERVOORT, DUIVEN = "GM0293", "GM0226"
PURPOSE = "verdelen van de wachtlijst"


@pytest.fixture(scope="module")
def clients(demo_project: Path) -> Iterator[dict[str, TestClient]]:
    ensure_account(demo_project, "wmo-analist", "analist", gemeenten=(WESTERVOORT,))
    ensure_account(demo_project, "wmo-manager", "manager", gemeenten=(WESTERVOORT,))
    app = create_app(demo_project)
    made = {}
    for name in ("publiek", "wmo-analist", "wmo-manager"):
        client = TestClient(app, follow_redirects=False)
        client.__enter__()
        if name != "publiek":
            log_in(client, name)
        made[name] = client
    yield made
    for client in made.values():
        client.__exit__(None, None, None)


def _cell(html: str, label: str) -> str:
    found = re.search(rf"<th scope=\"row\">{label}</th><td class=\"num\">([^<]*)</td>", html)
    assert found, label
    return found.group(1)


def test_waiting_list_numbers_equal_the_api(clients: dict[str, TestClient]) -> None:
    client = clients["wmo-manager"]
    page = client.get("/sociaal-domein/wachtlijst", params={"domein": "Wmo"})
    assert page.status_code == 200, page.text
    html = page.text
    assert "Westervoort, Wmo" in html
    for chart in ("trend", "stroom", "uren"):
        assert f'id="{chart}-spec"' in html
    peil = re.search(r"de stand op (\d\d)-(\d\d)-(\d{4})", html)
    assert peil
    day = f"{peil.group(3)}-{peil.group(2)}-{peil.group(1)}"
    api = client.get(
        "/api/metrics/sociaal_domein_over_termijn/data",
        params={"gemeente": WESTERVOORT, "domein": "Wmo", "from": day, "to": day, "by": ""},
    ).json()["rows"]
    from koers.formatting import number

    assert _cell(html, "Nu over de termijn") == number(api[0]["value"])
    # A manager may not see cases: no drill-down links.
    assert "/sociaal-domein/zaken" not in html
    assert client.get("/sociaal-domein/zaken", params={"doel": PURPOSE}).status_code == 403


def test_public_is_sent_to_log_in(clients: dict[str, TestClient]) -> None:
    answer = clients["publiek"].get("/sociaal-domein/wachtlijst")
    assert answer.status_code == 303 and "/inloggen" in answer.headers["location"]


def _api_total(client: TestClient, metric: str, day: str) -> float:
    rows = client.get(
        f"/api/metrics/{metric}/data",
        params={"gemeente": WESTERVOORT, "from": day, "to": day, "by": ""},
    ).json()["rows"]
    return float(rows[0]["value"] or 0) if rows else 0.0


def test_cases_need_a_purpose_stay_home_and_are_logged(clients: dict[str, TestClient]) -> None:
    client = clients["wmo-analist"]
    page = client.get("/sociaal-domein/wachtlijst")
    assert re.search(r'href="/sociaal-domein/zaken\?[^"]*termijn_status=overschreden', page.text)
    link = re.search(r'href="(/sociaal-domein/zaken\?gemeente=GM0293)"', page.text)
    assert link, "the link to all open cases"
    url = link.group(1)
    store = client.app.state.access_store  # type: ignore[attr-defined]
    before = len(list_records(store, AuditFilter(object="sociaal_domein_zaken"), limit=1000))
    first = client.get(url)
    assert first.status_code == 200 and 'id="zaken"' not in first.text  # purpose first
    assert (
        len(list_records(store, AuditFilter(object="sociaal_domein_zaken"), limit=1000)) == before
    )
    shown = client.get(url + "&" + urlencode({"doel": PURPOSE}))
    assert shown.status_code == 200 and 'id="zaken"' in shown.text
    pseudonyms = set(re.findall(r'<code title="([0-9a-f]{64})">', shown.text))
    statuses = re.findall(
        r"<td>(overschreden|binnen termijn|opgeschort|geen termijn)</td>", shown.text
    )
    # The cases behind the number are exactly the number: open and past the term.
    peil = re.search(r"de stand op (\d\d)-(\d\d)-(\d{4})", page.text)
    assert peil
    day = f"{peil.group(3)}-{peil.group(2)}-{peil.group(1)}"
    assert len(statuses) == _api_total(client, "sociaal_domein_open", day) > 0
    assert statuses.count("overschreden") == _api_total(client, "sociaal_domein_over_termijn", day)
    record = list_records(store, AuditFilter(object="sociaal_domein_zaken"), limit=1)[0]
    assert record.purpose == PURPOSE and set(record.rows) == pseudonyms and pseudonyms
    assert verify_chain(store).ok
    other = client.get("/sociaal-domein/zaken", params={"gemeente": DUIVEN, "doel": PURPOSE})
    assert other.status_code == 403 and 'id="zaken"' not in other.text


@pytest.mark.parametrize(
    ("code", "naam"), [("GM0226", "Duiven"), ("GM0293", "Westervoort"), ("GM0299", "Zevenaar")]
)
def test_waiting_list_works_for_all_three_gemeenten(
    clients: dict[str, TestClient], code: str, naam: str
) -> None:
    page = clients["wmo-manager"].get("/sociaal-domein/wachtlijst", params={"gemeente": code})
    assert page.status_code == 200
    assert f"{naam}: de stand op" in page.text
    assert re.search(r'<th scope="row">Openstaand</th><td class="num">[1-9]', page.text)


@pytest.mark.parametrize(
    ("chart", "grain"), [("trend", "week"), ("stroom", "week"), ("uren", "month")]
)
def test_every_chart_has_a_table_with_its_numbers(
    clients: dict[str, TestClient], chart: str, grain: str
) -> None:
    html = clients["wmo-manager"].get("/sociaal-domein/wachtlijst").text
    assert assert_table_holds_the_chart(html, f"{chart}-spec", f"{chart}-tabel", grain) > 0
