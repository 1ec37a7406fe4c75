"""Computing every metric per gemeente and month, stored for overview pages.

A metric's values are recomputed only when its formula or its mart changed, so a run without
new data leaves them as they were.
"""

from __future__ import annotations

import hashlib

from koers.engine import Warehouse
from koers.metrics.query import METRIC_VALUES_TABLE, QueryService
from koers.metrics.request import Grain, MetricRequest
from koers.privacy.access import SYSTEM
from koers.transform.build import record_build

METRIC_VALUES_SCHEMA = {
    "metric_id": "VARCHAR",
    "gemeente_code": "VARCHAR",
    "period": "DATE",
    "value": "DOUBLE",
}


def metric_fingerprint(definition_json: str, mart_fingerprint: str) -> str:
    return hashlib.sha256(f"{definition_json}:{mart_fingerprint}".encode()).hexdigest()[:32]


def compute_metric(
    warehouse: Warehouse, service: QueryService, metric_id: str, fingerprint: str, run_id: str
) -> int:
    warehouse.create_table(METRIC_VALUES_TABLE, METRIC_VALUES_SCHEMA)
    data = service.data(
        SYSTEM, MetricRequest(metric_id, grain=Grain.MONTH, dimensions=("gemeente",))
    )
    rows = [
        (metric_id, r["gemeente"], r["period"], r["value"])
        for r in data.rows
        if r["value"] is not None
    ]
    with warehouse.transaction():
        warehouse.execute(f"DELETE FROM {METRIC_VALUES_TABLE} WHERE metric_id = '{metric_id}'")
        warehouse.insert_rows(METRIC_VALUES_TABLE, list(METRIC_VALUES_SCHEMA), rows)
        record_build(warehouse, f"metric:{metric_id}", fingerprint, len(rows), run_id)
    return len(rows)
