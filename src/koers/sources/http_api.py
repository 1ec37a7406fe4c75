"""The HTTP connector: records from a JSON API, page by page, only what changed since last time.

It also holds the one careful GET that the CBS connector shares: retries for what may pass
(timeouts, dropped connections, 429 and 5xx) and none for what will not (other 4xx), and
messages that never show a token or a query string, which may hold a key.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx

from koers import __version__
from koers.config import HttpOptions
from koers.errors import ConfigError, SourceError
from koers.sources.fetch import Fetched
from koers.sources.records import HighWater, RecordProgress, watching, write_ndjson

USER_AGENT: Final = f"koers/{__version__}"
#: The longest one wait between attempts may last, whatever Retry-After or the backoff asks:
#: a run should rather fail and say so than sleep for an hour.
MAX_WAIT_SECONDS: Final = 60.0

Record = Mapping[str, object]
Params = Mapping[str, str | int]
#: Pulls a readable reason out of an error answer (e.g. OData's ``odata.error``).
ErrorDetail = Callable[[httpx.Response], str | None]

_MISSING: Final = object()


@dataclass(frozen=True)
class RequestPolicy:
    """How long to wait for one answer and how often to try again."""

    timeout_seconds: float
    retries: int
    backoff_seconds: float

    def backoff(self, attempt: int) -> float:
        """Exponential: the source gets more room each time it failed."""
        return min(self.backoff_seconds * 2.0**attempt, MAX_WAIT_SECONDS)


def public_url(url: httpx.URL | str) -> str:
    """The URL as a message may show it: without user info, query or fragment."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "(ongeldige URL)"
    return f"{parsed.scheme}://{parsed.netloc.decode('ascii')}{parsed.path}"


def parse_url(url: str, key: str) -> httpx.URL:
    """The configured URL, checked before any file is opened; errors name the key."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise ConfigError(f"sleutel '{key}' is geen geldige URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigError(f"sleutel '{key}': {public_url(parsed)} is geen http(s)-URL")
    return parsed


def json_client(policy: RequestPolicy, token: str | None = None) -> httpx.Client:
    """A client that asks for JSON and follows redirects; httpx drops the token on redirects
    to another host, so following them does not hand it to a stranger."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(headers=headers, timeout=policy.timeout_seconds, follow_redirects=True)


def get_json(
    client: httpx.Client,
    url: httpx.URL,
    policy: RequestPolicy,
    detail: ErrorDetail | None = None,
) -> tuple[object, httpx.URL]:
    """GET ``url`` (query included) and parse its JSON; also return the final URL after
    redirects, against which relative links in the answer resolve."""
    where = public_url(url)
    attempts = policy.retries + 1
    attempt = 0
    while True:
        attempt += 1
        try:
            response = client.get(url)
        except httpx.TimeoutException:
            problem = f"geen antwoord van {where} binnen {policy.timeout_seconds:g} s"
            wait = policy.backoff(attempt - 1)
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            problem = f"kan {where} niet bereiken ({_reason(exc)})"
            wait = policy.backoff(attempt - 1)
        except httpx.HTTPError as exc:
            # A wrong scheme or proxy: trying again cannot help.
            raise _error(client, f"kan {where} niet opvragen ({_reason(exc)})") from None
        else:
            if response.is_success:
                return _parse(client, response, where), response.url
            problem = f"{where} antwoordde HTTP {response.status_code} {response.reason_phrase}"
            reason = detail(response) if detail is not None else None
            if reason:
                problem += f": {reason[:300]}"
            if not _worth_retrying(response.status_code):
                raise _error(client, problem)
            asked = _retry_after(response)
            wait = policy.backoff(attempt - 1) if asked is None else asked
        if attempt >= attempts:
            suffix = f", ook na {attempts} pogingen" if attempts > 1 else ""
            raise _error(client, problem + suffix)
        time.sleep(wait)


def _worth_retrying(status: int) -> bool:
    """429 and 5xx say 'not now'; any other refusal will be the same next time."""
    return status == 429 or status >= 500


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait, capped; ``None`` when not given in seconds."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


def _reason(exc: httpx.HTTPError) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:200]


def _error(client: httpx.Client, message: str) -> SourceError:
    """The error to raise, with the token blanked should a server or library echo it."""
    header = client.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ")
    if token:
        message = message.replace(token, "***")
    return SourceError(message)


def _parse(client: httpx.Client, response: httpx.Response, where: str) -> object:
    try:
        return response.json()
    except ValueError:
        raise _error(
            client, f"{where} gaf geen geldige JSON terug (HTTP {response.status_code})"
        ) from None


def _dig(body: object, path: str) -> object:
    """The value at a dotted path in a JSON answer; ``_MISSING`` when a step is absent."""
    value = body
    for step in path.split(".") if path else ():
        if not isinstance(value, Mapping) or step not in value:
            return _MISSING
        value = value[step]
    return value


def _records(body: object, path: str, where: str) -> list[Record]:
    """The records in one answer; a missing list is a configuration mistake, not 'no data'."""
    found = _dig(body, path)
    label = f"veld '{path}' in het antwoord" if path else "het antwoord"
    if found is _MISSING:
        raise SourceError(
            f"het antwoord van {where} heeft geen veld '{path}' (sleutel http.records)"
        )
    if found is None:
        return []
    if not isinstance(found, list):
        raise SourceError(f"{label} van {where} is geen lijst (sleutel http.records)")
    for index, record in enumerate(found):
        if not isinstance(record, Mapping):
            raise SourceError(f"record {index} in het antwoord van {where} is geen JSON-object")
    return found


def _token(options: HttpOptions) -> str | None:
    if not options.token_env:
        return None
    token = os.environ.get(options.token_env)
    if not token:
        raise ConfigError(
            f"http.token_env noemt omgevingsvariabele {options.token_env}, "
            "maar die is niet gezet of leeg"
        )
    return token


def _pages(
    client: httpx.Client,
    options: HttpOptions,
    base: httpx.URL,
    watermark: str | None,
    policy: RequestPolicy,
) -> Iterator[list[Record]]:
    """Each page's records, following the pagination style the options declare."""
    params: dict[str, str | int] = dict(options.params)
    if watermark is not None and options.watermark_param:
        params[options.watermark_param] = watermark
    where = public_url(base)
    if options.pagination == "none":
        body, _ = get_json(client, base.copy_merge_params(params), policy)
        yield _records(body, options.records, where)
    elif options.pagination == "next_link":
        yield from _linked_pages(client, options, base.copy_merge_params(params), params, policy)
    else:
        page, offset = options.first_page, 0
        previous: list[Record] | None = None
        while True:
            if options.pagination == "page":
                position: Params = {options.page_param: page}
            else:
                position = {options.offset_param: offset}
            url = base.copy_merge_params(
                {**params, **position, options.size_param: options.page_size}
            )
            body, _ = get_json(client, url, policy)
            records = _records(body, options.records, where)
            if not records:
                return
            if records == previous:
                # A server that ignores the page parameter would otherwise be read forever.
                raise SourceError(
                    f"{where} gaf twee keer dezelfde pagina; klopt http.page_param of "
                    "http.offset_param?"
                )
            yield records
            if len(records) < options.page_size:
                return
            page, offset, previous = page + 1, offset + len(records), records


def _linked_pages(
    client: httpx.Client,
    options: HttpOptions,
    url: httpx.URL,
    params: Params,
    policy: RequestPolicy,
) -> Iterator[list[Record]]:
    """Pages chained by a next link; our params are merged into every link, so a key or
    filter the server forgets to carry over is still sent."""
    where = public_url(url)
    seen: set[str] = set()
    while True:
        body, final_url = get_json(client, url, policy)
        seen.add(str(url))
        yield _records(body, options.records, where)
        link = _dig(body, options.next_field)
        if link is _MISSING or link is None or link == "":
            return
        if not isinstance(link, str):
            raise SourceError(
                f"veld '{options.next_field}' in het antwoord van {where} is geen URL "
                "(sleutel http.next_field)"
            )
        url = final_url.join(link).copy_merge_params(params)
        if str(url) in seen:
            raise SourceError(f"de volgende-paginalink van {where} wijst naar een eerdere pagina")


def fetch_http(
    options: HttpOptions,
    watermark: str | None,
    target: Path,
    progress: RecordProgress | None = None,
) -> Fetched:
    """Fetch all new records of the API into ``target`` as NDJSON.

    The new watermark is the highest ``watermark_field`` among the fetched records, or the
    given one when nothing new came (or no field is declared).
    """
    base = parse_url(options.url, "http.url")
    policy = RequestPolicy(options.timeout_seconds, options.retries, options.backoff_seconds)
    high_water = HighWater(watermark)
    with json_client(policy, _token(options)) as client:
        pages = _pages(client, options, base, watermark, policy)
        records = (record for page in pages for record in page)
        count = write_ndjson(
            watching(records, options.watermark_field, high_water), target, progress
        )
    return Fetched(target, count, high_water.text)
