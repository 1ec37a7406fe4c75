"""Drawing inspections (toezicht) and enforcement cases (handhaving) of one demo gemeente.

Part of the vth demo generator (:mod:`koers.packs.vth.demo`). Inspections come from granted
building permits (bouwtoezicht) and from yearly programmes and complaints; a violation gets
a re-inspection after a grace period, and a violation found again opens an enforcement case
that follows the usual escalation: vooraankondiging, then a last onder dwangsom or
bestuursdwang, then an outcome. Every number here is our own [U] estimate: the shared facts
have no source for inspection or enforcement volumes (facts 4.4 covers permits only).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from koers.demo.fictief import fake_location, fake_party
from koers.demo.geography import Gemeente, Wijk
from koers.packs.vth.demo_aanvragen import Aanvraag, Calendar, place_of

BOUWTOEZICHT = "Bouwtoezicht"
MILIEU = "Milieucontrole"
BRAND = "Brandveiligheid"
KLACHT = "Naar aanleiding van klacht"
HERCONTROLE = "Hercontrole"

GEEN_OVERTREDING = "Geen overtreding"
OVERTREDING = "Overtreding"
GEEN_TOEGANG = "Geen toegang"

# Programme and complaint inspections per 10,000 inhabitants per year [U] estimate.
PROGRAMME_PER_10K_PER_YEAR = {MILIEU: 12.0, BRAND: 5.0, KLACHT: 8.0}
BOUWTOEZICHT_SHARE = 0.6  # of granted building permits [U] estimate
# Share of inspections that find a violation [U] estimate; complaints find most.
VIOLATION_SHARE = {BOUWTOEZICHT: 0.12, MILIEU: 0.20, BRAND: 0.15, KLACHT: 0.45}
NO_ACCESS_SHARE = 0.04  # [U] estimate; not followed up in the demo
RECHECK_FAIL_SHARE = 0.40  # re-inspection still finds the violation [U] estimate
COMPANY_SHARE = {BOUWTOEZICHT: 0.15, MILIEU: 1.0, BRAND: 0.8, KLACHT: 0.2}

OVERTREDINGEN = {
    BOUWTOEZICHT: ("Afwijking van de verleende vergunning",),
    MILIEU: ("Overtreding milieuregels",),
    BRAND: ("Brandveiligheidsgebreken",),
    KLACHT: ("Bouwen zonder vergunning", "Strijdig gebruik", "Illegale kap", "Geluidsoverlast"),
}
LEGALISABLE = {"Afwijking van de verleende vergunning", "Bouwen zonder vergunning"}
DWANGSOM = "Last onder dwangsom"
BESTUURSDWANG = "Last onder bestuursdwang"
COMPLY_AFTER_NOTICE_SHARE = 0.30  # ends after the vooraankondiging, no last [U] estimate
BESTUURSDWANG_SHARE = {BRAND: 0.5}  # others 0.1 [U] estimate
GRACE_DAYS = (14, 28, 42, 56, 84)  # begunstigingstermijn [U] estimate
DWANGSOM_PER_WEEK_EUR = (500, 1000, 1500, 2500, 5000)  # [U] estimate
DWANGSOM_MAX_WEEKS = (4, 5, 10)  # maximum = amount x weeks [U] estimate


@dataclass(frozen=True)
class Controle:
    """One inspection visit; ``previous`` and ``aanvraag`` point at other rows."""

    day: date
    soort: str
    resultaat: str
    wijk: Wijk
    locatie: str
    party: str
    previous: int | None = None  # index of the inspection this one re-checks
    aanvraag: str = ""  # zaaknummer of the permit (bouwtoezicht)
    origin: str = ""  # the first inspection's soort, for a re-inspection


@dataclass(frozen=True)
class Handhaving:
    """One enforcement case, cut at the export date."""

    start: date
    controle: int  # index of the failed re-inspection that opened it
    first: int  # index of the inspection that first found the violation
    overtreding: str
    vooraankondiging: date | None
    instrument: str
    last: date | None
    grace_days: int | None
    dwangsom_eur: int | None
    dwangsom_max_eur: int | None
    status: str
    closed: date | None
    wijk: Wijk
    locatie: str
    overtreder: str


def _random_workday(cal: Calendar, rng: np.random.Generator) -> date:
    day = cal.start + timedelta(days=int(rng.integers(0, (cal.end - cal.start).days + 1)))
    nxt = cal.next_workday(day)
    return nxt if nxt <= cal.end else cal.previous_workday(day)


def _result(soort: str, rng: np.random.Generator) -> str:
    if rng.random() < NO_ACCESS_SHARE:
        return GEEN_TOEGANG
    return OVERTREDING if rng.random() < VIOLATION_SHARE[soort] else GEEN_OVERTREDING


def _first_inspections(
    gemeente: Gemeente,
    aanvragen: list[Aanvraag],
    cal: Calendar,
    rng: np.random.Generator,
    scale: float,
) -> list[Controle]:
    """Bouwtoezicht on granted building permits, plus programme and complaint visits."""
    found: list[Controle] = []
    for aanvraag in aanvragen:
        granted = aanvraag.besluit in ("Verleend", "Van rechtswege verleend")
        if not (granted and aanvraag.activiteit.bouw and aanvraag.decided is not None):
            continue
        if rng.random() >= BOUWTOEZICHT_SHARE:
            continue
        day = cal.next_workday(aanvraag.decided + timedelta(days=int(rng.integers(30, 270))))
        if day <= cal.end:
            result = _result(BOUWTOEZICHT, rng)
            found.append(
                Controle(day, BOUWTOEZICHT, result, aanvraag.wijk, aanvraag.locatie,
                         aanvraag.aanvrager, aanvraag=aanvraag.zaak_id)
            )  # fmt: skip
    years = ((cal.end - cal.start).days + 1) / 365.25
    weights = np.array([w.inwoners for w in gemeente.wijken], dtype=float)
    for soort, rate in PROGRAMME_PER_10K_PER_YEAR.items():
        count = int(rng.poisson(rate / 10_000 * gemeente.inwoners * scale * years))
        for _ in range(count):
            wijk = gemeente.wijken[int(rng.choice(len(weights), p=weights / weights.sum()))]
            found.append(
                Controle(_random_workday(cal, rng), soort, _result(soort, rng), wijk,
                         fake_location(rng, place_of(wijk)),
                         fake_party(rng, COMPANY_SHARE[soort]))
            )  # fmt: skip
    return found


def draw_toezicht(
    gemeente: Gemeente,
    aanvragen: list[Aanvraag],
    cal: Calendar,
    rng: np.random.Generator,
    scale: float,
) -> tuple[list[Controle], list[Handhaving]]:
    """Inspections in date order, and the enforcement cases their violations opened."""
    first = _first_inspections(gemeente, aanvragen, cal, rng, scale)
    first.sort(key=lambda c: (c.day, c.soort, c.locatie))
    controles = list(first)
    for index, controle in enumerate(first):
        if controle.resultaat != OVERTREDING:
            continue
        day = cal.next_workday(controle.day + timedelta(days=int(rng.integers(28, 57))))
        fails = rng.random() < RECHECK_FAIL_SHARE
        if day <= cal.end:
            controles.append(
                Controle(day, HERCONTROLE, OVERTREDING if fails else GEEN_OVERTREDING,
                         controle.wijk, controle.locatie, controle.party, previous=index,
                         aanvraag=controle.aanvraag, origin=controle.soort)
            )  # fmt: skip
    order = sorted(range(len(controles)), key=lambda i: (controles[i].day, i))
    position = {old: new for new, old in enumerate(order)}
    controles = [controles[i] for i in order]
    controles = [
        c if c.previous is None else replace(c, previous=position[c.previous]) for c in controles
    ]
    cases = []
    for index, controle in enumerate(controles):
        if controle.soort == HERCONTROLE and controle.resultaat == OVERTREDING:
            case = _enforce(index, controle, cal, rng)
            if case is not None:
                cases.append(case)
    cases.sort(key=lambda h: (h.start, h.controle))
    return controles, cases


def _enforce(
    index: int, controle: Controle, cal: Calendar, rng: np.random.Generator
) -> Handhaving | None:
    """Escalate a violation found again: notice, last, outcome; None if after the export."""
    start = cal.next_workday(controle.day + timedelta(days=int(rng.integers(3, 15))))
    overtreding = OVERTREDINGEN[controle.origin][
        int(rng.integers(len(OVERTREDINGEN[controle.origin])))
    ]
    notice = cal.next_workday(start + timedelta(days=int(rng.integers(0, 8))))
    complied_early = rng.random() < COMPLY_AFTER_NOTICE_SHARE
    bestuursdwang = rng.random() < BESTUURSDWANG_SHARE.get(controle.origin, 0.1)
    last = cal.next_workday(notice + timedelta(days=int(rng.integers(21, 50))))
    grace = int(rng.choice(GRACE_DAYS[:2] if bestuursdwang else GRACE_DAYS))
    amount = int(rng.choice(DWANGSOM_PER_WEEK_EUR))
    maximum = amount * int(rng.choice(DWANGSOM_MAX_WEEKS))
    outcome = rng.random()
    if start > cal.end:
        return None
    if complied_early:
        closed = cal.next_workday(notice + timedelta(days=int(rng.integers(14, 45))))
        status, last_day = "Overtreding beëindigd", None
    else:
        due = last + timedelta(days=grace)
        last_day = last
        if bestuursdwang:
            status = "Overtreding beëindigd" if outcome < 0.5 else "Bestuursdwang toegepast"
            closed = cal.next_workday(due + timedelta(days=int(rng.integers(7, 60))))
        else:
            legal = overtreding in LEGALISABLE and outcome < 0.15
            status = "Gelegaliseerd" if legal else (
                "Overtreding beëindigd" if outcome < 0.75 else "Dwangsom verbeurd")  # fmt: skip
            closed = cal.next_workday(due + timedelta(days=int(rng.integers(14, 90))))
    if last_day is not None and last_day > cal.end:
        last_day = None
    has_last = last_day is not None
    return Handhaving(
        start=start,
        controle=index,
        first=controle.previous if controle.previous is not None else index,
        overtreding=overtreding,
        vooraankondiging=notice if notice <= cal.end else None,
        instrument=(BESTUURSDWANG if bestuursdwang else DWANGSOM) if has_last else "",
        last=last_day,
        grace_days=grace if has_last else None,
        dwangsom_eur=amount if has_last and not bestuursdwang else None,
        dwangsom_max_eur=maximum if has_last and not bestuursdwang else None,
        status=status if closed <= cal.end else "Lopend",
        closed=closed if closed <= cal.end else None,
        wijk=controle.wijk,
        locatie=controle.locatie,
        overtreder=controle.party,
    )
