"""What the inhuur demo hires: roles with rates and terms, and invented supplier names.

Every rate, term and weight here is our own estimate [U]; the facts file gives the total
volume of inhuur (§6) and what the auditor checks (§7), not what a role costs. The taakveld
codes follow the Iv3 list; only the 6.x codes are in the facts (§10), the others are the
standard Iv3 codes as we know them [U].
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """A function hired from outside, with the budget line it is booked on."""

    functie: str
    kostenplaats: str
    taakveld: str
    rate_eur: tuple[float, float]  # hourly rate excl. VAT, uniform between the two [U]
    months: tuple[int, int]  # contract term in whole months, inclusive range [U]
    weight: float  # how often this role is hired, relative [U]


# fmt: off
ROLES: tuple[Role, ...] = (
    Role("Wmo-consulent", "KP6210", "6.2", (75, 95), (6, 12), 3.0),
    Role("Jeugdconsulent", "KP6220", "6.2", (80, 100), (6, 12), 2.0),
    Role("Consulent werk en inkomen", "KP6310", "6.3", (70, 90), (6, 12), 2.0),
    Role("Beleidsadviseur sociaal domein", "KP6110", "6.1", (90, 115), (6, 12), 1.5),
    Role("Vergunningverlener omgevingsrecht", "KP8310", "8.3", (85, 110), (6, 12), 2.5),
    Role("Toezichthouder bouw- en woningtoezicht", "KP8320", "8.3", (80, 100), (6, 12), 1.5),
    Role("Projectleider ruimtelijke ontwikkeling", "KP8110", "8.1", (110, 140), (9, 18), 1.5),
    Role("Omgevingsmanager openbare ruimte", "KP2110", "2.1", (95, 125), (6, 15), 1.5),
    Role("Beheerder riolering", "KP7210", "7.2", (90, 115), (6, 12), 0.8),
    Role("Jurist bezwaar en beroep", "KP0110", "0.1", (90, 115), (6, 12), 1.0),
    Role("Medewerker burgerzaken", "KP0210", "0.2", (55, 72), (3, 9), 2.0),
    Role("Financieel adviseur", "KP0410", "0.4", (95, 120), (4, 9), 1.5),
    Role("Informatiemanager", "KP0420", "0.4", (110, 135), (6, 12), 1.0),
    Role("Interim-teamleider", "KP0430", "0.4", (115, 145), (4, 9), 1.0),
    Role("Adviseur inkoop", "KP0440", "0.4", (95, 120), (6, 12), 1.0),
    Role("Medewerker klantcontactcentrum", "KP0450", "0.4", (50, 65), (3, 9), 1.5),
)
# fmt: on

#: Hours per week a contract is for, with how often each occurs [U].
HOURS_PER_WEEK: tuple[tuple[int, float], ...] = ((16, 0.15), (24, 0.25), (32, 0.35), (36, 0.25))

# Supplier names are INVENTED from made-up place-like words; any likeness to a real company
# is a coincidence. Brokers hold a European-tendered framework agreement (raamovereenkomst);
# bureaus get direct (onderhands) orders.
_WORDS = (
    "Avelijn", "Brinkveste", "Corvaal", "Dijkhove", "Elsmonde", "Falkenrode", "Gaarveld",
    "Hessenwaard", "Kleiwaard", "Lindemeer", "Molenrade", "Noorderhave", "Oostvelde",
    "Pannekamp", "Rietmonde", "Steenwaard", "Tiendveld", "Uiterhove", "Valkenrode",
    "Weidelanden", "Zuiderkamp", "Bergenrade", "Essenwaard", "Hoevestein",
)  # fmt: skip
BROKER_NAMES: tuple[str, ...] = (
    "Corvaal Personeelsdiensten B.V.",
    "Gaarveld Overheidsdetachering B.V.",
    "Lindemeer Interim Professionals B.V.",
    "Rietmonde Detachering B.V.",
    "Steenwaard Publieke Inhuur B.V.",
    "Valkenrode Flexpool B.V.",
)
_BUREAU_KINDS = ("Advies", "Interim", "Projectmanagement", "Consultancy", "Organisatieadvies")
BUREAU_NAMES: tuple[str, ...] = tuple(
    f"{word} {kind} B.V." for word in _WORDS for kind in _BUREAU_KINDS
)
#: Names used only for the planted splitting, so no ordinary order lands on them.
SPLITTING_NAMES: tuple[str, ...] = tuple(f"{word} Projectbureau B.V." for word in _WORDS)

RAAMOVEREENKOMST = "Europees aanbesteed (raamovereenkomst)"
MEERVOUDIG = "Meervoudig onderhands"
ENKELVOUDIG = "Enkelvoudig onderhands"
PROCEDURES = (RAAMOVEREENKOMST, MEERVOUDIG, ENKELVOUDIG)
