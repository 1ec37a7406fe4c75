"""Drawing the permit applications (omgevingsvergunningen) of one demo gemeente.

Part of the vth demo generator (:mod:`koers.packs.vth.demo`): this module decides when each
application came in, under which law and procedure, whether the term was suspended or
extended, and when and how it was decided, with the planted staff-shortage period making
decisions late. Term arithmetic is :mod:`koers.packs.vth.terms`; writing is done by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from koers.demo.fictief import fake_location, fake_party
from koers.demo.geography import Gemeente, Wijk
from koers.packs.vth.terms import (
    TERM_WEKEN,
    legal_deadline,
    original_deadline,
    van_rechtswege,
    wettelijk_kader,
)

# Volume: facts 4.4 found no per-capita source and suggest 50-100 aanvragen omgevingsvergunning
# per 10,000 inhabitants per year; we take the middle [U] estimate.
AANVRAGEN_PER_10K_PER_YEAR = 75.0
# Month profile Jan..Dec (mean 1): busier in spring, quieter in August [U] estimate.
MONTH_FACTOR = (0.80, 0.85, 1.05, 1.15, 1.15, 1.10, 1.00, 0.80, 1.00, 1.05, 1.05, 1.00)
# Online submission (OLO, later DSO) also happens in the weekend, less often [U] estimate.
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.0, 0.2, 0.2)

INCOMPLETE_SHARE = 0.30  # aanvulling requested, term suspended (Awb 4:15) [U] estimate
NEVER_COMPLETED_SHARE = 0.15  # of incomplete ones: buiten behandeling (Awb 4:5) [U] estimate
WITHDRAWN_SHARE = 0.04  # [U] estimate
REFUSED_SHARE = 0.08  # of decided applications [U] estimate
COMPANY_SHARE = 0.15  # applicant is a company [U] estimate
# Extensions (verdaging), regular / extended procedure / during the planted shortage [U].
EXTEND_SHARE = {"Regulier": 0.12, "Uitgebreid": 0.25}
EXTEND_SHARE_SHORTAGE = 0.35
# Late decisions. Background: [U] estimate of 7%. Under the Wabo a late regular decision made
# a permit by operation of law, which gemeenten worked hard to avoid, so that rate is a
# third [U] (not during the planted shortage, which overwhelms that care: permits then arise
# by operation of law). The planted shortage makes about half late, in line with the one sourced
# data point: a gemeente that decided only 48.3% on time in 2017 (facts 1.4, Gooi- en
# Eembode) [S].
LATE_SHARE = 0.07
WABO_REGULIER_LATE_FACTOR = 0.3
LATE_SHARE_SHORTAGE = 0.55
LATE_MEDIAN_DAYS = 10.0  # lognormal delay past the deadline [U] estimate
LATE_MEDIAN_DAYS_SHORTAGE = 21.0
LATE_SIGMA = 0.8
LATE_MAX_DAYS = 90
# Earliest decision after receipt (+ suspension): a quick regular decision takes ~2 weeks;
# the extended procedure has a 6-week zienswijze period (facts 1.4) and more [U] estimate.
MIN_HANDLING_DAYS = {"Regulier": 14, "Uitgebreid": 84}


@dataclass(frozen=True)
class Activiteit:
    """A permit activity, with its label before and after the Omgevingswet (1 Jan 2024)."""

    wabo: str
    omgevingswet: str
    share: float
    uitgebreid_wabo: float  # share under the extended procedure, Wabo era [U]
    uitgebreid_ow: float  # same, Omgevingswet era: regular became the default [U]
    bouw: bool  # a granted permit gets bouwtoezicht
    texts: tuple[str, ...]


# Activities and shares are our [U] estimate; the labels follow the Wabo and the Omgevingswet.
# fmt: off
ACTIVITEITEN: tuple[Activiteit, ...] = (
    Activiteit("Bouwen", "Bouwactiviteit (technisch)", 0.40, 0.0, 0.0, True, (
        "Plaatsen van een dakkapel", "Bouwen van een aanbouw aan de achterzijde",
        "Bouwen van een vrijstaande woning", "Vergroten van een bedrijfshal",
        "Plaatsen van een overkapping", "Bouwen van een garage met berging")),
    Activiteit("Afwijken bestemmingsplan", "Omgevingsplanactiviteit (bouwen)", 0.18, 0.15, 0.03,
        True, ("Bouwen van een mantelzorgwoning", "Uitbreiden van een woning buiten het bouwvlak",
               "Splitsen van een winkelpand in twee appartementen")),
    Activiteit("Kappen", "Vellen van houtopstand", 0.14, 0.0, 0.0, False, (
        "Kappen van een eik in de voortuin", "Kappen van drie populieren",
        "Vellen van een zieke kastanje")),
    Activiteit("Uitweg/inrit", "Uitweg aanleggen of veranderen", 0.08, 0.0, 0.0, False, (
        "Aanleggen van een tweede inrit", "Verbreden van een uitrit")),
    Activiteit("Monumenten", "Rijksmonumentenactiviteit", 0.04, 0.0, 0.0, True, (
        "Vervangen van kozijnen van een monument", "Herstellen van een rieten dak")),
    Activiteit("Milieu", "Milieubelastende activiteit", 0.05, 0.5, 0.3, False, (
        "Veranderen van een bedrijf (uitbreiding opslag)", "Oprichten van een werkplaats")),
    Activiteit("Slopen", "Sloopactiviteit in beschermd dorpsgezicht", 0.03, 0.0, 0.0, False, (
        "Slopen van een schuur", "Gedeeltelijk slopen van een bijgebouw")),
    Activiteit("Aanleggen", "Omgevingsplanactiviteit (aanleggen)", 0.04, 0.0, 0.0, False, (
        "Aanleggen van een poel", "Ophogen van een perceel")),
    Activiteit("Reclame", "Omgevingsplanactiviteit (reclame)", 0.04, 0.0, 0.0, False, (
        "Plaatsen van een lichtreclame", "Plaatsen van een reclamemast")),
)
# fmt: on


@dataclass(frozen=True)
class Aanvraag:
    """One application as the VTH system knows it on the export date (``end``)."""

    zaak_id: str
    received: date
    activiteit: Activiteit
    kader: str
    procedure: str
    opschorting_days: int
    verdaging: date | None  # date the extension was decided, None when not extended
    deadline: date  # legal deadline (Uiterste beslisdatum)
    decided: date | None  # None: still open on the export date
    besluit: str  # "" while open
    wijk: Wijk
    omschrijving: str
    aanvrager: str
    locatie: str

    @property
    def label(self) -> str:
        """The activity as the system names it under the law that applies."""
        return self.activiteit.wabo if self.kader == "Wabo" else self.activiteit.omgevingswet

    @property
    def late(self) -> bool:
        """Decided after the legal deadline."""
        return self.decided is not None and self.decided > self.deadline


@dataclass(frozen=True)
class Calendar:
    """Working days of the gemeente's office, and the export window."""

    start: date
    end: date
    holidays: frozenset[date]

    def workday(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def next_workday(self, day: date) -> date:
        while not self.workday(day):
            day += timedelta(days=1)
        return day

    def previous_workday(self, day: date) -> date:
        while not self.workday(day):
            day -= timedelta(days=1)
        return day


def place_of(wijk: Wijk) -> str:
    """The village of a wijk: Westervoort's demo wijken are compass parts of one village."""
    return wijk.naam.split("-")[0]


def _received_days(
    gemeente: Gemeente, cal: Calendar, rng: np.random.Generator, scale: float
) -> list[date]:
    """Receipt dates: a Poisson count per day following month and weekday profiles."""
    days = [cal.start + timedelta(days=i) for i in range((cal.end - cal.start).days + 1)]
    per_day = AANVRAGEN_PER_10K_PER_YEAR / 10_000 * gemeente.inwoners * scale / 365.25
    week_mean = sum(WEEKDAY_FACTOR) / 7
    weights = np.array(
        [MONTH_FACTOR[d.month - 1] * WEEKDAY_FACTOR[d.weekday()] / week_mean for d in days]
    )
    counts = rng.poisson(per_day * weights)
    return [day for day, count in zip(days, counts.tolist(), strict=True) for _ in range(count)]


def draw_aanvragen(
    gemeente: Gemeente,
    cal: Calendar,
    rng: np.random.Generator,
    scale: float,
    shortage: tuple[date, date] | None,
) -> list[Aanvraag]:
    """All applications received from ``cal.start`` to ``cal.end``, ordered by zaaknummer.

    ``shortage`` is the planted period (first and last legal deadline) in which this gemeente
    decides about half of its applications late; None outside the planted gemeente.
    """
    received_days = _received_days(gemeente, cal, rng, scale)
    shares = np.array([a.share for a in ACTIVITEITEN])
    weights = np.array([w.inwoners for w in gemeente.wijken], dtype=float)
    sequence: dict[int, int] = {}
    out: list[Aanvraag] = []
    for received in received_days:
        sequence[received.year] = sequence.get(received.year, 0) + 1
        zaak_id = f"OV-{received.year}-{sequence[received.year]:05d}"
        activiteit = ACTIVITEITEN[int(rng.choice(len(ACTIVITEITEN), p=shares))]
        wijk = gemeente.wijken[int(rng.choice(len(weights), p=weights / weights.sum()))]
        out.append(_decide(zaak_id, received, activiteit, wijk, cal, rng, shortage))
    return out


def _decide(
    zaak_id: str,
    received: date,
    activiteit: Activiteit,
    wijk: Wijk,
    cal: Calendar,
    rng: np.random.Generator,
    shortage: tuple[date, date] | None,
) -> Aanvraag:
    """Follow one application from receipt to decision, then cut it at the export date."""
    kader = wettelijk_kader(received)
    uitgebreid = activiteit.uitgebreid_wabo if kader == "Wabo" else activiteit.uitgebreid_ow
    procedure = "Uitgebreid" if rng.random() < uitgebreid else "Regulier"
    incomplete = rng.random() < INCOMPLETE_SHARE
    opschorting = int(rng.integers(10, 50)) if incomplete else 0
    never_completed = incomplete and rng.random() < NEVER_COMPLETED_SHARE
    withdrawn = rng.random() < WITHDRAWN_SHARE
    verdaging: date | None = None
    if never_completed:  # the hersteltermijn lapsed: decided soon after, within the term
        asked = received + timedelta(days=int(rng.integers(5, 15)))
        decided = cal.next_workday(asked + timedelta(days=opschorting + int(rng.integers(3, 15))))
        besluit = "Buiten behandeling"
    elif withdrawn:  # any time before the decision would have come, well within the term
        latest = int(TERM_WEKEN[procedure] * 7 * 0.8)
        wait = int(rng.integers(10, latest)) + opschorting // 2
        decided, besluit = cal.next_workday(received + timedelta(days=wait)), "Ingetrokken"
    else:
        verdaging, decided, besluit = _decision(
            received, kader, procedure, opschorting, cal, rng, shortage
        )
    if verdaging is not None and verdaging > cal.end:
        verdaging = None  # not yet extended on the export date
    deadline = legal_deadline(
        received, procedure, verdaagd=verdaging is not None, opschorting_days=opschorting
    )
    open_case = decided > cal.end
    return Aanvraag(
        zaak_id=zaak_id,
        received=received,
        activiteit=activiteit,
        kader=kader,
        procedure=procedure,
        opschorting_days=opschorting,
        verdaging=verdaging,
        deadline=deadline,
        decided=None if open_case else decided,
        besluit="" if open_case else besluit,
        wijk=wijk,
        omschrijving=activiteit.texts[int(rng.integers(len(activiteit.texts)))],
        aanvrager=fake_party(rng, COMPANY_SHARE),
        locatie=fake_location(rng, place_of(wijk)),
    )


def _decision(
    received: date,
    kader: str,
    procedure: str,
    opschorting: int,
    cal: Calendar,
    rng: np.random.Generator,
    shortage: tuple[date, date] | None,
) -> tuple[date | None, date, str]:
    """Extension date (or None), decision date and outcome of an application decided on."""

    def in_shortage(day: date) -> bool:
        return shortage is not None and shortage[0] <= day <= shortage[1]

    term_days = TERM_WEKEN[procedure] * 7
    first_deadline = original_deadline(received, procedure, opschorting)
    verdaging = None
    extend = EXTEND_SHARE_SHORTAGE if in_shortage(first_deadline) else EXTEND_SHARE[procedure]
    if rng.random() < extend:  # decided within the first term (facts 1.4)
        offset = int(rng.integers(term_days // 2, term_days)) + opschorting
        verdaging = cal.previous_workday(received + timedelta(days=offset))
    deadline = legal_deadline(
        received, procedure, verdaagd=verdaging is not None, opschorting_days=opschorting
    )
    late_share = LATE_SHARE_SHORTAGE if in_shortage(deadline) else LATE_SHARE
    if kader == "Wabo" and procedure == "Regulier" and not in_shortage(deadline):
        late_share *= WABO_REGULIER_LATE_FACTOR
    if rng.random() < late_share:
        median = LATE_MEDIAN_DAYS_SHORTAGE if in_shortage(deadline) else LATE_MEDIAN_DAYS
        delay = round(rng.lognormal(np.log(median), LATE_SIGMA))
        decided = cal.next_workday(deadline + timedelta(days=min(max(delay, 1), LATE_MAX_DAYS)))
    else:  # timely: after a minimum handling time, or after the first term when extended
        quickest = received + timedelta(days=MIN_HANDLING_DAYS[procedure] + opschorting)
        lower = first_deadline if verdaging else quickest
        decided = lower + timedelta(days=round((deadline - lower).days * rng.beta(2.5, 1.8)))
        decided = max(cal.previous_workday(decided), received + timedelta(days=1))
    refused = rng.random() < REFUSED_SHARE
    if van_rechtswege(kader, procedure, decided, deadline):
        return verdaging, decided, "Van rechtswege verleend"
    return verdaging, decided, "Geweigerd" if refused else "Verleend"
