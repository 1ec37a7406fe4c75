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
from koers.errors import ContractError, KoersError, PipelineError
from koers.ingestion.loader import LoadResult, ensure_ingestion_tables, load_file, pending_files
from koers.metrics.query import QueryService
from koers.packs.base import PackSet
from koers.pipeline.metrics_step import compute_metric, metric_fingerprint
from koers.pipeline.progress import Progress, Silent
from koers.pipeline.runlog import RunLog, now
from koers.sources.files import SourceFile
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
    ensure_ingestion_tables(warehouse, list(packs.contracts.values()))
    warehouse.create_table(BUILD_STATE_TABLE, BUILD_STATE_SCHEMA)

    work: list[tuple[SourceConfig, SourceFile]] = []
    for source in project.sources:
        if source.contract not in packs.contracts:
            raise PipelineError(
                f"bron '{source.name}' noemt contract '{source.contract}', maar geen "
                "ingeschakelde pack levert dat"
            )
        work.extend((source, f) for f in pending_files(project, warehouse, source))
    progress.start(len(work) + len(graph.nodes) + len(packs.metrics))

    for source, file in work:
        progress.step(f"laden {source.name}: {file.path.name}")
        started = now()
        try:
            result = load_file(
                project, warehouse, source, packs.contracts[source.contract], file, summary.run_id
            )
        except ContractError as exc:
            summary.refused.append(exc.message)
            log.step(
                f"{source.name}/{file.path.name}",
                "laden",
                started,
                "geweigerd",
                message=exc.message,
            )
            progress.done(f"geweigerd {file.path.name}", exc.message)
            continue
        summary.loads.append(result)
        log.step(
            f"{source.name}/{file.path.name}",
            "laden",
            started,
            "geslaagd",
            rows_in=result.rows_read,
            rows_out=result.rows_loaded,
            rows_quarantined=result.rows_quarantined,
        )
        detail = f"{result.rows_loaded} rijen"
        if result.rows_quarantined:
            detail += f", {result.rows_quarantined} apart gezet"
        progress.done(f"geladen {file.path.name}", detail)

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
        rows = build_node(warehouse, node, current[node.table], summary.run_id)
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
