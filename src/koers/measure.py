"""Peak memory of a ``koers`` command, for benchmarks and memory tests.

``python -m koers.measure ARGS`` runs ``koers ARGS`` in this very process and, as the process
exits, prints one line ``koers-piekgeheugen-kib=N``: its high-water RSS (VmHWM). Unlike
``ru_maxrss`` VmHWM starts afresh at exec, so a child never reports its parent's peak.
"""

from __future__ import annotations

import atexit
import sys
from pathlib import Path

PEAK_MARK = "koers-piekgeheugen-kib="


def peak_rss_kib() -> int:
    """This process's high-water resident memory in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("VmHWM niet gevonden in /proc/self/status")


def peak_from_output(stdout: str) -> int:
    """The peak in KiB that a ``python -m koers.measure`` child printed as it exited."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(PEAK_MARK):
            return int(line.removeprefix(PEAK_MARK))
    raise ValueError("het kindproces meldde geen piekgeheugen")


def _print_peak() -> None:
    print(f"{PEAK_MARK}{peak_rss_kib()}", flush=True)


if __name__ == "__main__":
    from koers.cli.main import run

    atexit.register(_print_peak)
    sys.argv = ["koers", *sys.argv[1:]]
    run()
