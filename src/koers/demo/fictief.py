"""Fictitious people, companies and locations for demo exports (shared by the generators).

VTH exports carry a name and an address per case. The demo must not write real ones, so
street names are invented words that no Dutch street carries ("Voorbeeldstraat") and company
names say they are fictitious; person names are random initials with common surnames. The
contracts pseudonymise the names and drop the locations, so none of this reaches the
warehouse as delivered. Other packs that need a fake name or address may use these helpers.
"""

from __future__ import annotations

import numpy as np

# Invented street names, chosen so they do not match a street in the three gemeenten.
STREETS = (
    "Voorbeeldstraat", "Demolaan", "Fictiefweg", "Proefpad", "Verzinselhof", "Denkbeeldstraat",
    "Schetsweg", "Oefenlaan", "Modelhof", "Testerpad",
)  # fmt: skip
SURNAMES = (
    "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "Dekker", "Brouwer",
)  # fmt: skip
COMPANIES = (
    "Bouwbedrijf Fictief B.V.", "Proefbouw B.V.", "Voorbeeld Vastgoed B.V.",
    "Demo Installatietechniek B.V.", "Verzonnen Holding B.V.", "Oefen Projectontwikkeling B.V.",
)  # fmt: skip
INITIALS = "ABCDEFGHIJKLMNPRSTW"


def fake_person(rng: np.random.Generator) -> str:
    """``J. de Vries``-style name: random initial(s) and a common surname."""
    count = 1 + int(rng.random() < 0.3)
    initials = "".join(f"{INITIALS[int(rng.integers(len(INITIALS)))]}." for _ in range(count))
    return f"{initials} {SURNAMES[int(rng.integers(len(SURNAMES)))]}"


def fake_party(rng: np.random.Generator, company_share: float) -> str:
    """A person or, with ``company_share``, a company that says it is fictitious."""
    if rng.random() < company_share:
        return COMPANIES[int(rng.integers(len(COMPANIES)))]
    return fake_person(rng)


def fake_location(rng: np.random.Generator, kern: str) -> str:
    """``Demolaan 12, Groessen``: an invented street in a real kern."""
    street = STREETS[int(rng.integers(len(STREETS)))]
    return f"{street} {int(rng.integers(1, 160))}, {kern}"
