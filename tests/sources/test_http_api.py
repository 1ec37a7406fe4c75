"""The HTTP connector against a real local server: paging, tokens, retries and watermarks."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from koers.config import HttpOptions
from koers.errors import ConfigError, SourceError
from koers.sources import http_api
from koers.sources.fetch import Fetched, fetch_records
from koers.sources.http_api import fetch_http
from tests.sources.conftest import write_project
from tests.support.fake_http import FakeServer, Reply, Request

TOKEN = "tok-3f9a-geheim"
TOKEN_ENV = "KOERS_TEST_API_TOKEN"
#: Retries in tests wait milliseconds, not seconds.
QUICK_RETRIES = 2
QUICK_BACKOFF_S = 0.01


def melding(number: int) -> dict[str, object]:
    return {
        "id": number,
        "categorie": "afval" if number % 2 else "verlichting",
        "adres": {"wijk": "Centrum", "buurt": f"B{number}"},
        "tags": ["buiten", "melding"],
        "gewijzigd_op": f"2024-03-{number:02d}T10:00:00Z",
    }


class Api:
    """The routes of one fake API; ``meldingen`` may grow between fetches."""

    def __init__(self) -> None:
        self.meldingen = [melding(n) for n in range(1, 6)]
        self.server = FakeServer(
            {
                "/lijst": lambda r: Reply(body=self.meldingen),
                "/paginas": self.pages,
                "/offset": self.offsets,
                "/links": self.links,
                "/beveiligd": self.secured,
                "/wisselvallig": self.flaky,
                "/druk": self.busy,
                "/traag": lambda r: Reply(hang=True),
                "/fout": lambda r: Reply(400, {"fout": "onbekende parameter"}),
                "/wijzigingen": self.changes,
            }
        )

    def pages(self, request: Request) -> Reply:
        size = int(request.query["limit"])
        start = (int(request.query["page"]) - 1) * size
        return Reply(body={"data": {"items": self.meldingen[start : start + size]}})

    def offsets(self, request: Request) -> Reply:
        start, size = int(request.query["offset"]), int(request.query["limit"])
        return Reply(body={"items": self.meldingen[start : start + size]})

    def links(self, request: Request) -> Reply:
        cursor = int(request.query.get("cursor", "0"))
        following = f"links?cursor={cursor + 2}" if cursor + 2 < len(self.meldingen) else None
        return Reply(
            body={"items": self.meldingen[cursor : cursor + 2], "links": {"next": following}}
        )

    def secured(self, request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Reply(401, {"fout": "geen toegang"})
        return Reply(body=self.meldingen[:1])

    def flaky(self, request: Request) -> Reply:
        if len(self.server.hits("/wisselvallig")) <= 2:
            return Reply(503, {"fout": "onderhoud"})
        return Reply(body=self.meldingen)

    def busy(self, request: Request) -> Reply:
        if len(self.server.hits("/druk")) == 1:
            return Reply(429, {"fout": "rustig aan"}, headers={"Retry-After": "3600"})
        return Reply(body=self.meldingen[:2])

    def changes(self, request: Request) -> Reply:
        since = request.query.get("sinds", "")
        return Reply(body=[m for m in self.meldingen if str(m["gewijzigd_op"]) > since])


@pytest.fixture()
def api() -> Iterator[Api]:
    fake = Api()
    with fake.server:
        yield fake


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def fetch(options: HttpOptions, tmp_path: Path, watermark: str | None = None) -> Fetched:
    return fetch_http(options, watermark, tmp_path / "levering.ndjson", None)


def test_no_pagination_writes_flat_records(api: Api, tmp_path: Path) -> None:
    fetched = fetch(HttpOptions(url=api.server.url("/lijst")), tmp_path)
    assert fetched.records == 5
    assert fetched.watermark is None
    first = lines(fetched.path)[0]
    assert first == {
        "adres.buurt": "B1",
        "adres.wijk": "Centrum",
        "categorie": "afval",
        "gewijzigd_op": "2024-03-01T10:00:00Z",
        "id": 1,
        "tags": '["buiten","melding"]',
    }


@pytest.mark.parametrize(("page_size", "requests"), [(2, 3), (5, 2), (10, 1)])
def test_page_pagination_stops_on_short_or_empty_page(
    api: Api, tmp_path: Path, page_size: int, requests: int
) -> None:
    options = HttpOptions(
        url=api.server.url("/paginas"),
        records="data.items",
        pagination="page",
        page_size=page_size,
        params={"status": "open"},
    )
    fetched = fetch(options, tmp_path)
    assert [r["id"] for r in lines(fetched.path)] == [1, 2, 3, 4, 5]
    hits = api.server.hits("/paginas")
    assert len(hits) == requests
    assert [h.query["page"] for h in hits] == [str(n) for n in range(1, requests + 1)]
    assert all(h.query["status"] == "open" for h in hits)


def test_offset_pagination(api: Api, tmp_path: Path) -> None:
    options = HttpOptions(
        url=api.server.url("/offset"), records="items", pagination="offset", page_size=2
    )
    fetched = fetch(options, tmp_path)
    assert fetched.records == 5
    assert [h.query["offset"] for h in api.server.hits("/offset")] == ["0", "2", "4"]


def test_next_link_pagination_resolves_relative_links(api: Api, tmp_path: Path) -> None:
    options = HttpOptions(
        url=api.server.url("/links"),
        records="items",
        pagination="next_link",
        next_field="links.next",
        params={"gemeente": "GM0226"},
    )
    fetched = fetch(options, tmp_path)
    assert [r["id"] for r in lines(fetched.path)] == [1, 2, 3, 4, 5]
    hits = api.server.hits("/links")
    assert [h.query.get("cursor") for h in hits] == [None, "2", "4"]
    assert all(h.query["gemeente"] == "GM0226" for h in hits)


def test_bearer_token_comes_from_the_environment(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = HttpOptions(url=api.server.url("/beveiligd"), token_env=TOKEN_ENV)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(ConfigError, match=TOKEN_ENV):
        fetch(options, tmp_path)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    assert fetch(options, tmp_path).records == 1


def test_refused_token_fails_at_once_without_showing_it(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "verkeerd-token")
    options = HttpOptions(
        url=api.server.url("/beveiligd"),
        token_env=TOKEN_ENV,
        retries=QUICK_RETRIES,
        backoff_seconds=QUICK_BACKOFF_S,
    )
    with pytest.raises(SourceError) as caught:
        fetch(options, tmp_path)
    assert "HTTP 401" in caught.value.message
    assert "verkeerd-token" not in caught.value.message
    assert len(api.server.hits("/beveiligd")) == 1
    assert not (tmp_path / "levering.ndjson").exists()


def test_retries_503_with_backoff_then_succeeds(api: Api, tmp_path: Path) -> None:
    options = HttpOptions(
        url=api.server.url("/wisselvallig"), retries=QUICK_RETRIES, backoff_seconds=QUICK_BACKOFF_S
    )
    assert fetch(options, tmp_path).records == 5
    assert len(api.server.hits("/wisselvallig")) == 3


def test_503_after_all_retries_is_an_error(api: Api, tmp_path: Path) -> None:
    options = HttpOptions(url=api.server.url("/wisselvallig"), retries=1, backoff_seconds=0.01)
    with pytest.raises(SourceError, match=r"HTTP 503 .*na 2 pogingen"):
        fetch(options, tmp_path)


def test_retry_after_is_respected_but_capped(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http_api, "MAX_WAIT_SECONDS", 0.05)
    options = HttpOptions(
        url=api.server.url("/druk"), retries=QUICK_RETRIES, backoff_seconds=QUICK_BACKOFF_S
    )
    started = time.monotonic()
    assert fetch(options, tmp_path).records == 2
    assert time.monotonic() - started < 2


def test_404_is_a_clear_error_without_retry_or_query_secrets(api: Api, tmp_path: Path) -> None:
    options = HttpOptions(url=api.server.url("/bestaat-niet"), params={"api_key": "zeer-geheim"})
    with pytest.raises(SourceError) as caught:
        fetch(options, tmp_path)
    message = caught.value.message
    assert f"{api.server.url('/bestaat-niet')} antwoordde HTTP 404" in message
    assert "zeer-geheim" not in message
    assert len(api.server.hits("/bestaat-niet")) == 1


def test_other_4xx_is_not_retried(api: Api, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="HTTP 400"):
        fetch(
            HttpOptions(
                url=api.server.url("/fout"), retries=QUICK_RETRIES, backoff_seconds=QUICK_BACKOFF_S
            ),
            tmp_path,
        )
    assert len(api.server.hits("/fout")) == 1


def test_a_hanging_server_times_out(api: Api, tmp_path: Path) -> None:
    options = HttpOptions(
        url=api.server.url("/traag"), timeout_seconds=0.2, retries=1, backoff_seconds=0.01
    )
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"geen antwoord van .*/traag binnen 0\.2 s"):
        fetch(options, tmp_path)
    assert time.monotonic() - started < 3
    assert len(api.server.hits("/traag")) == 2


def test_an_unreachable_server_is_an_error(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = HttpOptions(url=f"http://127.0.0.1:{port}/x", retries=1, backoff_seconds=0.01)
    with pytest.raises(SourceError, match="niet bereiken"):
        fetch(options, tmp_path)


def test_watermark_round_trip_fetches_only_newer_records(api: Api, tmp_path: Path) -> None:
    options = HttpOptions(
        url=api.server.url("/wijzigingen"),
        watermark_param="sinds",
        watermark_field="gewijzigd_op",
    )
    first = fetch(options, tmp_path)
    assert (first.records, first.watermark) == (5, "2024-03-05T10:00:00Z")
    assert "sinds" not in api.server.hits("/wijzigingen")[0].query

    api.meldingen.append(melding(6))
    second = fetch(options, tmp_path, first.watermark)
    assert (second.records, second.watermark) == (1, "2024-03-06T10:00:00Z")
    assert [r["id"] for r in lines(second.path)] == [6]
    assert api.server.hits("/wijzigingen")[1].query["sinds"] == "2024-03-05T10:00:00Z"

    third = fetch(options, tmp_path, second.watermark)
    assert (third.records, third.watermark) == (0, "2024-03-06T10:00:00Z")


def test_fetch_records_dispatches_and_names_the_source(api: Api, tmp_path: Path) -> None:
    project = write_project(
        tmp_path,
        f"""
[[sources]]
name = "meldingen_api"
contract = "meldingen"
type = "http"

[sources.http]
url = "{api.server.url("/offset")}"
records = "items"
pagination = "offset"
page_size = 3

[[sources]]
name = "kapot_api"
contract = "meldingen"
type = "http"

[sources.http]
url = "{api.server.url("/bestaat-niet")}"
""",
    )
    good, broken = project.sources
    seen: list[int] = []
    fetched = fetch_records(project, good, None, tmp_path / "uit" / "a.ndjson", seen.append)
    assert fetched == Fetched(tmp_path / "uit" / "a.ndjson", 5, None)
    assert seen == [5]
    with pytest.raises(SourceError, match=r"^bron 'kapot_api': .*HTTP 404"):
        fetch_records(project, broken, None, tmp_path / "uit" / "b.ndjson")
