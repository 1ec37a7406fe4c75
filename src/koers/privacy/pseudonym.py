"""Keyed pseudonyms at the boundary: personal values become HMAC-SHA256 codes on ingestion.

Ingestion runs as SQL inside DuckDB over whole files, so every rule here exists twice: a Python
function (for tests, demo data and looking up one person's pseudonym) and a generator of an
equivalent, vectorised DuckDB SQL expression. Both are driven by the same declared steps, and
the tests hold them equal on arbitrary text.

The key comes from an environment variable and never from ``koers.toml`` or the warehouse: a
plain hash of a 9-digit BSN is reversed by trying all billion of them, a keyed hash is not.
The same key gives the same pseudonym, so sources and municipalities that share a key link the
same person; a new key breaks every existing link.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from koers.engine.base import sql_string
from koers.errors import ConfigError

#: The kinds of personal value a contract column can hold (``personal`` minus ``none``).
KINDS: tuple[str, ...] = (
    "bsn",
    "client_number",
    "name",
    "address",
    "phone",
    "email",
    "contact",
    "free_text",
)

MIN_KEY_CHARS = 32

# SHA-256 works on 64-byte blocks; HMAC pads or hashes the key to exactly one block.
_BLOCK_BYTES = 64
_INNER_PAD_BYTE = 0x36
_OUTER_PAD_BYTE = 0x5C

# Whitespace and invisible characters are listed by code point instead of using \s: Python's
# \s is Unicode-aware and RE2's is ASCII-only, so \s would make the two engines disagree.
_WHITESPACE = "\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Soft hyphen, zero-width space/joiners, word joiner and the byte-order mark a CSV often
# starts with: they change the bytes of a value without changing what a person reads.
_INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
_COMBINING_MARKS = "[\u0300-\u036f]"

# Letters of Latin-1 and Latin Extended-A that do not decompose into ASCII plus an accent.
_LETTERS_WITHOUT_DECOMPOSITION: Mapping[str, str] = {
    "Æ": "AE",
    "Ð": "D",
    "Ø": "O",
    "Þ": "TH",
    "ß": "SS",
    "Đ": "D",
    "Ħ": "H",
    "ı": "I",
    "Ĳ": "IJ",
    "ĸ": "K",
    "Ŀ": "L",
    "Ł": "L",
    "ŉ": "'N",
    "Ŋ": "NG",
    "Œ": "OE",
    "Ŧ": "T",
    "ſ": "S",
}
# Typographic quotes and dashes that word processors and phones put in names ("van ’t Hof").
_PUNCTUATION_FOLD: Mapping[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4", "'"),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb", '"'),
}


@dataclass(frozen=True)
class _Replace:
    """Replace every match of ``pattern`` by ``replacement``.

    Patterns stay in the common subset of Python ``re`` (compiled with ``re.ASCII``) and
    RE2: no look-around, no backreferences in the pattern, no ``\\s``/``\\d``/``\\w``, no
    ``$``. Replacements are plain text or ``\\1``..``\\9``.
    """

    pattern: str
    replacement: str


@dataclass(frozen=True)
class _Fold:
    """Map single characters to replacement text: ``multi`` first, then ``sources``→``targets``.

    SQL has ``translate`` only for one-to-one maps, so longer replacements run first as
    ``replace``; Python runs the same two stages in the same order. On ASCII the table does
    what ``upper``/``lower`` (``ascii_case``) does, and SQL uses that for ASCII-only values:
    DuckDB's ``translate`` with a long table costs over ten microseconds a row.
    """

    multi: tuple[tuple[str, str], ...]
    sources: str
    targets: str
    ascii_case: str

    @classmethod
    def of(cls, table: Mapping[str, str]) -> _Fold:
        single = {k: v for k, v in table.items() if len(v) == 1}
        multi = tuple((k, v) for k, v in table.items() if len(v) != 1)
        on_ascii = {k: v for k, v in table.items() if k.isascii()}
        if on_ascii == {c: c.upper() for c in string.ascii_lowercase}:
            ascii_case = "upper"
        elif on_ascii == {c: c.lower() for c in string.ascii_uppercase}:
            ascii_case = "lower"
        else:
            raise ValueError("a fold table must act on ASCII as upper() or lower() does")
        return cls(multi, "".join(single), "".join(single.values()), ascii_case)


@dataclass(frozen=True)
class _Trim:
    """Drop leading and trailing ASCII spaces (the only whitespace left after collapsing)."""


@dataclass(frozen=True)
class _PadDigits:
    """Left-pad an all-digit value shorter than ``width`` with zeros.

    A spreadsheet that read a BSN as a number dropped its leading zeros.
    """

    width: int


_Step = _Replace | _Fold | _Trim | _PadDigits


def _upper_fold() -> dict[str, str]:
    """Upper case without diacritics for ASCII and Latin letters, plus punctuation folding."""
    table: dict[str, str] = {c: c.upper() for c in string.ascii_lowercase}
    for code in range(0xC0, 0x180):
        char = chr(code)
        if not char.isalpha():
            continue  # × and ÷
        special = _LETTERS_WITHOUT_DECOMPOSITION.get(
            char, _LETTERS_WITHOUT_DECOMPOSITION.get(char.upper())
        )
        table[char] = special or unicodedata.normalize("NFD", char)[0].upper()
    table.update(_PUNCTUATION_FOLD)
    return table


def _lower_fold() -> dict[str, str]:
    """Lower case for ASCII and Latin letters; diacritics stay, an address may differ in them."""
    table: dict[str, str] = {c: c.lower() for c in string.ascii_uppercase}
    for code in range(0xC0, 0x180):
        char = chr(code)
        lower = char.lower()
        if char.isalpha() and len(lower) == 1 and lower != char:
            table[char] = lower
    return table


_UPPER_FOLD = _Fold.of(_upper_fold())

_TEXT: tuple[_Step, ...] = (
    _Replace(f"[{_INVISIBLE}]", ""),
    _Replace(_COMBINING_MARKS, ""),
    _Replace(f"[{_WHITESPACE}]+", " "),
    _Trim(),
    _UPPER_FOLD,
)

#: How each kind is normalised before hashing; see :func:`normalise` for the rules in words.
_RULES: Mapping[str, tuple[_Step, ...]] = {
    "bsn": (_Replace(f"[{_WHITESPACE}{_INVISIBLE}.-]", ""), _PadDigits(9)),
    "client_number": (
        _Replace(f"[{_WHITESPACE}{_INVISIBLE}]", ""),
        _Replace(_COMBINING_MARKS, ""),
        _UPPER_FOLD,
    ),
    "name": _TEXT,
    "address": (
        _Replace("[,;]", " "),
        *_TEXT,
        _Replace(r"\b([1-9][0-9]{3}) ([A-Z]{2})\b", r"\1\2"),
    ),
    "phone": (
        _Replace(r"\(0\)", ""),
        _Replace("[^0-9+]", ""),
        _Replace(r"^(\+|00)31", "0"),
        _Replace(r"^\+", "00"),
        _Replace(r"\+", ""),
    ),
    "email": (_Replace(f"[{_WHITESPACE}{_INVISIBLE}]", ""), _Fold.of(_lower_fold())),
    "contact": _TEXT,
    "free_text": _TEXT,
}


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


@cache
def _translation(sources: str, targets: str) -> dict[int, int]:
    return str.maketrans(sources, targets)


def _apply(step: _Step, value: str) -> str:
    match step:
        case _Replace(pattern, replacement):
            return _regex(pattern).sub(replacement, value)
        case _Fold(multi, sources, targets, _):
            for source, target in multi:
                value = value.replace(source, target)
            return value.translate(_translation(sources, targets))
        case _Trim():
            return value.strip(" ")
        case _PadDigits(width):
            if _regex(f"[0-9]{{1,{width - 1}}}").fullmatch(value):
                return value.rjust(width, "0")
            return value


def _apply_sql(step: _Step, expr: str) -> str:
    match step:
        case _Replace(pattern, replacement):
            return f"regexp_replace({expr}, {sql_string(pattern)}, {sql_string(replacement)}, 'g')"
        case _Fold(multi, sources, targets, ascii_case):
            folded = expr
            for source, target in multi:
                folded = f"replace({folded}, {sql_string(source)}, {sql_string(target)})"
            folded = f"translate({folded}, {sql_string(sources)}, {sql_string(targets)})"
            # strlen counts bytes and length characters: equal only for ASCII.
            return (
                f"CASE WHEN strlen({expr}) = length({expr}) THEN {ascii_case}({expr}) "
                f"ELSE {folded} END"
            )
        case _Trim():
            return f"trim({expr})"
        case _PadDigits(width):
            short = sql_string(f"[0-9]{{1,{width - 1}}}")
            return (
                f"CASE WHEN regexp_full_match({expr}, {short}) "
                f"THEN lpad({expr}, {width}, '0') ELSE {expr} END"
            )


def _rule(kind: str) -> tuple[_Step, ...]:
    try:
        return _RULES[kind]
    except KeyError:
        raise ValueError(f"onbekende soort persoonsgegeven {kind!r}; kies uit {KINDS}") from None


def normalise(value: str, kind: str) -> str:
    """The form of ``value`` that is hashed, so that one person links across sources.

    Rules, per kind:

    - ``bsn``: whitespace, dots and dashes removed; 1 to 8 digits are left-padded with zeros
      to 9 (a spreadsheet dropped them). Anything else is left as it is, to be hashed as is.
    - ``phone``: ``(0)`` removed, then everything but digits and ``+``; ``+31``/``0031``
      becomes ``0`` and another leading ``+`` becomes ``00``, so ``+31 (0)6-1234 5678`` and
      ``06 12345678`` agree.
    - ``email``: all whitespace removed, ASCII and Latin letters lower-cased.
    - ``client_number``: all whitespace removed, upper-cased without diacritics.
    - ``name``, ``contact``, ``free_text``: invisible characters (zero-width, soft hyphen,
      byte-order mark) removed, runs of whitespace (including non-breaking) become one space,
      trimmed; ASCII and Latin letters upper-cased without diacritics (``é``→``E``,
      ``ß``→``SS``, ``ĳ``→``IJ``); typographic quotes and dashes become ``'``, ``"``, ``-``.
    - ``address``: as a name, with commas and semicolons read as spaces and the space in a
      postcode dropped (``6921 AB``→``6921AB``).

    Letters outside Latin-1 and Latin Extended-A keep their case: Python and DuckDB follow
    different Unicode versions there, and the pseudonym must not depend on the engine.
    """
    for step in _rule(kind):
        value = _apply(step, value)
    return value


def normalise_sql(expr: str, kind: str) -> str:
    """A DuckDB expression giving :func:`normalise` of ``expr``; NULL stays NULL.

    ``expr`` may appear more than once in the result, so pass a column name, not a subquery.
    """
    original = expr
    for step in _rule(kind):
        expr = _apply_sql(step, expr)
    already = _ALREADY_NORMAL.get(kind)
    if already is None:
        return expr
    # Most values are delivered in their normal form already; one cheap match skips the
    # chain of replacements for them (about a third of the cost of a pseudonym).
    return f"CASE WHEN regexp_full_match({original}, '{already}') THEN {original} ELSE {expr} END"


#: Values of these kinds that match the pattern are their own normal form (the rules leave
#: them unchanged), so SQL may skip the rules for them.
_ALREADY_NORMAL = {"phone": "0[0-9]{9}", "bsn": "[0-9]{9}"}


def load_key(env_name: str) -> bytes:
    """The pseudonymisation key from the environment variable ``env_name``, as UTF-8 bytes.

    Kept out of ``koers.toml`` and the project folder so that whoever holds the warehouse or
    its configuration cannot recompute a pseudonym from a known BSN.
    """
    raw = os.environ.get(env_name, "")
    if not raw:
        raise ConfigError(
            f"omgevingsvariabele {env_name} met de pseudonimiseringssleutel is niet gezet; "
            f"zet daar een geheime, willekeurige sleutel van minstens {MIN_KEY_CHARS} tekens "
            "(bewaard buiten het project, bijvoorbeeld in een wachtwoordkluis)"
        )
    if len(raw) < MIN_KEY_CHARS:
        raise ConfigError(
            f"omgevingsvariabele {env_name} met de pseudonimiseringssleutel is te kort "
            f"({len(raw)} tekens); gebruik een willekeurige sleutel van minstens "
            f"{MIN_KEY_CHARS} tekens"
        )
    return raw.encode("utf-8")


def pseudonym(value: str, key: bytes, kind: str) -> str:
    """Lowercase hex HMAC-SHA256 of the normalised ``value``, equal to :func:`pseudonym_sql`.

    A value that normalises to nothing has no pseudonym (SQL gives NULL): hashing it would
    link every record with a missing value to one made-up person.
    """
    normalised = normalise(value, kind)
    if not normalised:
        raise ValueError(f"een lege waarde ({kind}) heeft geen pseudoniem")
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def _hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer pads of RFC 2104 HMAC for ``key``."""
    if len(key) > _BLOCK_BYTES:
        key = hashlib.sha256(key).digest()
    block = key.ljust(_BLOCK_BYTES, b"\0")
    return bytes(b ^ _INNER_PAD_BYTE for b in block), bytes(b ^ _OUTER_PAD_BYTE for b in block)


def pseudonym_sql(expr: str, key: bytes, kind: str) -> str:
    """A DuckDB expression giving :func:`pseudonym` of ``expr``; NULL for NULL or empty.

    HMAC is spelled out with ``sha256`` so that it runs vectorised, without a Python UDF.
    The text holds only the key xor-ed with the HMAC pads, never the key itself, but the key
    follows from it with one xor: treat the SQL text as secret as the key, and never log it.
    """
    inner_pad, outer_pad = _hmac_pads(key)
    message = f"encode(nullif({normalise_sql(expr, kind)}, ''))"
    inner = f"unhex(sha256(unhex('{inner_pad.hex()}') || {message}))"
    return f"sha256(unhex('{outer_pad.hex()}') || {inner})"


# The BSN 11-proef: weights 9..2 for the first eight digits and -1 for the last.
_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_BSN_CLEAN = _Replace(f"[{_WHITESPACE}{_INVISIBLE}.-]", "")


def bsn_valid(text: str) -> bool:
    """Whether ``text`` is a BSN that passes the 11-proef.

    Whitespace, dots and dashes are ignored; 8 digits count as 9 with a leading zero (a
    spreadsheet dropped it). ``000000000`` passes the sum but is no BSN.
    """
    digits = _apply(_BSN_CLEAN, text)
    if not _regex("[0-9]{8,9}").fullmatch(digits):
        return False
    digits = digits.rjust(9, "0")
    if digits == "000000000":
        return False
    return sum(w * int(d) for w, d in zip(_BSN_WEIGHTS, digits, strict=True)) % 11 == 0


def bsn_valid_sql(expr: str) -> str:
    """A DuckDB boolean expression giving :func:`bsn_valid` of ``expr``; NULL stays NULL."""
    digits = _apply_sql(_BSN_CLEAN, expr)
    padded = f"lpad({digits}, 9, '0')"
    # One character per list element; index i (1-based) carries weight 10 - i, the last -1.
    weighted = (
        f"list_sum(list_transform(string_split({padded}, ''), "
        "lambda d, i: (ascii(d) - 48) * CASE WHEN i = 9 THEN -1 ELSE 10 - i END))"
    )
    return (
        f"CASE WHEN {expr} IS NULL THEN NULL "
        f"WHEN regexp_full_match({digits}, '[0-9]{{8,9}}') AND {padded} <> '000000000' "
        f"THEN {weighted} % 11 = 0 ELSE false END"
    )


def fake_bsn(rng: random.Random) -> str:
    """A random 9-digit number that passes the 11-proef, for demo data only.

    It may be the BSN of a real person, so it must never be mixed with real records or shown
    as anyone's number outside a demo.
    """
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        check = sum(w * d for w, d in zip(_BSN_WEIGHTS[:8], digits, strict=True)) % 11
        if check < 10 and any(digits):
            return "".join(map(str, digits)) + str(check)
