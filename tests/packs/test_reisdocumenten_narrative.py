"""The Burgerzaken story on hand-made weeks: the right numbers, in Dutch, each with its query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from koers.packs.reisdocumenten.narrative import behaviour_sentence, forecast_sentences

QUERY = "/api/tabellen/reisdocumenten_prognose?gemeente=GM0299"


def _week(monday: dt.date, expected: float, capacity: float | None = 100.0) -> dict[str, Any]:
    return {
        "week_start": monday.isoformat(),
        "iso_week": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}",
        "verwacht_aanvragen": expected,
        "verwacht_vernieuwingen": expected * 0.5,
        "ondergrens_90": expected - 10,
        "bovengrens_90": expected + 10,
        "capaciteit": capacity,
        "boven_capaciteit": capacity is not None and expected > capacity,
        "mogelijk_boven_capaciteit": capacity is not None and expected + 10 > capacity,
    }


def test_total_busiest_week_and_shortfall() -> None:
    mondays = [dt.date(2027, 1, 4) + dt.timedelta(weeks=i) for i in range(4)]
    weeks = [_week(m, e) for m, e in zip(mondays, (80.0, 1234.4, 95.0, 60.0), strict=True)]
    total, busiest, shortfall = forecast_sentences("Zevenaar", weeks, QUERY)
    assert total.text == (
        "Van 04-01-2027 tot en met 31-01-2027 verwachten we in Zevenaar 1.469 aanvragen van "
        "reisdocumenten, waarvan 735 vernieuwingen van verlopende documenten."
    )
    assert busiest.text.startswith("De drukste week is week 2 van 2027 (vanaf 11 januari)")
    assert "naar verwachting 1.234 aanvragen" in busiest.text  # Dutch grouping
    assert "de balie biedt 100 afspraken per week" in busiest.text
    assert shortfall.text == (
        "In 1 van de 4 weken is de baliecapaciteit naar verwachting te klein, voor het eerst "
        "in de week van 11-01-2027; in nog 1 weken mogelijk."
    )
    assert all(f.source.query == QUERY for s in (total, busiest) for f in s.facts.values())


def test_no_shortfall_and_no_capacity() -> None:
    weeks = [_week(dt.date(2027, 1, 4), 50.0)]
    assert forecast_sentences("Duiven", weeks, QUERY)[-1].text.startswith(
        "In geen van de 1 weken is de baliecapaciteit naar verwachting te klein; in 0 weken"
    )
    without = [_week(dt.date(2027, 1, 4), 50.0, capacity=None)]
    sentences = forecast_sentences("Duiven", without, QUERY)
    assert len(sentences) == 2 and "balie biedt" not in sentences[1].text
    assert forecast_sentences("Duiven", [], QUERY) == []


def test_behaviour_sentence_needs_both_numbers() -> None:
    period = (dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    sentence = behaviour_sentence("Zevenaar", 55.44, 46.0, period, ("/a", "/b"))
    assert sentence is not None
    assert "werd 55,4% vóór de verloopdatum vernieuwd" in sentence.text
    assert sentence.facts["days"].source.query == "/b"
    assert behaviour_sentence("Zevenaar", None, 46.0, period, ("/a", "/b")) is None
