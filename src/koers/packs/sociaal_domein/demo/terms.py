"""Legal terms of the Wmo and Jeugd case flow, as date arithmetic.

The generator uses these rules to decide which planted cases are late and to write the
ground truth; the later analysis of the pack can use the same rules on staging data. The
deadline is the last day on which the step is on time.
"""

from __future__ import annotations

import datetime as dt

from koers.packs.sociaal_domein.demo import params as p


def onderzoek_deadline(melding: dt.date) -> dt.date:
    """Wmo 2015 art. 2.3.2: the onderzoek is done within six weeks of the melding."""
    return melding + dt.timedelta(days=p.WMO_ONDERZOEK_TERM_DAYS)


def beschikking_deadline(
    domein: str,
    aanvraag: dt.date,
    suspended_from: dt.date | None = None,
    suspended_until: dt.date | None = None,
    extended_until: dt.date | None = None,
) -> dt.date | None:
    """Two weeks (Wmo 2.3.5) or eight (Awb 4:13), plus a suspension, or the extended date.

    A suspension (Awb 4:15) adds its days, both ends included. An extension notice (Awb
    4:14) names the new last day. ``None`` while a suspension is still running: the term is
    then on hold and cannot be exceeded.
    """
    if suspended_from is not None and suspended_until is None:
        return None
    deadline = aanvraag + dt.timedelta(days=p.BESCHIKKING_TERM_DAYS[domein])
    if suspended_from is not None and suspended_until is not None:
        deadline += dt.timedelta(days=(suspended_until - suspended_from).days + 1)
    if extended_until is not None:
        deadline = max(deadline, extended_until)
    return deadline


def is_late(deadline: dt.date | None, done: dt.date | None, peildatum: dt.date) -> bool:
    """Late when done after the deadline, or not done and the deadline passed by the export."""
    if deadline is None:
        return False
    return done > deadline if done is not None else peildatum > deadline


def week_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week of ``day``."""
    return day - dt.timedelta(days=day.weekday())
