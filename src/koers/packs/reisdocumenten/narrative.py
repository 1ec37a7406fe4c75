"""Dutch sentences for Burgerzaken about the renewal forecast, made from the numbers.

The numbers come in as the rows the query layer serves (the published table
``reisdocumenten_prognose`` and two renewal-behaviour metrics); every number in a sentence is
a :class:`~koers.analysis.narrative.Fact` carrying the API query that gives it, so a reader
can click through to where it came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from koers.analysis.narrative import Fact, Sentence, Source, day_month
from koers.formatting import dutch_date, number


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def forecast_sentences(
    gemeente: str, weeks: Sequence[Mapping[str, Any]], query: str
) -> list[Sentence]:
    """The horizon's total, the busiest week against the counter, and how many weeks the
    counter is expected to fall short. ``weeks`` are rows of ``reisdocumenten_prognose``."""
    if not weeks:
        return []
    first, last = _day(weeks[0]["week_start"]), _day(weeks[-1]["week_start"])
    end = last + dt.timedelta(days=6)
    series = f"prognose reisdocumenten {gemeente}"

    def source(computation: str, start: dt.date = first, stop: dt.date = end) -> Source:
        return Source(series, start, stop, computation, query)

    total = sum(float(w["verwacht_aanvragen"]) for w in weeks)
    renewals = sum(float(w["verwacht_vernieuwingen"]) for w in weeks)
    sentences = [
        Sentence(
            "Van {start} tot en met {end} verwachten we in {gemeente} {total} aanvragen van "
            "reisdocumenten, waarvan {renewals} vernieuwingen van verlopende documenten.",
            {
                "start": Fact(first, dutch_date(first), source("eerste week van de prognose")),
                "end": Fact(end, dutch_date(end), source("laatste dag van de prognose")),
                "gemeente": Fact(gemeente, gemeente, source("gekozen gemeente")),
                "total": Fact(total, number(total), source("som van de verwachte aanvragen")),
                "renewals": Fact(
                    renewals, number(renewals), source("som van de verwachte vernieuwingen")
                ),
            },
        )
    ]
    busiest = max(weeks, key=lambda w: float(w["verwacht_aanvragen"]))
    monday = _day(busiest["week_start"])
    week_source = source(f"week {busiest['iso_week']}", monday, monday + dt.timedelta(days=6))
    facts = {
        "week": Fact(str(busiest["iso_week"]), f"week {monday.isocalendar().week}", week_source),
        "year": Fact(monday.year, str(monday.isocalendar().year), week_source),
        "monday": Fact(monday, day_month(monday), week_source),
        "expected": Fact(
            float(busiest["verwacht_aanvragen"]),
            number(float(busiest["verwacht_aanvragen"])),
            week_source,
        ),
        "low": Fact(
            float(busiest["ondergrens_90"]), number(float(busiest["ondergrens_90"])), week_source
        ),
        "high": Fact(
            float(busiest["bovengrens_90"]), number(float(busiest["bovengrens_90"])), week_source
        ),
    }
    template = (
        "De drukste week is {week} van {year} (vanaf {monday}): naar verwachting {expected} "
        "aanvragen, met 90% zekerheid tussen {low} en {high}"
    )
    if busiest.get("capaciteit") is not None:
        capacity = float(busiest["capaciteit"])
        facts["capacity"] = Fact(capacity, number(capacity), week_source)
        template += "; de balie biedt {capacity} afspraken per week"
    sentences.append(Sentence(template + ".", facts))
    if any(w.get("capaciteit") is not None for w in weeks):
        over = sum(1 for w in weeks if w["boven_capaciteit"])
        maybe = sum(
            1 for w in weeks if w["mogelijk_boven_capaciteit"] and not w["boven_capaciteit"]
        )
        count_facts = {
            "over": Fact(over, number(over), source("weken met verwachte afspraken boven de capaciteit")),
            "weeks": Fact(len(weeks), number(len(weeks)), source("weken in de prognose")),
            "maybe": Fact(maybe, number(maybe), source("weken met de bovengrens boven de capaciteit")),
        }  # fmt: skip
        if over:
            first_over = next(_day(w["week_start"]) for w in weeks if w["boven_capaciteit"])
            count_facts["first_over"] = Fact(
                first_over, dutch_date(first_over), source("eerste week boven de capaciteit")
            )
            text = (
                "In {over} van de {weeks} weken is de baliecapaciteit naar verwachting te klein, "
                "voor het eerst in de week van {first_over}; in nog {maybe} weken mogelijk."
            )
        else:
            text = (
                "In geen van de {weeks} weken is de baliecapaciteit naar verwachting te klein; "
                "in {maybe} weken mogelijk wel (de bovengrens ligt erboven)."
            )
            del count_facts["over"]
        sentences.append(Sentence(text, count_facts))
    return sentences


def behaviour_sentence(
    gemeente: str,
    share_before: float | None,
    median_days: float | None,
    period: tuple[dt.date, dt.date],
    queries: tuple[str, str],
) -> Sentence | None:
    """What the forecast learned: how many renew before expiry, and how long before."""
    if share_before is None or median_days is None:
        return None
    first, last = period

    def source(computation: str, query: str) -> Source:
        return Source(gemeente, first, last, computation, query)

    shares, days = queries
    return Sentence(
        "Geleerd uit de eigen gegevens: van de documenten die tussen {first} en {last} "
        "verliepen, werd {share} vóór de verloopdatum vernieuwd, de helft daarvan minstens "
        "{days} dagen vooraf.",
        {
            "first": Fact(first, dutch_date(first), source("begin leerperiode", shares)),
            "last": Fact(last, dutch_date(last), source("einde leerperiode", shares)),
            "share": Fact(
                share_before,
                f"{number(share_before, 1)}%",
                source("vernieuwd vóór verloop / verlopen documenten", shares),
            ),
            "days": Fact(
                median_days,
                number(median_days),
                source("mediaan dagen tussen aanvraag en verloopdatum", days),
            ),
        },
    )
