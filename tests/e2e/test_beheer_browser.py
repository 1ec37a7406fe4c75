"""The Beheer page in real Chromium: reached from the menu, filtered by source, lineage picked."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page
from tests.support.browser import serve_app

from koers.access.accounts import DEMO_PASSWORD
from koers.web.app import create_app


def test_beheer_page_filters_the_quarantine_and_shows_lineage(
    demo_project: Path, page: Page
) -> None:
    with serve_app(create_app(demo_project)) as base_url:
        page.goto(f"{base_url}/")
        menu = page.get_by_role("navigation", name="Hoofdmenu")
        assert menu.get_by_role("link", name="Beheer").count() == 0  # not for the public
        page.goto(f"{base_url}/beheer")
        page.wait_for_url("**/inloggen?volgende=%2Fbeheer")
        page.get_by_label("Gebruikersnaam").fill("beheerder")
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url("**/beheer")
        page.goto(f"{base_url}/")
        menu.get_by_role("link", name="Beheer").click()
        page.wait_for_url("**/beheer")
        assert page.get_by_role("heading", name="Beheer", exact=True).is_visible()
        assert page.locator("#ladingen table tbody tr").count() > 0
        rows = page.locator("#quarantaine-tabel tbody tr")
        truth = json.loads((demo_project / "grondwaarheid" / "meldingen.json").read_text())
        planted = truth["malformed_rows"]
        assert rows.count() == sum(len(r) for r in planted.values())

        page.select_option("select[name=bron]", "meldingen_zevenaar")
        page.get_by_role("button", name="Toon", exact=True).click()
        page.wait_for_url("**bron=meldingen_zevenaar**")
        first_cells = rows.locator("td:first-child").all_text_contents()
        assert len(first_cells) == sum(len(r) for n, r in planted.items() if "_GM0299_" in n)
        assert set(first_cells) == {"meldingen_zevenaar"}
        assert page.locator("select[name=bron]").input_value() == "meldingen_zevenaar"

        page.select_option("select[name=tabel]", "marts.meldingen_dag")
        page.get_by_role("button", name="Toon herkomst").click()
        page.wait_for_url("**tabel=marts.meldingen_dag**")
        lineage = page.locator("#herkomst-tabel tbody tr")
        assert lineage.count() == len(list((demo_project / "bronnen").glob("meldingen/*/*.csv")))
        # The source filter survives picking a table.
        assert "bron=meldingen_zevenaar" in page.url
        page.screenshot(path=str(demo_project / "beheer.png"), full_page=True)
