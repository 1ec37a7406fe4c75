"""Turning query-string parameters into a :class:`MetricRequest`, the same for API and pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from koers.errors import QueryError
from koers.metrics.request import Grain, MetricRequest

#: Query parameters that are not dimension filters. ``doel``: the purpose a user states for
#: seeing `vertrouwelijk` data or exporting it, written to the audit log.
RESERVED = {"gemeente", "from", "to", "by", "van", "tot", "format", "doel"}


def split_list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def parse_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"'{name}' moet een datum zijn als JJJJ-MM-DD, niet '{value}'") from None


def parse_by(by: str | None) -> tuple[Grain | None, tuple[str, ...]]:
    """``by=month,category``: at most one time grain, then dimensions."""
    grain: Grain | None = None
    dims: list[str] = []
    for part in split_list(by):
        if part in Grain.__members__.values() or part in {g.value for g in Grain}:
            if grain is not None:
                raise QueryError("'by' mag maar één tijdseenheid bevatten")
            grain = Grain(part)
        else:
            dims.append(part)
    return grain, tuple(dims)


def request_from_params(metric_id: str, params: Mapping[str, str]) -> MetricRequest:
    grain, dims = parse_by(params.get("by", "month"))
    filters = {
        key: split_list(value) for key, value in params.items() if key not in RESERVED and value
    }
    return MetricRequest(
        metric_id=metric_id,
        gemeenten=split_list(params.get("gemeente")),
        date_from=parse_date(params.get("from"), "from"),
        date_to=parse_date(params.get("to"), "to"),
        grain=grain,
        dimensions=dims,
        filters=filters,
    )
