"""Demo generator for the weer pack: delivers the real KNMI file of station 356 Herwijnen.

Nothing here is invented. The packaged KNMI daggegevens file (trimmed by
``scripts/trim_knmi.py``, see :mod:`koers.demo.weather`) is written unchanged to
``bronnen/weer/``, without a gemeente folder: the weather is regional, so the demo declares
one source without gemeente for it. The file is delivered whole, as KNMI delivers it, whatever
the demo period; the ground truth lists the days in the demo period that meet the weather
causes the meldingen generator plants peaks for, so an analysis can check it finds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from koers.demo.weather import (
    FROST_BELOW_C,
    HEAT_FROM_C,
    HEAVY_RAIN_MM,
    KNMI_FILE_NAME,
    STORM_GUST_MS,
    load_weather,
    weather_file_bytes,
)

STATION = "356"  # KNMI Herwijnen
CAUSES = ("storm", "zware_regen", "vorst", "hitte")


@dataclass(frozen=True)
class WeerGroundTruth:
    """What the delivered file holds, and which of its days are weather causes.

    ``cause_days`` covers only the demo period (``start`` to ``end``, clipped to the file);
    the file itself covers ``first_day`` to ``last_day``. Thresholds are in m/s, mm and °C.
    """

    file: str  # path under bronnen/, with forward slashes
    station: str
    first_day: dt.date
    last_day: dt.date
    days_in_file: int
    days_without_values: list[dt.date]  # KNMI left every kept column empty
    thresholds: dict[str, float]
    cause_days: dict[str, list[dt.date]] = field(default_factory=dict)


def generate_weer(
    out_dir: Path,
    *,
    seed: int,
    start: dt.date,
    end: dt.date,
    scale: float = 1.0,
) -> WeerGroundTruth:
    """Write ``out_dir/etmgeg_356.txt``; ``seed`` and ``scale`` change nothing (real data)."""
    del seed, scale  # the weather is observed, not drawn
    if end < start:
        raise ValueError("De einddatum ligt voor de begindatum.")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / KNMI_FILE_NAME).write_bytes(weather_file_bytes())
    weather = load_weather()
    cause_days: dict[str, list[dt.date]] = {cause: [] for cause in CAUSES}
    for day in sorted(weather):
        if start <= day <= end:
            for cause in weather[day].causes():
                cause_days[cause].append(day)
    empty = [
        day
        for day in sorted(weather)
        if all(value is None for value in vars(weather[day]).values())
    ]
    return WeerGroundTruth(
        file=f"{out_dir.name}/{KNMI_FILE_NAME}",
        station=STATION,
        first_day=min(weather),
        last_day=max(weather),
        days_in_file=len(weather),
        days_without_values=empty,
        thresholds={
            "storm_windstoot_ms": STORM_GUST_MS,
            "zware_regen_neerslag_mm": HEAVY_RAIN_MM,
            "vorst_temperatuur_min_onder_c": FROST_BELOW_C,
            "hitte_temperatuur_max_c": HEAT_FROM_C,
        },
        cause_days=cause_days,
    )
