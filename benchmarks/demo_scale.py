"""Demo at benchmark scale: ``koers demo --scale 100`` for meldingen, timed and measured.

    .venv/bin/python benchmarks/demo_scale.py               # scale 100: over 10 M rows (target)
    .venv/bin/python benchmarks/demo_scale.py --scale 5     # a quick look
    .venv/bin/python benchmarks/demo_scale.py --keep DIR    # keep the demo project in DIR

Runs, in one child process, exactly what a user types:

    koers demo DIR --scale 100 --packs meldingen --no-serve --until 23-11-2026 --seed 20261123

i.e. the generator writes six years of exports for the three gemeenten, then the normal
pipeline loads them (every contract check, quarantine, record versioning) and builds the
meldingen models. The child runs ``python -m koers.measure``, which runs the ``koers`` command and
reports its own high-water RSS (VmHWM) when it exits, so peak memory is that of the whole
demo, generation and load together. Generation time is read from the moment the ground truth
(``grondwaarheid/meldingen.json``, written right after the generator returns) appears.

Targets (issue 4): rows generated and loaded >= 10,000,000; peak memory < 2048 MiB.
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from koers.measure import peak_from_output

SCALE = 100.0
SEED = 20261123
UNTIL = "23-11-2026"
ROWS_TARGET = 10_000_000
PEAK_TARGET_MIB = 2048


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=SCALE)
    parser.add_argument("--keep", type=Path, help="map voor het demoproject (blijft staan)")
    args = parser.parse_args()
    if args.keep is not None:
        _run(args.keep, args.scale)
        return
    with tempfile.TemporaryDirectory(prefix="koers-demo-bench-") as tmp:
        _run(Path(tmp) / "demo", args.scale)


def _run(folder: Path, scale: float) -> None:
    command = [
        "demo", str(folder), "--scale", f"{scale:g}", "--packs", "meldingen", "--no-serve",
        "--until", UNTIL, "--seed", str(SEED),
    ]  # fmt: skip
    print("koers " + " ".join(command), flush=True)
    started_wall = time.time()
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "koers.measure", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        print(completed.stdout + completed.stderr, file=sys.stderr)
        raise SystemExit(f"fout: koers demo stopte met code {completed.returncode}")
    peak_mib = peak_from_output(completed.stdout) / 1024
    truth_file = folder / "grondwaarheid" / "meldingen.json"
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    generate_seconds = truth_file.stat().st_mtime - started_wall
    generated = int(truth["total_rows"])
    planted_bad = sum(len(rows) for rows in truth["malformed_rows"].values())
    loaded, quarantined, staged = _loaded(folder)
    print(
        f"gemaakt: {generated:,} rijen ({planted_bad} bewust kapot) in {generate_seconds:.1f} s, "
        f"{generated / generate_seconds:,.0f} rijen/s"
    )
    print(
        f"geladen: {loaded:,} rijen, {quarantined:,} apart gezet, {staged:,} in staging; "
        f"totaal {seconds:.1f} s, {loaded / seconds:,.0f} rijen/s; piek {peak_mib:,.0f} MiB"
    )
    if loaded + quarantined != generated or quarantined != planted_bad:
        raise SystemExit("fout: geladen en apart gezet kloppen niet met de grondwaarheid")
    result = {
        "benchmark": "demo_scale",
        "scale": scale,
        "seed": SEED,
        "until": UNTIL,
        "rows_generated": generated,
        "rows_loaded": loaded,
        "rows_quarantined": quarantined,
        "rows_in_staging": staged,
        "generate_seconds": round(generate_seconds, 1),
        "generate_rows_per_second": round(generated / generate_seconds),
        "total_seconds": round(seconds, 1),
        "rows_per_second": round(loaded / seconds),
        "peak_mib": round(peak_mib),
        "rows_target": ROWS_TARGET,
        "peak_target_mib": PEAK_TARGET_MIB,
        "meets_targets": min(generated, loaded) >= ROWS_TARGET and peak_mib < PEAK_TARGET_MIB,
    }
    print(json.dumps(result))


def _loaded(folder: Path) -> tuple[int, int, int]:
    """Rows loaded and set aside according to the load ledger, and rows now in staging."""
    from koers.config import load_project
    from koers.engine import connect

    with connect(load_project(folder)) as warehouse:
        loaded, quarantined = warehouse.query(
            "SELECT sum(rows_loaded), sum(rows_quarantined) FROM landing.loads"
        ).rows[0]
        staged = warehouse.count_rows("staging.meldingen")
    return int(loaded), int(quarantined), staged


if __name__ == "__main__":
    main()
