"""The JSON API against the demo project, through FastAPI's test client."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.support.parquet import read_parquet

from koers.access.audit import AuditFilter, count_records, list_records, verify_chain
from koers.web.app import create_app


@pytest.fixture(scope="module")
def client(demo_project: Path) -> Iterator[TestClient]:
    with TestClient(create_app(demo_project)) as test_client:
        yield test_client


def test_health(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["gemeenten"] == ["GM0226", "GM0293", "GM0299"]


def test_metric_list_describes_every_declared_metric(client: TestClient) -> None:
    metrics = {m["id"]: m for m in client.get("/api/metrics").json()}
    declared = client.app.state.queries.packs.metrics.values()  # type: ignore[attr-defined]
    public = {m.id for m in declared if m.privacy == "openbaar"}
    assert set(metrics) == public  # the anonymous caller sees every open metric, no other
    assert {"meldingen_ontvangen", "meldingen_binnen_norm", "reisdocumenten_aanvragen"} <= public
    assert metrics["reisdocumenten_aanvragen"]["disclosure"] == "cbs"
    assert metrics["meldingen_ontvangen"]["disclosure"] == "geen"
    received = metrics["meldingen_ontvangen"]
    assert received["unit"] == "aantal" and received["privacy"] == "openbaar"
    assert [d["id"] for d in received["dimensions"]] == ["gemeente", "wijk", "category"]


def test_counts_of_people_reach_the_public_protected(client: TestClient) -> None:
    """The demo's travel-document counts per gemeente and kind: rounded to fives, small ones
    hidden with a reason (ADR 0008); a split the publication has not is refused."""
    answer = client.get(
        "/api/metrics/reisdocumenten_aanvragen/data",
        params={"by": "month,gemeente,documentsoort", "from": "2025-01-01", "to": "2025-12-31"},
    ).json()
    assert answer["columns"][-1] == "toelichting"
    shown = [r["value"] for r in answer["rows"] if r["value"] is not None]
    assert shown and all(v % 5 == 0 and v >= 10 for v in shown)
    assert all(r["toelichting"] for r in answer["rows"] if r["value"] is None)
    refused = client.get(
        "/api/metrics/reisdocumenten_aanvragen/data", params={"by": "week,leeftijdsklasse_houder"}
    )
    assert refused.status_code == 400


def test_data_by_month_and_category_adds_up_to_the_total(client: TestClient) -> None:
    params = {"gemeente": "GM0226", "from": "2025-01-01", "to": "2025-12-31"}
    split = client.get(
        "/api/metrics/meldingen_ontvangen/data", params={**params, "by": "month,category"}
    )
    total = client.get("/api/metrics/meldingen_ontvangen/data", params={**params, "by": "year"})
    assert split.status_code == 200
    rows = split.json()["rows"]
    assert {r["period"][:7] for r in rows} == {f"2025-{m:02d}" for m in range(1, 13)}
    assert sum(r["value"] for r in rows) == total.json()["rows"][0]["value"] > 1000


def test_filter_by_dimension_value(client: TestClient) -> None:
    body = client.get(
        "/api/metrics/meldingen_ontvangen/data",
        params={"by": "year,category", "category": "Afval", "gemeente": "GM0299"},
    ).json()
    assert body["rows"] and {r["category"] for r in body["rows"]} == {"Afval"}


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/metrics/bestaat_niet/data", 404, "onbekende metriek"),
        (
            "/api/metrics/meldingen_open/data?by=month,postcode",
            400,
            "niet worden uitgesplitst naar 'postcode'",
        ),
        ("/api/metrics/meldingen_open/data?from=gisteren", 400, "moet een datum zijn"),
        ("/api/metrics/meldingen_open/data?gemeente=GM9999", 400, "onbekende gemeente"),
        ("/api/metrics/meldingen_open/data?by=month,year", 400, "maar één tijdseenheid"),
        ("/api/metrics/meldingen_open/data?category=x'%20OR%201=1--", 200, None),
    ],
)
def test_bad_requests_get_a_dutch_reason(
    client: TestClient, url: str, status: int, message: str | None
) -> None:
    response = client.get(url)
    assert response.status_code == status
    if message:
        assert message in response.json()["detail"]
    else:  # an injection attempt is just a value that matches nothing
        assert all(r["value"] is None or r["value"] == 0 for r in response.json()["rows"])


def test_csv_export_opens_in_dutch_excel(client: TestClient) -> None:
    response = client.get(
        "/api/metrics/meldingen_afhandeltijd_mediaan/export.csv",
        params={"by": "month,gemeente", "from": "2025-01-01", "to": "2025-03-31"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content[3:].decode("utf-8")), delimiter=";"))
    assert rows[0] == ["Periode", "Gemeente", "Mediane afhandeltijd"]
    assert rows[1][0] == "01-01-2025"
    assert "," in rows[1][2] and "." not in rows[1][2]  # decimal comma
    api = client.get(
        "/api/metrics/meldingen_afhandeltijd_mediaan/data",
        params={"by": "month,gemeente", "from": "2025-01-01", "to": "2025-03-31"},
    ).json()["rows"]
    assert float(rows[1][2].replace(",", ".")) == pytest.approx(api[0]["value"])


def test_parquet_holds_the_numbers_of_the_json_answer_typed(client: TestClient) -> None:
    params = {
        "by": "month,category",
        "gemeente": "GM0226",
        "from": "2025-01-01",
        "to": "2025-06-30",
    }
    answer = client.get("/api/metrics/meldingen_ontvangen/export.parquet", params=params)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/vnd.apache.parquet"
    assert 'filename="meldingen_ontvangen.parquet"' in answer.headers["content-disposition"]
    types, rows = read_parquet(answer.content)
    assert types["period"] == "DATE" and types["value"] == "DOUBLE"
    assert types["category"] == "VARCHAR"
    api = client.get("/api/metrics/meldingen_ontvangen/data", params=params).json()
    assert list(types) == api["columns"]
    assert [{**r, "period": r["period"].isoformat()} for r in rows] == api["rows"]


def test_a_protected_count_is_protected_in_parquet_too(client: TestClient) -> None:
    params = {"by": "month", "from": "2025-01-01", "to": "2025-12-31"}
    metric = "/api/metrics/reisdocumenten_aanvragen"
    _, rows = read_parquet(client.get(f"{metric}/export.parquet", params=params).content)
    api = client.get(f"{metric}/data", params=params).json()["rows"]
    assert [{**r, "period": r["period"].isoformat()} for r in rows] == api
    assert all(r["value"] is None or r["value"] % 5 == 0 for r in rows)


def test_every_export_is_written_to_the_audit_log(client: TestClient) -> None:
    store = client.app.state.access_store  # type: ignore[attr-defined]
    before = count_records(store, AuditFilter(object="meldingen_ontvangen"))
    for kind in ("csv", "xlsx", "parquet"):
        response = client.get(
            f"/api/metrics/meldingen_ontvangen/export.{kind}", params={"gemeente": "GM0293"}
        )
        assert response.status_code == 200
    logged = list_records(store, AuditFilter(object="meldingen_ontvangen"), limit=3)
    assert count_records(store, AuditFilter(object="meldingen_ontvangen")) == before + 3
    assert {(r.username, r.action, r.gemeente) for r in logged} == {
        ("publiek", "exporteren", "GM0293")
    }
    assert verify_chain(store).ok


def test_openapi_documents_the_stable_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/health", "/api/metrics", "/api/metrics/{metric_id}/data"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_pages_render_in_dutch_with_the_same_numbers_as_the_api(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "Meldingen openbare ruimte" in home.text
    page = client.get(
        "/dashboards/meldingen",
        params={"gemeente": "GM0293", "van": "2025-01-01", "tot": "2025-12-31"},
    )
    assert page.status_code == 200
    assert 'lang="nl"' in page.text and "januari 2025" in page.text
    total = client.get(
        "/api/metrics/meldingen_ontvangen/data",
        params={"gemeente": "GM0293", "from": "2025-01-01", "to": "2025-01-31"},
    ).json()["rows"][0]["value"]
    assert f'<th scope="row">januari 2025</th><td class="num">{total}</td>' in page.text
    assert client.get("/dashboards/bestaat-niet").status_code == 404


def test_public_dashboard_of_counts_of_people_is_protected(client: TestClient) -> None:
    """The demo's reisdocumenten dashboard for the public: the protected tables, said so."""
    page = client.get("/dashboards/reisdocumenten", params={"gemeente": "GM0293"})
    assert page.status_code == 200
    assert "Deze cijfers tellen personen" in page.text
    cells = re.findall(r'<td class="num">([\d.]+)</td>', page.text)
    assert cells and all(int(c.replace(".", "")) % 5 == 0 for c in cells)
