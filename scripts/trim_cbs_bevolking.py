"""Trim the CBS population table to the small CSV the bevolking demo ships with.

The demo needs the population of 1 January 2021 per 5-year age band and sex of Duiven,
Westervoort and Zevenaar only; the national file stays outside the package. Run this again
when a newer file arrives so the packaged copy stays reproducible:

    python scripts/trim_cbs_bevolking.py population_by_gemeente_age_2021.csv \
        [src/koers/demo/data/cbs_bevolking_liemers.csv]
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterator
from pathlib import Path

DEFAULT_OUT = (
    Path(__file__).resolve().parent.parent / "src/koers/demo/data/cbs_bevolking_liemers.csv"
)
COMMENT = (
    "# Bron: CBS, bevolking per viercijferige postcode op 1 januari 2021 (StatLine 83502NED en "
    "83503NED) opgeteld per gemeente, CC BY 4.0; bewerkt door Koers (alleen Duiven, Westervoort "
    "en Zevenaar)"
)
GEMEENTEN = {"GM0226": "Duiven", "GM0293": "Westervoort", "GM0299": "Zevenaar"}
HEADER = ("gemeente_code", "gemeente", "leeftijd", "inwoners", "inwoners_man", "inwoners_vrouw")
AGE_BANDS = 20  # 0-4, 5-9, ..., 90-94, 95+


def _count(raw: str) -> str:
    """``1050.0`` as ``1050``: the counts are whole people (CBS rounds them to fives)."""
    number = float(raw)
    if not number.is_integer():
        raise SystemExit(f"Geen heel aantal: {raw!r}")
    return str(int(number))


def trimmed_rows(lines: Iterator[str]) -> Iterator[tuple[str, ...]]:
    """Yield the age-band rows of the three municipalities, in the source's order."""
    for row in csv.DictReader(lines):
        code = row["gm_code_2025_if_unchanged"]
        if code not in GEMEENTEN:
            continue
        yield (code, row["gemeente"], row["leeftijd"], _count(row["inwoners"]),
               _count(row["inwoners_man"]), _count(row["inwoners_vrouw"]))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Maak de ingekorte CBS-bevolkings-CSV.")
    parser.add_argument("source", type=Path, help="population_by_gemeente_age_2021.csv")
    parser.add_argument("out", type=Path, nargs="?", default=DEFAULT_OUT, help="doelbestand")
    args = parser.parse_args()
    with args.source.open(encoding="utf-8-sig", newline="") as source:
        rows = list(trimmed_rows(iter(source)))
    if len(rows) != AGE_BANDS * len(GEMEENTEN):
        raise SystemExit(f"Verwacht {AGE_BANDS * len(GEMEENTEN)} regels, gevonden {len(rows)}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as out:
        out.write(COMMENT + "\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"{len(rows)} regels geschreven naar {args.out}")


if __name__ == "__main__":
    main()
