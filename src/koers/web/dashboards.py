"""Dashboard declarations: which metrics a page shows and how, written in a pack's TOML."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from koers.errors import PackError


class Panel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str
    title: str | None = None
    grain: Literal["day", "week", "month", "quarter", "year"] = "month"
    #: One dimension to draw a line per value of (usually gemeente), or none.
    series: str | None = "gemeente"
    chart: Literal["line", "bar"] = "line"


class Dashboard(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    title: str
    description: str
    #: Dimensions offered as filters beside gemeente and period.
    filters: list[str] = []
    #: Default length of the period shown, in months back from the latest data.
    default_months: Annotated[int, Field(ge=1, le=240)] = 24
    panels: Annotated[list[Panel], Field(min_length=1)]


class _DashboardsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dashboards: list[Dashboard]


def load_dashboards_file(path: Path) -> list[Dashboard]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return _DashboardsFile.model_validate(raw).dashboards
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise PackError(f"{path}: ongeldige dashboards ({exc})") from None
