"""Checking that the table under a chart holds the chart's numbers: the table is the chart's
text alternative and what the page shows without JavaScript."""

from __future__ import annotations

import json
import re

from koers.formatting import period_label, with_unit


def assert_table_holds_the_chart(
    html: str, spec_id: str, table_id: str, grain: str, series_field: str = "reeks"
) -> int:
    """Every point of the chart ``spec_id`` shows in table ``table_id``; returns the count."""
    spec = re.search(rf'<script type="application/json" id="{spec_id}">(.*?)</script>', html)
    table = re.search(rf'<caption id="{table_id}">.*?</table>', html, re.S)
    assert spec and table, (spec_id, table_id)
    body = json.loads(spec.group(1).replace("<\\/", "</"))
    points = body["data"]["values"] if "data" in body else body["layer"][0]["data"]["values"]
    assert points, spec_id
    heads = re.findall(r'<th scope="col" class="num">([^<]*)</th>', table.group(0))
    names = {str(p.get(series_field, heads[0] if len(heads) == 1 else "")) for p in points}
    assert sorted(heads) == sorted(names), (heads, names)
    rows = {
        label: re.findall(r'<td class="num[^"]*">([^<]*)</td>', cells)
        for label, cells in re.findall(
            r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', table.group(0), re.S
        )
    }
    for point in points:
        column = heads.index(str(point.get(series_field, heads[0])))
        shown = rows[period_label(point["period"], grain)][column]
        assert shown == with_unit(point["value"], "aantal"), (point, shown)
    return len(points)
