"""The renewal forecast per gemeente and ISO week, stored so that pages and the API read it
through the query layer like any mart (method: koers.packs.reisdocumenten.forecast)."""

from __future__ import annotations

import pandas as pd  # type: ignore[import-untyped]

from koers.engine import Warehouse
from koers.packs.reisdocumenten.forecast import (
    CAPACITY_TABLE,
    LINKS_TABLE,
    forecast_from_warehouse,
)

INPUTS = (LINKS_TABLE, CAPACITY_TABLE)
CODE = ("koers.packs.reisdocumenten.forecast",)
COLUMNS = {
    "gemeente_code": "VARCHAR",
    "week_start": "DATE",
    "iso_week": "VARCHAR",
    "volledige_week": "BOOLEAN",
    "verwacht_vernieuwingen": "DOUBLE",
    "verwacht_eerste_documenten": "DOUBLE",
    "verwacht_vervangingen": "DOUBLE",
    "verwacht_aanvragen": "DOUBLE",
    "ondergrens_90": "DOUBLE",
    "bovengrens_90": "DOUBLE",
    "afspraken_nodig": "DOUBLE",
    "capaciteit": "DOUBLE",
    "boven_capaciteit": "BOOLEAN",
    "mogelijk_boven_capaciteit": "BOOLEAN",
    "peildatum": "DATE",
}


def build(warehouse: Warehouse) -> pd.DataFrame:
    result = forecast_from_warehouse(warehouse)
    rows = [
        (
            w.gemeente_code,
            w.week_start,
            w.iso_week,
            w.complete,
            w.renewals,
            w.first_documents,
            w.replacements,
            w.applications,
            w.lower,
            w.upper,
            w.appointments,
            w.capacity,
            w.over_capacity,
            w.may_exceed_capacity,
            result.peildatum[w.gemeente_code],
        )
        for w in result.weeks
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))
