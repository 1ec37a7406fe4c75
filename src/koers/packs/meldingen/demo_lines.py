"""Formatting drawn meldingen as lines of a Dutch Excel CSV export, fast and in chunks.

:mod:`koers.packs.meldingen.demo` draws meldingen as parallel integer arrays; this module
turns a chunk of them into bytes. It writes lines itself instead of calling ``csv.writer``
per row, because a benchmark demo writes ten million rows and should take seconds, not
minutes: every field is an index into a small table of pre-formatted (and where needed
quoted) UTF-8 pieces, and each possible free text is formatted once per process. The
dialect is what ``csv.writer(delimiter=";", lineterminator="\\r\\n")`` writes, and a test
checks that rewriting a file with it gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from koers.demo.geography import Gemeente
from koers.packs.meldingen.demo_categories import (
    BAD_DATE_TEXTS,
    BAD_DATES,
    CATEGORIES,
    CAUSE_TEXTS,
    ODD_SUFFIXES,
    POSTCODE_AREA,
    POSTCODE_AREA_DEFAULT,
    STREETS,
    SURNAMES,
)
from koers.packs.meldingen.demo_plan import CAUSES

# Shares of the free text [U]: personal data a scrubber must catch, texts that need CSV
# quoting (a semicolon, a quote or a line break), and empty texts.
PII_SHARE = 0.03
ODD_TEXT_SHARE = 0.004
EMPTY_TEXT_SHARE = 0.01
#: Status codes used by the drawing side, in this order.
STATUSES = ("Gemeld", "In behandeling", "Afgehandeld", "Geannuleerd")
GEMELD, IN_BEHANDELING, AFGEHANDELD, GEANNULEERD = range(4)
_MAX_HOUSE_NUMBER = 140  # house numbers in texts are 1..139
_ALPHABET = "ABCEGHJKLMNPRTVWXZ"  # postcode letters


def _line_end(text: str) -> bytes:
    """``text`` as the last field of a line: quoted if needed, UTF-8, CRLF."""
    return (csv_field(text) + "\r\n").encode("utf-8")


def csv_field(text: str) -> str:
    """``text`` as csv.writer's minimal quoting writes it with ``;`` and CRLF."""
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


@dataclass(frozen=True)
class _Texts:
    """Every free text a baseline or planted row can start with, formatted once.

    A row's option set is ``(cause + 1) * len(CATEGORIES) + category`` (cause -1: baseline);
    its templates are ``flat[offset[set] : offset[set] + length[set]]``. A text's code is
    ``(template * len(STREETS) + street) * _MAX_HOUSE_NUMBER + number``, with street and
    number 0 when the template does not use them; ``raw[code]`` is the text and ``line[code]``
    the same as the last field of a line (quoted if needed, CRLF, UTF-8 bytes).
    """

    uses_street: npt.NDArray[np.bool_]
    uses_number: npt.NDArray[np.bool_]
    flat: npt.NDArray[np.int64]
    offset: npt.NDArray[np.int64]
    length: npt.NDArray[np.int64]
    raw: npt.NDArray[np.object_]
    line: npt.NDArray[np.object_]


@functools.cache
def _texts() -> _Texts:
    templates: list[str] = []
    flat: list[int] = []
    offset: list[int] = []
    length: list[int] = []
    for cause in (None, *CAUSES):
        for category in CATEGORIES:
            options = CAUSE_TEXTS.get((cause or "", category.sub), category.texts)
            offset.append(len(flat))
            length.append(len(options))
            for option in options:
                if option not in templates:
                    templates.append(option)
                flat.append(templates.index(option))
    size = len(templates) * len(STREETS) * _MAX_HOUSE_NUMBER
    raw = np.full(size, "", dtype=object)
    line = np.full(size, b"\r\n", dtype=object)  # codes no row can have
    for index, template in enumerate(templates):
        streets = range(len(STREETS)) if "{straat}" in template else range(1)
        numbers = range(1, _MAX_HOUSE_NUMBER) if "{nr}" in template else range(1)
        for street in streets:
            for number in numbers:
                code = (index * len(STREETS) + street) * _MAX_HOUSE_NUMBER + number
                raw[code] = template.format(straat=STREETS[street], nr=number)
                line[code] = _line_end(raw[code])
    return _Texts(
        np.array(["{straat}" in t for t in templates]),
        np.array(["{nr}" in t for t in templates]),
        np.array(flat, dtype=np.int64),
        np.array(offset, dtype=np.int64),
        np.array(length, dtype=np.int64),
        raw,
        line,
    )


def draw_texts(
    rng: np.random.Generator,
    category: npt.NDArray[np.int64],
    cause: npt.NDArray[np.int64],
    wijk: npt.NDArray[np.int64],
    gemeente: Gemeente,
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    """Free text per row as the end of its line, and which rows carry personal data (~3%).

    A template is picked from the row's category, or from its cause when a peak planted it,
    so a reader sees why the row is there.
    """
    n = len(category)
    pick, street = rng.integers(0, 1 << 30, n), rng.integers(0, len(STREETS), n)
    nr = rng.integers(1, _MAX_HOUSE_NUMBER, n)
    pii, odd, empty = (
        rng.random(n) < share for share in (PII_SHARE, ODD_TEXT_SHARE, EMPTY_TEXT_SHARE)
    )
    kind, digits = rng.integers(0, 3, n), rng.integers(10_000_000, 100_000_000, n)
    letters = rng.integers(0, len(_ALPHABET), (n, 2))

    t = _texts()
    option_set = (cause + 1) * len(CATEGORIES) + category
    template = t.flat[t.offset[option_set] + pick % t.length[option_set]]
    code = (template * len(STREETS) + np.where(t.uses_street[template], street, 0)) * (
        _MAX_HOUSE_NUMBER
    ) + np.where(t.uses_number[template], nr, 0)
    out = t.line[code]
    for i in np.flatnonzero(pii | odd | empty).tolist():
        text = t.raw[code[i]]
        if pii[i] and kind[i] == 0:
            name = f"{'abdhjkmprstw'[int(digits[i]) % 12]}.{SURNAMES[int(nr[i]) % 9]}"
            text += f". Mail mij: {name}@example.nl"
        elif pii[i] and kind[i] == 1:
            text += f", bel gerust 06-{int(digits[i])}"
        elif pii[i]:
            area = POSTCODE_AREA.get(gemeente.wijken[int(wijk[i])].naam, POSTCODE_AREA_DEFAULT)
            pair = _ALPHABET[int(letters[i, 0])] + _ALPHABET[int(letters[i, 1])]
            text += f" (adres melder: {area} {pair} {int(nr[i])})"
        elif odd[i]:
            text += ODD_SUFFIXES[int(kind[i])]
        else:
            text = ""
        out[i] = _line_end(text)
    return out, pii


def _pieces(texts: Sequence[str]) -> npt.NDArray[np.object_]:
    """A lookup table of UTF-8 pieces (object array of bytes, indexable by an array)."""
    table = np.empty(len(texts), dtype=object)
    table[:] = [text.encode("utf-8") for text in texts]
    return table


class LineFormatter:
    """Writes a chunk of one gemeente's rows as CSV bytes, from pre-formatted pieces.

    A line is eight pieces, each looked up in a small table (numbers in two parts of three
    digits), so no Python code runs per row: Meldingnummer (twice), report day and time,
    closing day and time, category-wijk-status, free text. Times are minutes since the plan's
    first day, local time.
    """

    def __init__(self, gemeente: Gemeente, days: Sequence[dt.date]) -> None:
        self.prefix = f"M{gemeente.code.removeprefix('GM')}-"
        # Day pieces end in a space and time pieces in the separator; the last entry of each
        # is for rows without a closing time.
        self.day = _pieces([d.strftime("%d-%m-%Y ") for d in days] + [""])
        self.clock = _pieces([*(f"{m // 60:02d}:{m % 60:02d};" for m in range(1440)), ";"])
        self.thousands = _pieces([f"{n:03d};" for n in range(1000)])
        self.wijken = len(gemeente.wijken)
        self.middle = _pieces(
            [
                ";".join(csv_field(f) for f in (c.hoofd, c.sub, w.code, w.naam, status)) + ";"
                for c in CATEGORIES
                for w in gemeente.wijken
                for status in STATUSES
            ]
        )

    def chunk(
        self,
        first_number: int,
        reported: npt.NDArray[np.int64],
        closed: npt.NDArray[np.int64],
        category: npt.NDArray[np.int64],
        wijk: npt.NDArray[np.int64],
        status: npt.NDArray[np.int64],
        texts: npt.NDArray[np.object_],
        broken: Sequence[tuple[int, int, int]] = (),
        year: int = 0,
    ) -> bytes:
        """The rows' CRLF-terminated lines; open rows show no closing time.

        ``texts`` are line ends from :func:`draw_texts`. ``broken`` lists ``(row, kind,
        pick)`` of rows to damage the way hand-edited Excel exports get damaged, so ingestion
        must reject them: an impossible date in ``year`` (kind 0), an empty Hoofdcategorie (1)
        or text in the date column (2).
        """
        n = len(texts)
        if n == 0:
            return b""
        number = np.arange(first_number, first_number + n)
        high = number // 1000
        first_high = int(high[0])
        high_pieces = _pieces(
            [f"{self.prefix}{h:03d}" for h in range(first_high, int(high[-1]) + 1)]
        )
        is_open = status <= IN_BEHANDELING
        pieces = np.empty((n, 8), dtype=object)
        pieces[:, 0] = high_pieces[high - first_high]
        pieces[:, 1] = self.thousands[number % 1000]
        pieces[:, 2] = self.day[reported // 1440]
        pieces[:, 3] = self.clock[reported % 1440]
        pieces[:, 4] = self.day[np.where(is_open, -1, closed // 1440)]
        pieces[:, 5] = self.clock[np.where(is_open, -1, closed % 1440)]
        pieces[:, 6] = self.middle[(category * self.wijken + wijk) * len(STATUSES) + status]
        pieces[:, 7] = texts
        for row, kind, pick in broken:
            if kind == 0:
                time = pieces[row, 3][:-1].decode()
                bad = BAD_DATES[pick % len(BAD_DATES)].format(y=year, t=time)
                pieces[row, 2:4] = bad.encode(), b";"
            elif kind == 1:
                pieces[row, 6] = b";" + pieces[row, 6].split(b";", 1)[1]
            else:
                bad = BAD_DATE_TEXTS[pick % len(BAD_DATE_TEXTS)]
                pieces[row, 2:4] = bad.encode(), b";"
        return b"".join(pieces.ravel().tolist())
