"""Log-in through OpenID Connect in real Chromium, against a provider started on 127.0.0.1.

The project is made with the CLI; ``[access.oidc]`` points at the test provider of
tests/support/oidc_provider.py, which logs in whoever the test puts in ``provider.user``.
The browser follows every redirect itself: Koers → provider → Koers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect
from tests.support.browser import serve_app
from tests.support.demo import koers
from tests.support.oidc_provider import CLIENT_SECRET, TestProvider, serve_provider

from koers.access.oidc import DISABLED
from koers.web.app import create_app
from koers.web.routers.login import SESSION_COOKIE

SECRET_ENV = "KOERS_E2E_OIDC_SECRET"
OLGA = {
    "sub": "5f0e-olga",
    "preferred_username": "olga@duiven.nl",
    "name": "Olga Oidc",
    "roles": ["Koers.Analist.Duiven"],
}
BEA = {
    "sub": "77aa-bea",
    "preferred_username": "bea@gemeente.nl",
    "name": "Bea Heer",
    "roles": ["Koers.Beheerder"],
}
ROLE_MAPPING = """
[[access.oidc.role_mapping]]
value = "Koers.Analist.Duiven"
roles = ["analist"]
gemeenten = ["GM0226"]

[[access.oidc.role_mapping]]
value = "Koers.Beheerder"
roles = ["beheerder"]
"""


@pytest.fixture(scope="module")
def provider() -> Iterator[TestProvider]:
    with serve_provider() as served:
        yield served


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, provider: TestProvider) -> Path:
    folder = tmp_path_factory.mktemp("oidc") / "project"
    made = koers("init", str(folder), "--name", "OIDC-test")
    assert made.returncode == 0, made.stderr
    ran = koers("run", cwd=folder)  # an empty warehouse: the app opens it read-only
    assert ran.returncode == 0, ran.stderr
    section = (
        f'\n[access.oidc]\nissuer = "{provider.issuer}"\nclient_id = "{provider.client_id}"\n'
        f'client_secret_env = "{SECRET_ENV}"\ndisplay_name = "Test-IdP"\n'
        f"allow_http_issuer = true\n{ROLE_MAPPING}"
    )
    with (folder / "koers.toml").open("a", encoding="utf-8") as file:
        file.write(section)
    return folder


@pytest.fixture(scope="module")
def base_url(project: Path, provider: TestProvider) -> Iterator[str]:
    os.environ[SECRET_ENV] = CLIENT_SECRET
    try:
        with serve_app(create_app(project)) as url:
            provider.redirect_uris.add(f"{url}/inloggen/oidc/terug")
            yield url
    finally:
        os.environ.pop(SECRET_ENV, None)


def _visited_provider(page: Page, provider: TestProvider) -> list[str]:
    seen: list[str] = []

    def note(request: Request) -> None:
        if request.url.startswith(provider.issuer) and request.is_navigation_request():
            seen.append(request.url.split("?")[0])

    page.on("request", note)
    return seen


def test_log_in_with_the_provider_and_out_again(
    base_url: str, provider: TestProvider, page: Page
) -> None:
    provider.user = dict(OLGA)
    seen = _visited_provider(page, provider)
    page.goto(f"{base_url}/")
    header = page.locator("header.top")
    header.get_by_role("link", name="Inloggen").click()
    page.wait_for_url(f"{base_url}/inloggen?volgende=/")

    page.get_by_role("link", name="Inloggen met Test-IdP").click()
    page.wait_for_url(f"{base_url}/")
    assert seen == [f"{provider.issuer}/authorize"]
    expect(header).to_contain_text("Ingelogd als Olga Oidc (analist)")
    cookie = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    # The flow's own cookie is gone once it has been used.
    assert not [c for c in page.context.cookies() if c["name"] == "koers_oidc"]

    header.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{base_url}/inloggen?uitgelogd=1")
    expect(header).not_to_contain_text("Ingelogd als")


def test_a_mapped_beheerder_lands_on_the_page_asked_for(
    base_url: str, provider: TestProvider, page: Page
) -> None:
    provider.user = dict(BEA)
    page.goto(f"{base_url}/beheer")
    page.wait_for_url(f"{base_url}/inloggen?volgende=%2Fbeheer")
    page.get_by_role("link", name="Inloggen met Test-IdP").click()
    page.wait_for_url(f"{base_url}/beheer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Beheer")
    expect(page.locator("header.top")).to_contain_text("Ingelogd als Bea Heer (beheerder)")


def test_a_user_without_a_koers_role_is_refused(
    base_url: str, provider: TestProvider, page: Page
) -> None:
    provider.user = {
        **OLGA,
        "sub": "9c9c-kees",
        "preferred_username": "kees@elders.nl",
        "name": "Kees",
        "roles": ["Iets.Anders"],
    }
    page.goto(f"{base_url}/inloggen")
    with page.expect_response(lambda r: "/inloggen/oidc/terug" in r.url) as answer:
        page.get_by_role("link", name="Inloggen met Test-IdP").click()
    assert answer.value.status == 403
    expect(page.get_by_role("alert")).to_have_text(
        "U bent bij Test-IdP ingelogd als kees@elders.nl, maar u heeft geen rol in Koers. "
        "Vraag de beheerder van Koers in uw gemeente om u een rol te geven."
    )
    expect(page.locator("header.top")).not_to_contain_text("Ingelogd als")
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]


def test_disabling_in_koers_stops_an_oidc_user(
    project: Path, base_url: str, provider: TestProvider, page: Page
) -> None:
    provider.user = dict(OLGA)
    page.goto(f"{base_url}/inloggen")
    page.get_by_role("link", name="Inloggen met Test-IdP").click()
    page.wait_for_url(f"{base_url}/")
    expect(page.locator("header.top")).to_contain_text("Ingelogd als Olga Oidc")

    disabled = koers("users", "disable", "olga@duiven.nl", cwd=project)
    assert disabled.returncode == 0, disabled.stderr
    page.reload()
    expect(page.locator("header.top")).not_to_contain_text("Ingelogd als")
    try:
        page.goto(f"{base_url}/inloggen")
        page.get_by_role("link", name="Inloggen met Test-IdP").click()
        expect(page.get_by_role("alert")).to_have_text(DISABLED)
    finally:
        koers("users", "enable", "olga@duiven.nl", cwd=project)
