"""PDF by printing the report's HTML with Chromium: no extra Python dependency.

Debian's Chromium prints CSS paged media well (``@page`` size and margins, page breaks, page
counters in the margin boxes), which is all a council report needs. The HTML is Koers' own
and has no scripts or external files; Chromium runs with a throwaway profile and without
network access (every host name resolves to nothing).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from koers.errors import KoersError

#: Set to the Chromium (or Chrome) binary when it is not on PATH under a usual name.
CHROMIUM_ENV = "KOERS_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 120


class PdfError(KoersError):
    """The PDF could not be made (no Chromium, or it failed); the HTML format still works."""


def find_chromium() -> str | None:
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, out: Path, *, timeout_s: float = TIMEOUT_S) -> None:
    """Print ``html`` to the PDF file ``out`` (A4, as the page's CSS asks)."""
    chromium = find_chromium()
    if chromium is None:
        raise PdfError(
            "voor een PDF is Chromium nodig, maar dat is niet gevonden; installeer het "
            f"(Debian: apt-get install chromium) of zet {CHROMIUM_ENV} op het programma. "
            "Met --format html werkt het rapport ook zonder Chromium."
        )
    with tempfile.TemporaryDirectory(prefix="koers-rapport-") as folder:
        page = Path(folder) / "rapport.html"
        page.write_text(html, encoding="utf-8")
        printed = Path(folder) / "rapport.pdf"
        command = [
            chromium,
            "--headless",
            # The sandbox needs user namespaces, which containers and root sessions often
            # lack; the page printed is our own, without scripts or network.
            "--no-sandbox",
            "--disable-gpu",
            "--disable-extensions",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={Path(folder) / 'profiel'}",
            "--no-pdf-header-footer",
            # Bookmarks from the headings, so a reader can jump to a section.
            "--generate-pdf-document-outline",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium maakte de PDF niet binnen {timeout_s:g} s") from None
        except OSError as exc:
            raise PdfError(f"Chromium ({chromium}) kon niet starten: {exc.strerror}") from None
        if result.returncode != 0 or not printed.is_file() or printed.stat().st_size == 0:
            last = (result.stderr.strip().splitlines() or ["geen uitvoer"])[-1]
            raise PdfError(f"Chromium kon de PDF niet maken (code {result.returncode}): {last}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(printed, out)
