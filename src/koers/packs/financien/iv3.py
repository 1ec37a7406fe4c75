"""The real Iv3 budgets of the demo municipalities, and the budget for any demo year.

The financien demo anchors every amount on what Duiven, Westervoort and Zevenaar really
reported to CBS (Iv3, "Bron: CBS", CC BY 4.0): the begroting of 2023, 2024 and 2025 and the
jaarrekening of 2023, per taakveld. ``scripts/trim_iv3.py`` produces the packaged CSV; this
module reads it and extends the budgets to the other years of the demo period with a stated
growth rate, and maps every taakveld to the programme it is reported under.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

IV3_RESOURCE = "data/iv3_liemers.csv"

# Nominal growth of budgets per year outside the anchored years: 4% [U] estimate (wages and
# prices; the real budgets of the three grew 6-10% a year from 2023 to 2025, partly from new
# tasks, which we do not carry forward).
GROWTH_RATE = 0.04
BEGROTING = "begroting"
JAARREKENING = "jaarrekening"


@dataclass(frozen=True)
class Programma:
    """A programme of the programmabegroting: a group of taakvelden the raad authorises."""

    code: str
    naam: str


# BBV main taakvelden 0-8 as programmes (facts section 6 names them: 0 Bestuur & ondersteuning
# ... 8 VHROSV). The BBV's separate overviews for overhead, algemene dekkingsmiddelen and
# reserves/resultaat are how most municipalities report the rest of main function 0; the exact
# split is our estimate [U]: a real programmabegroting may group taakvelden differently.
PROGRAMMAS: dict[str, Programma] = {
    p.code: p
    for p in (
        Programma("P0", "Bestuur en ondersteuning"),
        Programma("P1", "Veiligheid"),
        Programma("P2", "Verkeer, vervoer en waterstaat"),
        Programma("P3", "Economie"),
        Programma("P4", "Onderwijs"),
        Programma("P5", "Sport, cultuur en recreatie"),
        Programma("P6", "Sociaal domein"),
        Programma("P7", "Volksgezondheid en milieu"),
        Programma("P8", "Volkshuisvesting, ruimtelijke ordening en stedelijke vernieuwing"),
        Programma("AD", "Algemene dekkingsmiddelen"),
        Programma("OH", "Overhead"),
        Programma("MR", "Mutaties reserves en resultaat"),
    )
}
_MAIN_FUNCTION_0 = {
    "0.4": "OH",
    "0.5": "AD",
    "0.61": "AD",
    "0.62": "AD",
    "0.63": "AD",
    "0.64": "AD",
    "0.7": "AD",
    "0.8": "AD",
    "0.9": "AD",
    "0.10": "MR",
    "0.11": "MR",
}


def programma_of(taakveld: str) -> Programma:
    """The programme a taakveld (``6.72a``, ``0.10``) is reported under."""
    return PROGRAMMAS[_MAIN_FUNCTION_0.get(taakveld, f"P{taakveld.partition('.')[0]}")]


@dataclass(frozen=True)
class Taakveldbedrag:
    """Lasten and baten of one taakveld in one Iv3 document, in thousands of euros."""

    taakveld: str
    naam: str
    lasten_x1000: int
    baten_x1000: int


# (gemeente code, year, document) -> the taakvelden in source order.
Iv3Data = dict[tuple[str, int, str], tuple[Taakveldbedrag, ...]]


def _thousands(text: str) -> int:
    return int(float(text)) if text.strip() else 0


@functools.cache
def load_iv3() -> Iv3Data:
    """The packaged Iv3 amounts; cached, so callers must not mutate the result."""
    text = resources.files("koers.demo").joinpath(IV3_RESOURCE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    data: dict[tuple[str, int, str], list[Taakveldbedrag]] = {}
    for row in csv.DictReader(lines):
        key = (row["gemeente_code"], int(row["jaar"]), row["document"])
        data.setdefault(key, []).append(
            Taakveldbedrag(
                row["taakveld"],
                row["taakveld_naam"],
                _thousands(row["lasten_x1000"]),
                _thousands(row["baten_x1000"]),
            )
        )
    return {key: tuple(rows) for key, rows in data.items()}


@dataclass(frozen=True)
class Jaarbegroting:
    """A gemeente's budget for one year in whole euros, and where it comes from."""

    jaar: int
    bron: str  # Dutch, for the ground truth: which Iv3 document, grown how far
    taakvelden: tuple[Taakveldbedrag, ...]  # amounts here are in euros, not thousands


def begroting(gemeente_code: str, jaar: int) -> Jaarbegroting:
    """The budget for ``jaar``: the real Iv3 begroting, else the nearest one grown by 4%/year.

    Amounts are whole thousands of euros (the source's precision) times 1,000, so a budget
    phased over four quarters stays a whole number of euros.
    """
    data = load_iv3()
    years = sorted(y for (code, y, doc) in data if code == gemeente_code and doc == BEGROTING)
    if not years:
        raise KeyError(f"Geen Iv3-begroting voor {gemeente_code}")
    anchor = min(max(jaar, years[0]), years[-1])
    factor = (1.0 + GROWTH_RATE) ** (jaar - anchor)
    bron = f"Iv3-begroting {anchor} (CBS)"
    if jaar != anchor:
        bron += f", {GROWTH_RATE:.0%} per jaar {'terug' if jaar < anchor else 'vooruit'}"
    return Jaarbegroting(
        jaar,
        bron,
        tuple(
            Taakveldbedrag(
                t.taakveld,
                t.naam,
                round(t.lasten_x1000 * factor) * 1000,
                round(t.baten_x1000 * factor) * 1000,
            )
            for t in data[(gemeente_code, anchor, BEGROTING)]
        ),
    )


def jaarrekening(gemeente_code: str, jaar: int) -> tuple[Taakveldbedrag, ...] | None:
    """The real Iv3 jaarrekening in euros, where CBS has one (2023), else None."""
    rows = load_iv3().get((gemeente_code, jaar, JAARREKENING))
    if rows is None:
        return None
    return tuple(
        Taakveldbedrag(t.taakveld, t.naam, t.lasten_x1000 * 1000, t.baten_x1000 * 1000)
        for t in rows
    )


def jaarrekening_years() -> frozenset[int]:
    """The years for which the packaged data holds a real jaarrekening."""
    return frozenset(year for (_, year, doc) in load_iv3() if doc == JAARREKENING)
