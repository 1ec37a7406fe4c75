"""Demo generator for the vth pack: VTH-system exports of fictitious permits and inspections.

``koers demo`` calls :func:`generate_vth` to write, per gemeente and per year, the three
exports a VTH case system (Squit, Powerbrowser, OpenWave and the like) gives a BI team:
permit applications, inspections and enforcement cases, as semicolon CSV in windows-1252
with ``dd-mm-jjjj`` dates. The ground truth says where decisions were planted late (a
staff-shortage period in Zevenaar, and a background rate everywhere) and which inspection
opened each enforcement case, so later analysis issues can test that Koers finds them.
Numbers and their sources: docs/demo-data/vth.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from koers.demo.exports import dutch_date, dutch_number, gemeente_rng, write_dutch_csv
from koers.demo.geography import DEMO_GEMEENTEN, Gemeente
from koers.packs.vth.demo_aanvragen import (
    LATE_SHARE,
    LATE_SHARE_SHORTAGE,
    Aanvraag,
    Calendar,
    draw_aanvragen,
)
from koers.packs.vth.demo_toezicht import Controle, Handhaving, draw_toezicht
from koers.packs.vth.terms import TERM_WEKEN
from koers.transform.calendar import public_holidays

AANVRAGEN = "vth_aanvragen"
CONTROLES = "vth_controles"
HANDHAVING = "vth_handhaving"
#: The older case systems export in windows-1252 (see koers.demo.exports).
ENCODING = "windows-1252"

AANVRAGEN_HEADER = (
    "Zaaknummer", "Activiteit", "Omschrijving", "Wettelijk kader", "Procedure",
    "Datum ontvangst", "Beslistermijn (weken)", "Opschorting (dagen)", "Verdaagd",
    "Datum verdaging", "Uiterste beslisdatum", "Datum besluit", "Besluit", "Status", "Wijk",
    "Wijkcode", "Aanvrager", "Locatie",
)  # fmt: skip
CONTROLES_HEADER = (
    "Controlenummer", "Soort controle", "Datum controle", "Resultaat", "Vorige controle",
    "Zaaknummer vergunning", "Wijk", "Wijkcode", "Locatie",
)  # fmt: skip
HANDHAVING_HEADER = (
    "Zaaknummer", "Controlenummer", "Overtreding", "Datum start", "Datum vooraankondiging",
    "Instrument", "Datum last", "Begunstigingstermijn (dagen)", "Dwangsom per week (EUR)",
    "Maximale dwangsom (EUR)", "Status", "Datum afgesloten", "Wijk", "Wijkcode", "Overtreder",
    "Locatie",
)  # fmt: skip

# The planted staff shortage: one gemeente with its own organisation (Duiven and Westervoort
# share their staff in 1Stroom, facts 3, so a shortage there would hit both). It covers the
# applications whose legal deadline falls in a six-month window [U], placed a little after the
# middle of the demo period and ending well before the export date, so its late decisions are
# all in the files. Windows shorter than this get no planted period.
SHORTAGE_GEMEENTE = "GM0299"
SHORTAGE_MONTHS = 6
SHORTAGE_POSITION = 0.55
SHORTAGE_MARGIN_DAYS = 120  # last deadline + the longest delay (90 days) stay before the end


@dataclass(frozen=True)
class LatePeriod:
    """Applications of one gemeente decided late far more often than elsewhere."""

    gemeente_code: str
    first_deadline: date  # the period covers applications whose Uiterste beslisdatum
    last_deadline: date  # falls from first_deadline to last_deadline inclusive
    cause: str
    planted_late_share: float
    decided: int  # decided applications with a deadline in the period
    case_ids: list[str]  # those decided after their deadline


@dataclass(frozen=True)
class EnforcementLink:
    """An enforcement case and the failed inspections behind it."""

    gemeente_code: str
    zaak_id: str
    controle_id: str  # the failed re-inspection that opened the case
    eerste_controle_id: str  # the first inspection that found the violation


@dataclass(frozen=True)
class VthGroundTruth:
    """What the vth demo planted; ``asdict`` gives the JSON in grondwaarheid/vth.json."""

    rows: dict[str, dict[str, int]]  # contract -> gemeente -> rows written
    background_late_share: float
    late_period: LatePeriod | None
    background_late: dict[str, list[str]]  # gemeente -> late decisions outside the period
    open_past_deadline: dict[str, list[str]]  # gemeente -> open on the export date, overdue
    enforcement: list[EnforcementLink]
    malformed_rows: dict[str, list[int]] = field(default_factory=dict)  # none planted


def shortage_period(start: date, end: date) -> tuple[date, date] | None:
    """First and last legal deadline of the planted period, or None for a short window."""
    anchor = start + timedelta(days=round((end - start).days * SHORTAGE_POSITION))
    first = date(anchor.year, anchor.month, 1)
    month = first.month - 1 + SHORTAGE_MONTHS
    last = date(first.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    while last > end - timedelta(days=SHORTAGE_MARGIN_DAYS):
        first = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
        last = date(last.year, last.month, 1) - timedelta(days=1)
    # Deadlines in the period must come from applications inside the window (8 weeks at least).
    if first < start + timedelta(weeks=TERM_WEKEN["Regulier"]):
        return None
    return first, last


T = TypeVar("T")


def _numbered(items: Sequence[T], day: Callable[[T], date], prefix: str) -> list[str]:
    """Case numbers ``<prefix>-<year>-<nnnnn>`` in the given (date) order."""
    counter: dict[int, int] = {}
    numbers = []
    for item in items:
        year = day(item).year
        counter[year] = counter.get(year, 0) + 1
        numbers.append(f"{prefix}-{year}-{counter[year]:05d}")
    return numbers


def _aanvraag_row(a: Aanvraag) -> list[str]:
    return [
        a.zaak_id, a.label, a.omschrijving, a.kader, a.procedure, dutch_date(a.received),
        str(TERM_WEKEN[a.procedure]), str(a.opschorting_days),
        "Ja" if a.verdaging else "Nee", dutch_date(a.verdaging), dutch_date(a.deadline),
        dutch_date(a.decided), a.besluit, "Afgehandeld" if a.decided else "In behandeling",
        a.wijk.naam, a.wijk.code, a.aanvrager, a.locatie,
    ]  # fmt: skip


def _controle_row(c: Controle, number: str, numbers: list[str]) -> list[str]:
    previous = "" if c.previous is None else numbers[c.previous]
    return [number, c.soort, dutch_date(c.day), c.resultaat, previous, c.aanvraag, c.wijk.naam,
            c.wijk.code, c.locatie]  # fmt: skip


def _euro(amount: int | None) -> str:
    return "" if amount is None else dutch_number(amount, 2)


def _handhaving_row(h: Handhaving, number: str, controle_ids: list[str]) -> list[str]:
    return [
        number, controle_ids[h.controle], h.overtreding, dutch_date(h.start), dutch_date(h.vooraankondiging),
        h.instrument, dutch_date(h.last), "" if h.grace_days is None else str(h.grace_days),
        _euro(h.dwangsom_eur), _euro(h.dwangsom_max_eur), h.status, dutch_date(h.closed),
        h.wijk.naam, h.wijk.code, h.overtreder, h.locatie,
    ]  # fmt: skip


def _write_per_year(
    folder: Path,
    contract: str,
    code: str,
    header: Sequence[str],
    rows: list[list[str]],
    years: list[int],
    window: range,
) -> int:
    """One file per calendar year of the case's own date, as a yearly report exports it; a
    year without cases still gets its (header-only) file, as the report would give."""
    for year in window:
        selected = [row for row, y in zip(rows, years, strict=True) if y == year]
        path = folder / contract / code / f"{contract}_{code}_{year}.csv"
        write_dutch_csv(path, header, selected, encoding=ENCODING)
    return len(rows)


def generate_vth(
    bronnen: Path,
    *,
    seed: int,
    start: date,
    end: date,
    scale: float = 1.0,
    gemeenten: Sequence[Gemeente] = DEMO_GEMEENTEN,
) -> VthGroundTruth:
    """Write ``bronnen/<contract>/<GMcode>/<contract>_<GMcode>_<year>.csv`` for the three
    vth contracts, as exported on ``end``. Same arguments, byte-identical files; each gemeente
    draws from its own streams, so adding one does not change the others."""
    if end < start:
        raise ValueError("De einddatum ligt voor de begindatum.")
    holidays = frozenset(
        day for year in range(start.year, end.year + 2) for day in public_holidays(year)
    )
    cal = Calendar(start, end, holidays)
    period = shortage_period(start, end)
    window = range(start.year, end.year + 1)
    rows: dict[str, dict[str, int]] = {AANVRAGEN: {}, CONTROLES: {}, HANDHAVING: {}}
    background: dict[str, list[str]] = {}
    overdue: dict[str, list[str]] = {}
    links: list[EnforcementLink] = []
    planted: list[Aanvraag] = []
    for gemeente in gemeenten:
        code = gemeente.code
        shortage = period if code == SHORTAGE_GEMEENTE else None
        aanvragen = draw_aanvragen(
            gemeente, cal, gemeente_rng(seed, code, "vth_aanvragen"), scale, shortage
        )
        controles, cases = draw_toezicht(
            gemeente, aanvragen, cal, gemeente_rng(seed, code, "vth_toezicht"), scale
        )
        in_period = [a for a in aanvragen if shortage and shortage[0] <= a.deadline <= shortage[1]]
        planted += [a for a in in_period if a.decided is not None]
        marked = {a.zaak_id for a in in_period}
        background[code] = [a.zaak_id for a in aanvragen if a.late and a.zaak_id not in marked]
        overdue[code] = [a.zaak_id for a in aanvragen if a.decided is None and a.deadline < end]

        aanvraag_rows = [_aanvraag_row(a) for a in aanvragen]
        rows[AANVRAGEN][code] = _write_per_year(
            bronnen, AANVRAGEN, code, AANVRAGEN_HEADER, aanvraag_rows,
            [a.received.year for a in aanvragen], window,
        )  # fmt: skip
        controle_ids = _numbered(controles, lambda c: c.day, "TZ")
        controle_rows = [
            _controle_row(c, n, controle_ids) for c, n in zip(controles, controle_ids, strict=True)
        ]
        rows[CONTROLES][code] = _write_per_year(
            bronnen, CONTROLES, code, CONTROLES_HEADER, controle_rows,
            [c.day.year for c in controles], window,
        )  # fmt: skip
        case_ids = _numbered(cases, lambda h: h.start, "HH")
        case_rows = [
            _handhaving_row(h, n, controle_ids) for h, n in zip(cases, case_ids, strict=True)
        ]
        rows[HANDHAVING][code] = _write_per_year(
            bronnen, HANDHAVING, code, HANDHAVING_HEADER, case_rows,
            [h.start.year for h in cases], window,
        )  # fmt: skip
        links += [
            EnforcementLink(code, number, controle_ids[case.controle], controle_ids[case.first])
            for case, number in zip(cases, case_ids, strict=True)
        ]
    late_period = None
    if period is not None and SHORTAGE_GEMEENTE in {g.code for g in gemeenten}:
        late_period = LatePeriod(
            gemeente_code=SHORTAGE_GEMEENTE,
            first_deadline=period[0],
            last_deadline=period[1],
            cause="personeelstekort",
            planted_late_share=LATE_SHARE_SHORTAGE,
            decided=len(planted),
            case_ids=[a.zaak_id for a in planted if a.late],
        )
    return VthGroundTruth(rows, LATE_SHARE, late_period, background, overdue, links)
