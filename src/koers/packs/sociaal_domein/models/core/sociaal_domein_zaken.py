"""One row per case and step (onderzoek, beschikking) with its legal deadline.

The conformed case table of the sociaal domein pack, between staging and the waiting-list
marts. A melding that needs an onderzoek gives an ``onderzoek`` row (Wmo 2015 art. 2.3.2);
an aanvraag gives a ``beschikking`` row (Wmo art. 2.3.5, Awb 4:13 for Jeugd). The deadline is
computed in Python by :mod:`koers.packs.sociaal_domein.terms` from the terms seed, so the
hand-tested arithmetic (suspension, extension, Algemene termijnenwet) is the only one; the
marts in SQL count on top of it. A Jeugd referral by a huisarts or a gecertificeerde
instelling skips the toegang and has no row.

``peildatum`` is the day the export describes: the latest date in the gemeente's
meldingen and aanvragen (the files carry no export date column).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd  # type: ignore[import-untyped]

from koers.engine import Warehouse
from koers.packs.sociaal_domein.terms import Termijnen, deadline, is_late

INPUTS = (
    "staging.sociaal_domein_meldingen",
    "staging.sociaal_domein_aanvragen",
    "core.sociaal_domein_termijnen",
)
CODE = ("koers.packs.sociaal_domein.terms", "koers.transform.calendar")
COLUMNS = {
    "zaak_id": "VARCHAR",
    "melding_id": "VARCHAR",
    "gemeente_code": "VARCHAR",
    "domein": "VARCHAR",
    "stap": "VARCHAR",
    "team": "VARCHAR",
    "consulent_code": "VARCHAR",
    "client_pseudoniem": "VARCHAR",
    "verwijzer": "VARCHAR",
    "leeftijdscategorie": "VARCHAR",
    "start_date": "DATE",
    "onderzoek_start_date": "DATE",
    "closed_date": "DATE",
    "termijn_dagen": "INTEGER",
    "termijn_bron": "VARCHAR",
    "wettelijke_einddatum": "DATE",
    "deadline": "DATE",
    "opgeschort_vanaf": "DATE",
    "opgeschort_tot": "DATE",
    "opgeschort_dagen": "INTEGER",
    "opschorting_loopt": "BOOLEAN",
    "verdagingsbericht_date": "DATE",
    "verdaagd_tot": "DATE",
    "verdaagd": "BOOLEAN",
    "verdaging_te_laat": "BOOLEAN",
    "te_laat": "BOOLEAN",
    "peildatum": "DATE",
}

#: Meldingen that go to a toewijzing without onderzoek (contract sociaal_domein_meldingen).
DIRECT = "Verwijzing zonder onderzoek"

_MELDINGEN_SQL = """
SELECT melding_id, gemeente_code, domein, team, consulent_code, bsn, verwijzer, age_band,
       melding_date, onderzoek_start_date, onderzoek_end_date, uitkomst
FROM staging.sociaal_domein_meldingen
WHERE melding_date IS NOT NULL
ORDER BY gemeente_code, melding_id
"""
_AANVRAGEN_SQL = """
SELECT aanvraag_id, melding_id, gemeente_code, domein, consulent_code, bsn, aanvraag_date,
       suspended_from, suspended_until, extension_notice_date, extended_until, beschikking_date
FROM staging.sociaal_domein_aanvragen
WHERE aanvraag_date IS NOT NULL
ORDER BY gemeente_code, aanvraag_id
"""
_TERMIJNEN_SQL = (
    "SELECT gemeente_code, domein, stap, termijn_dagen, termijnenwet, bron "
    "FROM core.sociaal_domein_termijnen"
)
_SEEN = (
    "melding_date",
    "onderzoek_start_date",
    "onderzoek_end_date",
    "aanvraag_date",
    "suspended_from",
    "suspended_until",
    "extension_notice_date",
    "beschikking_date",
)


def build(warehouse: Warehouse) -> pd.DataFrame:
    termijnen = Termijnen.from_records(warehouse.query(_TERMIJNEN_SQL).records())
    meldingen = warehouse.query(_MELDINGEN_SQL).records()
    aanvragen = warehouse.query(_AANVRAGEN_SQL).records()
    peil = _peildata(meldingen + aanvragen)
    by_melding = {(m["gemeente_code"], m["melding_id"]): m for m in meldingen}
    rows: list[dict[str, Any]] = []
    for m in meldingen:
        if m["uitkomst"] == DIRECT:
            continue
        term = termijnen.lookup(m["gemeente_code"], m["domein"], "onderzoek")
        result = deadline(m["melding_date"], term)
        rows.append(
            _row(m, "onderzoek", m["melding_id"], m["melding_date"], m["onderzoek_end_date"],
                 m["consulent_code"], term.termijn_dagen if term else None,
                 term.bron if term else None, result, peil[m["gemeente_code"]],
                 onderzoek_start=m["onderzoek_start_date"])
        )  # fmt: skip
    for a in aanvragen:
        melding = by_melding.get((a["gemeente_code"], a["melding_id"]), {})
        term = termijnen.lookup(a["gemeente_code"], a["domein"], "beschikking")
        result = deadline(
            a["aanvraag_date"],
            term,
            suspended_from=a["suspended_from"],
            suspended_until=a["suspended_until"],
            extension_notice=a["extension_notice_date"],
            extended_until=a["extended_until"],
        )
        source = {**melding, **{k: v for k, v in a.items() if k != "consulent_code"}}
        rows.append(
            _row(source, "beschikking", a["aanvraag_id"], a["aanvraag_date"],
                 a["beschikking_date"], a["consulent_code"], term.termijn_dagen if term else None,
                 term.bron if term else None, result, peil[a["gemeente_code"]],
                 aanvraag=a)
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for name in ("termijn_dagen", "opgeschort_dagen"):
        frame[name] = frame[name].astype("Int64")
    return frame


def _peildata(records: list[dict[str, Any]]) -> dict[str, dt.date]:
    """Per gemeente the latest date any of its case records mentions."""
    peil: dict[str, dt.date] = {}
    for r in records:
        for column in _SEEN:
            day = r.get(column)
            if isinstance(day, dt.date) and day > peil.get(r["gemeente_code"], dt.date.min):
                peil[r["gemeente_code"]] = day
    return peil


def _row(
    source: dict[str, Any],
    stap: str,
    zaak_id: str,
    start: dt.date,
    closed: dt.date | None,
    consulent: str | None,
    termijn_dagen: int | None,
    bron: str | None,
    result: Any,
    peildatum: dt.date,
    *,
    onderzoek_start: dt.date | None = None,
    aanvraag: dict[str, Any] | None = None,
) -> dict[str, Any]:
    a = aanvraag or {}
    return {
        "zaak_id": zaak_id,
        "melding_id": source.get("melding_id"),
        "gemeente_code": source["gemeente_code"],
        "domein": source["domein"],
        "stap": stap,
        "team": source.get("team") or "onbekend",
        "consulent_code": consulent or None,
        "client_pseudoniem": source.get("bsn"),
        "verwijzer": source.get("verwijzer"),
        "leeftijdscategorie": source.get("age_band"),
        "start_date": start,
        "onderzoek_start_date": onderzoek_start,
        "closed_date": closed,
        "termijn_dagen": termijn_dagen,
        "termijn_bron": bron,
        "wettelijke_einddatum": result.wettelijk,
        "deadline": result.deadline,
        "opgeschort_vanaf": a.get("suspended_from"),
        "opgeschort_tot": a.get("suspended_until"),
        "opgeschort_dagen": result.opgeschort_dagen,
        "opschorting_loopt": result.opschorting_loopt,
        "verdagingsbericht_date": a.get("extension_notice_date"),
        "verdaagd_tot": a.get("extended_until"),
        "verdaagd": result.verdaagd,
        "verdaging_te_laat": result.verdaging_te_laat,
        "te_laat": is_late(result.deadline, closed, peildatum),
        "peildatum": peildatum,
    }
