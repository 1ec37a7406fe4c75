"""A 2 GB export is streamed: it loads whole, with its bad rows set aside, in bounded memory."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import write_project

from koers.config import load_project
from koers.engine import connect

ROWS = 1_000_000
#: A long description (dropped at the boundary, as in real exports) makes the file 2 GB.
DESCRIPTION_CHARS = 1_950
PEAK_LIMIT_BYTES = 2 << 30


def test_a_2_gb_file_loads_in_bounded_memory(tmp_path: Path) -> None:
    project = write_project(tmp_path, sources=("GM0226",))
    big = project / "bronnen" / "meldingen" / "GM0226" / "groot.csv"
    # Written by a child process: DuckDB's buffers must not swell this one.
    made = subprocess.run(
        [sys.executable, "-c", _GENERATE, str(big), str(ROWS), str(DESCRIPTION_CHARS)],
        capture_output=True,
        text=True,
        check=True,
    )
    bad = int(made.stdout)
    assert big.stat().st_size > 2_000_000_000

    process = subprocess.Popen(
        [sys.executable, "-m", "koers", "run"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _high_water_mark(process.pid))
        time.sleep(0.1)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    assert 0 < peak < PEAK_LIMIT_BYTES

    with connect(load_project(project)) as warehouse:
        loads = warehouse.query(
            "SELECT rows_read, rows_loaded, rows_quarantined FROM landing.loads"
        )
        assert loads.rows == [(ROWS, ROWS - bad, bad)]
        assert warehouse.count_rows("staging.meldingen") == ROWS - bad


_GENERATE = (
    "import sys; from pathlib import Path; from koers.demo.bulk import write_bulk_meldingen; "
    "print(write_bulk_meldingen(Path(sys.argv[1]), int(sys.argv[2]), "
    "description_chars=int(sys.argv[3])))"
)


def _high_water_mark(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in bytes; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0
