"""Trim KNMI daily station data to the small CSV that ships with the Koers demo.

The demo generator needs only gusts, wind, rain and temperature since 2015; shipping the full
KNMI file (3.4 MB since 1989) would bloat the package. Run this again when a newer KNMI file
is downloaded so the packaged copy stays reproducible:

    python scripts/trim_knmi.py etmgeg_356.txt [src/koers/demo/data/knmi_herwijnen.csv]
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterator
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src/koers/demo/data/knmi_herwijnen.csv"
FIRST_DATE = 20150101
COMMENT = (
    "# Bron: KNMI, daggegevens station 356 Herwijnen; "
    "bewerkt door Koers (eenheden omgerekend, kolommen geselecteerd)"
)
HEADER = (
    "datum",
    "windstoot_max_ms",
    "wind_uurgemiddelde_max_ms",
    "neerslag_mm",
    "temperatuur_min_c",
    "temperatuur_max_c",
)
# KNMI column name -> True when KNMI's "-1" means "< 0.05" and should become 0.0.
SOURCE_COLUMNS = {"FXX": False, "FHX": False, "RH": True, "TN": False, "TX": False}


def _tenths(raw: str, *, minus_one_is_trace: bool) -> str:
    """Convert a KNMI value in tenths to a decimal string; empty stays empty (missing)."""
    value = raw.strip()
    if not value:
        return ""
    number = int(value)
    if minus_one_is_trace and number == -1:
        number = 0
    return f"{number / 10:.1f}"


def trimmed_rows(lines: Iterator[str]) -> Iterator[tuple[str, ...]]:
    """Yield output rows from the lines of a KNMI etmgeg file, starting at 2015-01-01."""
    positions: dict[str, int] | None = None
    for line in lines:
        if positions is None:
            # The column legend line looks like "# STN,YYYYMMDD,DDVEC,...".
            if line.startswith("# STN,"):
                names = [name.strip() for name in line[1:].split(",")]
                positions = {name: names.index(name) for name in ("YYYYMMDD", *SOURCE_COLUMNS)}
            continue
        fields = line.rstrip("\r\n").split(",")
        if len(fields) < len(positions):
            continue
        day = int(fields[positions["YYYYMMDD"]])
        if day < FIRST_DATE:
            continue
        iso = f"{day // 10000:04d}-{day // 100 % 100:02d}-{day % 100:02d}"
        values = (
            _tenths(fields[positions[name]], minus_one_is_trace=trace)
            for name, trace in SOURCE_COLUMNS.items()
        )
        yield (iso, *values)
    if positions is None:
        raise SystemExit("Geen KNMI-kolomregel ('# STN,YYYYMMDD,...') gevonden in het bronbestand.")


def main() -> None:
    parser = argparse.ArgumentParser(description="Maak de ingekorte KNMI-CSV voor de demo.")
    parser.add_argument("source", type=Path, help="KNMI-bestand etmgeg_356.txt")
    parser.add_argument("out", type=Path, nargs="?", default=DEFAULT_OUT, help="doelbestand")
    args = parser.parse_args()
    with args.source.open(encoding="latin-1") as source:
        rows = list(trimmed_rows(iter(source)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as out:
        out.write(COMMENT + "\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"{len(rows)} dagen geschreven naar {args.out}")


if __name__ == "__main__":
    main()
