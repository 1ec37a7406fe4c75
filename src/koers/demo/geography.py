"""The demo municipalities and the areas ("wijken") that demo exports are spread over.

CBS publishes real wijk and buurt boundaries, but their names and counts for Duiven,
Westervoort and Zevenaar were not available when this was written (CBS table 85618NED or a
newer one should replace this before going live). The demo therefore uses the kernen
(villages) as wijken. The wijk codes follow the CBS pattern ``WK`` + 4-digit gemeente number +
2-digit sequence, but they are assigned by Koers to kernen in the order below and do not match
CBS's own wijk numbering.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wijk:
    """An area of a demo municipality; ``inwoners`` weights how many cases land there."""

    gemeente_code: str
    code: str
    naam: str
    inwoners: int


@dataclass(frozen=True)
class Gemeente:
    """A demo municipality; ``inwoners`` equals the sum over its wijken."""

    code: str
    naam: str
    inwoners: int
    wijken: tuple[Wijk, ...]


def _gemeente(code: str, naam: str, kernen: tuple[tuple[str, int], ...]) -> Gemeente:
    """Number the kernen as wijken in the given order so the codes are stable."""
    number = code.removeprefix("GM")
    wijken = tuple(
        Wijk(gemeente_code=code, code=f"WK{number}{index:02d}", naam=naam_kern, inwoners=count)
        for index, (naam_kern, count) in enumerate(kernen)
    )
    return Gemeente(code=code, naam=naam, inwoners=sum(w.inwoners for w in wijken), wijken=wijken)


# Duiven: 24,869 inhabitants on 1 Jan 2024 (CBS via Wikipedia mirrors) [S]. The split over the
# kernen is an estimate [U]: Groessen had 1,980 in 2021 (CBS Kerncijfers wijken en buurten 2021,
# quoted by the English Wikipedia article; plaatsengids.nl says "ca. 2.000"), rounded to 2,000;
# Loo "zo'n 1.000 inwoners" (chrisvankeulen.nl, undated); Duiven village gets the remainder.
DUIVEN = _gemeente(
    "GM0226",
    "Duiven",
    (("Duiven", 21_869), ("Groessen", 2_000), ("Loo", 1_000)),
)

# Westervoort: 15,152 inhabitants on 1 Jan 2024 (CBS via Wikipedia mirrors) [S]. It is one
# village; the four compass-named wijken and their split are INVENTED by Koers for the demo [U].
WESTERVOORT = _gemeente(
    "GM0293",
    "Westervoort",
    (
        ("Westervoort-Noord", 4_100),
        ("Westervoort-Oost", 3_900),
        ("Westervoort-Zuid", 3_700),
        ("Westervoort-West", 3_452),
    ),
)

# Zevenaar: 45,050 inhabitants on 1 Jan 2024; the 11 kernen with their 1 Jan 2024 counts sum
# exactly to that total (defzone/dewiki mirror of Wikipedia quoting CBS) [S].
ZEVENAAR = _gemeente(
    "GM0299",
    "Zevenaar",
    (
        ("Zevenaar", 26_370),
        ("Giesbeek", 3_415),
        ("Lobith", 3_015),
        ("Tolkamer", 2_820),
        ("Pannerden", 2_480),
        ("Babberich", 2_255),
        ("Angerlo", 1_445),
        ("Herwen", 1_115),
        ("Spijk", 830),
        ("Aerdt", 790),
        ("Lathum", 515),
    ),
)

DEMO_GEMEENTEN: tuple[Gemeente, ...] = (DUIVEN, WESTERVOORT, ZEVENAAR)
