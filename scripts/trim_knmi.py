"""Trim a KNMI daggegevens download to the copy that ships with the Koers demo.

The packaged file stays in KNMI's own format, so the demo loads it through the same KNMI
connector a municipality would use for a fresh download. Trimming keeps the KNMI attribution
and remarks, the legend lines of the kept columns, the days from 2008 onwards (the demo
periods reach back to about 2009) and the columns the demo uses; kept values are copied
byte for byte, padding included. Run it again after downloading a newer file:

    python scripts/trim_knmi.py etmgeg_356.txt [src/koers/demo/data/knmi_herwijnen_etmgeg.txt]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from koers.ingestion.knmi import ENCODING, KnmiFile, read_knmi_file

DEFAULT_OUT = (
    Path(__file__).resolve().parent.parent / "src/koers/demo/data/knmi_herwijnen_etmgeg.txt"
)
FIRST_DAY = "20080101"
#: Station and date, then what the demo uses: highest hourly mean wind, highest gust, minimum
#: and maximum temperature, daily precipitation. They keep KNMI's column order.
KEPT_COLUMNS = ("STN", "YYYYMMDD", "FHX", "FXX", "TN", "TX", "RH")
#: A legend line: a KNMI code, spaces, "=" (``FHX       = Hoogste uurgemiddelde ...``).
LEGEND = re.compile(r"^([A-Z0-9]+)\s+= ")
NEWLINE = "\r\n"  # as KNMI writes it


def trimmed_lines(knmi: KnmiFile, first_day: str = FIRST_DAY) -> list[str]:
    """The lines of the trimmed file, without line ends."""
    missing = [c for c in KEPT_COLUMNS if c not in knmi.headers]
    if missing:
        raise SystemExit(f"{knmi.name}: kolom(men) ontbreken: {', '.join(missing)}")
    keep = [knmi.headers.index(c) for c in KEPT_COLUMNS]
    note = (
        f"Ingekort door Koers (scripts/trim_knmi.py): dagen vanaf {first_day}, kolommen "
        f"{', '.join(KEPT_COLUMNS)}; waarden ongewijzigd. / Trimmed by Koers: days from "
        f"{first_day}, columns as listed; values unchanged."
    )
    out: list[str] = []
    for line in knmi.preamble:
        legend = LEGEND.match(line)
        if legend and legend.group(1) not in KEPT_COLUMNS:
            continue
        if legend and not any(LEGEND.match(earlier) for earlier in out):
            out.append(note)  # just above the legend, below KNMI's own remarks
        out.append(line)
    out.append("#" + ",".join(knmi.header_cells[i] for i in keep))
    out.append("")
    date = KEPT_COLUMNS.index("YYYYMMDD")
    for record in knmi.records:
        cells = [record.cells[i] for i in keep]
        if cells[date].strip() >= first_day:
            out.append(",".join(cells))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Kort een KNMI-daggegevensbestand in voor de demo."
    )
    parser.add_argument("source", type=Path, help="KNMI-bestand, bijvoorbeeld etmgeg_356.txt")
    parser.add_argument("out", type=Path, nargs="?", default=DEFAULT_OUT, help="doelbestand")
    args = parser.parse_args()
    knmi = read_knmi_file(args.source)
    if knmi.rejected:
        line, reason = knmi.rejected[0]
        raise SystemExit(f"{args.source.name}: regel {line}: {reason}")
    lines = trimmed_lines(knmi)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding=ENCODING, newline="") as out:
        out.write(NEWLINE.join(lines) + NEWLINE)
    print(f"{args.out}: {len(lines)} regels geschreven")


if __name__ == "__main__":
    main()
