"""Charts for printed reports: Vega-Lite specs drawn to SVG on the server, in Dutch.

The web pages draw the same kind of specs in the browser (:mod:`koers.web.charts`); a report
must be one self-contained file that prints, so here ``vl_convert`` draws them to SVG with the
Dutch number and date locale (1.234,5; "jul 2025"). Hidden values (disclosure control) are
left out of a chart, never drawn as zero; the caller says so in the chart's note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from koers.reports.council.document import ApiQuestion, Chart

GAPS_NOTE = "Verborgen of ontbrekende cijfers zijn in de grafiek weggelaten, niet als 0 getekend."

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: Width in CSS pixels that fills an A4 text column (170 mm at 96 dpi is about 640 px).
WIDTH_PX = 600
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
#: Colours that stay apart in print and for colour-blind readers (Okabe-Ito).
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]

CONFIG: dict[str, Any] = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "grid": True, "gridColor": "#e5e5e5"},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom"},
    "title": {"fontSize": 13, "anchor": "start"},
    "range": {"category": COLOURS},
}


@cache
def _locales() -> tuple[Any, Any]:
    import vl_convert

    return vl_convert.get_format_locale("nl-NL"), vl_convert.get_time_format_locale("nl-NL")


def to_svg(spec: dict[str, Any]) -> str:
    """The chart as an inline ``<svg>`` element (no XML declaration, no fixed id clashes)."""
    import vl_convert

    number_locale, time_locale = _locales()
    svg: str = vl_convert.vegalite_to_svg(
        spec, config=CONFIG, format_locale=number_locale, time_format_locale=time_locale
    )
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    return svg


def grouped_bars(
    rows: list[dict[str, Any]],
    *,
    group_title: str,
    value_title: str,
    decimals: int = 0,
    height: int = 220,
) -> dict[str, Any]:
    """Bars per ``group`` (a gemeente, a category), one per ``series`` (a quarter) side by side.

    ``rows``: ``{"group": str, "series": str, "value": float | None}``; None is left out.
    """
    fmt = f",.{decimals}f"
    shown = [r for r in rows if r["value"] is not None]
    return {
        "$schema": SCHEMA,
        "width": WIDTH_PX,
        "height": height,
        "data": {"values": shown},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "group", "type": "nominal", "title": group_title, "sort": None,
                  "axis": {"labelAngle": 0, "labelLimit": 140}},
            "xOffset": {"field": "series", "type": "nominal", "sort": None},
            "y": {"field": "value", "type": "quantitative", "title": value_title,
                  "axis": {"format": fmt}},
            "color": {"field": "series", "type": "nominal", "title": None, "sort": None},
        },
    }  # fmt: skip


def lines(
    rows: list[dict[str, Any]],
    *,
    value_title: str,
    decimals: int = 0,
    height: int = 220,
) -> dict[str, Any]:
    """A line per ``series`` over ``period`` (ISO dates, monthly); None values are left out."""
    fmt = f",.{decimals}f"
    shown = [r for r in rows if r["value"] is not None]
    return {
        "$schema": SCHEMA,
        "width": WIDTH_PX,
        "height": height,
        "data": {"values": shown},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "period", "type": "temporal", "title": "Maand",
                  "axis": {"format": "%b %Y", "labelAngle": 0}},
            "y": {"field": "value", "type": "quantitative", "title": value_title,
                  "axis": {"format": fmt}},
            "color": {"field": "series", "type": "nominal", "title": None, "sort": None},
        },
    }  # fmt: skip


def chart(
    title: str,
    spec: dict[str, Any],
    description: str,
    questions: Sequence[ApiQuestion],
    points: Sequence[dict[str, Any]],
) -> Chart:
    """The chart drawn; if a value was hidden or missing, the note says it is left out."""
    gaps = any(p["value"] is None for p in points)
    return Chart(title, spec, to_svg(spec), description, questions, GAPS_NOTE if gaps else "")
