"""The CBS connector against a local server shaped like opendata.cbs.nl (OData v3 and v4)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from koers.config import CbsOptions
from koers.errors import SourceError
from koers.sources.cbs import fetch_cbs
from tests.support.fake_http import FakeServer, Reply, Request

TABLE = "/ODataApi/odata/03759ned/TypedDataSet"
V4_TABLE = "/CBS/03759ned/Observations"
PLAIN_TABLE = "/ODataApi/odata/70072ned/TypedDataSet"


def row(number: int, code: str) -> dict[str, object]:
    """A TypedDataSet row as CBS serves it: codes padded to a fixed width."""
    return {
        "ID": number,
        "Geslacht": "T001038",
        "RegioS": f"{code}    ",
        "Perioden": "2023JJ00",
        "BevolkingOp1Januari_1": 29_000 + number,
    }


ROWS = [row(0, "GM0226"), row(1, "GM0293"), row(2, "GM0299"), row(3, "GM1955"), row(4, "GM1876")]


class Cbs:
    def __init__(self) -> None:
        self.server = FakeServer({TABLE: self.v3, V4_TABLE: self.v4, PLAIN_TABLE: self.plain})

    def v3(self, request: Request) -> Reply:
        if request.query.get("$filter") == "kapot":
            error = {"code": "", "message": {"lang": "nl-NL", "value": "Onbekende kolom 'kapot'"}}
            return Reply(400, {"odata.error": error})
        skip = int(request.query.get("$skiptoken", "0"))
        body: dict[str, object] = {
            "odata.metadata": self.server.url("/ODataApi/odata/03759ned/$metadata#Cbs.OData.Data"),
            "value": ROWS[skip : skip + 2],
        }
        if skip + 2 < len(ROWS):
            body["odata.nextLink"] = self.server.url(f"{TABLE}?$skiptoken={skip + 2}")
        return Reply(body=body)

    def v4(self, request: Request) -> Reply:
        skip = int(request.query.get("$skiptoken", "0"))
        body: dict[str, object] = {"@odata.context": "...", "value": ROWS[skip : skip + 3]}
        if skip + 3 < len(ROWS):
            body["@odata.nextLink"] = f"Observations?$skiptoken={skip + 3}"
        return Reply(body=body)

    def plain(self, request: Request) -> Reply:
        """No next links: the client pages with $top and $skip."""
        skip, top = int(request.query["$skip"]), int(request.query["$top"])
        return Reply(body={"odata.metadata": "...", "value": ROWS[skip : skip + top]})


@pytest.fixture()
def cbs() -> Iterator[Cbs]:
    fake = Cbs()
    with fake.server:
        yield fake


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_v3_follows_next_links_and_trims_codes(cbs: Cbs, tmp_path: Path) -> None:
    options = CbsOptions(url=cbs.server.url(TABLE), filter="substringof('GM',RegioS)")
    fetched = fetch_cbs(options, "genegeerd", tmp_path / "cbs.ndjson")
    assert (fetched.records, fetched.watermark) == (5, None)
    written = lines(fetched.path)
    assert [r["RegioS"] for r in written] == ["GM0226", "GM0293", "GM0299", "GM1955", "GM1876"]
    assert written[0]["BevolkingOp1Januari_1"] == 29_000
    hits = cbs.server.hits(TABLE)
    assert len(hits) == 3
    assert all(h.query["$format"] == "json" for h in hits)
    assert hits[0].query["$filter"] == "substringof('GM',RegioS)"
    assert hits[0].query["$top"] == "10000"


def test_v4_relative_next_links(cbs: Cbs, tmp_path: Path) -> None:
    fetched = fetch_cbs(CbsOptions(url=cbs.server.url(V4_TABLE)), None, tmp_path / "v4.ndjson")
    assert fetched.records == 5
    assert [h.query.get("$skiptoken") for h in cbs.server.hits(V4_TABLE)] == [None, "3"]


def test_top_and_skip_without_next_links(cbs: Cbs, tmp_path: Path) -> None:
    options = CbsOptions(url=cbs.server.url(PLAIN_TABLE), page_size=2)
    fetched = fetch_cbs(options, None, tmp_path / "plain.ndjson")
    assert [r["ID"] for r in lines(fetched.path)] == [0, 1, 2, 3, 4]
    assert [h.query["$skip"] for h in cbs.server.hits(PLAIN_TABLE)] == ["0", "2", "4"]


def test_odata_error_message_is_shown_and_not_retried(cbs: Cbs, tmp_path: Path) -> None:
    options = CbsOptions(url=cbs.server.url(TABLE), filter="kapot", backoff_seconds=0.01)
    with pytest.raises(SourceError, match=r"HTTP 400 Bad Request: Onbekende kolom 'kapot'"):
        fetch_cbs(options, None, tmp_path / "fout.ndjson")
    assert len(cbs.server.hits(TABLE)) == 1
