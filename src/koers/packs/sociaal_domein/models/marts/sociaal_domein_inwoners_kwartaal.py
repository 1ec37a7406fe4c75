"""Inhabitants per age group of the sociaal domein at every quarter end: the denominators of
"clients per 1,000 inhabitants of the same age group" in the council report.

The client age groups (0 tot 18, 18 tot 65, 65 tot 75, 75 tot 85, 85 jaar of ouder) meet at
18, where Jeugd ends and the Wmo begins; CBS counts inhabitants in five-year bands. Three
groups are sums of whole bands. The band 15 tot 20 jaar straddles 18: the seed
``sociaal_domein_leeftijdsgroepen`` gives three fifths of it to 0 tot 18 and two fifths to
18 tot 65, as if the five ages were equally large, and those two groups are marked
``geschat``. The shares of a band become whole people by the largest remainder (the bevolking
pack's ``apportion``), so the groups always add up to the gemeente's total of inhabitants.

The population comes from the bevolking pack. A project without it still builds: the table
is then empty and the report says the rate cannot be computed (``OPTIONAL_INPUTS``).
"""

from __future__ import annotations

import math
from collections import defaultdict

import pandas as pd  # type: ignore[import-untyped]

from koers.engine import Warehouse
from koers.packs.bevolking.model import apportion

INPUTS = ("core.sociaal_domein_leeftijdsgroepen", "core.calendar")
OPTIONAL_INPUTS = ("marts.bevolking_dag",)
COLUMNS = {
    "kwartaal_einde": "DATE",
    "gemeente_code": "VARCHAR",
    "leeftijdsgroep": "VARCHAR",
    "inwoners": "BIGINT",
    "geschat": "BOOLEAN",
}

_GROUPS_SQL = """
SELECT leeftijdsklasse, leeftijdsgroep, CAST(aandeel AS DOUBLE) AS aandeel
FROM core.sociaal_domein_leeftijdsgroepen
"""
# The bands on every quarter's last day: the count of 1 January of that quarter's year.
_BANDS_SQL = """
SELECT b.datum, b.gemeente_code, b.leeftijdsklasse, b.inwoners
FROM marts.bevolking_dag AS b
JOIN core.calendar AS c
    ON c.calendar_date = b.datum
    AND c.month IN (3, 6, 9, 12)
    AND c.calendar_date = last_day(c.calendar_date)
"""

Shares = dict[str, list[tuple[str, float]]]


def build(warehouse: Warehouse) -> pd.DataFrame:
    shares = _shares(warehouse.query(_GROUPS_SQL).rows)
    rows: list[tuple[object, ...]] = []
    if warehouse.table_exists("marts.bevolking_dag"):
        totals: dict[tuple[object, str, str], int] = defaultdict(int)
        estimated: set[str] = {g for parts in shares.values() if len(parts) > 1 for g, _ in parts}
        for day, gemeente, band, count in warehouse.query(_BANDS_SQL).rows:
            if band not in shares:
                raise ValueError(
                    f"leeftijdsklasse '{band}' van CBS staat niet in "
                    "seeds/sociaal_domein_leeftijdsgroepen.csv"
                )
            groups = shares[band]
            split = apportion(int(count), [share for _, share in groups])
            for (group, _), people in zip(groups, split, strict=True):
                totals[(day, gemeente, group)] += int(people)
        rows = [
            (day, gemeente, group, people, group in estimated)
            for (day, gemeente, group), people in sorted(totals.items())
        ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _shares(rows: list[tuple[object, ...]]) -> Shares:
    """The seed as band -> [(group, share)], checked to divide every band exactly once."""
    shares: Shares = defaultdict(list)
    for band, group, share in rows:
        shares[str(band)].append((str(group), float(str(share))))
    for band, parts in shares.items():
        if not math.isclose(sum(s for _, s in parts), 1.0, abs_tol=1e-9):
            raise ValueError(
                f"seeds/sociaal_domein_leeftijdsgroepen.csv: de aandelen van '{band}' tellen "
                "niet op tot 1"
            )
    return dict(shares)
