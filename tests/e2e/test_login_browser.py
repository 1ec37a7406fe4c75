"""Log-in, log-out, lockout and CSRF in real Chromium, against a project made with the CLI.

The accounts are created the way an operator does it (``koers users add`` with the password
on stdin); the server is the real app on 127.0.0.1.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.support.browser import serve_app
from tests.support.demo import koers

from koers.web.app import create_app
from koers.web.routers.login import LOGIN_FAILED

PASSWORD = "een lange zin als wachtwoord"


def _add_user(project: Path, name: str, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "koers", "users", "add", name, *args, "--wachtwoord-stdin"],
        input=PASSWORD + "\n",
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("login") / "project"
    made = koers("init", str(folder), "--name", "Inlogtest")
    assert made.returncode == 0, made.stderr
    ran = koers("run", cwd=folder)  # an empty warehouse: the app opens it read-only
    assert ran.returncode == 0, ran.stderr
    _add_user(folder, "ana", "--rol", "analist", "--gemeente", "GM0226", "--naam", "Ana Liste")
    _add_user(folder, "bob", "--rol", "raadslid", "--alle-gemeenten")
    return folder


@pytest.fixture(scope="module")
def base_url(project: Path) -> Iterator[str]:
    with serve_app(create_app(project)) as url:
        yield url


def _submit_login(page: Page, username: str, password: str) -> None:
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def test_log_in_wrong_password_and_log_out(base_url: str, page: Page) -> None:
    page.goto(f"{base_url}/")
    header = page.locator("header.top")
    header.get_by_role("link", name="Inloggen").click()
    page.wait_for_url(f"{base_url}/inloggen?volgende=/")

    _submit_login(page, "ana", "niet het wachtwoord")
    expect(page.get_by_role("alert")).to_have_text(LOGIN_FAILED)
    expect(page.get_by_label("Gebruikersnaam")).to_have_value("ana")
    expect(page.get_by_label("Wachtwoord")).to_have_value("")  # never sent back

    _submit_login(page, "ana", PASSWORD)
    page.wait_for_url(f"{base_url}/")
    expect(header).to_contain_text("Ingelogd als Ana Liste (analist)")
    cookie = next(c for c in page.context.cookies() if c["name"] == "koers_sessie")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    # The page's scripts cannot read the session cookie.
    assert "koers_sessie" not in page.evaluate("document.cookie")

    header.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{base_url}/inloggen?uitgelogd=1")
    expect(page.get_by_role("status")).to_have_text("U bent uitgelogd.")
    assert not [c for c in page.context.cookies() if c["name"] == "koers_sessie"]
    page.goto(f"{base_url}/")
    expect(header.get_by_role("link", name="Inloggen")).to_be_visible()
    expect(header).not_to_contain_text("Ingelogd als")


def test_five_wrong_passwords_lock_the_account_until_enabled(
    project: Path, base_url: str, page: Page
) -> None:
    page.goto(f"{base_url}/inloggen")
    for _ in range(5):
        _submit_login(page, "bob", "niet het wachtwoord")
        expect(page.get_by_role("alert")).to_have_text(LOGIN_FAILED)
    # Locked: the right password gets the very same answer.
    _submit_login(page, "bob", PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(LOGIN_FAILED)
    expect(page.locator("header.top")).not_to_contain_text("Ingelogd als")
    listed = koers("users", "list", cwd=project)
    assert "geblokkeerd tot" in listed.stdout

    enabled = koers("users", "enable", "bob", cwd=project)
    assert enabled.returncode == 0, enabled.stderr
    _submit_login(page, "bob", PASSWORD)
    page.wait_for_url(f"{base_url}/")
    expect(page.locator("header.top")).to_contain_text("Ingelogd als bob (raadslid)")


def test_forms_without_a_valid_csrf_token_are_refused(base_url: str, page: Page) -> None:
    # The real log-in form with its hidden token taken out.
    page.goto(f"{base_url}/inloggen")
    page.evaluate("document.querySelector('input[name=csrf_token]').remove()")
    response_holder = []
    page.on("response", lambda r: response_holder.append(r.status))
    _submit_login(page, "ana", PASSWORD)
    assert 403 in response_holder
    expect(page.get_by_role("heading", level=1)).to_have_text("Dat lukte niet")
    expect(page.locator("main")).to_contain_text("niet verwerkt")

    # A form on another site that posts a log-in here (log-in CSRF) with a made-up token.
    page.set_content(
        f'<form method="post" action="{base_url}/inloggen">'
        '<input name="csrf_token" value="geraden"><input name="gebruikersnaam" value="ana">'
        f'<input name="wachtwoord" value="{PASSWORD}"><button>Verstuur</button></form>'
    )
    with page.expect_response(f"{base_url}/inloggen") as forged:
        page.get_by_role("button", name="Verstuur").click()
    assert forged.value.status == 403
    page.goto(f"{base_url}/")
    expect(page.locator("header.top")).not_to_contain_text("Ingelogd als")
