"""Writing the simulated case flow as a case system and a team leader would export it.

Four deliveries per gemeente, one folder per contract (see the contracts folder):
meldingen with their onderzoek, aanvragen with their beschikking, voorzieningen
(toewijzingen) with costs, and the team leader's workbook of consultant hours. Each shows
the state on the peildatum (the export's end date): steps after it are left empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from koers.demo.exports import Cell, dutch_date, dutch_number, write_dutch_csv, write_xlsx
from koers.packs.sociaal_domein.demo.cases import Case, GemeenteSim, Voorziening
from koers.packs.sociaal_domein.demo.staff import Team, add_months

MELDINGEN = "sociaal_domein_meldingen"
AANVRAGEN = "sociaal_domein_aanvragen"
VOORZIENINGEN = "sociaal_domein_voorzieningen"
UREN = "sociaal_domein_consulenten_uren"

MELDINGEN_HEADER = (
    "Meldingnummer", "Domein", "BSN", "Leeftijdscategorie", "Geslacht", "Wijkcode",
    "Datum melding", "Verwijzer", "Team", "Consulent", "Startdatum onderzoek",
    "Einddatum onderzoek", "Uitkomst onderzoek", "Status",
)  # fmt: skip
AANVRAGEN_HEADER = (
    "Aanvraagnummer", "Meldingnummer", "Domein", "BSN", "Datum aanvraag", "Opschorting vanaf",
    "Opschorting tot en met", "Datum verdagingsbericht", "Verdaagd tot", "Beschikkingnummer",
    "Datum beschikking", "Besluit", "Consulent",
)  # fmt: skip
VOORZIENINGEN_HEADER = (
    "Toewijzingnummer", "Beschikkingnummer", "Meldingnummer", "Domein", "BSN",
    "Leeftijdscategorie", "Geslacht", "Wijkcode", "Productcategorie", "Taakveld", "Aanbieder",
    "Startdatum", "Einddatum", "Eenheid", "Omvang per week", "Tarief",
    "Kosten tot en met peildatum",
)  # fmt: skip
UREN_HEADER = (
    "Maand", "Team", "Consulentcode", "Naam", "Functie", "Contracturen per week",
    "Beschikbare uren per week", "Beschikbare uren in maand", "Status",
)  # fmt: skip
DIRECT_UITKOMST = "Verwijzing zonder onderzoek"
#: Months a consultant who left stays in the team leader's sheet, with 0 hours [U].
LEFT_ROWS_MONTHS = 3


def _on(day: dt.date | None, peildatum: dt.date) -> dt.date | None:
    """The date if it had happened by the peildatum, else nothing."""
    return day if day is not None and day <= peildatum else None


def finished(case: Case) -> dt.date | None:
    """When the case left the toegang's hands; ``None`` while it still runs."""
    if case.verwijzer.direct:
        return case.melding
    if case.aanvraag is not None:
        return case.beschikking
    return case.onderzoek_end


def exported(case: Case, start: dt.date, peildatum: dt.date) -> bool:
    """In the export: reported in the period, or reported earlier and still running then."""
    if case.melding > peildatum:
        return False
    done = finished(case)
    return case.melding >= start or done is None or done >= start


def melding_row(case: Case, team: str, peildatum: dt.date) -> list[str]:
    started = _on(case.onderzoek_start, peildatum)
    ended = _on(case.onderzoek_end, peildatum)
    uitkomst: str | None
    if case.verwijzer.direct:
        uitkomst, status = DIRECT_UITKOMST, "Afgerond"
    else:
        uitkomst = case.uitkomst if ended else None
        status = "Afgerond" if ended else "In onderzoek" if started else "Nieuw"
    client = case.client
    return [
        case.id("M"),
        case.domain.naam,
        client.bsn,
        client.age_band,
        client.sex,
        client.wijk.code,
        dutch_date(case.melding),
        case.verwijzer.naam,
        team,
        (case.consultant or "") if started else "",
        dutch_date(started),
        dutch_date(ended),
        uitkomst or "",
        status,
    ]


def aanvraag_row(case: Case, peildatum: dt.date) -> list[str]:
    notice = _on(case.extension_notice, peildatum)
    decided = _on(case.beschikking, peildatum)
    return [
        case.id("A"),
        case.id("M"),
        case.domain.naam,
        case.client.bsn,
        dutch_date(case.aanvraag),
        dutch_date(_on(case.suspended_from, peildatum)),
        dutch_date(_on(case.suspended_until, peildatum)),
        dutch_date(notice),
        dutch_date(case.extended_until if notice else None),
        case.id("B") if decided else "",
        dutch_date(decided),
        (case.besluit or "") if decided else "",
        case.consultant or "",
    ]


def cost_eur(v: Voorziening, peildatum: dt.date) -> float:
    """Costs from the start up to the end or the peildatum, both days included."""
    if v.volume_per_week is None:
        return v.tarief_eur
    last = min(v.end or peildatum, peildatum)
    return round(v.volume_per_week * v.tarief_eur * ((last - v.start).days + 1) / 7, 2)


def voorziening_row(case: Case, v: Voorziening, peildatum: dt.date) -> list[str]:
    client = case.client
    return [
        v.id,
        "" if case.verwijzer.direct else case.id("B"),
        case.id("M"),
        case.domain.naam,
        client.bsn,
        client.age_band,
        client.sex,
        client.wijk.code,
        v.product.naam,
        v.product.taakveld,
        v.aanbieder,
        dutch_date(v.start),
        dutch_date(_on(v.end, peildatum)),
        v.product.unit,
        "" if v.volume_per_week is None else dutch_number(v.volume_per_week, 1),
        dutch_number(v.tarief_eur),
        dutch_number(cost_eur(v, peildatum)),
    ]


def uren_rows(
    team: Team, calendar_workdays: dict[dt.date, int], start: dt.date, peildatum: dt.date
) -> list[list[Cell]]:
    """One row per consultant per month of the period; leavers stay a few months at 0."""
    rows: list[list[Cell]] = []
    for m, month in enumerate(team.months):
        if month < dt.date(start.year, start.month, 1) or month > peildatum:
            continue
        for c in team.consultants:
            if month < c.first_month:
                continue
            left = c.leaves_on is not None and month >= c.leaves_on
            if left and c.leaves_on and month >= add_months(c.leaves_on, LEFT_ROWS_MONTHS):
                continue
            per_week = team.hours[c.code][m]
            rows.append(
                [
                    month,
                    team.naam,
                    c.code,
                    c.naam,
                    team.domain.functie,
                    c.contract_hours,
                    per_week,
                    round(per_week * calendar_workdays[month] / 5, 1),
                    "Uit dienst" if left else "In dienst",
                ]
            )
    return rows


def write_gemeente(
    bronnen: Path, sim: GemeenteSim, start: dt.date, peildatum: dt.date
) -> dict[str, int]:
    """Write the four deliveries of one gemeente; returns rows per file (relative path)."""
    code = sim.gemeente.code
    stamp = peildatum.strftime("%Y%m%d")
    # Zevenaar's case system is an older one that exports Windows-1252 [U]; 1Stroom's UTF-8.
    encoding = "windows-1252" if code == "GM0299" else "utf-8-sig"
    meldingen: list[tuple[dt.date, str, list[str]]] = []
    aanvragen: list[tuple[dt.date, str, list[str]]] = []
    voorzieningen: list[tuple[dt.date, str, list[str]]] = []
    for domein in sorted(sim.cases):
        team = sim.teams[domein].naam
        for case in sim.cases[domein]:
            for v in case.voorzieningen:
                if v.start <= peildatum and (v.end is None or v.end >= start):
                    voorzieningen.append((v.start, v.id, voorziening_row(case, v, peildatum)))
            if not exported(case, start, peildatum):
                continue
            meldingen.append((case.melding, case.id("M"), melding_row(case, team, peildatum)))
            if case.aanvraag is not None and case.aanvraag <= peildatum:
                aanvragen.append((case.aanvraag, case.id("A"), aanvraag_row(case, peildatum)))
    counts: dict[str, int] = {}

    def csv(contract: str, name: str, header: Sequence[str], rows: list[list[str]]) -> None:
        relative = f"{contract}/{code}/{name}_{code}_{stamp}.csv"
        counts[relative] = write_dutch_csv(bronnen / relative, header, rows, encoding=encoding)

    csv(MELDINGEN, "meldingen", MELDINGEN_HEADER, _sorted(meldingen))
    csv(AANVRAGEN, "aanvragen", AANVRAGEN_HEADER, _sorted(aanvragen))
    csv(VOORZIENINGEN, "toewijzingen", VOORZIENINGEN_HEADER, _sorted(voorzieningen))
    workdays: dict[dt.date, int] = {}
    for day, is_workday in zip(sim.calendar.days, sim.calendar.workday.tolist(), strict=True):
        key = dt.date(day.year, day.month, 1)
        workdays[key] = workdays.get(key, 0) + int(is_workday)
    uren = [
        row
        for domein in sorted(sim.teams)
        for row in uren_rows(sim.teams[domein], workdays, start, peildatum)
    ]
    relative = f"{UREN}/{code}/consulenten_uren_{code}_{stamp}.xlsx"
    counts[relative] = write_xlsx(bronnen / relative, UREN_HEADER, uren, sheet="Uren")
    return counts


def _sorted(items: list[tuple[dt.date, str, list[str]]]) -> list[list[str]]:
    """Rows by date, then by number: how the case system lists them."""
    return [row for _, _, row in sorted(items, key=lambda t: (t[0], t[1]))]
