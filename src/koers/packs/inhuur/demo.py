"""Demo generator for the inhuur pack: a contract register and the hours booked on it.

``koers demo`` writes, per gemeente, the contract register for hired staff as inkoop keeps it
in Excel, and the monthly invoices for those contracts as the financial system exports them
(one CSV per boekjaar). Volumes follow the BBV indicator "externe inhuur" (domain facts §6);
the four findings an auditor looks for (facts §7: hours after the end date, bookings above
the contract value, a rate above the contract rate, and splitting past the European tender
threshold) are planted on purpose and returned as the ground truth, so later analysis can be
checked against it. Ordinary contracts never show any of the four.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from koers.demo.exports import (
    Cell,
    dutch_date,
    dutch_number,
    gemeente_rng,
    write_dutch_csv,
    write_xlsx,
)
from koers.demo.geography import DEMO_GEMEENTEN, Gemeente
from koers.packs.inhuur.catalogue import (
    BROKER_NAMES,
    BUREAU_NAMES,
    ENKELVOUDIG,
    HOURS_PER_WEEK,
    MEERVOUDIG,
    RAAMOVEREENKOMST,
    ROLES,
    SPLITTING_NAMES,
    Role,
)
from koers.packs.inhuur.truth import (
    BookingAfterEnd,
    CeilingExceeded,
    InhuurGroundTruth,
    RateAboveContract,
    Splitting,
    after_end_truth,
    ceiling_truth,
    rate_truth,
    splitting_truth,
)

REGISTER = "inhuur_contracten"
BOOKINGS = "inhuur_boekingen"
REGISTER_HEADER = (
    "Contractnummer", "Leverancier", "Functie", "Kostenplaats", "Taakveld", "Inkoopprocedure",
    "Startdatum", "Einddatum", "Uren per week", "Uurtarief excl. btw",
    "Contractwaarde excl. btw", "Status",
)  # fmt: skip
BOOKING_HEADER = (
    "Boekstuknummer", "Boekdatum", "Prestatiemaand", "Crediteurnummer", "Crediteur",
    "Factuurnummer", "Contractnummer", "Kostenplaats", "Taakveld", "Omschrijving", "Uren",
    "Tarief", "Bedrag excl. btw",
)  # fmt: skip
MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
)  # fmt: skip

# Yearly inhuur = formatie x loonsom x share/(1-share), because the BBV indicator is inhuur as
# a share of (loonsom + inhuur) (facts §6). 7.0 fte per 1,000 inhabitants is our pick inside
# the 4.8-9.6 range of §6; 18% sits in the typical 15-22% band (Gouda 18%, Horst 18.8-22.2%);
# the employer cost per fte is a [U] estimate.
FORMATIE_FTE_PER_1000 = 7.0
LOONSOM_EUR_PER_FTE = 80_000
EXTERNE_INHUUR_SHARE = 0.18
WARMUP_MONTHS = 24  # contracts signed before the period still run into it
# Procurement limits of a typical inkoopbeleid and the share ordered directly [U].
ENKELVOUDIG_MAX_EUR = 50_000
MEERVOUDIG_MAX_EUR = 100_000
ONDERHANDS_SHARE = 0.5
# An ordinary bureau gets at most this much in total, far below every threshold in facts §7,
# so only the planted supplier ever crosses one.
BUREAU_CUMULATIVE_MAX_EUR = 120_000
VALUE_HEADROOM = (1.0, 1.12)  # contract value over the planned cost [U]
UTILISATION = (0.85, 0.97)  # booked hours over contracted hours [U]
MONTH_FACTOR = (1, 1, 1, 1, 1, 1, 0.8, 0.75, 1, 1, 1, 0.85)  # summer and Christmas leave [U]
BOOKING_LAG_DAYS = (7, 28)  # invoice booked this long after the month worked [U]
FIRST_OF_MONTH_SHARE = 0.5  # contracts starting on the 1st; the others on any day [U]
MIN_PERIOD_MONTHS = 12
SPLIT_ORDERS = 5  # 5 x >= €45,000 exceeds every threshold; 4 x < €49,500 stays below all
SPLIT_VALUE_EUR = (45_000, 49_500)
SPLIT_MONTHS = 5


@dataclass
class Booking:
    """One invoice line: hours worked in ``month`` at ``rate``, booked on ``booked_on``."""

    month: dt.date
    hours: float
    rate: float
    booked_on: dt.date

    @property
    def amount(self) -> float:
        return round(self.hours * self.rate, 2)


@dataclass
class Contract:
    """One inhuur contract and every invoice line on it, before export filtering."""

    role: Role
    start: dt.date
    end: dt.date
    hours_per_week: int
    rate: float
    value: int
    tiebreak: float
    supplier: str = ""
    procedure: str = RAAMOVEREENKOMST
    bookings: list[Booking] = field(default_factory=list)
    number: str = ""


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clipped to the month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _weekdays(first: dt.date, last: dt.date) -> int:
    return int(np.busday_count(first, last + dt.timedelta(days=1)))


def yearly_inhuur_eur(gemeente: Gemeente, scale: float = 1.0) -> float:
    """The inhuur a gemeente of this size spends per year (facts §6, see constants)."""
    loonsom = gemeente.inwoners * scale * FORMATIE_FTE_PER_1000 / 1000 * LOONSOM_EUR_PER_FTE
    return loonsom * EXTERNE_INHUUR_SHARE / (1 - EXTERNE_INHUUR_SHARE)


def _starts_per_month(gemeente: Gemeente, scale: float) -> float:
    """New contracts per month so that the contracts running at once spend the yearly total."""
    weights = np.array([r.weight for r in ROLES])
    weights = weights / weights.sum()
    rate = float(np.dot(weights, [sum(r.rate_eur) / 2 for r in ROLES]))
    months = float(np.dot(weights, [sum(r.months) / 2 for r in ROLES]))
    hours = sum(h * p for h, p in HOURS_PER_WEEK) / sum(p for _, p in HOURS_PER_WEEK)
    use = sum(UTILISATION) / 2 * sum(MONTH_FACTOR) / 12
    monthly_cost = hours * 52 / 12 * rate * use
    return yearly_inhuur_eur(gemeente, scale) / 12 / (monthly_cost * months)


def _pick_role(rng: np.random.Generator) -> Role:
    weights = np.array([r.weight for r in ROLES])
    return ROLES[int(rng.choice(len(ROLES), p=weights / weights.sum()))]


def _draw_contract(
    rng: np.random.Generator,
    start: dt.date,
    role: Role | None = None,
    months: int | None = None,
    hours_per_week: int | None = None,
) -> Contract:
    """A contract with its planned cost, a value with some headroom, and its bookings."""
    role = role or _pick_role(rng)
    months = months or int(rng.integers(role.months[0], role.months[1] + 1))
    if hours_per_week is None:
        options = np.array([p for _, p in HOURS_PER_WEEK])
        pick = int(rng.choice(len(HOURS_PER_WEEK), p=options / options.sum()))
        hours_per_week = HOURS_PER_WEEK[pick][0]
    rate = round(float(rng.uniform(*role.rate_eur)) * 2) / 2
    end = add_months(start, months) - dt.timedelta(days=1)
    planned = _weekdays(start, end) * hours_per_week / 5 * rate
    value = math.ceil(planned * float(rng.uniform(*VALUE_HEADROOM)) / 100) * 100
    contract = Contract(role, start, end, hours_per_week, rate, value, float(rng.random()))
    contract.bookings = _bookings(rng, contract)
    return contract


def _booking(rng: np.random.Generator, contract: Contract, month: dt.date) -> Booking:
    """The hours of one month: the weekdays worked, less leave and less-than-full use."""
    first = max(month, contract.start)
    last = min(add_months(month, 1) - dt.timedelta(days=1), contract.end)
    if last < first:  # a month after the contract ended: a full month of work
        first, last = month, add_months(month, 1) - dt.timedelta(days=1)
    use = float(rng.uniform(*UTILISATION)) * MONTH_FACTOR[month.month - 1]
    hours = round(_weekdays(first, last) * contract.hours_per_week / 5 * use, 1)
    lag = int(rng.integers(BOOKING_LAG_DAYS[0], BOOKING_LAG_DAYS[1] + 1))
    booked_on = add_months(month, 1) - dt.timedelta(days=1) + dt.timedelta(days=lag)
    return Booking(month, hours, contract.rate, booked_on)


def _bookings(rng: np.random.Generator, contract: Contract) -> list[Booking]:
    month, out = _month_start(contract.start), []
    while month <= contract.end:
        booking = _booking(rng, contract, month)
        if booking.hours >= 1:
            out.append(booking)
        month = add_months(month, 1)
    return out


def _background(
    gemeente: Gemeente, rng: np.random.Generator, start: dt.date, end: dt.date, scale: float
) -> list[Contract]:
    """Ordinary contracts from the warm-up on; none shows any of the planted findings."""
    brokers = [BROKER_NAMES[int(i)] for i in sorted(rng.choice(len(BROKER_NAMES), 3, False))]
    bureaus = [BUREAU_NAMES[int(i)] for i in rng.permutation(len(BUREAU_NAMES))[:30]]
    bureau_total: dict[str, int] = defaultdict(int)
    per_month = _starts_per_month(gemeente, scale)
    month = add_months(_month_start(start), -WARMUP_MONTHS)
    contracts: list[Contract] = []
    while month <= end:
        for _ in range(int(rng.poisson(per_month))):
            last_day = (add_months(month, 1) - month).days
            first = rng.random() < FIRST_OF_MONTH_SHARE
            day = month if first else month.replace(day=int(rng.integers(1, last_day + 1)))
            if day > end:
                continue
            contract = _draw_contract(rng, day)
            room = [
                b for b in bureaus if bureau_total[b] + contract.value <= BUREAU_CUMULATIVE_MAX_EUR
            ]
            direct = contract.value <= MEERVOUDIG_MAX_EUR and rng.random() < ONDERHANDS_SHARE
            if direct and room:
                contract.supplier = room[int(rng.integers(len(room)))]
                small = contract.value <= ENKELVOUDIG_MAX_EUR
                contract.procedure = ENKELVOUDIG if small else MEERVOUDIG
                bureau_total[contract.supplier] += contract.value
            else:
                contract.supplier = brokers[int(rng.integers(len(brokers)))]
            contracts.append(contract)
        month = add_months(month, 1)
    return contracts


def _start_between(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    if last < first:
        raise ValueError("De periode is te kort om de bevindingen te planten (minstens een jaar).")
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _cover(contract: Contract) -> None:
    """Raise the value so the bookings stay within it: only one finding per planted contract."""
    booked = sum(b.amount for b in contract.bookings)
    if booked > contract.value * 0.98:
        contract.value = math.ceil(booked * 1.03 / 100) * 100


def _plant_after_end(rng: np.random.Generator, start: dt.date, end: dt.date) -> Contract:
    """Work invoiced for 1-3 months after the contract ended (facts §7, rule a)."""
    months = int(rng.integers(4, 7))
    day = _start_between(rng, start, add_months(end, -(months + 5)))
    contract = _draw_contract(rng, day, months=months)
    month = add_months(_month_start(contract.end), 1)
    for _ in range(int(rng.integers(1, 4))):
        contract.bookings.append(_booking(rng, contract, month))
        month = add_months(month, 1)
    _cover(contract)
    return contract


def _plant_ceiling(rng: np.random.Generator, start: dt.date, end: dt.date) -> Contract:
    """Extra hours in the last three months push bookings 8-25% over the value (rule b)."""
    months = int(rng.integers(5, 9))
    day = _start_between(rng, start, add_months(end, -(months + 3)))
    contract = _draw_contract(rng, day, months=months)
    booked = sum(b.amount for b in contract.bookings)
    extra_eur = contract.value * float(rng.uniform(1.08, 1.25)) - booked
    last = contract.bookings[-3:]
    for booking in last:
        booking.hours = round(booking.hours + extra_eur / contract.rate / len(last), 1)
    return contract


def _plant_rate(rng: np.random.Generator, start: dt.date, end: dt.date) -> Contract:
    """From the third to fifth month on, the supplier invoices 5-12% above the contract rate."""
    day = _start_between(rng, start, add_months(end, -6))
    contract = _draw_contract(rng, day, months=int(rng.integers(8, 13)))
    higher = round(contract.rate * float(rng.uniform(1.05, 1.12)) * 2) / 2
    for booking in contract.bookings[int(rng.integers(2, 5)) :]:
        booking.rate = higher
    _cover(contract)
    return contract


def _plant_splitting(
    rng: np.random.Generator, start: dt.date, end: dt.date, supplier: str
) -> list[Contract]:
    """Five back-to-back direct orders just under €50,000 with one bureau (rule c)."""
    last_start = _start_between(rng, start, add_months(end, -2))
    role = next(r for r in ROLES if r.functie == "Projectleider ruimtelijke ontwikkeling")
    chain = []
    for index in range(SPLIT_ORDERS):
        day = add_months(last_start, -SPLIT_MONTHS * (SPLIT_ORDERS - 1 - index))
        contract = _draw_contract(rng, day, role=role, months=SPLIT_MONTHS, hours_per_week=16)
        contract.value = (
            int(rng.integers(SPLIT_VALUE_EUR[0] // 100, SPLIT_VALUE_EUR[1] // 100 + 1)) * 100
        )
        planned = _weekdays(contract.start, contract.end) * 16 / 5
        contract.rate = min(contract.rate, math.floor(contract.value * 0.98 / planned * 2) / 2)
        for booking in contract.bookings:
            booking.rate = contract.rate
        contract.supplier, contract.procedure = supplier, ENKELVOUDIG
        chain.append(contract)
    return chain


def _number(contracts: list[Contract], code: str) -> None:
    """Number contracts per start year in signing order: INH-0226-2023-007."""
    per_year: dict[int, int] = defaultdict(int)
    for contract in sorted(contracts, key=lambda c: (c.start, c.tiebreak)):
        per_year[contract.start.year] += 1
        contract.number = (
            f"INH-{code[2:]}-{contract.start.year}-{per_year[contract.start.year]:03d}"
        )


def _register_rows(contracts: list[Contract], end: dt.date) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for c in sorted(contracts, key=lambda c: c.number):
        status = "Lopend" if c.end >= end else "Beëindigd"
        rows.append([
            c.number, c.supplier, c.role.functie, c.role.kostenplaats, c.role.taakveld,
            c.procedure, c.start, c.end, c.hours_per_week, c.rate, c.value, status,
        ])  # fmt: skip
    return rows


def _booking_rows(
    contracts: list[Contract], start: dt.date, end: dt.date
) -> dict[int, list[list[str]]]:
    """Invoice lines booked within the period, per boekjaar, as the ledger exports them."""
    suppliers = sorted({c.supplier for c in contracts})
    creditor = {name: str(200_101 + i) for i, name in enumerate(suppliers)}
    lines = sorted(
        ((b, c) for c in contracts for b in c.bookings if start <= b.booked_on <= end),
        key=lambda item: (item[0].booked_on, item[1].number, item[0].month),
    )
    invoices: dict[str, int] = defaultdict(int)
    per_year: dict[int, list[list[str]]] = defaultdict(list)
    for booking, c in lines:
        year = booking.booked_on.year
        invoices[c.supplier] += 1
        letters = "".join(ch for ch in c.supplier if ch.isalpha())[:3].upper()
        per_year[year].append([
            f"IH{year}{len(per_year[year]) + 1:05d}",
            dutch_date(booking.booked_on),
            booking.month.strftime("%m-%Y"),
            creditor[c.supplier],
            c.supplier,
            f"{letters}-{year}-{invoices[c.supplier]:04d}",
            c.number,
            c.role.kostenplaats,
            c.role.taakveld,
            f"Inhuur {c.role.functie} {MONTH_NAMES[booking.month.month - 1]} {booking.month.year}",
            dutch_number(booking.hours, 1),
            dutch_number(booking.rate, 2),
            dutch_number(booking.amount, 2),
        ])  # fmt: skip
    return per_year


def generate_inhuur(
    bronnen: Path,
    *,
    seed: int,
    start: dt.date,
    end: dt.date,
    scale: float = 1.0,
    gemeenten: Sequence[Gemeente] = DEMO_GEMEENTEN,
) -> InhuurGroundTruth:
    """Write ``bronnen/inhuur_contracten/<GM>/`` and ``bronnen/inhuur_boekingen/<GM>/``.

    The same arguments give byte-identical files; each gemeente draws from its own streams.
    Exactly one of each planted finding is placed per gemeente, whatever the scale.
    """
    if add_months(start, MIN_PERIOD_MONTHS) > end + dt.timedelta(days=1):
        raise ValueError("De periode is te kort om de bevindingen te planten (minstens een jaar).")
    truth = InhuurGroundTruth()
    for gemeente in gemeenten:
        code = gemeente.code
        contracts = _background(gemeente, gemeente_rng(seed, code, "inh-base"), start, end, scale)
        plant = gemeente_rng(seed, code, "inh-plnt")
        brokers = sorted({c.supplier for c in contracts if c.procedure == RAAMOVEREENKOMST})
        brokers = brokers or list(BROKER_NAMES[:1])
        planted = {
            "after_end": _plant_after_end(plant, start, end),
            "ceiling": _plant_ceiling(plant, start, end),
            "rate": _plant_rate(plant, start, end),
        }
        for contract in planted.values():
            contract.supplier = brokers[int(plant.integers(len(brokers)))]
        supplier = SPLITTING_NAMES[int(plant.integers(len(SPLITTING_NAMES)))]
        chain = _plant_splitting(plant, start, end, supplier)
        contracts += [*planted.values(), *chain]
        _number(contracts, code)

        register = bronnen / REGISTER / code / f"contractregister_inhuur_{code}.xlsx"
        truth.contracts[code] = write_xlsx(
            register, REGISTER_HEADER, _register_rows(contracts, end), sheet="Contracten"
        )
        truth.bookings[code] = 0
        truth.booked_eur_per_year[code] = {}
        for year, rows in sorted(_booking_rows(contracts, start, end).items()):
            path = bronnen / BOOKINGS / code / f"inhuur_boekingen_{code}_{year}.csv"
            truth.bookings[code] += write_dutch_csv(path, BOOKING_HEADER, rows)
        for c in contracts:
            for b in c.bookings:
                if start <= b.booked_on <= end:
                    year_total = truth.booked_eur_per_year[code].get(b.booked_on.year, 0.0)
                    truth.booked_eur_per_year[code][b.booked_on.year] = year_total + b.amount
        truth.booked_eur_per_year[code] = {
            y: round(v, 2) for y, v in sorted(truth.booked_eur_per_year[code].items())
        }
        truth.target_eur_per_year[code] = round(yearly_inhuur_eur(gemeente, scale), 2)
        truth.after_end.append(after_end_truth(code, planted["after_end"], start, end))
        truth.ceiling_exceeded.append(ceiling_truth(code, planted["ceiling"], start, end))
        truth.rate_above_contract.append(rate_truth(code, planted["rate"], start, end))
        truth.splitting.append(splitting_truth(code, chain))
    return truth


__all__ = [
    "BookingAfterEnd",
    "CeilingExceeded",
    "InhuurGroundTruth",
    "RateAboveContract",
    "Splitting",
    "generate_inhuur",
]
