"""Ingestion benchmark: a large meldingen export loaded with every check, against DuckDB's
own ``read_csv`` of the same file, measured in the same run on the same machine.

    .venv/bin/python benchmarks/ingest.py                 # 5,000,000 rows (the target)
    .venv/bin/python benchmarks/ingest.py --rows 200000   # a quick look

Koers' side: the full load of one delivery (dialect detection, typing, contract rules,
duplicate-key check, HMAC-SHA256 pseudonym of the reporter's phone number, quarantine,
record versioning, the ledger) into a DuckDB warehouse file. Baseline: ``CREATE TABLE AS
SELECT * FROM read_csv(...)`` into a fresh DuckDB file. Each runs in its own child process,
so peak memory (max RSS) is measured per side.

Targets (issue 3): ratio = baseline seconds / Koers seconds >= 0.5, Koers peak RSS < 2 GiB.
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from koers.measure import peak_rss_kib

ROWS = 5_000_000
GIB = 1 << 30
TARGET_RATIO = 0.5
KEY = "benchmark-sleutel-niet-voor-productie-0123456789"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument(
        "--child", choices=["generate", "baseline", "koers"], help=argparse.SUPPRESS
    )
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        work = {"generate": _generate, "baseline": _baseline, "koers": _koers}[args.child]
        figures = work(args.file, args.dir)
        figures["peak_mib"] = peak_rss_kib() / 1024
        print(json.dumps(figures))
        return
    _run(args.rows)


def _run(rows: int) -> None:
    with tempfile.TemporaryDirectory(prefix="koers-bench-") as tmp:
        folder = Path(tmp)
        source = folder / "meldingen_groot.csv"
        started = time.perf_counter()
        bad = int(_child("generate", source, folder / str(rows))["bad"])
        size = source.stat().st_size
        print(
            f"bestand: {rows:,} rijen, {size / 1e6:,.0f} MB, {bad} rijen breken het contract "
            f"(gemaakt in {time.perf_counter() - started:.1f} s)"
        )
        baseline = _child("baseline", source, folder / "baseline")
        print(
            f"DuckDB read_csv: {baseline['seconds']:.2f} s, "
            f"{rows / baseline['seconds']:,.0f} rijen/s, piek {baseline['peak_mib']:,.0f} MiB"
        )
        koers = _child("koers", source, folder / "koers")
        print(
            f"Koers laden:     {koers['seconds']:.2f} s, "
            f"{rows / koers['seconds']:,.0f} rijen/s, piek {koers['peak_mib']:,.0f} MiB, "
            f"{koers['loaded']:,} geladen, {koers['quarantined']:,} apart gezet"
        )
        if koers["loaded"] + koers["quarantined"] != rows or koers["quarantined"] != bad:
            raise SystemExit("fout: aantallen kloppen niet met het gemaakte bestand")
        ratio = baseline["seconds"] / koers["seconds"]
        result = {
            "benchmark": "ingest",
            "rows": rows,
            "file_mb": round(size / 1e6, 1),
            "baseline_seconds": round(baseline["seconds"], 3),
            "koers_seconds": round(koers["seconds"], 3),
            "koers_rows_per_second": round(rows / koers["seconds"]),
            "baseline_rows_per_second": round(rows / baseline["seconds"]),
            "ratio": round(ratio, 3),
            "ratio_target": TARGET_RATIO,
            "koers_peak_mib": round(koers["peak_mib"]),
            "baseline_peak_mib": round(baseline["peak_mib"]),
            "peak_target_mib": GIB * 2 // (1 << 20),
            "rows_quarantined": koers["quarantined"],
            "meets_targets": ratio >= TARGET_RATIO and koers["peak_mib"] * (1 << 20) < 2 * GIB,
        }
        print(json.dumps(result))


def _child(kind: str, source: Path, folder: Path) -> dict[str, float]:
    """Run one step in a fresh process, so each side's peak memory is its own."""
    folder.mkdir()
    completed = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--file", str(source), "--dir", str(folder)],
        stdout=subprocess.PIPE,
        env={**os.environ, "KOERS_PSEUDONIEM_SLEUTEL": KEY},
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"fout: {kind} stopte met code {completed.returncode}")
    figures: dict[str, float] = json.loads(completed.stdout.decode().strip().splitlines()[-1])
    return figures


def _generate(source: Path, folder: Path) -> dict[str, float]:
    from koers.demo.bulk import write_bulk_meldingen

    return {"bad": float(write_bulk_meldingen(source, int(folder.name), phone=True))}


def _baseline(source: Path, folder: Path) -> dict[str, float]:
    from koers.engine.duckdb_engine import DuckDBWarehouse

    warehouse = DuckDBWarehouse(folder / "baseline.duckdb")
    started = time.perf_counter()
    with warehouse.processor() as processor:
        processor.execute(
            "CREATE TABLE meldingen AS SELECT * FROM read_csv(?, delim = ';', header = true)",
            [str(source)],
        )
        rows = processor.query("SELECT count(*) FROM meldingen").scalar()
    seconds = time.perf_counter() - started
    warehouse.close()
    return {"seconds": seconds, "rows": float(rows)}


def _koers(source: Path, folder: Path) -> dict[str, float]:
    from koers.config import load_project
    from koers.engine import connect
    from koers.ingestion.ledger import ensure_ledger
    from koers.ingestion.loader import Delivery, LoadContext, load_delivery
    from koers.ingestion.versioning import ensure_staging
    from koers.packs import load_packs
    from koers.sources.files import file_sha256

    project = load_project(_write_project(folder, source))
    packs = load_packs(project.packs, project.dir)
    contract = packs.contracts["meldingen_bench"]
    started = time.perf_counter()
    with connect(project) as warehouse:
        warehouse.ensure_layers()
        ensure_ledger(warehouse)
        ensure_staging(warehouse, contract)
        delivery = Delivery(source, file_sha256(source), source.stat().st_size, source.name)
        result = load_delivery(
            project,
            warehouse,
            project.sources[0],
            contract,
            delivery,
            "benchmark",
            LoadContext(packs.contracts, packs.seed_paths(), project.privacy.pseudonym_key_env),
        )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "loaded": float(result.rows_loaded),
        "quarantined": float(result.rows_quarantined),
    }


def _write_project(folder: Path, source: Path) -> Path:
    """A project whose own contract is the meldingen contract plus a pseudonymised phone."""
    from koers.demo.bulk import PHONE_HEADER
    from koers.packs.base import available_packs

    pack = available_packs()["meldingen"]
    contract = tomllib.loads(
        (pack.folder / "contracts" / "meldingen.toml").read_text(encoding="utf-8")
    )
    lines = [
        'name = "meldingen_bench"',
        'title = "Meldingen met telefoonnummer (benchmark)"',
        f"version = {contract['version']}",
        'table = "meldingen_bench"',
        'key = ["melding_id"]',
        "history = true",
    ]
    columns = [
        *contract["columns"],
        {
            "name": "telefoon",
            "header": PHONE_HEADER,
            "personal": "phone",
            "handling": "pseudonymise",
        },
    ]
    for column in columns:
        lines.append("\n[[columns]]")
        for key, value in column.items():
            lines.append(f"{key} = {json.dumps(value)}")
    (folder / "contracts").mkdir()
    (folder / "contracts" / "meldingen_bench.toml").write_text("\n".join(lines), encoding="utf-8")
    (folder / "koers.toml").write_text(
        "\n".join(
            [
                "[project]",
                'name = "Benchmark"',
                "[[gemeenten]]",
                'code = "GM0226"',
                'naam = "Duiven"',
                "[packs]",
                "enabled = []",
                "[[sources]]",
                'name = "meldingen"',
                'contract = "meldingen_bench"',
                'gemeente = "GM0226"',
                f'path = "{source.parent}"',
                f'pattern = "{source.name}"',
            ]
        ),
        encoding="utf-8",
    )
    return folder


if __name__ == "__main__":
    main()
