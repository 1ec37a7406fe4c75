"""What every spreadsheet export must do to a text cell before Excel sees it.

CSV and XLSX both leave Koers to be opened in Excel or LibreOffice, where a cell that starts
with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) can be read as a
formula: a delivered value like ``=HYPERLINK("https://…")`` would become a live link in a
civil servant's spreadsheet (CSV or formula injection, OWASP). One guard serves all exports.
"""

from __future__ import annotations

import re

#: First characters that make a spreadsheet treat typed or imported text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# A plain signed number such as "-12" or "+3,5" cannot run anything; leaving it as it is keeps
# negative numbers that arrive as text readable. Deliberately narrower than float(), which
# would also let "-inf" or "1_0" through.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?", re.ASCII)


def neutralise_formula(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet could run it as a formula.

    The apostrophe is what Excel users type themselves to mean "this is text"; it stays
    visible in the cell, so the reader sees that the value was guarded.
    """
    if text[:1] in FORMULA_TRIGGERS and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
