"""Every page of the demo passes axe-core's automated WCAG 2.1/2.2 A and AA checks in real
Chromium, for the public and for staff, at desktop and at phone width; and so does the council
report as HTML. Dutch government websites, intranets included, must meet EN 301 549 (WCAG 2.1
AA) under the Besluit digitale toegankelijkheid overheid (docs/accessibility.md).

axe finds what a machine can find (names, roles, contrast, landmarks, keyboard reach of
scrolling regions); it does not replace a person's audit. Charts are drawn before the check,
so the SVG Vega makes is checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Page
from tests.support.accounts import ensure_account
from tests.support.browser import LOCALE, TIMEZONE, serve_app
from tests.support.demo import koers

from koers.access.accounts import DEMO_PASSWORD
from koers.web.app import create_app

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # WCAG 1.4.10: content reflows at 320 CSS px and up
STAFF = "toegankelijk-beheer"
DUIVEN = "GM0226"
PUBLIC_PAGES = ["/", "/inloggen", "/meldingen/pieken", "/bestaat-niet"]
STAFF_PAGES = [
    "/",
    "/meldingen/pieken",
    "/reisdocumenten",
    "/sociaal-domein/wachtlijst",
    f"/sociaal-domein/wachtlijst?gemeente={DUIVEN}&domein=Jeugd",
    f"/sociaal-domein/zaken?gemeente={DUIVEN}",
    f"/sociaal-domein/zaken?gemeente={DUIVEN}&doel=controle+toegankelijkheid",
    "/beheer",
    "/beheer?tabel=marts.meldingen_dag",
    "/privacy/audit",
    "/bestaat-niet",
]


@pytest.fixture(scope="module")
def base_url(demo_project: Path) -> Iterator[str]:
    ensure_account(demo_project, STAFF, "beheerder", "analist", "privacy-officer")
    with serve_app(create_app(demo_project)) as url:
        yield url


def _violations(page: Page) -> list[str]:
    """axe's WCAG violations on the page as it stands, one readable line per element."""
    page.evaluate(AXE_SCRIPT)
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {node['target']} {node['html'][:160]}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def _check(page: Page, url: str) -> list[str]:
    """Open ``url``, wait until every chart is drawn, and return axe's findings for it."""
    page.goto(url)
    page.wait_for_function(
        "[...document.querySelectorAll('[data-spec-id]')].every(e => e.dataset.drawn)",
        timeout=30_000,
    )
    found = [f"{url}: {line}" for line in _violations(page)]
    bare = page.evaluate(
        "[...document.querySelectorAll('.chart')]"
        ".filter(c => !c.closest('section, .card').querySelector('table')).map(c => c.id)"
    )
    found += [f"{url}: grafiek {chart} heeft geen tabel met de cijfers" for chart in bare]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:  # WCAG 1.4.10: wide tables scroll in their own region, not the page
        found.append(f"{url}: de pagina is {overflow} px breder dan het venster")
    return found


def _dashboards(page: Page, base_url: str) -> list[str]:
    page.goto(f"{base_url}/")
    hrefs = page.locator("a[href^='/dashboards/']").evaluate_all("as => as.map(a => a.pathname)")
    assert hrefs, "de startpagina linkt naar geen enkel dashboard"
    return sorted(set(hrefs))


def _log_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/inloggen")
    page.get_by_label("Gebruikersnaam").fill(STAFF)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base_url}/")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "telefoon"])
@pytest.mark.parametrize("who", ["publiek", "medewerker"])
def test_every_page_passes_axe(
    browser: Browser, base_url: str, who: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, viewport=viewport)
    page = context.new_page()
    try:
        if who == "medewerker":
            _log_in(page, base_url)
        paths = (STAFF_PAGES if who == "medewerker" else PUBLIC_PAGES) + _dashboards(page, base_url)
        found = [line for path in paths for line in _check(page, base_url + path)]
        if who == "publiek":  # a login form that was filled in wrongly
            page.goto(f"{base_url}/inloggen")
            page.get_by_label("Gebruikersnaam").fill("niemand")
            page.get_by_label("Wachtwoord").fill("fout")
            page.get_by_role("button", name="Inloggen").click()
            page.wait_for_selector("#inlogfout")
            found += [f"inloggen (fout): {line}" for line in _violations(page)]
    finally:
        context.close()
    assert not found, "\n".join(found)


def test_the_council_report_passes_axe(demo_project: Path, page: Page, tmp_path: Path) -> None:
    out = tmp_path / "rapport.html"
    result = koers(
        "report", "sociaal-domein", "-p", str(demo_project), "--period", "2026-Q2",
        "--gemeente", DUIVEN, "--format", "html", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    page.goto(out.as_uri())
    found = _violations(page)
    assert not found, "\n".join(found)


def test_the_keyboard_skips_the_menu_and_shows_where_it_is(browser: Browser, base_url: str) -> None:
    """WCAG 2.4.1 and 2.4.7: the first Tab shows the skip link; following it, the next Tab
    lands in the page's content, and the focused element is outlined."""
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/meldingen/pieken")
        page.keyboard.press("Tab")
        skip = page.evaluate(
            "(() => { const e = document.activeElement, r = e.getBoundingClientRect();"
            " return [e.textContent, r.left >= 0 && r.top >= 0]; })()"
        )
        assert skip == ["Naar de inhoud", True]
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return [!!e.closest('main'), getComputedStyle(e).outlineStyle,"
            " parseFloat(getComputedStyle(e).outlineWidth)]; })()"
        )
        assert inside[0], "de volgende Tab hoort in de inhoud te landen"
        assert inside[1] != "none" and inside[2] >= 2, inside
    finally:
        context.close()
