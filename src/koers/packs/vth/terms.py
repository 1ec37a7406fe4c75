"""Legal decision terms of an omgevingsvergunning: which law applies and when the term ends.

Used by the vth demo generator to write the "Uiterste beslisdatum" a VTH system computes, and
by its tests to check that arithmetic on the generated files. It has no heavy imports so the
rules engine can use it later for the same check on real exports.

Sources (shared domain facts, section 1.4, verified there; re-checked for this pack):
- Regular procedure 8 weeks, extendable once by 6 weeks, the extension decided within the
  first term (Wabo art. 3.9; Omgevingswet via ODMH, InfoMil).
- Extended procedure ("uitgebreid"): the facts give 26 weeks (6 months) + once 6 weeks.
  The legal text says "zes maanden na ontvangst" (Awb 3:18 lid 1, as quoted by InfoMil);
  we follow the facts and count 26 weeks, which ends up to 3 days before six calendar
  months. The rules engine should make this choice configurable.
- Time the applicant takes to complete an incomplete application does not count towards
  the term (Awb 4:15, facts 1.3 and 1.4): it is added as "opschorting" days.
- An application received before 1 Jan 2024 stays under the Wabo (Invoeringswet
  Omgevingswet art. 4.3, as applied in ECLI:NL:RBOBR:2024:26). Under the Wabo a late
  decision in the regular procedure meant the permit was granted by operation of law
  ("van rechtswege"); the Omgevingswet dropped that (facts 1.4, ODMH).
- Not modelled: the Algemene termijnenwet (a term ending on a weekend or holiday) [U].
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

Procedure = Literal["Regulier", "Uitgebreid"]
Kader = Literal["Wabo", "Omgevingswet"]

OMGEVINGSWET_IN_WERKING = date(2024, 1, 1)
REGULIER_WEKEN = 8
UITGEBREID_WEKEN = 26
VERDAGING_WEKEN = 6

TERM_WEKEN: dict[str, int] = {"Regulier": REGULIER_WEKEN, "Uitgebreid": UITGEBREID_WEKEN}


def wettelijk_kader(received: date) -> Kader:
    """The law an application is decided under: the one in force on the day it came in."""
    return "Wabo" if received < OMGEVINGSWET_IN_WERKING else "Omgevingswet"


def original_deadline(received: date, procedure: str, opschorting_days: int = 0) -> date:
    """Last day of the term before any extension; also the last day to decide on extending."""
    return received + timedelta(weeks=TERM_WEKEN[procedure], days=opschorting_days)


def legal_deadline(
    received: date, procedure: str, *, verdaagd: bool, opschorting_days: int = 0
) -> date:
    """Last day a timely decision can be taken: received + term (+ 6 weeks) + suspension."""
    extra = timedelta(weeks=VERDAGING_WEKEN) if verdaagd else timedelta(0)
    return original_deadline(received, procedure, opschorting_days) + extra


def van_rechtswege(kader: str, procedure: str, decided: date, deadline: date) -> bool:
    """Whether a late decision was a permit by operation of law (Wabo, regular procedure)."""
    return kader == "Wabo" and procedure == "Regulier" and decided > deadline
