"""Python models: tables built by code where SQL cannot do the work (statistics, forecasts).

A Python model is a file ``models/<layer>/<name>.py`` in a pack, beside the SQL models, and
becomes the table ``<layer>.<name>``. It declares what it reads and what it writes, so the
model graph can order it, fingerprint it (its source text and its inputs) and record its
lineage exactly like a SQL model, and it is rebuilt only when one of those changes::

    INPUTS = ("marts.meldingen_dag", "core.weer_dag")
    COLUMNS = {"gemeente_code": "VARCHAR", "datum": "DATE", "verwacht": "DOUBLE"}

    def build(warehouse: Warehouse) -> pandas.DataFrame: ...

An optional ``CODE = ("koers.packs.x.forecast",)`` names the modules whose source also makes
up the fingerprint, so a change in the method rebuilds the table, not only a change in the
model file. An optional ``OPTIONAL_INPUTS = ("core.weer_dag",)`` names tables another pack
may provide: when an enabled pack builds them they order, fingerprint and trace the model
like ``INPUTS``; when none does they are left out, and ``build`` checks
``warehouse.table_exists`` before reading them (meldingen peaks use weather if the weer pack
is on, and calendar causes alone if not). ``build`` reads only its ``INPUTS`` (and the
provided optional ones) through ``warehouse.query`` and returns a DataFrame with the declared
columns; the frame is written in one bulk insert through the processor, which is fast on
DuckDB and PostgreSQL alike (row-by-row inserts manage a few thousand rows/s).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from koers.engine import Warehouse
from koers.errors import PackError

_FRAME = "_koers_python_model"


@dataclass(frozen=True)
class PythonModel:
    inputs: frozenset[str]
    columns: dict[str, str]
    build: Callable[[Warehouse], Any]
    #: The model file's source and that of the modules in CODE: what the fingerprint hashes.
    source: str
    #: Tables read when an enabled pack provides them (OPTIONAL_INPUTS).
    optional_inputs: frozenset[str] = frozenset()


def load_python_model(path: Path, origin: str) -> PythonModel:
    module = _import(path, origin)
    inputs = _tables(module, "INPUTS", None, origin)
    optional = _tables(module, "OPTIONAL_INPUTS", (), origin)
    columns = getattr(module, "COLUMNS", None)
    build = getattr(module, "build", None)
    if not isinstance(columns, dict) or not columns:
        raise PackError(f"{origin}: COLUMNS moet kolomnamen en hun type geven")
    if not callable(build):
        raise PackError(f"{origin}: een functie build(warehouse) ontbreekt")
    source = path.read_text(encoding="utf-8")
    for name in getattr(module, "CODE", ()):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise PackError(f"{origin}: CODE noemt module '{name}', die niet bestaat")
        source += f"\n# {name}\n" + Path(spec.origin).read_text(encoding="utf-8")
    return PythonModel(inputs, dict(columns), build, source, optional)


def _tables(module: ModuleType, name: str, default: object, origin: str) -> frozenset[str]:
    tables = getattr(module, name, default)
    if not isinstance(tables, tuple | list | frozenset) or not all(
        isinstance(t, str) and t.count(".") == 1 for t in tables
    ):
        raise PackError(f"{origin}: {name} moet een tuple van tabellen zijn, zoals 'marts.x'")
    return frozenset(tables)


def build_python_model(warehouse: Warehouse, table: str, path: Path, origin: str) -> int:
    """(Re)create ``table`` from the model's frame; runs inside the caller's transaction."""
    model = load_python_model(path, origin)
    frame = model.build(warehouse)
    missing = [c for c in model.columns if c not in frame.columns]
    if missing:
        raise PackError(f"{origin}: build() gaf geen kolom(men) {', '.join(missing)}")
    warehouse.execute(f"DROP TABLE IF EXISTS {table}")
    warehouse.create_table(table, model.columns)
    select = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in model.columns.items())
    with warehouse.processor() as processor:
        processor.register(_FRAME, frame[list(model.columns)])
        try:
            return warehouse.append_from_processor(
                processor, f"SELECT {select} FROM {_FRAME}", table, list(model.columns)
            )
        finally:
            processor.unregister(_FRAME)


def _import(path: Path, origin: str) -> ModuleType:
    name = f"koers_python_model_{abs(hash(path.resolve()))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PackError(f"{origin}: niet te laden als Python-module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses in the model need their module registered
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise PackError(f"{origin}: fout bij het laden ({type(exc).__name__}: {exc})") from exc
    return module
