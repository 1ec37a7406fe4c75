"""The model graph: every table Koers builds, and the order their SQL implies.

Nobody keeps a list of dependencies: each model's SQL is parsed and the tables it reads
are its inputs. A model reading a table that nothing builds and no contract fills is an
error named with its file.
"""

from __future__ import annotations

import graphlib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import sqlglot
from sqlglot import exp

from koers.engine.base import LAYERS
from koers.errors import PackError
from koers.packs.base import PackSet
from koers.transform.calendar import calendar_sql
from koers.transform.python_model import load_python_model


class NodeKind(StrEnum):
    MODEL = "model"
    SEED = "seed"
    PYTHON = "python"


@dataclass(frozen=True)
class Node:
    """A table Koers builds: from a SQL model, or from a reference CSV (a seed)."""

    table: str
    kind: NodeKind
    origin: str
    #: The SELECT for a model; the CSV text for a seed; the source code of a Python model.
    body: str
    inputs: frozenset[str] = field(default_factory=frozenset)
    #: The file of a Python model, run to build it.
    path: Path | None = None
    #: Tables a Python model reads only when an enabled pack provides them; build_graph
    #: moves the provided ones into ``inputs`` and drops the rest.
    optional_inputs: frozenset[str] = field(default_factory=frozenset)

    @property
    def body_hash(self) -> str:
        return hashlib.sha256(self.body.encode()).hexdigest()


def referenced_tables(sql: str, origin: str) -> frozenset[str]:
    """The layer tables a SELECT reads (CTE names excluded)."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise PackError(f"{origin}: SQL niet te lezen ({str(exc).splitlines()[0]})") from None
    if not isinstance(tree, exp.Query):
        raise PackError(f"{origin}: een model is precies één SELECT-query")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    found = set()
    for table in tree.find_all(exp.Table):
        if table.name in ctes and not table.db:
            continue
        if table.db in LAYERS:
            found.add(f"{table.db}.{table.name}")
        elif not table.db and isinstance(table.this, exp.Identifier):
            raise PackError(
                f"{origin}: tabel '{table.name}' zonder laag; schrijf bijvoorbeeld core.{table.name}"
            )
    return frozenset(found)


def _model_node(path: Path, pack: str) -> Node:
    layer = path.parent.name
    if layer not in ("core", "marts"):
        raise PackError(f"{path}: modellen staan in models/core of models/marts, niet in {layer}")
    sql = path.read_text(encoding="utf-8")
    origin = f"pack {pack}: models/{layer}/{path.name}"
    return Node(
        table=f"{layer}.{path.stem}",
        kind=NodeKind.MODEL,
        origin=origin,
        body=sql,
        inputs=referenced_tables(sql, origin),
    )


def python_model_node(path: Path, pack: str) -> Node:
    layer = path.parent.name
    if layer not in ("core", "marts"):
        raise PackError(f"{path}: modellen staan in models/core of models/marts, niet in {layer}")
    origin = f"pack {pack}: models/{layer}/{path.name}"
    model = load_python_model(path, origin)
    return Node(
        table=f"{layer}.{path.stem}",
        kind=NodeKind.PYTHON,
        origin=origin,
        body=model.source,
        inputs=model.inputs,
        path=path,
        optional_inputs=model.optional_inputs,
    )


@dataclass
class ModelGraph:
    nodes: dict[str, Node]
    #: Tables filled by ingestion (staging), which models may read but nobody builds.
    sources: frozenset[str]

    def order(self) -> list[Node]:
        sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
        for node in self.nodes.values():
            sorter.add(node.table, *(t for t in node.inputs if t in self.nodes))
        try:
            return [self.nodes[t] for t in sorter.static_order()]
        except graphlib.CycleError as exc:
            cycle = " -> ".join(exc.args[1])
            raise PackError(f"modellen verwijzen in een kring naar elkaar: {cycle}") from None


def build_graph(packs: PackSet) -> ModelGraph:
    nodes: dict[str, Node] = {}

    def add(node: Node) -> None:
        if node.table in nodes:
            raise PackError(
                f"tabel {node.table} wordt zowel door {nodes[node.table].origin} "
                f"als door {node.origin} gebouwd"
            )
        nodes[node.table] = node

    calendar = calendar_sql()
    add(Node("core.calendar", NodeKind.MODEL, "koers: kalender", calendar))
    for pack in packs.packs:
        for seed in pack.seed_files:
            add(
                Node(
                    table=f"core.{seed.stem}",
                    kind=NodeKind.SEED,
                    origin=f"pack {pack.name}: seeds/{seed.name}",
                    body=seed.read_text(encoding="utf-8"),
                )
            )
        for path in pack.model_files:
            add(_model_node(path, pack.name))
        for path in pack.python_model_files:
            add(python_model_node(path, pack.name))
    sources = frozenset(
        table
        for contract in packs.contracts.values()
        for table in (
            (contract.staging_table, contract.history_table)
            if contract.history
            else (contract.staging_table,)
        )
    )
    known = set(nodes) | sources
    for table, node in list(nodes.items()):
        if node.optional_inputs:
            provided = node.inputs | (node.optional_inputs & known)
            nodes[table] = replace(node, inputs=provided, optional_inputs=frozenset())
    _check_inputs(nodes.values(), known)
    return ModelGraph(nodes, sources)


def _check_inputs(nodes: Iterable[Node], known: set[str]) -> None:
    for node in nodes:
        missing = sorted(node.inputs - known)
        if missing:
            raise PackError(
                f"{node.origin}: leest {', '.join(missing)}, maar geen model, seed of contract "
                "levert die tabel"
            )
