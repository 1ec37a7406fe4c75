"""Trim the CBS Iv3 budget files to the small CSV the financien demo ships with.

The demo needs only the baten and lasten per taakveld of Duiven, Westervoort and Zevenaar; the
four national files (about 3 MB each, 342 municipalities) stay outside the package. Taakveld
names that the source cut off with ".." are written out in full, and the code is split from the
name. Run this again when newer Iv3 files arrive so the packaged copy stays reproducible:

    python scripts/trim_iv3.py ../shared/data/iv3 [src/koers/demo/data/iv3_liemers.csv]
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Iterator
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src/koers/demo/data/iv3_liemers.csv"
COMMENT = (
    "# Bron: CBS, Iv3 (Informatie voor derden) begrotingen en jaarrekening, baten en lasten per "
    "taakveld in duizenden euro's, CC BY 4.0; bewerkt door Koers (alleen Duiven, Westervoort en "
    "Zevenaar; afgekorte taakveldnamen voluit)"
)
# Iv3 file name -> (year, document).
SOURCES = {
    "iv3_2023_begroting.csv": (2023, "begroting"),
    "iv3_2023_jaarrekening.csv": (2023, "jaarrekening"),
    "iv3_2024_begroting.csv": (2024, "begroting"),
    "iv3_2025_begroting.csv": (2025, "begroting"),
}
# The Iv3 files name municipalities only; the codes are those of koers.demo.geography.
GEMEENTEN = {"Duiven": "GM0226", "Westervoort": "GM0293", "Zevenaar": "GM0299"}
HEADER = ("gemeente_code", "gemeente", "jaar", "document", "taakveld", "taakveld_naam",
          "lasten_x1000", "baten_x1000")  # fmt: skip
# The source cuts names at about 35 characters; the full Iv3 taakveld names.
FULL_NAMES = {
    "0.11": "Resultaat van de rekening van baten en lasten",
    "0.7": "Algemene uitkeringen en overige uitkeringen gemeentefonds",
    "5.3": "Cultuurpresentatie, cultuurproductie en cultuurparticipatie",
    "5.7": "Openbaar groen en (openlucht) recreatie",
    "6.23": "Toegang en eerstelijnsvoorzieningen integraal",
    "6.71d": "Overige maatwerkarrangementen (WMO)",
    "6.74a": "Jeugd behandeling GGZ zonder verblijf",
    "6.812": "Maatschappelijke- en vrouwenopvang",
    "8.2": "Grondexploitatie (niet-bedrijventerreinen)",
}
_TAAKVELD = re.compile(r"(\d\.\d+[a-d]?) (.+)")


def _thousands(raw: str) -> str:
    """``1128.0`` as ``1128``; empty stays empty (the source leaves unused cells empty)."""
    value = raw.strip()
    if not value:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def trimmed_rows(lines: Iterator[str], year: int, document: str) -> Iterator[tuple[str, ...]]:
    """Yield the output rows of the three municipalities from one Iv3 file."""
    for row in csv.DictReader(lines, delimiter=";"):
        code = GEMEENTEN.get(row["Gemeenten"])
        if code is None:
            continue
        match = _TAAKVELD.fullmatch(" ".join(row["Taakveld"].split()))
        if match is None:
            raise SystemExit(f"Onbekende taakveldnotatie: {row['Taakveld']!r}")
        taakveld, naam = match.groups()
        naam = FULL_NAMES[taakveld] if naam.endswith("..") else naam
        yield (code, row["Gemeenten"], str(year), document, taakveld, naam,
               _thousands(row["Lasten"]), _thousands(row["Baten"]))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Maak de ingekorte Iv3-CSV voor de demo.")
    parser.add_argument("source", type=Path, help="map met de Iv3-bestanden (iv3_*.csv)")
    parser.add_argument("out", type=Path, nargs="?", default=DEFAULT_OUT, help="doelbestand")
    args = parser.parse_args()
    rows: list[tuple[str, ...]] = []
    for name, (year, document) in SOURCES.items():
        with (args.source / name).open(encoding="utf-8-sig", newline="") as source:
            found = list(trimmed_rows(iter(source), year, document))
        if {row[0] for row in found} != set(GEMEENTEN.values()):
            raise SystemExit(f"{name}: niet alle drie gemeenten gevonden")
        rows += found
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as out:
        out.write(COMMENT + "\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"{len(rows)} regels geschreven naar {args.out}")


if __name__ == "__main__":
    main()
