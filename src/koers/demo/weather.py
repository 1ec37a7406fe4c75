"""Real daily weather (KNMI station 356 Herwijnen) that drives weather peaks in demo data.

Demo generators use it so storms, cloudbursts, frost and heat in the demo fall on the days
they really happened in the Liemers region. The packaged CSV is produced from the KNMI file by
``scripts/trim_knmi.py``; dates outside it have no weather.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from datetime import date
from importlib import resources

WEATHER_RESOURCE = "data/knmi_herwijnen.csv"


@dataclass(frozen=True)
class DailyWeather:
    """One day of KNMI observations in SI-ish units; ``None`` where KNMI has no value."""

    windstoot_max_ms: float | None
    wind_uurgemiddelde_max_ms: float | None
    neerslag_mm: float | None
    temperatuur_min_c: float | None
    temperatuur_max_c: float | None


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


@functools.cache
def load_weather() -> dict[date, DailyWeather]:
    """Return the packaged weather by date; cached because every generator run reads it.

    Callers must not mutate the returned dict: it is shared between calls.
    """
    text = resources.files("koers.demo").joinpath(WEATHER_RESOURCE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return {
        date.fromisoformat(row["datum"]): DailyWeather(
            windstoot_max_ms=_number(row["windstoot_max_ms"]),
            wind_uurgemiddelde_max_ms=_number(row["wind_uurgemiddelde_max_ms"]),
            neerslag_mm=_number(row["neerslag_mm"]),
            temperatuur_min_c=_number(row["temperatuur_min_c"]),
            temperatuur_max_c=_number(row["temperatuur_max_c"]),
        )
        for row in csv.DictReader(lines)
    }
