"""The meldingen dashboard in real Chromium: the charts are drawn, the filters work."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from tests.support.browser import serve_app

from koers.web.app import create_app


def test_dashboard_draws_a_chart_for_three_municipalities(demo_project: Path, page: Page) -> None:
    with serve_app(create_app(demo_project)) as base_url:
        page.goto(f"{base_url}/")
        page.get_by_role("link", name="Meldingen openbare ruimte").click()
        page.wait_for_selector("#panel-0-chart[data-drawn='true']", timeout=30_000)
        # vega-embed drew SVG lines, one per municipality, with a legend naming all three.
        lines = page.locator("#panel-0-chart svg .mark-line path")
        assert lines.count() == 3
        legend = page.locator("#panel-0-chart svg .role-legend").text_content() or ""
        for naam in ("Duiven", "Westervoort", "Zevenaar"):
            assert naam in legend
        assert page.locator("[data-spec-id][data-drawn='true']").count() == 4

        page.select_option("select[name=gemeente]", "GM0293")
        page.get_by_role("button", name="Toon").click()
        page.wait_for_selector("#panel-0-chart[data-drawn='true']", timeout=30_000)
        assert "gemeente=GM0293" in page.url
        assert page.locator("#panel-0-chart svg .mark-line path").count() == 1
        page.screenshot(path=str(demo_project / "dashboard.png"), full_page=True)
