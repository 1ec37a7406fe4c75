"""The numbers behind the sociaal domein demo: volumes, legal terms, products and tariffs.

Every number says where it comes from: a section of the shared domain facts (with the source
behind it) or "[U] estimate" when it is our own assumption. The simulation in
:mod:`.cases` and the writers in :mod:`.export` read only from here, so tuning the demo means
editing this file and docs/demo-data/sociaal_domein.md together.
"""

from __future__ import annotations

from dataclasses import dataclass

WMO = "Wmo"
JEUGD = "Jeugd"

# --- Legal terms (facts section 1) ------------------------------------------------------
#: Wmo 2015 art. 2.3.2 lid 1: the onderzoek is done within six weeks of the melding
#: (facts 1.1, wetten.legaltools.nl) [V].
WMO_ONDERZOEK_TERM_DAYS = 42
#: Wmo 2015 art. 2.3.5 lid 1: the beschikking within two weeks of the aanvraag (facts 1.1,
#: Schulinck) [S]. Jeugdwet: no own term, so Awb 4:13 applies: eight weeks (facts 1.2) [S].
BESCHIKKING_TERM_DAYS = {WMO: 14, JEUGD: 56}
#: Awb 4:14 allows one extension by "a reasonable period" (facts 1.1); how long gemeenten
#: take is not in the facts: two weeks for Wmo, four for Jeugd [U] estimate.
EXTENSION_DAYS = {WMO: 14, JEUGD: 28}
#: Share of late decisions for which an extension notice (verdaging) goes out in time [U].
EXTENSION_SHARE = 0.6
#: Awb 4:15: the term is suspended while the applicant completes the aanvraag (facts 1.2,
#: 1.3). How often and how long is our estimate [U]: 5% of aanvragen, 7 to 28 days.
SUSPENSION_SHARE = 0.05
SUSPENSION_DAYS = (7, 28)

# --- Team capacity --------------------------------------------------------------------
#: Consultants per 10,000 inhabitants: 13 Wmo consultants for ~50k in Goeree-Overflakkee
#: gives ~2.6 (facts 4.1) [S/D]. For Jeugd the facts give nothing: 2.0 [U] estimate.
CONSULTANTS_PER_10K = {WMO: 2.6, JEUGD: 2.0}
CONTRACT_HOURS = (24.0, 28.0, 32.0, 36.0)  # hours per week of a consultant [U] estimate
#: Share of a consultant's hours spent on new onderzoeken; the rest goes to herindicaties,
#: advice and meetings [U] estimate.
CASEWORK_SHARE = 0.5
#: How busy a team is with new onderzoeken in a normal month. The hours one onderzoek takes
#: are set per team from this, so that teams of any size (and any demo scale) are stable [U].
TARGET_UTILISATION = 0.75
#: Availability per month (Jan..Dec) for leave; summer holidays and Christmas [U] estimate.
MONTH_AVAILABILITY = (0.95, 0.95, 0.95, 0.92, 0.9, 0.9, 0.7, 0.7, 0.92, 0.92, 0.95, 0.82)
SICK_MONTH_SHARE = 0.04  # consultant-months with sick leave, at half the hours [U]

# --- Case flow ------------------------------------------------------------------------
INTAKE_DAYS = 3  # first contact is planned at the earliest 3 days after the melding [U]


@dataclass(frozen=True)
class Verwijzer:
    """Who brought the case in; ``direct`` cases skip onderzoek, aanvraag and beschikking.

    ``products`` weights the product categories this referrer leads to; empty means the
    shares of the products themselves.
    """

    naam: str
    share: float
    direct: bool = False
    products: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Product:
    """A product category as the case system groups voorzieningen, with its cost model.

    ``volume_per_week`` is a uniform range of units per week; ``None`` marks a one-off
    provision (a woningaanpassing) whose ``tarief_eur`` is the median amount. Tariffs are at
    the 2024 price level and indexed per year (``TARIFF_INDEX``).
    """

    naam: str
    taakveld: str  # Iv3 taakveld (facts 10)
    share: float  # share of newly granted voorzieningen
    unit: str
    volume_per_week: tuple[float, float] | None
    tarief_eur: float
    mean_duration_days: float | None  # exponential; None for a one-off
    wait_median_days: float  # beschikking (or referral) to start of the provision
    aanbieders: tuple[str, ...]


@dataclass(frozen=True)
class Domain:
    """Everything that differs between Wmo and Jeugd in the simulation."""

    naam: str
    code: str  # letter in the case numbers: MW1234-000001 / MJ1234-000001
    team_prefix: str
    functie: str
    meldingen_per_10k: float
    existing_client_share: float
    verwijzers: tuple[Verwijzer, ...]
    age_bands: tuple[tuple[str, float], ...]
    male_share: float
    onderzoek_median_days: float
    outcomes: tuple[tuple[str, float], ...]  # uitkomst onderzoek
    beschikking_median_days: float
    besluiten: tuple[tuple[str, float], ...]
    products: tuple[Product, ...]
    products_per_toekenning: tuple[float, ...]  # P(1), P(2), P(3)


SIGMA_ONDERZOEK = 0.5  # lognormal spread of onderzoek and decision times [U]
SIGMA_BESCHIKKING = 0.45
SIGMA_WAIT = 0.6
UNKNOWN_SEX_SHARE = 0.005  # "Onbekend" in the case system [U]
TARIFF_INDEX = 0.035  # yearly tariff indexation around 2024 [U] estimate
TARIFF_BASE_YEAR = 2024

# Monthly inflow profile (Jan..Dec), mean 1: fewer meldingen in the summer holidays and
# around Christmas [U] estimate.
_MONTH_RAW = (1.08, 1.05, 1.08, 1.0, 1.0, 1.0, 0.85, 0.85, 1.05, 1.08, 1.06, 0.9)
MONTH_INFLOW = tuple(v * 12 / sum(_MONTH_RAW) for v in _MONTH_RAW)
# Weekday profile Mon..Fri (meldingen come in on working days) [U] estimate.
_WEEKDAY_RAW = (1.2, 1.05, 1.0, 0.95, 0.8)
WEEKDAY_INFLOW = tuple(v * 5 / sum(_WEEKDAY_RAW) for v in _WEEKDAY_RAW)

_HBH = ("Huishoudhulp Voorbeeld B.V. (fictief)", "Thuishulp Demo (fictief)")
_BEG = ("Begeleiding Proefstroom (fictief)", "Zorgcoöperatie Voorbeeld (fictief)")
_HULP = ("Hulpmiddelencentrum Demo (fictief)",)
_WONING = ("Aanpasbouw Fictief B.V.",)
_VERVOER = ("Vervoerscentrale Voorbeeld (fictief)",)
_JEUGD = ("Jeugdhulp Proefstroom (fictief)", "Praktijk Voorbeeld Jeugd-GGZ (fictief)")
_VERBLIJF = ("Jeugdzorg Demo Verblijf (fictief)",)
_GI = ("Gecertificeerde Instelling Voorbeeld (fictief)",)
_AMBULANT, _MET_VERBLIJF = "Jeugdhulp ambulant", "Jeugdhulp met verblijf"
_TOEGANG = ((_AMBULANT, 0.88), (_MET_VERBLIJF, 0.12))  # [U] estimate
_HUISARTS = ((_AMBULANT, 0.97), (_MET_VERBLIJF, 0.03))  # [U] estimate
_GI_MIX = (("Jeugdbescherming", 0.7), ("Jeugdreclassering", 0.2), (_MET_VERBLIJF, 0.1))  # [U]

# Wmo. Inflow: no source for new meldingen; the facts assume 20-30% of the client stock per
# year (facts 4.1) [U]; with ~720 clients per 10,000 (CBS 86050NED, facts 4.1) [V] we take
# 200. Products and their split are our estimate [U], except that hulp bij het huishouden is
# the largest (31 of 72 per 1,000, facts 4.1) [V]; durations are tuned so the yearly client
# count lands near 720 per 10,000. Multiple provisions: ~58% one, ~28% two, ~9% three (CBS
# 83264NED, facts 4.1) [V], normalised here to 61/29/10.
WMO_DOMAIN = Domain(
    naam=WMO,
    code="W",
    team_prefix="Wmo-team",
    functie="Wmo-consulent",
    meldingen_per_10k=200.0,
    existing_client_share=0.25,
    verwijzers=(
        Verwijzer("Inwoner zelf", 0.45),
        Verwijzer("Mantelzorger of familie", 0.3),
        Verwijzer("Huisarts of ziekenhuis", 0.15),
        Verwijzer("Wijkteam", 0.1),
    ),
    age_bands=(
        ("18 tot 65 jaar", 0.22),
        ("65 tot 75 jaar", 0.18),
        ("75 tot 85 jaar", 0.32),
        ("85 jaar of ouder", 0.28),
    ),
    male_share=0.37,
    onderzoek_median_days=12.0,
    outcomes=(("Aanvraag", 0.78), ("Geen aanvraag", 0.14), ("Ingetrokken", 0.08)),
    beschikking_median_days=6.0,
    besluiten=(("Toegekend", 0.9), ("Afgewezen", 0.08), ("Buiten behandeling", 0.02)),
    products=(
        Product("Hulp bij het huishouden", "6.71a", 0.3, "uur", (2.0, 4.0), 33.0,
                4.5 * 365, 21, _HBH),
        Product("Begeleiding", "6.71b", 0.15, "uur", (1.5, 4.0), 68.0, 2.5 * 365, 21, _BEG),
        Product("Dagbesteding", "6.71c", 0.07, "dagdeel", (2.0, 6.0), 45.0, 3.0 * 365, 28,
                _BEG),
        Product("Hulpmiddelen", "6.6", 0.25, "week", (1.0, 1.0), 22.0, 3.5 * 365, 21, _HULP),
        Product("Woningaanpassingen", "6.6", 0.1, "stuk", None, 4500.0, None, 60, _WONING),
        Product("Vervoer", "6.6", 0.13, "week", (1.0, 1.0), 14.0, 5.0 * 365, 14, _VERVOER),
    ),
    products_per_toekenning=(0.61, 0.29, 0.10),
)  # fmt: skip

# Jeugd. Youths with jeugdzorg: ~270 per 10,000 inhabitants per year (NJi/CBS, facts 4.2)
# [D]. New trajecten per year follow from that with the durations below: ~160 per 10,000
# [D/U]. The product mix follows CBS Jeugdmonitor 2024 (447k without verblijf, 41k with,
# ~36k jeugdbescherming, 8k jeugdreclassering; facts 4.2) [V]; who refers is our estimate
# [U]: the gemeentelijke toegang, a huisarts or jeugdarts (direct access under the
# Jeugdwet, no beschikking) or a gecertificeerde instelling after a court order.
JEUGD_DOMAIN = Domain(
    naam=JEUGD,
    code="J",
    team_prefix="Jeugdteam",
    functie="Jeugdconsulent",
    meldingen_per_10k=160.0,
    existing_client_share=0.15,
    verwijzers=(
        Verwijzer("Gemeentelijke toegang", 0.5, products=_TOEGANG),
        Verwijzer("Huisarts, jeugdarts of medisch specialist", 0.4, True, _HUISARTS),
        Verwijzer("Gecertificeerde instelling", 0.1, True, _GI_MIX),
    ),
    age_bands=(
        ("0 tot 4 jaar", 0.07),
        ("4 tot 12 jaar", 0.38),
        ("12 tot 18 jaar", 0.45),
        ("18 tot 23 jaar", 0.1),
    ),
    male_share=0.55,
    onderzoek_median_days=14.0,
    outcomes=(("Aanvraag", 0.8), ("Geen aanvraag", 0.12), ("Ingetrokken", 0.08)),
    beschikking_median_days=21.0,
    besluiten=(("Toegekend", 0.92), ("Afgewezen", 0.06), ("Buiten behandeling", 0.02)),
    products=(
        Product(_AMBULANT, "6.72", 0.82, "uur", (1.0, 3.0), 95.0, 0.8 * 365, 28,
                _JEUGD),
        Product(_MET_VERBLIJF, "6.73", 0.08, "etmaal", (7.0, 7.0), 230.0,
                1.2 * 365, 21, _VERBLIJF),
        Product("Jeugdbescherming", "6.82", 0.08, "week", (1.0, 1.0), 290.0, 1.5 * 365, 3,
                _GI),
        Product("Jeugdreclassering", "6.82", 0.02, "week", (1.0, 1.0), 180.0, 0.75 * 365, 3,
                _GI),
    ),
    products_per_toekenning=(1.0,),  # one category per traject [U]
)  # fmt: skip

DOMAINS: tuple[Domain, ...] = (WMO_DOMAIN, JEUGD_DOMAIN)
YOUNG_BANDS = ("0 tot 4 jaar", "4 tot 12 jaar")  # no jeugdreclassering below 12

# --- Planted patterns -----------------------------------------------------------------
#: (1) Overload: a Wmo consultant in Westervoort leaves and inflow rises at the same time,
#: like Ridderkerk, where the doorlooptijd rose to eight weeks because staff left (facts 4.1)
#: [S]. Timing, size and the vacancy period are ours [U].
OVERLOAD_GEMEENTE = "GM0293"
OVERLOAD_DOMAIN = WMO
OVERLOAD_AT_FRACTION = 0.6  # leave date: first of the month ~60% into the period [U]
OVERLOAD_INFLOW_FACTOR = 1.3  # inflow +30% [U]
OVERLOAD_INFLOW_MONTHS = 4  # the rise lasts four months [U]
OVERLOAD_VACANCY_MONTHS = 4  # the successor starts four months after the leave date [U]
#: (2) Policy intervention: Zevenaar lowers Jeugd inflow by 15% from a date, for example
#: with a praktijkondersteuner jeugd at the huisartsen [U]; the other two gemeenten do not.
INTERVENTION_GEMEENTE = "GM0299"
INTERVENTION_DOMAIN = JEUGD
INTERVENTION_AT_FRACTION = 0.4
INTERVENTION_EFFECT = -0.15
#: Cases start this many years before the export period, so that clients with a running
#: voorziening exist on its first day (their meldingen are not exported) [U].
WARMUP_YEARS = 12
