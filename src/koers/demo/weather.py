"""Real daily weather (KNMI station 356 Herwijnen) that drives weather peaks in demo data.

Demo generators use it so storms, cloudbursts, frost and heat in the demo fall on the days
they really happened in the region. The packaged file is KNMI's own daggegevens format,
trimmed by ``scripts/trim_knmi.py``, and is read with the same parser as the KNMI connector
(:mod:`koers.ingestion.knmi`); the weer pack's demo delivers it unchanged. Dates outside it
have no weather.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from importlib import resources

from koers.ingestion.knmi import ENCODING, KnmiRecord, parse_knmi

WEATHER_RESOURCE = "data/knmi_herwijnen_etmgeg.txt"
#: The name KNMI gives the file of station 356; the demo delivers the packaged copy as such.
KNMI_FILE_NAME = "etmgeg_356.txt"

# Weather causes of planted meldingen peaks, and the day values that trigger them. They are
# our estimates [U] (see docs/demo-data/weer.md); frost and heat happen to match KNMI's day
# names vorstdag (TN < 0 °C) and tropische dag (TX >= 30 °C). The weer pack's seed
# weer_drempels.csv repeats them for the warehouse, and a test keeps the two equal.
STORM_GUST_MS = 20.0  # cause "storm": FXX >= this
HEAVY_RAIN_MM = 20.0  # cause "zware_regen": RH >= this
FROST_BELOW_C = 0.0  # cause "vorst": TN < this
HEAT_FROM_C = 30.0  # cause "hitte": TX >= this


@dataclass(frozen=True)
class DailyWeather:
    """One day of KNMI observations in SI units; ``None`` where KNMI has no value."""

    windstoot_max_ms: float | None
    wind_uurgemiddelde_max_ms: float | None
    neerslag_mm: float | None
    temperatuur_min_c: float | None
    temperatuur_max_c: float | None

    def causes(self) -> list[str]:
        """The weather causes this day meets, in a fixed order."""
        checks = (
            ("storm", self.windstoot_max_ms is not None and self.windstoot_max_ms >= STORM_GUST_MS),
            ("zware_regen", self.neerslag_mm is not None and self.neerslag_mm >= HEAVY_RAIN_MM),
            (
                "vorst",
                self.temperatuur_min_c is not None and self.temperatuur_min_c < FROST_BELOW_C,
            ),
            ("hitte", self.temperatuur_max_c is not None and self.temperatuur_max_c >= HEAT_FROM_C),
        )
        return [cause for cause, met in checks if met]


def tenths(text: str, *, minus_one_is_trace: bool = False) -> float | None:
    """A KNMI value in tenths as a whole unit; ``-1`` in RH (< 0.05 mm) counts as 0.0.

    core.weer_dag (pack weer) converts the same way in SQL.
    """
    value = text.strip()
    if not value:
        return None
    number = int(value)
    if minus_one_is_trace and number == -1:
        return 0.0
    return number / 10


def _day(record: KnmiRecord, position: dict[str, int]) -> tuple[date, DailyWeather]:
    values = record.values
    day = values[position["YYYYMMDD"]]
    return date(int(day[:4]), int(day[4:6]), int(day[6:])), DailyWeather(
        windstoot_max_ms=tenths(values[position["FXX"]]),
        wind_uurgemiddelde_max_ms=tenths(values[position["FHX"]]),
        neerslag_mm=tenths(values[position["RH"]], minus_one_is_trace=True),
        temperatuur_min_c=tenths(values[position["TN"]]),
        temperatuur_max_c=tenths(values[position["TX"]]),
    )


def weather_file_bytes() -> bytes:
    """The packaged KNMI file exactly as it ships."""
    return resources.files("koers.demo").joinpath(WEATHER_RESOURCE).read_bytes()


@functools.cache
def load_weather() -> dict[date, DailyWeather]:
    """Return the packaged weather by date; cached because every generator run reads it.

    Callers must not mutate the returned dict: it is shared between calls.
    """
    text = weather_file_bytes().decode(ENCODING)
    knmi = parse_knmi(text.splitlines(), KNMI_FILE_NAME)
    if knmi.rejected:  # the packaged file is checked by tests; this guards a bad refresh
        line, reason = knmi.rejected[0]
        raise ValueError(f"{WEATHER_RESOURCE}: regel {line}: {reason}")
    position = {code: i for i, code in enumerate(knmi.headers)}
    return dict(_day(record, position) for record in knmi.records)
