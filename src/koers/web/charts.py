"""Vega-Lite specs for metric data, drawn in the browser by vega-embed.

The bundle of Vega, Vega-Lite and vega-embed comes from vl-convert, offline, and is cached
on disk after the first build (about two seconds).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from koers.metrics.definitions import Metric
from koers.metrics.publication import REASON_COLUMN

# The whole chart (axes, legend and title too) fits the width of its box, so that on a phone
# the page never scrolls sideways (WCAG 1.4.10); Vega's default adds them outside the box.
FIT_WIDTH = {"type": "fit-x", "contains": "padding"}
UNIT_AXIS = {"aantal": "Aantal", "dagen": "Dagen", "procent": "Procent", "euro": "Euro"}


@dataclass(frozen=True)
class ChartTable:
    """A line chart's numbers as a table, period by series, shown under the chart.

    It is the chart's text alternative (WCAG 1.1.1) and what a page shows without JavaScript;
    a cell the disclosure rule hides holds ``None`` and its reason sits in ``reasons``.
    """

    series: list[str]
    cells: dict[str, dict[str, Any]]
    reasons: dict[tuple[str, str], str]


def chart_table(rows: list[dict[str, Any]], series_field: str) -> ChartTable:
    """The table of the rows a :func:`line_chart` draws, one column per value of ``series_field``."""
    series = sorted({str(r[series_field]) for r in rows})
    cells: dict[str, dict[str, Any]] = {
        p: dict.fromkeys(series) for p in sorted({r["period"] for r in rows})
    }
    reasons: dict[tuple[str, str], str] = {}
    for row in rows:
        name = str(row[series_field])
        cells[row["period"]][name] = row["value"]
        if row.get(REASON_COLUMN):
            reasons[(row["period"], name)] = row[REASON_COLUMN]
    return ChartTable(series, cells, reasons)


def line_chart(
    metric: Metric, rows: list[dict[str, Any]], series_field: str | None, title: str
) -> dict[str, Any]:
    fmt = ",.0f" if metric.unit == "aantal" else ",.1f"
    encoding: dict[str, Any] = {
        "x": {
            "field": "period",
            "type": "temporal",
            "title": "Periode",
            "axis": {"format": "%b %Y"},
        },
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": UNIT_AXIS[metric.unit],
            "axis": {"format": fmt},
        },
        "tooltip": [
            {"field": "period", "type": "temporal", "title": "Periode", "format": "%B %Y"},
            {"field": "value", "type": "quantitative", "title": metric.title, "format": fmt},
        ],
    }
    if series_field:
        encoding["color"] = {
            "field": series_field,
            "type": "nominal",
            "title": None,
            "legend": {"orient": "bottom"},
        }
        encoding["tooltip"].insert(0, {"field": series_field, "type": "nominal", "title": "Reeks"})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "autosize": FIT_WIDTH,
        "height": 240,
        "data": {"values": rows},
        "mark": {"type": "line", "point": True},
        "encoding": encoding,
    }


def band_chart(
    rows: list[dict[str, Any]],
    *,
    title: str,
    value: str,
    low: str,
    high: str,
    value_title: str,
    limit: str | None = None,
    limit_title: str = "",
) -> dict[str, Any]:
    """A weekly forecast: the expected line inside its interval band, and optionally a
    capacity line, so a planner sees at a glance where the demand may exceed it."""
    x = {"field": "week_start", "type": "temporal", "title": "Week", "axis": {"format": "%b %Y"}}
    tooltip = [
        {"field": "week_start", "type": "temporal", "title": "Week van", "format": "%d-%m-%Y"},
        {"field": value, "type": "quantitative", "title": value_title, "format": ",.0f"},
        {"field": low, "type": "quantitative", "title": "Ondergrens", "format": ",.0f"},
        {"field": high, "type": "quantitative", "title": "Bovengrens", "format": ",.0f"},
    ]
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "opacity": 0.25},
            "encoding": {
                "x": x,
                "y": {"field": low, "type": "quantitative", "title": "Aantal per week"},
                "y2": {"field": high},
            },
        },
        {
            "mark": {"type": "line"},
            "encoding": {
                "x": x,
                "y": {"field": value, "type": "quantitative"},
                "tooltip": tooltip,
            },
        },
    ]
    if limit:
        layers.append(
            {
                "mark": {"type": "line", "strokeDash": [6, 4], "color": "#a4262c"},
                "encoding": {
                    "x": x,
                    "y": {"field": limit, "type": "quantitative"},
                    "tooltip": [{"field": limit, "type": "quantitative", "title": limit_title}],
                },
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "autosize": FIT_WIDTH,
        "height": 260,
        "data": {"values": rows},
        "layer": layers,
    }


def peaks_chart(weekly: list[dict[str, Any]], peaks: list[dict[str, Any]]) -> dict[str, Any]:
    """Received meldingen per week, with a mark on each week that holds a detected peak."""
    marks = [
        {
            "period": _monday(str(p["piekdag"])),
            "label": f"{p['subcategory']}: +{round(p['extra'])} ({p['zekerheid']})",
        }
        for p in peaks
    ]
    x = {"field": "period", "type": "temporal", "title": "Week", "axis": {"format": "%b %Y"}}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": "Ontvangen meldingen per week, met de gevonden pieken",
        "width": "container",
        "autosize": FIT_WIDTH,
        "height": 260,
        "layer": [
            {
                "data": {"values": weekly},
                "mark": {"type": "line"},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative", "title": "Meldingen per week"},
                    "tooltip": [
                        {
                            "field": "period",
                            "type": "temporal",
                            "title": "Week van",
                            "format": "%d-%m-%Y",
                        },
                        {
                            "field": "value",
                            "type": "quantitative",
                            "title": "Ontvangen",
                            "format": ",.0f",
                        },
                    ],
                },
            },
            {
                "data": {"values": marks},
                "mark": {"type": "rule", "color": "#a4262c", "strokeDash": [4, 3]},
                "encoding": {
                    "x": x,
                    "tooltip": [
                        {
                            "field": "period",
                            "type": "temporal",
                            "title": "Week van",
                            "format": "%d-%m-%Y",
                        },
                        {"field": "label", "type": "nominal", "title": "Piek"},
                    ],
                },
            },
        ],
    }


def _monday(day: str) -> str:
    start = date.fromisoformat(day[:10])
    return (start - timedelta(days=start.weekday())).isoformat()


@cache
def locale_options() -> dict[str, Any]:
    import vl_convert

    return {
        "formatLocale": vl_convert.get_format_locale("nl-NL"),
        "timeFormatLocale": vl_convert.get_time_format_locale("nl-NL"),
        "actions": False,
        "renderer": "svg",
    }


@cache
def vega_bundle() -> str:
    import vl_convert

    version = vl_convert.get_vega_embed_version() + "-" + vl_convert.get_vega_version()
    cached = Path(tempfile.gettempdir()) / f"koers-vega-{version}.js"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    bundle: str = vl_convert.javascript_bundle(
        "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"
    )
    partial = cached.with_suffix(".partial")
    partial.write_text(bundle, encoding="utf-8")
    partial.replace(cached)
    return bundle
