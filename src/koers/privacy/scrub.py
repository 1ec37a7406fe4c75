"""Scrubbing free text at the boundary: direct identifiers out, the rest of the text kept.

A resident's description of a melding is worth analysing, but it can hold an e-mail address,
a phone number, a BSN or an address. Ingestion runs :func:`scrub_sql` inside DuckDB over whole
files; :func:`scrub` is the same rules in Python, for tests and for text that is not loaded.
Names cannot be found by a pattern and stay: a column whose text is mostly names is dropped
or pseudonymised instead.
"""

from __future__ import annotations

import re

from koers.engine.base import sql_string

# One number: digits with at most three separators (space, dot, dash, closing parenthesis)
# between any two of them, as in "06-12 34 56 78" or "(026) 312 34 56".
_SEP = "[ ).-]{0,3}"
_HOUSE_NUMBER = "[0-9]{1,5}([A-Za-z]{1,2}|-[A-Za-z0-9]{1,4})?"
# A postcode with a space is only read as one with capitals: "2024 en 2025" is no address.
_POSTCODE = "[1-9][0-9]{3}([A-Za-z]{2}| [A-Z]{2})"

#: (pattern, replacement) pairs, applied in this order by both :func:`scrub` and
#: :func:`scrub_sql`. Patterns stay in the common subset of Python ``re`` (compiled with
#: ``re.ASCII``) and RE2: explicit ASCII classes instead of ``\d``/``\s``/``\w``, ``\b`` for
#: word edges, no look-around, no backreferences, no ``^``/``$``. E-mail goes first because it
#: may hold digits; addresses before phone numbers and BSNs because a house number next to a
#: postcode would otherwise be taken for part of one.
SCRUB_RULES: tuple[tuple[str, str], ...] = (
    (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", "[e-mail]"),
    # "6921 AB 12", "6921AB 12a", "6921ab, 12-3"
    (rf"\b{_POSTCODE}[ ,]{{0,3}}{_HOUSE_NUMBER}\b", "[adres]"),
    # "Dorpsstraat 12, 6921 AB Duiven": the usual Dutch order, number before postcode
    (rf"\b{_HOUSE_NUMBER},? {{1,3}}{_POSTCODE}\b", "[adres]"),
    # +31 6 12345678, 0031 26 3123456, +31 (0)6-12345678: nine digits after the country code
    (rf"(\+|\b00)31[ .-]{{0,3}}(\(0\)[ .-]{{0,3}})?[1-9]({_SEP}[0-9]){{8}}\b", "[telefoon]"),
    # other international numbers: a country code and 7 to 13 more digits
    (rf"(\+|\b00)[1-9]({_SEP}[0-9]){{7,13}}\b", "[telefoon]"),
    # 06-12345678, 06 1234 5678, 026-3123456, 0263123456, (026) 312 34 56: 0 and nine digits
    (rf"(\(0|\b0)({_SEP}[0-9]){{9}}\b", "[telefoon]"),
    # BSN-like: 9 or 8 digits (a dropped leading zero), also written 123.456.782 or 1234.56.782
    (r"\b([0-9]{8,9}|[0-9]{3}[. ][0-9]{3}[. ][0-9]{3}|[0-9]{4}\.[0-9]{2}\.[0-9]{3})\b", "[bsn]"),
)

_COMPILED = tuple((re.compile(pattern, re.ASCII), repl) for pattern, repl in SCRUB_RULES)


def scrub(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers, BSN-like numbers and addresses replaced.

    Replacements are the markers ``[e-mail]``, ``[telefoon]``, ``[bsn]`` and ``[adres]``, so a
    reader still sees that something was there. It errs on the side of removing: any 8- or
    9-digit number, such as a date written 20240315, becomes ``[bsn]``.
    """
    for regex, replacement in _COMPILED:
        text = regex.sub(replacement, text)
    return text


def scrub_sql(expr: str) -> str:
    """A DuckDB expression giving :func:`scrub` of ``expr``; NULL stays NULL."""
    for pattern, replacement in SCRUB_RULES:
        expr = f"regexp_replace({expr}, {sql_string(pattern)}, {sql_string(replacement)}, 'g')"
    return expr
