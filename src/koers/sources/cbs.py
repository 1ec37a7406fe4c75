"""The CBS connector: a StatLine table from CBS open data, fetched whole on every run.

CBS serves its tables as OData JSON: OData v3 on opendata.cbs.nl
(``{"odata.metadata": ..., "value": [...], "odata.nextLink": ...}``) and v4 on the newer
portal (``@odata.nextLink``). The server either pages by itself with a next link or, on the
v3 API, caps an answer at 10,000 rows, so we ask ``$top``/``$skip`` windows and follow any
next link inside a window. CBS replaces a table rather than appending to it, so there is no
watermark: each fetch is a complete copy and the loader's hash tells whether it changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx

from koers.config import CbsOptions
from koers.errors import SourceError
from koers.sources.fetch import Fetched
from koers.sources.http_api import (
    RequestPolicy,
    get_json,
    json_client,
    parse_url,
    public_url,
)
from koers.sources.records import RecordProgress, write_ndjson

Row = Mapping[str, object]
_NEXT_LINK_KEYS = ("odata.nextLink", "@odata.nextLink")


def odata_error(response: httpx.Response) -> str | None:
    """The reason in an OData error answer: v3 ``{"odata.error": {"message": {"value": ..}}}``,
    v4 ``{"error": {"message": ..}}``. CBS says there which column a ``$filter`` got wrong."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, Mapping):
        return None
    error = body.get("odata.error") or body.get("error")
    message = error.get("message") if isinstance(error, Mapping) else None
    if isinstance(message, Mapping):
        message = message.get("value")
    return message if isinstance(message, str) and message else None


def _rows(body: object, where: str) -> list[Row]:
    rows = body.get("value") if isinstance(body, Mapping) else None
    if not isinstance(rows, list):
        raise SourceError(f"{where} gaf geen OData-antwoord (geen lijst 'value')")
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise SourceError(f"rij {index} in het antwoord van {where} is geen JSON-object")
    return rows


def _next_link(body: object, where: str) -> str | None:
    if not isinstance(body, Mapping):
        return None
    for key in _NEXT_LINK_KEYS:
        link = body.get(key)
        if link is None or link == "":
            continue
        if not isinstance(link, str):
            raise SourceError(f"'{key}' in het antwoord van {where} is geen URL")
        return link
    return None


def _table_rows(
    client: httpx.Client, options: CbsOptions, base: httpx.URL, policy: RequestPolicy
) -> Iterator[Row]:
    """All rows of the table, in the order CBS serves them."""
    where = public_url(base)
    query: dict[str, str | int] = {"$format": "json"}
    if options.filter:
        query["$filter"] = options.filter
    skip = 0
    seen: set[str] = set()
    while True:
        # One window of at most page_size rows, possibly split by the server's next links.
        url = base.copy_merge_params({**query, "$top": options.page_size, "$skip": skip})
        in_window = 0
        while True:
            seen.add(str(url))
            body, final_url = get_json(client, url, policy, odata_error)
            rows = _rows(body, where)
            in_window += len(rows)
            yield from rows
            link = _next_link(body, where)
            if link is None:
                break
            # Next links normally carry $format, but a missing one would bring Atom XML.
            url = final_url.join(link).copy_merge_params({"$format": "json"})
            if str(url) in seen:
                raise SourceError(
                    f"de volgende-paginalink van {where} wijst naar een eerdere pagina"
                )
        # A short window is the last; a longer one means the server ignored $top and its
        # next links already brought the whole table.
        if in_window != options.page_size:
            return
        skip += in_window


def _trimmed(row: Row) -> dict[str, object]:
    """CBS pads codes to a fixed width (``"GM0226    "``); the padding means nothing."""
    return {key: value.strip() if isinstance(value, str) else value for key, value in row.items()}


def fetch_cbs(
    options: CbsOptions,
    watermark: str | None,
    target: Path,
    progress: RecordProgress | None = None,
) -> Fetched:
    """Fetch the whole table into ``target``; ``watermark`` is ignored and ``None`` returned,
    because CBS tables are revised in place rather than appended to."""
    del watermark  # part of the common connector signature; CBS tables are not incremental
    base = parse_url(options.url, "cbs.url")
    policy = RequestPolicy(options.timeout_seconds, options.retries, options.backoff_seconds)
    with json_client(policy) as client:
        rows = (_trimmed(row) for row in _table_rows(client, options, base, policy))
        count = write_ndjson(rows, target, progress)
    return Fetched(target, count, None)
