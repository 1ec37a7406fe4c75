"""The meldingen demo's fixed tables: export header, Signalen categories, texts, profiles.

Data only, shared by the plan (rates per day), the drawing of cases and the writing of lines
in :mod:`koers.packs.meldingen.demo`. Sources are in docs/demo-data.md and the shared domain
facts, section 4.3; every shape or split not in a source is marked [U] (our estimate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HEADER = (
    "Meldingnummer", "Datum melding", "Datum afgehandeld", "Hoofdcategorie", "Subcategorie",
    "Wijkcode", "Wijk", "Status", "Omschrijving",
)  # fmt: skip
TIMESTAMP_FORMAT = "%d-%m-%Y %H:%M"  # local Europe/Amsterdam time, no zone, as Excel shows it

# Monthly profiles (Jan..Dec), normalised to a yearly mean of 1 so they move volume between
# months without changing a category's annual share. Shapes are estimates [U] following the
# facts: winter road damage, May-Aug green maintenance, summer wasps, dark-season lighting.
SEASON_PROFILES: dict[str, tuple[float, ...]] = {
    "vlak": (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
    "groei": (0.3, 0.3, 0.6, 1.1, 1.7, 1.9, 1.8, 1.5, 1.1, 0.7, 0.5, 0.3),
    "wespen": (0.05, 0.05, 0.1, 0.2, 0.5, 1.0, 2.2, 3.5, 2.5, 0.8, 0.1, 0.05),
    "wegdek": (1.6, 1.7, 1.4, 1.1, 0.9, 0.8, 0.8, 0.8, 0.9, 0.9, 1.0, 1.3),
    "gladheid": (3.0, 2.4, 0.8, 0.1, 0.02, 0.02, 0.02, 0.02, 0.02, 0.1, 0.8, 2.2),
    "donker": (1.3, 1.1, 0.9, 0.8, 0.7, 0.7, 0.7, 0.8, 1.0, 1.3, 1.4, 1.4),
    "buiten": (0.7, 0.7, 0.8, 1.0, 1.1, 1.3, 1.4, 1.3, 1.1, 0.9, 0.8, 0.8),
    "vuurwerk": (0.8, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.4, 1.0, 3.0),
    "ratten": (1.2, 1.1, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.1, 1.2),
    "vogels": (0.5, 0.6, 1.0, 1.4, 1.6, 1.6, 1.3, 1.0, 0.8, 0.7, 0.6, 0.5),
}
# Hour-of-day weights 00..23 [U]: most reports in office hours, nuisance in the evening.
HOUR_PROFILES: dict[str, tuple[float, ...]] = {
    "dag": (0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 3, 6, 8, 8, 7, 6, 6, 6, 5.5, 5, 4.5, 4.5, 4.5, 4, 3,
            2, 1),
    "avond": (3, 2.5, 1.5, 0.5, 0.2, 0.1, 0.2, 0.5, 1, 1.5, 2, 2, 2, 2, 2.5, 3, 3.5, 4, 5, 6, 7,
              8, 7, 5),
}  # fmt: skip

# Handling-time targets from Signalen's SLO migration (facts 4.3): 3 or 5 working days, or
# 21 calendar days. Subcategories the facts do not list get 5 working days [U].
_3, _5, _21 = 0, 1, 2
SLO_TARGET_DAYS = np.array([3.0, 5.0, 21.0])
SLO_IN_CALENDAR_DAYS = np.array([False, False, True])

AFVAL = "Afval"
GROEN = "Openbaar groen en water"
WEGEN = "Wegen, verkeer, straatmeubilair"
OPENBARE_RUIMTE = "Overlast in de openbare ruimte"
DIEREN = "Overlast van dieren"
PERSONEN = "Overlast van en door personen of groepen"
HORECA = "Overlast bedrijven en horeca"
OVERIG = "Overig"


@dataclass(frozen=True)
class Category:
    """One Signalen subcategory with how often, when and how fast it is handled."""

    hoofd: str
    sub: str
    share_pct: float  # share of the baseline volume
    slo: int  # index into SLO_TARGET_DAYS
    season: str  # key of SEASON_PROFILES
    hours: str  # key of HOUR_PROFILES
    texts: tuple[str, ...]  # Omschrijving templates with {straat} and {nr}


_Row = tuple[str, float, int, str, str, tuple[str, ...]]


def _group(hoofd: str, *rows: _Row) -> tuple[Category, ...]:
    return tuple(Category(hoofd, *row) for row in rows)


# Signalen category tree (facts 4.3, Amsterdam/signals fixtures) without the Amsterdam-only
# "Overlast op het water". Main shares follow Fixi (afval ~30%, groen ~15% before the planted
# leaf and storm peaks lift it to ~20%, wegen incl. verlichting and verkeer ~34%); the split
# over subcategories is our estimate [U].
# fmt: off
CATEGORIES: tuple[Category, ...] = (
    *_group(AFVAL,
        ("Veeg-/zwerfvuil", 8.5, _3, "buiten", "dag", ("Veel zwerfvuil langs de {straat}",
            "Glasscherven op het fietspad bij de {straat}", "Blikjes in de berm bij de {straat}")),
        ("Grofvuil", 5.5, _3, "vlak", "dag", ("Bank en matras naast de container aan de {straat}",
            "Grofvuil bij de {straat} {nr} staat er al dagen")),
        ("Huisafval", 4.0, _3, "vlak", "dag", ("Kliko niet geleegd aan de {straat}",
            "Afvalzakken opengescheurd bij de {straat} {nr}")),
        ("Container vol/kapot", 4.0, _3, "vlak", "dag", (
            "Ondergrondse container zit vol bij de {straat}", "Klep van de container klemt")),
        ("Prullenbak vol/kapot", 3.0, _3, "buiten", "dag", (
            "Prullenbak puilt uit bij de speeltuin aan de {straat}", "Afvalbak losgetrokken")),
        ("Plastic-container vol/kapot", 2.0, _3, "vlak", "dag", ("PMD-container vol, {straat}",)),
        ("Bedrijfsafval", 0.8, _3, "vlak", "dag", ("Bedrijfsafval op de stoep",)),
        ("Puin/sloopafval", 0.8, _3, "vlak", "dag", ("Bouwpuin gestort aan de {straat}",)),
        ("Asbest/accu", 0.4, _3, "vlak", "dag", ("Golfplaten (asbest?) gedumpt",)),
        ("Overig", 2.0, _3, "vlak", "dag", ("Afval rond de glasbak aan de {straat}",)),
    ),
    *_group(GROEN,
        ("Boom", 5.0, _5, "vlak", "dag", ("Dode tak hangt boven het fietspad bij de {straat}",
            "Boomwortels drukken de stoep op", "Boom bij de {straat} {nr} moet gesnoeid worden")),
        ("Maaien/snoeien", 4.5, _5, "groei", "dag", ("Gras in het plantsoen is erg hoog",
            "Heg belemmert het zicht op de kruising bij de {straat}")),
        ("Onkruid", 2.5, _5, "groei", "dag", ("Veel onkruid tussen de tegels aan de {straat}",
            "Onkruid in de goot bij de {straat}")),
        ("Drijfvuil", 0.5, _5, "buiten", "dag", ("Drijfvuil in de vijver bij de {straat}",)),
        ("Oever/kade/steiger", 0.5, _5, "vlak", "dag", ("Beschoeiing van de sloot kapot",)),
        ("Overig", 2.0, _5, "vlak", "dag", ("Plantvak aan de {straat} is kaal",)),
    ),
    *_group(WEGEN,
        ("Onderhoud stoep/straat/fietspad", 11.0, _3, "wegdek", "dag", (
            "Gat in de weg voor huisnummer {nr} aan de {straat}", "Losliggende tegels op de stoep",
            "Kuil in het fietspad langs de {straat}")),
        ("Straatverlichting/openbare klok", 9.0, _21, "donker", "dag", (
            "Lantaarnpaal brandt niet bij huisnummer {nr}", "Hele {straat} is donker",
            "Straatlantaarn knippert aan de {straat}")),
        ("Verkeersbord", 3.0, _3, "vlak", "dag", ("Verkeersbord scheef bij de {straat}",
            "Bord 'eenrichtingsverkeer' is verdwenen")),
        ("Put/riolering verstopt", 2.5, _5, "vlak", "dag", (
            "Kolk verstopt aan de {straat}, water blijft staan", "Riool stinkt bij nummer {nr}")),
        ("Straatmeubilair", 2.0, _5, "vlak", "dag", ("Bankje kapot aan de {straat}",)),
        ("Verkeerssituaties", 1.5, _5, "vlak", "dag", ("Er wordt te hard gereden, {straat}",)),
        ("Gladheid", 0.5, _3, "gladheid", "dag", ("Fietspad langs de {straat} is spiegelglad",
            "Niet gestrooid op de {straat}")),
        ("Speelplaats", 1.0, _5, "buiten", "dag", ("Schommel kapot in de speeltuin",)),
        ("Verkeerslicht", 0.7, _5, "vlak", "dag", ("Verkeerslicht staat continu op rood",)),
        ("Fietsrek", 0.5, _5, "vlak", "dag", ("Fietsrek bij het station is verbogen",)),
        ("Omleiding/belijning", 0.5, _5, "vlak", "dag", ("Belijning op de {straat} vaag",)),
        ("Brug", 0.3, _21, "vlak", "dag", ("Leuning van het bruggetje zit los",)),
        ("Sportvoorziening", 0.3, _5, "buiten", "dag", ("Doel op het trapveldje kapot",)),
        ("Overig", 1.2, _5, "vlak", "dag", ("Paaltje omgereden aan de {straat}",)),
    ),
    *_group(OPENBARE_RUIMTE,
        ("Parkeeroverlast", 2.5, _3, "vlak", "dag", ("Auto's staan op de stoep aan de {straat}",
            "Busje blokkeert de uitrit bij nummer {nr}")),
        ("Honden(poep)", 2.0, _21, "vlak", "dag", ("Veel hondenpoep op het grasveld, {straat}",)),
        ("Lozing/dumping", 1.0, _5, "vlak", "dag", ("Olie in de goot bij de {straat}",)),
        ("Fietswrak", 1.0, _21, "vlak", "dag", ("Fietswrak staat al maanden bij de {straat}",)),
        ("Stank/geluid", 0.8, _5, "buiten", "avond", ("Stankoverlast bij de {straat}",)),
        ("Graffiti/wildplak", 0.8, _5, "vlak", "dag", ("Graffiti op het viaduct",)),
        ("Auto/scooter-wrak", 0.5, _21, "vlak", "dag", ("Scooterwrak zonder kenteken",)),
        ("Hinderlijk object", 0.5, _5, "vlak", "dag", ("Aanhanger staat al weken",)),
        ("Bouw/sloop", 0.4, _21, "vlak", "dag", ("Bouwlawaai voor 7 uur 's ochtends",)),
        ("Overig", 0.5, _5, "vlak", "dag", ("Overlast bij de {straat}",)),
    ),
    *_group(DIEREN,
        ("Ratten", 1.0, _5, "ratten", "dag", ("Ratten gezien bij de {straat} {nr}",)),
        ("Wespen", 0.8, _5, "wespen", "dag", ("Wespennest in de boom aan de {straat}",)),
        ("Ganzen", 0.3, _5, "vogels", "dag", ("Veel ganzenpoep op het fietspad",)),
        ("Duiven", 0.4, _5, "vogels", "dag", ("Duivenoverlast bij de {straat}",)),
        ("Meeuwen", 0.2, _5, "vogels", "dag", ("Meeuwen scheuren vuilniszakken open",)),
        ("Dode dieren", 0.5, _3, "vlak", "dag", ("Dode kat op de {straat}",)),
        ("Overig", 0.3, _5, "vlak", "dag", ("Eikenprocessierups in de boom",)),
    ),
    *_group(PERSONEN,
        ("Jongerenoverlast", 0.8, _5, "buiten", "avond", ("Jongeren maken lawaai, {straat}",)),
        ("Vuurwerkoverlast", 0.2, _3, "vuurwerk", "avond", ("Vuurwerk in de brievenbus",
            "Er wordt zwaar vuurwerk afgestoken aan de {straat}")),
        ("Overlast door afsteken vuurwerk", 0.1, _5, "vuurwerk", "avond", (
            "Jongeren steken vuurwerk af bij de {straat}",)),
        ("Drank/drugs", 0.3, _5, "buiten", "avond", ("Drugsafval gevonden bij de {straat}",)),
        ("Wildplassen", 0.2, _5, "buiten", "avond", ("Wildplassen bij het winkelcentrum",)),
        ("Daklozen/bedelen", 0.1, _5, "vlak", "dag", ("Iemand slaapt in de fietsenstalling",)),
        ("Overig", 0.3, _5, "vlak", "avond", ("Overlast van buren op straat",)),
    ),
    *_group(HORECA,
        ("Geluid muziek/installaties", 0.5, _5, "buiten", "avond", ("Harde muziek bij café",)),
        ("Terrassen", 0.2, _5, "buiten", "dag", ("Terras staat op het trottoir",)),
        ("Stank", 0.2, _5, "vlak", "dag", ("Stank van afzuiging snackbar",)),
        ("Overig", 0.1, _5, "vlak", "dag", ("Overlast door bezorgers",)),
    ),
    *_group(OVERIG,
        ("Overig", 3.5, _5, "vlak", "dag", ("Vraag over de {straat}",)),
    ),
)
# fmt: on
CATEGORY_INDEX = {(c.hoofd, c.sub): i for i, c in enumerate(CATEGORIES)}

# fmt: off
# Texts for rows a peak planted, by (cause, Subcategorie), so a reader sees why they are there.
CAUSE_TEXTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("storm", "Boom"): ("Boom omgewaaid over de {straat}", "Omgevallen boom blokkeert het fietspad",
                        "Grote tak afgebroken na de storm bij de {straat}"),
    ("bladval", "Overig"): ("Veel blad op de stoep aan de {straat}, erg glad",
                            "Bladkorf aan de {straat} is vol",
                            "Goot verstopt door bladeren bij de {straat} {nr}"),
    ("zware_regen", "Put/riolering verstopt"): ("Straat staat blank na de regenbui",
                                                "Put loopt over aan de {straat}"),
    ("vorst", "Gladheid"): ("Spiegelglad op de {straat}, er is al iemand gevallen",),
    ("hitte", "Wespen"): ("Wespen rond de prullenbak bij de {straat}",),
    ("hitte", "Stank/geluid"): ("Stank uit de kolken door de hitte",),
    ("oud_en_nieuw", "Vuurwerkoverlast"): ("Knallen de hele nacht aan de {straat}",),
    ("oud_en_nieuw", "Overlast door afsteken vuurwerk"): ("Vuurwerk afgestoken naar auto's",),
    ("oud_en_nieuw", "Veeg-/zwerfvuil"): ("Vuurwerkafval op straat bij de {straat}",),
}
# Generic Dutch street names, not checked against the BAG.
STREETS = ("Kerkstraat", "Dorpsstraat", "Molenstraat", "Schoolstraat", "Julianastraat",
           "Eikenlaan", "Beatrixstraat", "Stationsstraat", "Rijnstraat", "Lindelaan", "Hoflaan",
           "Berkenlaan", "Dijkstraat", "Parallelweg", "Sportlaan", "Wilhelminastraat",
           "Esdoornstraat", "Torenstraat")
# Postcode areas (4 digits) of the kernen, from memory [U]; only used for fake addresses.
POSTCODE_AREA = {"Duiven": "6921", "Groessen": "6923", "Loo": "6924", "Zevenaar": "6901",
                 "Babberich": "6905", "Pannerden": "6911", "Aerdt": "6913", "Herwen": "6914",
                 "Lobith": "6915", "Tolkamer": "6916", "Spijk": "6917", "Angerlo": "6986",
                 "Giesbeek": "6987", "Lathum": "6988"}
# fmt: on
POSTCODE_AREA_DEFAULT = "6932"  # Westervoort
SURNAMES = ("jansen", "devries", "bakker", "visser", "smit", "meijer", "mulder", "bos", "peters")
ODD_SUFFIXES = ("; graag snel oppakken", ' Melder: "al weken zo"', "\nTweede melding hierover")
BAD_DATES = ("31-02-{y} {t}", "30-02-{y} {t}", "31-04-{y} {t}", "31-09-{y} {t}", "31-11-{y} {t}")
BAD_DATE_TEXTS = ("onbekend", "zie omschrijving", "#WAARDE!", "n.v.t.")
