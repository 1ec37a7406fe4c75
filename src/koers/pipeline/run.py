"""``koers run``: load every configured source, build the models, compute the metrics.

Each step is logged with its row counts. A file that breaks its contract as a whole is
refused and reported, and the run goes on with the other files but ends as failed; any other
error stops the run. Either way the run log says what happened.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from koers.config import Project, SourceConfig
from koers.engine import Warehouse
from koers.errors import ContractError, KoersError, PipelineError, SourceError
from koers.ingestion.deliveries import pending_deliveries
from koers.ingestion.ledger import ensure_ledger
from koers.ingestion.loader import Delivery, LoadContext, LoadResult, load_delivery
from koers.ingestion.retention import remove_expired_raw
from koers.ingestion.versioning import ensure_staging
from koers.metrics.query import QueryService
from koers.packs.base import PackSet
from koers.pipeline.metrics_step import compute_metric, metric_fingerprint
from koers.pipeline.progress import Progress, Silent
from koers.pipeline.runlog import RunLog, now
from koers.transform.build import (
    BUILD_STATE_SCHEMA,
    BUILD_STATE_TABLE,
    build_node,
    fingerprints,
    iter_changed,
    previous_fingerprints,
    source_fingerprints,
)
from koers.transform.graph import build_graph
from koers.transform.lineage import LINEAGE_SCHEMA, LINEAGE_TABLE


@dataclass
class RunSummary:
    run_id: str
    loads: list[LoadResult] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    built: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    metrics_computed: list[str] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        return sum(load.rows_loaded for load in self.loads)

    @property
    def rows_quarantined(self) -> int:
        return sum(load.rows_quarantined for load in self.loads)


def run_pipeline(
    project: Project, warehouse: Warehouse, packs: PackSet, progress: Progress | None = None
) -> RunSummary:
    progress = progress or Silent()
    summary = RunSummary(run_id=uuid.uuid4().hex[:12])
    warehouse.ensure_layers()
    log = RunLog(warehouse, summary.run_id)
    log.start()
    try:
        _run(project, warehouse, packs, progress, log, summary)
    except KoersError as exc:
        log.finish("mislukt", exc.message)
        progress.finish()
        raise PipelineError(f"run {summary.run_id} mislukt: {exc.message}") from exc
    except Exception as exc:
        log.finish("mislukt", f"{type(exc).__name__}: {exc}")
        progress.finish()
        raise
    progress.finish()
    if summary.refused:
        message = "; ".join(summary.refused)
        log.finish("mislukt", message)
        raise PipelineError(f"run {summary.run_id}: bestand(en) geweigerd: {message}")
    log.finish("geslaagd")
    return summary


def _run(
    project: Project,
    warehouse: Warehouse,
    packs: PackSet,
    progress: Progress,
    log: RunLog,
    summary: RunSummary,
) -> None:
    graph = build_graph(packs)
    ensure_ledger(warehouse)
    for contract in packs.contracts.values():
        ensure_staging(warehouse, contract)
    warehouse.create_table(BUILD_STATE_TABLE, BUILD_STATE_SCHEMA)
    warehouse.create_table(LINEAGE_TABLE, LINEAGE_SCHEMA)
    context = LoadContext(
        contracts=packs.contracts,
        seeds=packs.seed_paths(),
        pseudonym_key_env=project.privacy.pseudonym_key_env,
    )

    work: list[tuple[SourceConfig, Delivery]] = []
    for source in project.sources:
        if source.contract not in packs.contracts:
            raise PipelineError(
                f"bron '{source.name}' noemt contract '{source.contract}', maar geen "
                "ingeschakelde pack of eigen contracts/-map levert dat"
            )
        started = now()
        try:
            deliveries = pending_deliveries(project, warehouse, source)
        except SourceError as exc:
            # One unreachable API must not keep the other sources from loading.
            summary.refused.append(exc.message)
            log.step(source.name, "ophalen", started, "mislukt", message=exc.message)
            continue
        if source.type != "files":
            log.step(source.name, "ophalen", started, "geslaagd", rows_out=len(deliveries))
        work.extend((source, d) for d in deliveries)
    progress.start(len(work) + len(graph.nodes) + len(packs.metrics))

    for source, delivery in work:
        _load_one(project, warehouse, packs, source, delivery, context, progress, log, summary)
    removed = remove_expired_raw(project, warehouse, packs.contracts)
    if removed:
        log.step("landing", "bewaartermijn", now(), "geslaagd", rows_out=len(removed))

    current = fingerprints(graph, source_fingerprints(warehouse, graph.sources))
    previous = previous_fingerprints(warehouse)
    for node, stale in iter_changed(graph, current, previous, warehouse):
        progress.step(f"bouwen {node.table}")
        started = now()
        if not stale:
            summary.unchanged.append(node.table)
            log.step(node.table, "bouwen", started, "ongewijzigd")
            progress.done(f"ongewijzigd {node.table}", "")
            continue
        rows = build_node(warehouse, graph, node, current[node.table], summary.run_id)
        summary.built.append((node.table, rows))
        log.step(node.table, "bouwen", started, "geslaagd", rows_out=rows)
        progress.done(f"gebouwd {node.table}", f"{rows} rijen")

    service = QueryService(project, warehouse, packs)
    for metric in packs.metrics.values():
        progress.step(f"berekenen {metric.id}")
        started = now()
        fingerprint = metric_fingerprint(metric.model_dump_json(), current.get(metric.mart, ""))
        key = f"metric:{metric.id}"
        if previous.get(key) == fingerprint:
            log.step(key, "metriek", started, "ongewijzigd")
            progress.done(f"ongewijzigd {metric.id}", "")
            continue
        rows = compute_metric(warehouse, service, metric.id, fingerprint, summary.run_id)
        summary.metrics_computed.append(metric.id)
        log.step(key, "metriek", started, "geslaagd", rows_out=rows)
        progress.done(f"berekend {metric.id}", f"{rows} waarden")


def _load_one(
    project: Project,
    warehouse: Warehouse,
    packs: PackSet,
    source: SourceConfig,
    delivery: Delivery,
    context: LoadContext,
    progress: Progress,
    log: RunLog,
    summary: RunSummary,
) -> None:
    step = f"{source.name}/{delivery.name}"
    progress.step(f"laden {step}")
    started = now()
    try:
        result = load_delivery(
            project,
            warehouse,
            source,
            packs.contracts[source.contract],
            delivery,
            summary.run_id,
            context,
        )
    except ContractError as exc:
        summary.refused.append(exc.message)
        log.step(step, "laden", started, "geweigerd", message=exc.message)
        progress.done(f"geweigerd {delivery.name}", exc.message)
        return
    summary.loads.append(result)
    log.step(
        step,
        "laden",
        started,
        "geslaagd",
        rows_in=result.rows_read,
        rows_out=result.rows_loaded,
        rows_quarantined=result.rows_quarantined,
        message="; ".join(result.notes) or None,
    )
    detail = f"{result.rows_loaded} rijen"
    if result.rows_replaced:
        detail += f" ({result.rows_replaced} vervangen)"
    if result.rows_quarantined:
        detail += f", {result.rows_quarantined} apart gezet"
    for note in result.notes:
        detail += f"; {note}"
    progress.done(f"geladen {delivery.name}", detail)
