"""Demo generator for the meldingen pack: Fixi/Signalen-style exports of fictitious reports.

``koers demo`` writes these files as if a municipality exported them from its meldingen system
and opened them in Excel, so ingestion, the pack's models and the peak analysis all run on
input that looks and misbehaves like the real thing. Volumes, category shares, seasonality and
handling times follow docs/demo-data.md (sources in the shared domain facts, section 4.3);
weather peaks come from real KNMI observations (station Herwijnen). The ground truth returned
says which peaks and bad rows were planted, so tests and the demo can check what Koers finds.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from koers.demo.geography import DEMO_GEMEENTEN, Gemeente
from koers.demo.weather import (
    FROST_BELOW_C,
    HEAT_FROM_C,
    HEAVY_RAIN_MM,
    STORM_GUST_MS,
    load_weather,
)
from koers.transform.calendar import public_holidays

HEADER = (
    "Meldingnummer", "Datum melding", "Datum afgehandeld", "Hoofdcategorie", "Subcategorie",
    "Wijkcode", "Wijk", "Status", "Omschrijving",
)  # fmt: skip
TIMESTAMP_FORMAT = "%d-%m-%Y %H:%M"  # local Europe/Amsterdam time, no zone, as Excel shows it

# Baseline meldingen per inhabitant per year. The facts give 1,000-2,000 per 10,000 (Fixi 2018
# app-only ~720, Fixi 2021 ~1,900); we aim at ~1,500 in total, of which ~150 come from the
# planted weather and calendar peaks below (measured over 2020-2025 with the KNMI data).
BASE_RATE_PER_INHABITANT = 0.134
MALFORMED_SHARE = 0.0005
MALFORMED_MIN_FILE_ROWS = 500
PII_SHARE = 0.03
ODD_TEXT_SHARE = 0.004
EMPTY_TEXT_SHARE = 0.01
CANCELLED_SHARE = 0.02

# Weekday factors Mon..Sun: "de meeste meldingen komen kort na het weekeinde binnen" (Fixi);
# the sizes are our estimate [U]. Public holidays count as a Sunday.
_WEEKDAY_RAW = np.array([1.32, 1.10, 1.04, 1.00, 0.94, 0.78, 0.82])
WEEKDAY_FACTOR = _WEEKDAY_RAW / _WEEKDAY_RAW.mean()

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
# Lognormal handling time with its median at 45% of the target and sigma 0.85: ~83% within the
# target and ~1% beyond three times it before peak slowdowns [U]. Verlichting then averages
# ~13 days, shorter than Fixi's ~20, which includes complex cases this model leaves out.
HANDLING_MEDIAN_FRACTION = 0.45
HANDLING_SIGMA = 0.85
MAX_PEAK_SLOWDOWN = 3.0

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
_INDEX = {(c.hoofd, c.sub): i for i, c in enumerate(CATEGORIES)}

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


@dataclass(frozen=True)
class PlantedPeak:
    """Extra meldingen planted on top of the baseline, so peak detection can be checked.

    ``expected_extra`` is the Poisson mean, ``planted`` the rows actually added (a few may
    later have been made malformed). Peaks are recorded per gemeente because their size scales
    with inhabitants; ``gemeente_code`` None would mean all gemeenten. ``days`` > 1 marks a
    season (bladval) starting at ``date``, with totals over the span.
    """

    date: dt.date
    gemeente_code: str | None
    category: str  # Subcategorie
    cause: str  # storm, zware_regen, vorst, hitte, oud_en_nieuw, bladval
    expected_extra: float
    hoofdcategorie: str
    planted: int
    days: int = 1


@dataclass(frozen=True)
class MeldingenGroundTruth:
    """What the generator planted; rows are 1-based data rows, the header not counted."""

    total_rows: int  # rows written, malformed ones included
    malformed_rows: dict[str, list[int]]  # file name -> planted bad data rows
    peaks: list[PlantedPeak]
    per_gemeente: dict[str, int]  # well-formed rows per gemeente_code
    pii_rows: dict[str, list[int]] = field(default_factory=dict)  # e-mail/phone/address in text


@dataclass(frozen=True)
class _Extra:
    day: int  # index into _Plan.days
    category: int  # index into CATEGORIES
    cause: str
    rate_per_inhabitant: float


@dataclass(frozen=True)
class _Plan:
    """Everything that is the same for every gemeente: days, rates per inhabitant, peaks."""

    start: dt.date
    days: list[dt.date]
    base_rate: npt.NDArray[np.float64]  # (day, category) meldingen per inhabitant
    extras: list[_Extra]
    dst_start: npt.NDArray[np.bool_]  # per day: clocks go forward at 02:00
    holidays: npt.NDArray[np.datetime64]


def dutch_holidays(first_year: int, last_year: int) -> list[dt.date]:
    """Days municipal offices are closed, from the same calendar the warehouse uses."""
    return sorted(day for year in range(first_year, last_year + 1) for day in public_holidays(year))


def _season_by_day(days: list[dt.date]) -> dict[str, npt.NDArray[np.float64]]:
    """Interpolate the monthly profiles to days, anchored mid-month and wrapping the year."""
    anchors = np.array([-15.5, *(30.4 * m + 15.2 for m in range(12)), 380.0])
    day_of_year = np.array([d.timetuple().tm_yday - 1 for d in days], dtype=float)
    one_year = np.arange(365, dtype=float)
    result = {}
    for name, raw in SEASON_PROFILES.items():
        values = np.array([raw[-1], *raw, raw[0]], dtype=float)
        mean = np.interp(one_year, anchors, values).mean()
        result[name] = np.interp(day_of_year, anchors, values) / mean
    return result


def _leaf_season_start(day: dt.date) -> dt.date:
    """Leaves fall from mid-October to mid-January (Westervoort's own page)."""
    return dt.date(day.year - (day.month < 10), 10, 15)


def _plan_extras(days: list[dt.date], weekday_factor: npt.NDArray[np.float64]) -> list[_Extra]:
    """The weather and calendar peaks per inhabitant; weather only on days KNMI covers.

    Sizes are estimates [U] calibrated on the facts: a heavy storm gives tens of meldingen per
    10,000 (Noordenveld 180 in a day), a mild one a few (Goirle, Ciarán: 11 tree reports).
    """
    weather = load_weather()
    index = {d: i for i, d in enumerate(days)}
    extras: list[_Extra] = []

    def add(day: dt.date, hoofd: str, sub: str, cause: str, per_10k: float) -> None:
        if day in index and per_10k > 0:
            extras.append(_Extra(index[day], _INDEX[hoofd, sub], cause, per_10k * 1e-4))

    for day in days:
        w = weather.get(day)
        gust = w.windstoot_max_ms if w else None
        rain = w.neerslag_mm if w else None
        t_min = w.temperatuur_min_c if w else None
        t_max = w.temperatuur_max_c if w else None
        if gust is not None and gust >= STORM_GUST_MS:
            # Linear in the excess over 20 m/s (+1 so a 20 m/s day still counts), decaying over
            # the two following days while fallen trees and branches are still being found.
            for lag, factor in enumerate((1.0, 0.5, 0.2)):
                later = day + dt.timedelta(days=lag)
                add(later, GROEN, "Boom", "storm", 0.8 * (gust - 19.0) * factor)
        if rain is not None and rain >= HEAVY_RAIN_MM:
            size = 0.12 * (rain - 15.0)
            add(day, WEGEN, "Put/riolering verstopt", "zware_regen", size)
            add(
                day + dt.timedelta(days=1), WEGEN, "Put/riolering verstopt", "zware_regen", size / 3
            )
        if t_min is not None and t_min < FROST_BELOW_C:
            add(day, WEGEN, "Gladheid", "vorst", 0.15 + 0.06 * min(-t_min, 10.0))
        if t_max is not None and t_max >= HEAT_FROM_C:
            add(day, DIEREN, "Wespen", "hitte", 0.3 + 0.15 * (t_max - 30.0))
            add(day, OPENBARE_RUIMTE, "Stank/geluid", "hitte", 0.15 + 0.05 * (t_max - 30.0))
        if (day.month, day.day) in ((12, 28), (12, 29), (12, 30)):
            add(day, PERSONEN, "Vuurwerkoverlast", "oud_en_nieuw", 0.3)
        elif (day.month, day.day) == (12, 31):
            add(day, PERSONEN, "Vuurwerkoverlast", "oud_en_nieuw", 1.5)
            add(day, PERSONEN, "Overlast door afsteken vuurwerk", "oud_en_nieuw", 0.8)
        elif (day.month, day.day) == (1, 1):
            add(day, PERSONEN, "Vuurwerkoverlast", "oud_en_nieuw", 1.0)
            add(day, PERSONEN, "Overlast door afsteken vuurwerk", "oud_en_nieuw", 0.6)
            add(day, AFVAL, "Veeg-/zwerfvuil", "oud_en_nieuw", 1.2)
        since = (day - _leaf_season_start(day)).days
        if 0 <= since <= 92:  # until 15 January, peaking mid-November
            leaves = 1.4 * float(np.exp(-0.5 * ((since - 31) / 22.0) ** 2))
            add(day, GROEN, "Overig", "bladval", leaves * float(weekday_factor[index[day]]))
    return extras


def _plan(start: dt.date, end: dt.date) -> _Plan:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    holidays = dutch_holidays(start.year, end.year + 2)
    closed = set(holidays)
    weekday_factor = WEEKDAY_FACTOR[[6 if d in closed else d.weekday() for d in days]]
    seasons = _season_by_day(days)
    shares = np.array([c.share_pct for c in CATEGORIES]) / 100.0
    season = np.stack([seasons[c.season] for c in CATEGORIES], axis=1)
    base = BASE_RATE_PER_INHABITANT / 365.25 * shares[None, :] * season * weekday_factor[:, None]
    dst = np.array([d.month == 3 and d.weekday() == 6 and d.day >= 25 for d in days])
    extras = _plan_extras(days, weekday_factor)
    return _Plan(start, days, base, extras, dst, np.array(holidays, dtype="datetime64[D]"))


@dataclass(frozen=True)
class _Cases:
    """One gemeente's meldingen as parallel arrays, before sorting and formatting."""

    day: npt.NDArray[np.int64]
    category: npt.NDArray[np.int64]
    cause: list[str | None]
    wijk: npt.NDArray[np.int64]
    reported: npt.NDArray[np.int64]  # minutes since the start date, local time
    closed: npt.NDArray[np.int64]  # minutes since the start date, local time
    cancelled: npt.NDArray[np.bool_]
    load: npt.NDArray[np.float64]  # how far a peak swamps the team that day, >= 1


def _draw_cases(
    gemeente: Gemeente, plan: _Plan, rng: np.random.Generator, scale: float
) -> tuple[_Cases, npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Draw counts per day and category, then when each melding came in and from where."""
    people = gemeente.inwoners * scale
    base_mean = plan.base_rate * people
    counts = rng.poisson(base_mean).ravel()
    extra_mean = np.array([e.rate_per_inhabitant * people for e in plan.extras], dtype=float)
    extra_counts = rng.poisson(extra_mean).astype(np.int64)
    extra_day = np.array([e.day for e in plan.extras], dtype=np.int64)
    extra_cat = np.array([e.category for e in plan.extras], dtype=np.int64)

    cells = np.repeat(np.arange(counts.size), counts)
    day = np.concatenate([cells // len(CATEGORIES), np.repeat(extra_day, extra_counts)])
    cat = np.concatenate([cells % len(CATEGORIES), np.repeat(extra_cat, extra_counts)])
    cause: list[str | None] = [None] * len(cells)
    for extra, count in zip(plan.extras, extra_counts.tolist(), strict=True):
        cause += [extra.cause] * count
    n = len(day)

    weights = np.array([w.inwoners for w in gemeente.wijken], dtype=float)
    wijk = rng.choice(len(gemeente.wijken), size=n, p=weights / weights.sum())
    hour = np.zeros(n, dtype=np.int64)
    for name, raw in HOUR_PROFILES.items():
        weights = np.array(raw) / sum(raw)
        hours = rng.choice(24, size=n, p=weights)
        hour = np.where(np.array([c.hours == name for c in CATEGORIES])[cat], hours, hour)
    minute = hour * 60 + rng.integers(0, 60, n)
    # Local times from 02:00 to 03:00 do not exist on the day summer time starts.
    minute += 60 * (plan.dst_start[day] & (minute >= 120) & (minute < 180))

    extra_dense = np.zeros_like(base_mean)
    np.add.at(extra_dense, (extra_day, extra_cat), extra_mean)
    load = 1.0 + extra_dense[day, cat] / np.maximum(base_mean[day, cat], 1e-9)
    empty = np.zeros(0, dtype=np.int64)
    cases = _Cases(day, cat, cause, wijk, day * 1440 + minute, empty, np.zeros(0, bool), load)
    return cases, extra_mean, extra_counts


def _close(cases: _Cases, plan: _Plan, rng: np.random.Generator) -> _Cases:
    """Add handling times: lognormal around the target, slower when a peak swamps the team."""
    n = len(cases.day)
    slo = np.array([c.slo for c in CATEGORIES])[cases.category]
    slowdown = np.minimum(cases.load**0.35, MAX_PEAK_SLOWDOWN)
    noise = np.exp(HANDLING_SIGMA * rng.standard_normal(n))
    duration = SLO_TARGET_DAYS[slo] * HANDLING_MEDIAN_FRACTION * slowdown * noise
    cancelled = rng.random(n) < CANCELLED_SHARE
    duration = np.where(cancelled, rng.uniform(0.0, 2.0, n), duration)
    whole = np.floor(duration).astype(np.int64)
    start = np.datetime64(plan.start, "D")
    reported_on = start + cases.day
    holidays = plan.holidays
    calendar = SLO_IN_CALENDAR_DAYS[slo] & ~cancelled
    close_on = np.where(
        calendar,
        np.busday_offset(reported_on + whole, 0, roll="forward", holidays=holidays),
        np.busday_offset(reported_on, whole, roll="forward", holidays=holidays),
    )
    minute = rng.integers(8 * 60, 17 * 60, n)  # office hours
    closed = (close_on - start).astype(np.int64) * 1440 + minute
    next_workday = np.busday_offset(reported_on, 1, roll="forward", holidays=holidays)
    retry = (next_workday - start).astype(np.int64) * 1440 + minute
    closed = np.where(closed < cases.reported + 15, retry, closed)
    return replace(cases, closed=closed, cancelled=cancelled)


def _texts(
    rng: np.random.Generator, cases: _Cases, order: npt.NDArray[np.int64], gemeente: Gemeente
) -> tuple[list[str], npt.NDArray[np.bool_]]:
    """Free text per row in ``order``; ~3% carry personal data a scrubber must catch."""
    n = len(order)
    pick, street, nr = (
        rng.integers(0, 1 << 30, n),
        rng.integers(0, len(STREETS), n),
        rng.integers(1, 140, n),
    )
    pii, odd, empty = (
        rng.random(n) < share for share in (PII_SHARE, ODD_TEXT_SHARE, EMPTY_TEXT_SHARE)
    )
    kind, digits = rng.integers(0, 3, n), rng.integers(10_000_000, 100_000_000, n)
    letters = rng.integers(0, 18, (n, 2))
    alphabet = "ABCEGHJKLMNPRTVWXZ"
    out: list[str] = []
    for pos, i in enumerate(order.tolist()):
        category, reason = CATEGORIES[int(cases.category[i])], cases.cause[i]
        options = CAUSE_TEXTS.get((reason or "", category.sub), category.texts)
        text = options[int(pick[pos]) % len(options)]
        text = text.format(straat=STREETS[int(street[pos])], nr=int(nr[pos]))
        if pii[pos] and kind[pos] == 0:
            name = f"{'abdhjkmprstw'[int(digits[pos]) % 12]}.{SURNAMES[int(nr[pos]) % 9]}"
            text += f". Mail mij: {name}@example.nl"
        elif pii[pos] and kind[pos] == 1:
            text += f", bel gerust 06-{int(digits[pos])}"
        elif pii[pos]:
            wijk = gemeente.wijken[int(cases.wijk[i])].naam
            area = POSTCODE_AREA.get(wijk, POSTCODE_AREA_DEFAULT)
            letter_pair = alphabet[int(letters[pos, 0])] + alphabet[int(letters[pos, 1])]
            text += f" (adres melder: {area} {letter_pair} {int(nr[pos])})"
        elif odd[pos]:
            text += ODD_SUFFIXES[int(kind[pos])]
        elif empty[pos]:
            text = ""
        out.append(text)
    return out, pii


def _rows(
    gemeente: Gemeente, plan: _Plan, cases: _Cases, rng: np.random.Generator, end_minute: int
) -> tuple[list[list[str]], list[int], npt.NDArray[np.bool_]]:
    """Export rows sorted by report time, their calendar year, and which carry personal data."""
    order = np.argsort(cases.reported, kind="stable")
    still_open = cases.closed >= end_minute
    fresh = (end_minute - cases.reported) < 2 * 1440
    reported_only = still_open & (fresh | (rng.random(len(order)) < 0.25))
    texts, pii = _texts(rng, cases, order, gemeente)
    day_text = [d.strftime("%d-%m-%Y") for d in plan.days]
    clock = [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]
    number = gemeente.code.removeprefix("GM")
    rows: list[list[str]] = []
    years: list[int] = []
    for pos, i in enumerate(order.tolist()):
        category = CATEGORIES[int(cases.category[i])]
        wijk = gemeente.wijken[int(cases.wijk[i])]
        reported, closed = int(cases.reported[i]), int(cases.closed[i])
        if still_open[i]:
            status, closed_text = ("Gemeld" if reported_only[i] else "In behandeling"), ""
        else:
            status = "Geannuleerd" if cases.cancelled[i] else "Afgehandeld"
            closed_text = f"{day_text[closed // 1440]} {clock[closed % 1440]}"
        reported_text = f"{day_text[reported // 1440]} {clock[reported % 1440]}"
        rows.append(
            [
                f"M{number}-{pos + 1:06d}",
                reported_text,
                closed_text,
                category.hoofd,
                category.sub,
                wijk.code,
                wijk.naam,
                status,
                texts[pos],
            ]
        )
        years.append(plan.days[reported // 1440].year)
    return rows, years, pii


def _peaks(
    gemeente_code: str,
    plan: _Plan,
    extra_mean: npt.NDArray[np.float64],
    extra_counts: npt.NDArray[np.int64],
) -> list[PlantedPeak]:
    """Merge extras per day, category and cause; a leaf-fall season becomes one entry."""
    merged: dict[tuple[dt.date, int, str], list[float]] = {}
    for extra, mean, count in zip(
        plan.extras, extra_mean.tolist(), extra_counts.tolist(), strict=True
    ):
        day = plan.days[extra.day]
        first = max(_leaf_season_start(day), plan.start) if extra.cause == "bladval" else day
        entry = merged.setdefault((first, extra.category, extra.cause), [0.0, 0.0, 1.0])
        entry[0] += mean
        entry[1] += count
        entry[2] = max(entry[2], (day - first).days + 1)
    return [
        PlantedPeak(
            day,
            gemeente_code,
            CATEGORIES[c].sub,
            cause,
            round(v[0], 3),
            CATEGORIES[c].hoofd,
            int(v[1]),
            int(v[2]),
        )
        for (day, c, cause), v in sorted(merged.items())
    ]


def _break_row(row: list[str], kind: int, year: int, pick: int) -> None:
    """Damage a row the way hand-edited Excel exports get damaged, so ingestion must reject it."""
    if kind == 0:
        row[1] = BAD_DATES[pick % len(BAD_DATES)].format(y=year, t=row[1][-5:])
    elif kind == 1:
        row[3] = ""
    else:
        row[1] = BAD_DATE_TEXTS[pick % len(BAD_DATE_TEXTS)]


def generate_meldingen(
    out_dir: Path,
    *,
    seed: int,
    start: dt.date,
    end: dt.date,
    scale: float = 1.0,
    gemeenten: Sequence[Gemeente] = DEMO_GEMEENTEN,
) -> MeldingenGroundTruth:
    """Write one export per gemeente per calendar year from ``start`` to ``end`` inclusive.

    Files are ``out_dir/<code>/meldingen_<code>_<year>.csv``. The same seed and arguments give
    byte-identical files. Each gemeente draws from its own stream (seed mixed with the number
    in its ``GMnnnn`` code), so adding or removing a gemeente does not change the others.
    """
    if end < start:
        raise ValueError("De einddatum ligt voor de begindatum.")
    plan = _plan(start, end)
    end_minute = len(plan.days) * 1440  # nothing closes after the end date
    malformed: dict[str, list[int]] = {}
    pii_rows: dict[str, list[int]] = {}
    per_gemeente: dict[str, int] = {}
    peaks: list[PlantedPeak] = []
    total = 0
    for gemeente in gemeenten:
        rng = np.random.default_rng(np.random.SeedSequence([seed, int(gemeente.code[2:])]))
        cases, extra_mean, extra_counts = _draw_cases(gemeente, plan, rng, scale)
        cases = _close(cases, plan, rng)
        rows, years, pii = _rows(gemeente, plan, cases, rng, end_minute)
        peaks += _peaks(gemeente.code, plan, extra_mean, extra_counts)
        folder = out_dir / gemeente.code
        folder.mkdir(parents=True, exist_ok=True)
        year_of_row = np.array(years, dtype=np.int64)
        per_gemeente[gemeente.code] = 0
        for year in range(start.year, end.year + 1):
            idx = np.flatnonzero(year_of_row == year)
            file_rows = [rows[int(i)] for i in idx]
            name = f"meldingen_{gemeente.code}_{year}.csv"
            n = len(file_rows)
            k = max(int(rng.binomial(n, MALFORMED_SHARE)), int(n >= MALFORMED_MIN_FILE_ROWS))
            bad = np.sort(rng.choice(n, size=k, replace=False)).tolist() if k else []
            for b, kind, pick in zip(
                bad, rng.integers(0, 3, k), rng.integers(0, 1000, k), strict=True
            ):
                _break_row(file_rows[b], int(kind), year, int(pick))
            malformed[name] = [b + 1 for b in bad]
            pii_rows[name] = (np.flatnonzero(pii[idx]) + 1).tolist()
            with (folder / name).open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
                writer.writerow(HEADER)
                writer.writerows(file_rows)
            total += n
            per_gemeente[gemeente.code] += n - k
    return MeldingenGroundTruth(total, malformed, peaks, per_gemeente, pii_rows)


def write_ground_truth(truth: MeldingenGroundTruth, path: Path) -> None:
    """Write the ground truth as JSON (ISO dates) next to the exports, for the demo's check."""

    def encode(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(f"Niet naar JSON om te zetten: {type(value).__name__}")

    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(asdict(truth), default=encode, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
