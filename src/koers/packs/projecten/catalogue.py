"""What the projecten demo builds: project types with budgets, phases and project leaders.

The facts file has no project portfolio figures, so every budget, duration and weight here
is our own estimate [U]. Programmes follow the Iv3 hoofdtaakvelden and taakvelden as we know
them [U]; only 2.1 and 5.2 (facts §10, Doesburg) and the 6.x codes are in the facts.
"""

from __future__ import annotations

from dataclasses import dataclass

PHASES = ("initiatief", "definitie", "ontwerp", "voorbereiding", "realisatie", "nazorg")
AFGEROND = "afgerond"
REALISATIE = PHASES.index("realisatie")
#: Planned months per phase before realisatie and for nazorg, uniform in the range [U].
PHASE_MONTHS: dict[str, tuple[int, int]] = {
    "initiatief": (2, 4),
    "definitie": (2, 5),
    "ontwerp": (3, 8),
    "voorbereiding": (2, 6),
    "nazorg": (3, 6),
}
#: Share of the final cost spent in each phase (sums to 1) [U].
SPEND_SHARE = (0.01, 0.02, 0.05, 0.04, 0.83, 0.05)

PROGRAMMES = {
    "0": "Bestuur en ondersteuning",
    "2": "Verkeer, vervoer en waterstaat",
    "3": "Economie",
    "4": "Onderwijs",
    "5": "Sport, cultuur en recreatie",
    "6": "Sociaal domein",
    "7": "Volksgezondheid en milieu",
    "8": "Volkshuisvesting, ruimtelijke ordening en stedelijke vernieuwing",
}


@dataclass(frozen=True)
class ProjectType:
    """A kind of project; ``name`` may hold {kern}, {kern2}, {straat}, {gebouw}, {locatie}."""

    name: str
    taakveld: str
    budget_eur: tuple[int, int]  # log-uniform between the two [U]
    leader: str  # the project leader's role, never a person
    weight: float  # how often such a project starts, relative [U]

    @property
    def programme(self) -> str:
        return PROGRAMMES[self.taakveld.split(".")[0]]


_OR, _VG, _GO = (
    "Projectleider openbare ruimte",
    "Projectleider vastgoed",
    "Projectleider gebiedsontwikkeling",
)
_VK, _RO = "Projectleider verkeer", "Projectleider ruimtelijke ordening"
_IV, _ET = "Projectleider informatievoorziening", "Programmamanager energietransitie"
# fmt: off
PROJECT_TYPES: tuple[ProjectType, ...] = (
    ProjectType("Reconstructie {straat}", "2.1", (300_000, 2_500_000), _OR, 3.0),
    ProjectType("Vervanging riolering {straat}", "7.2", (400_000, 2_000_000), "Projectleider riolering", 2.0),
    ProjectType("Afkoppelen hemelwater {straat}", "7.2", (250_000, 1_500_000), _OR, 1.5),
    ProjectType("Vernieuwing speelplek {straat}", "5.7", (60_000, 300_000), "Projectleider groen", 2.0),
    ProjectType("Fietsverbinding {kern} - {kern2}", "2.1", (400_000, 2_500_000), _OR, 1.0),
    ProjectType("Vervanging openbare verlichting {straat}", "2.1", (100_000, 600_000), _OR, 1.5),
    ProjectType("Herinrichting schoolomgeving {straat}", "2.1", (80_000, 400_000), _VK, 1.0),
    ProjectType("Renovatie sporthal {kern}", "5.2", (1_500_000, 6_000_000), _VG, 0.7),
    ProjectType("Integraal kindcentrum {kern}", "4.2", (4_000_000, 10_000_000), _VG, 0.5),
    ProjectType("Verduurzaming {gebouw}", "0.3", (200_000, 1_500_000), _VG, 1.0),
    ProjectType("Woningbouwlocatie {locatie}", "8.2", (300_000, 3_000_000), _GO, 1.0),
    ProjectType("Omgevingsplanwijziging {locatie}", "8.1", (150_000, 600_000), _RO, 0.5),
    ProjectType("Vervanging zaaksysteem", "0.4", (150_000, 800_000), _IV, 0.4),
    ProjectType("Wijkaanpak aardgasvrij {kern}", "7.4", (150_000, 900_000), _ET, 0.8),
    ProjectType("Centrumplan {kern}", "3.1", (500_000, 4_000_000), _GO, 0.5),
    ProjectType("Multifunctionele accommodatie {kern}", "6.1", (800_000, 4_000_000), _VG, 0.5),
    ProjectType("Uitbreiding begraafplaats {kern}", "7.5", (100_000, 500_000), _OR, 0.4),
)
# fmt: on

# Street and building names are generic and not checked against the BAG.
STREETS = (
    "Hoofdstraat", "Ringweg", "Rijnweg", "Kerkweg", "Stationsweg", "Industrieweg", "Molenweg",
    "Dorpsstraat", "Schoolstraat", "Julianalaan", "Kastanjelaan", "Dijkweg", "Sportlaan",
    "Beatrixlaan", "Parallelweg", "Populierenlaan",
)  # fmt: skip
LOCATIONS = (
    "De Brink", "Het Broek", "De Hoven", "Molenveld", "De Weide", "Rijnzicht", "Kerkakker",
    "Het Eiland", "De Kampen", "Oosterveld",
)  # fmt: skip
BUILDINGS = ("gemeentehuis", "gemeentewerf", "sporthal {kern}", "dorpshuis {kern}", "bibliotheek")
