"""Issue 6's two pages in real Chromium: every chart is drawn under the strict CSP, the
tables and the story are there, and a click on a number in the story opens its query."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from tests.support.accounts import ensure_account
from tests.support.browser import serve_app

from koers.access.accounts import DEMO_PASSWORD
from koers.web.app import create_app


def test_meldingen_peaks_page_draws_its_charts(demo_project: Path, page: Page) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    with serve_app(create_app(demo_project)) as base_url:
        page.goto(f"{base_url}/")
        page.locator("header.top").get_by_role("link", name="Pieken in meldingen").click()
        for chart in ("pieken", "prognose"):
            page.wait_for_selector(f"#{chart}-chart[data-drawn='true']", timeout=30_000)
            assert page.locator(f"#{chart}-chart svg .mark-line path").count() >= 1
        assert page.locator("ul.narrative li").count() >= 1
        page.select_option("select[name=gemeente]", "GM0299")
        page.get_by_role("button", name="Toon").click()
        page.wait_for_selector("#prognose-chart[data-drawn='true']", timeout=30_000)
        assert "gemeente=GM0299" in page.url
    assert not errors, errors


def test_burgerzaken_page_draws_forecast_band_and_wave(demo_project: Path, page: Page) -> None:
    ensure_account(demo_project, "bz-browser", "manager", gemeenten=("GM0299",))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    with serve_app(create_app(demo_project)) as base_url:
        page.goto(f"{base_url}/reisdocumenten")  # the public is sent to log in first
        page.get_by_label("Gebruikersnaam").fill("bz-browser")
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{base_url}/reisdocumenten")
        page.wait_for_selector("#prognose-chart[data-drawn='true']", timeout=30_000)
        assert page.locator("#prognose-chart svg .mark-area path").count() == 1  # the band
        page.wait_for_selector("#golf-chart[data-drawn='true']", timeout=30_000)
        legend = page.locator("#golf-chart svg .role-legend").text_content() or ""
        assert "10 jaar geldig" in legend and "5 jaar geldig" in legend
        story = page.locator("ul.narrative")
        assert "verwachten we in Zevenaar" in (story.text_content() or "")
        with page.expect_response(lambda r: "/api/tabellen/" in r.url) as answer:
            story.locator("a.fact").first.click()
        assert answer.value.status == 200
    assert not errors, errors
