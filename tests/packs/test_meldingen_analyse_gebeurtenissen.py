"""The events list (contract ``gebeurtenissen``) and the peaks model in a meldingen-only project.

The project enables only the meldingen pack, so ``core.weer_dag`` does not exist: the peaks
model must still build (its weather inputs are OPTIONAL_INPUTS) and explain a peak by the
team's own event. The meldingen are drawn here with a fixed seed: two a day over two wijken,
plus a planted burst of litter reports in one wijk during the kermis on the events list.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from tests.helpers import pipeline_run, write_project

from koers.formatting import number

HEADER = (
    "Meldingnummer;Datum melding;Datum afgehandeld;Hoofdcategorie;Subcategorie;Wijkcode;Wijk;"
    "Status;Omschrijving"
)
FIRST, LAST = dt.date(2023, 6, 1), dt.date(2024, 9, 30)
KERMIS = (dt.date(2024, 6, 10), dt.date(2024, 6, 11))
PLANTED_PER_DAY = 12
EVENTS = """Datum van;Datum tot;Gemeente;Wijkcode;Omschrijving
10-06-2024;11-06-2024;GM0226;WK022600;de kermis in Duiven
31-02-2024;;GM0226;;een dag die niet bestaat
16-03-2024;;;;de Landelijke Opschoondag
"""


def _meldingen(path: Path) -> int:
    rng = np.random.default_rng(6)
    lines, number_ = [HEADER], 0
    wijken = (("WK022600", "Duiven"), ("WK022601", "Groessen"))
    day = FIRST
    while day <= LAST:
        count = int(rng.poisson(2.0))
        planted = PLANTED_PER_DAY if KERMIS[0] <= day <= KERMIS[1] else 0
        for i in range(count + planted):
            wijk, naam = wijken[0] if i >= count else wijken[int(rng.integers(2))]
            number_ += 1
            lines.append(
                f"M{number_};{day:%d-%m-%Y} {9 + i % 8:02d}:00;;Afval;Veeg-/zwerfvuil;{wijk};{naam};"
                "Gemeld;"
            )
        day += dt.timedelta(days=1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number_


def _project(tmp_path: Path) -> Path:
    folder = write_project(tmp_path)
    _meldingen(folder / "bronnen" / "meldingen" / "GM0226" / "meldingen.csv")
    events = folder / "bronnen" / "gebeurtenissen"
    events.mkdir(parents=True)
    (events / "gebeurtenissen.csv").write_text(EVENTS, encoding="utf-8")
    with (folder / "koers.toml").open("a", encoding="utf-8") as toml:
        toml.write(
            '\n[[sources]]\nname = "gebeurtenissen"\ncontract = "gebeurtenissen"\n'
            'path = "bronnen/gebeurtenissen"\n'
        )
    return folder


def test_events_load_with_a_bad_date_quarantined_and_explain_a_peak_without_weather(
    tmp_path: Path,
) -> None:
    with pipeline_run(_project(tmp_path)) as (_, warehouse):
        quarantined = warehouse.query(
            "SELECT row_number, column_name, value, reason FROM landing.quarantine "
            "WHERE source = 'gebeurtenissen'"
        ).rows
        events = warehouse.query(
            "SELECT datum_van, datum_tot, gemeente, wijk_code, omschrijving "
            "FROM staging.gebeurtenissen ORDER BY datum_van"
        ).rows
        assert not warehouse.table_exists("core.weer_dag")
        peaks = warehouse.query(
            "SELECT eerste_dag, laatste_dag, ontvangen, verwacht, procent, oorzaak, "
            "oorzaak_bewijs, wijk_name, zin FROM marts.meldingen_pieken"
        ).records()

    assert quarantined == [
        (3, "datum_van", "31-02-2024", "geen geldige datum (verwacht dd-mm-jjjj)")
    ]
    assert events == [
        (dt.date(2024, 3, 16), None, None, None, "de Landelijke Opschoondag"),
        (*KERMIS, "GM0226", "WK022600", "de kermis in Duiven"),
    ]
    kermis = [p for p in peaks if p["eerste_dag"] <= KERMIS[0] <= p["laatste_dag"]]
    assert len(kermis) == 1, peaks
    peak = kermis[0]
    assert peak["oorzaak"] == "evenement"
    assert peak["oorzaak_bewijs"].startswith("de kermis in Duiven op 10-06")
    assert peak["wijk_name"] == "Duiven"
    assert "vooral in Duiven; er was de kermis in Duiven (10 juni)." in peak["zin"]
    assert f"({number(peak['ontvangen'])} in plaats van {number(peak['verwacht'])})" in peak["zin"]
    assert peak["ontvangen"] - peak["verwacht"] >= PLANTED_PER_DAY
