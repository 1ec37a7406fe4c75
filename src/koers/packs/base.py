"""What a pack is, and the registry that collects enabled packs without duplicate names."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TypeVar

from koers.errors import ConfigError, PackError
from koers.ingestion.contracts import Contract, load_contract
from koers.metrics.definitions import (
    GEMEENTE,
    Dimension,
    Metric,
    Table,
    load_metrics_file,
    load_tables_file,
)
from koers.web.dashboards import Dashboard, load_dashboards_file

T = TypeVar("T")

#: A pack's demo generator: called with the project's ``bronnen/`` folder and keyword arguments
#: ``seed``, ``start``, ``end`` and ``scale``; writes ``bronnen/<contract>/<GMcode>/`` (or
#: ``bronnen/<contract>/`` for regional data) and returns its ground truth (see koers.demo.project).
DemoWriter = Callable[..., Any]


#: Scale limit of the demo generators that hold a whole population in memory (measured: at
#: 5× the real population the largest, reisdocumenten, peaks at ~0.6 GiB and takes ~30 s).
DEMO_MAX_SCALE = 5.0


@dataclass(frozen=True)
class LazyDemo:
    """A demo generator named as ``"module:function"`` and imported on first call.

    Generators pull in numpy and large tables, which the CLI need not load to start.
    ``subfolder`` is for generators that write one contract's folder and take it as their
    output directory.
    """

    target: str
    subfolder: str | None = None

    def __call__(self, bronnen: Path, **kwargs: Any) -> Any:
        module, _, function = self.target.partition(":")
        generate = getattr(importlib.import_module(module), function)
        return generate(bronnen / self.subfolder if self.subfolder else bronnen, **kwargs)


@dataclass(frozen=True)
class Pack:
    """A domain pack, read from one folder laid out the same way in every pack::

    contracts/*.toml     source contracts
    seeds/*.csv          reference tables, loaded as core.<name>
    models/<layer>/*.sql SQL models (one SELECT each), built as <layer>.<name>
    models/<layer>/*.py  Python models (INPUTS, COLUMNS, build), built as <layer>.<name>
    metrics.toml         dimensions and metrics
    dashboards.toml      dashboards
    """

    name: str
    title: str
    folder: Path
    demo: DemoWriter | None = None
    #: The largest ``--scale`` the demo generator is built for. Generators that simulate every
    #: person or case in memory stop at a few times the real population; only streaming ones
    #: (meldingen) go to benchmark sizes. ``None``: no limit.
    demo_max_scale: float | None = None

    @property
    def contracts(self) -> list[Contract]:
        return [load_contract(p) for p in sorted((self.folder / "contracts").glob("*.toml"))]

    @property
    def seed_files(self) -> list[Path]:
        return sorted((self.folder / "seeds").glob("*.csv"))

    @property
    def model_files(self) -> list[Path]:
        return sorted((self.folder / "models").glob("*/*.sql"))

    @property
    def python_model_files(self) -> list[Path]:
        """Models that need Python (statistics, forecasts): see koers.transform.python_model."""
        return sorted(p for p in (self.folder / "models").glob("*/*.py") if p.stem != "__init__")

    def metrics_and_dimensions(self) -> tuple[list[Dimension], list[Metric]]:
        path = self.folder / "metrics.toml"
        return load_metrics_file(path) if path.exists() else ([], [])

    @property
    def tables(self) -> list[Table]:
        path = self.folder / "metrics.toml"
        return load_tables_file(path) if path.exists() else []

    @property
    def dashboards(self) -> list[Dashboard]:
        path = self.folder / "dashboards.toml"
        return load_dashboards_file(path) if path.exists() else []


class UniqueRegistry(dict[str, T]):
    """A dict that refuses a second entry under the same name, saying where both came from."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.origin: dict[str, str] = {}

    def add(self, key: str, value: T, origin: str) -> None:
        if key in self:
            raise PackError(
                f"{self.kind} '{key}' staat zowel in {self.origin[key]} als in {origin}"
            )
        self[key] = value
        self.origin[key] = origin


@dataclass
class PackSet:
    """The enabled packs and everything they declare, checked for clashes once."""

    packs: list[Pack]
    contracts: UniqueRegistry[Contract] = field(default_factory=lambda: UniqueRegistry("contract"))
    metrics: UniqueRegistry[Metric] = field(default_factory=lambda: UniqueRegistry("metriek"))
    dimensions: UniqueRegistry[Dimension] = field(
        default_factory=lambda: UniqueRegistry("dimensie")
    )
    dashboards: UniqueRegistry[Dashboard] = field(
        default_factory=lambda: UniqueRegistry("dashboard")
    )
    tables: UniqueRegistry[Table] = field(default_factory=lambda: UniqueRegistry("tabel"))

    def __post_init__(self) -> None:
        self.dimensions.add(GEMEENTE.id, GEMEENTE, "koers")
        for pack in self.packs:
            for contract in pack.contracts:
                self.contracts.add(contract.name, contract, f"pack {pack.name}")
                same_table = [
                    other.name
                    for other in self.contracts.values()
                    if other.table == contract.table and other.name != contract.name
                ]
                if same_table:
                    raise PackError(
                        f"contract '{contract.name}' (pack {pack.name}) schrijft naar "
                        f"staging.{contract.table}, net als contract '{same_table[0]}'"
                    )
            dimensions, metrics = pack.metrics_and_dimensions()
            for dimension in dimensions:
                if self.dimensions.get(dimension.id) != dimension:
                    self.dimensions.add(dimension.id, dimension, f"pack {pack.name}")
            for metric in metrics:
                self.metrics.add(metric.id, metric, f"pack {pack.name}")
            for dashboard in pack.dashboards:
                self.dashboards.add(dashboard.id, dashboard, f"pack {pack.name}")
            for table in pack.tables:
                self.tables.add(table.id, table, f"pack {pack.name}")
        self._check_dimensions()

    def _check_dimensions(self) -> None:
        """Every metric's dimensions are declared by some enabled pack (or the project)."""
        for metric_id, metric in self.metrics.items():
            unknown = sorted(set(metric.dimensions) - set(self.dimensions))
            if unknown:
                origin = self.metrics.origin[metric_id]
                pack = next(p for p in self.packs if origin == f"pack {p.name}")
                raise PackError(
                    f"{pack.folder / 'metrics.toml'}: metriek {metric_id} noemt onbekende "
                    f"dimensie(s) {unknown}; bekend zijn {sorted(self.dimensions)}"
                )

    def seed_paths(self) -> dict[str, Path]:
        """Seed files by table name (``core.<name>``), for contract references."""
        return {path.stem: path for pack in self.packs for path in pack.seed_files}

    def pack_of_dashboard(self, dashboard_id: str) -> str:
        return self.dashboards.origin[dashboard_id].removeprefix("pack ")


def available_packs() -> dict[str, Pack]:
    found: dict[str, Pack] = {}
    for entry in entry_points(group="koers.packs"):
        pack = entry.load()
        if not isinstance(pack, Pack):
            raise PackError(f"entry point {entry.value} levert geen Pack")
        found[entry.name] = pack
    return found


#: The project folder itself acts as a pack when it holds any of these: a BI specialist adds a
#: source (with its contract), reference tables and models without writing Python.
PROJECT_PACK_PARTS = ("contracts", "seeds", "models", "metrics.toml", "dashboards.toml")


def project_pack(project_dir: Path) -> Pack | None:
    if any((project_dir / part).exists() for part in PROJECT_PACK_PARTS):
        return Pack(name="project", title="Eigen project", folder=project_dir)
    return None


def load_packs(names: Iterable[str], project_dir: Path | None = None) -> PackSet:
    """The named packs, plus the project's own contracts, seeds and models if it has any."""
    available = available_packs()
    chosen = []
    for name in names:
        if name not in available:
            known = ", ".join(sorted(available)) or "geen"
            raise ConfigError(
                f"koers.toml: sleutel 'packs.enabled': onbekende pack '{name}' (beschikbaar: {known})"
            )
        chosen.append(available[name])
    own = project_pack(project_dir) if project_dir else None
    return PackSet([*chosen, own] if own else chosen)
