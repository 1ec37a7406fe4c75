"""Local accounts: hashing, lockout arithmetic, sessions, CSRF, roles, the CLI and the web flow.

The browser version of the log-in flow is tests/e2e/test_login_browser.py; here the same
rules are checked quickly, one at a time, through the functions and an in-process client.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher, Type
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.helpers import write_project

from koers.access import csrf, passwords
from koers.access.accounts import (
    AccountError,
    FailureState,
    LockoutPolicy,
    NewAccount,
    accounts_table,
    add_account,
    after_failure,
    authenticate,
    ensure_demo_accounts,
    get_account,
    list_accounts,
    set_disabled,
)
from koers.access.sessions import (
    SessionPolicy,
    create_session,
    end_session,
    purge_expired,
    resolve_session,
    session_expired,
    sessions_table,
    token_hash,
)
from koers.access.store import open_store
from koers.config import load_project
from koers.engine import connect
from koers.privacy.access import PUBLIC, Principal, PrivacyLevel
from koers.privacy.roles import ROLES, levels_for, principal_for
from koers.web.deps import CurrentUser
from koers.web.routers.login import LOGIN_FAILED, SESSION_COOKIE, safe_next

PASSWORD = "een lange zin als wachtwoord"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KNOWN = ("GM0226", "GM0293", "GM0299")
POLICY = LockoutPolicy()


def _account(name: str = "ana", **changes: object) -> NewAccount:
    base = NewAccount(
        username=name,
        display_name="Ana Liste",
        password=PASSWORD,
        roles=("analist",),
        gemeenten=("GM0226",),
    )
    return NewAccount(**{**base.__dict__, **changes})  # type: ignore[arg-type]


REAL_HASHER = passwords.HASHER


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cheap argon2 parameters: the rules under test do not depend on the cost, and the real
    one (64 MiB per check) would make these tests slow. Hashing tests ask for the real one."""
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    passwords.dummy_hash.cache_clear()
    yield
    passwords.dummy_hash.cache_clear()


@pytest.fixture()
def project_dir(tmp_path: Path) -> Path:
    (tmp_path / "project").mkdir()
    folder = write_project(tmp_path / "project", sources=())
    # The web app opens the warehouse read-only, so it must exist (empty is fine).
    connect(load_project(folder)).close()
    return folder


@pytest.fixture()
def store(project_dir: Path) -> Iterator[Engine]:
    engine = open_store(load_project(project_dir))
    yield engine
    engine.dispose()


# --- passwords ---------------------------------------------------------------------------


def test_hash_is_argon2id_and_verifies_only_the_right_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(passwords, "HASHER", REAL_HASHER)
    stored = passwords.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert passwords.verify(stored, PASSWORD) == passwords.Verified(ok=True)
    assert not passwords.verify(stored, PASSWORD + "x").ok
    assert not passwords.verify("geen hash", PASSWORD).ok
    assert not passwords.verify(stored, "x" * (passwords.MAX_LENGTH + 1)).ok


def test_a_hash_with_old_parameters_is_replaced_at_log_in(
    store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "HASHER", REAL_HASHER)
    add_account(store, _account(), KNOWN)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    with store.begin() as connection:
        connection.execute(accounts_table.update().values(password_hash=weak.hash(PASSWORD)))
    assert passwords.verify(weak.hash(PASSWORD), PASSWORD).new_hash is not None

    assert authenticate(store, "ana", PASSWORD, POLICY, T0) is not None

    with store.connect() as connection:
        stored = connection.execute(select(accounts_table.c.password_hash)).scalar_one()
    assert not passwords.HASHER.check_needs_rehash(stored)
    assert passwords.verify(stored, PASSWORD) == passwords.Verified(ok=True)


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("elf tekens!", "minstens 12 tekens"), (" met spatie voor", "spatie")],
)
def test_weak_passwords_are_refused_in_dutch(password: str, fragment: str) -> None:
    with pytest.raises(passwords.WeakPassword, match=fragment):
        passwords.check_new_password(password)
    passwords.check_new_password("twaalf tekns")  # exactly 12: accepted


# --- lockout arithmetic ------------------------------------------------------------------


def _fail_times(minutes: list[float], policy: LockoutPolicy = POLICY) -> FailureState:
    state = FailureState()
    for minute in minutes:
        state = after_failure(state, T0 + timedelta(minutes=minute), policy)
    return state


def test_five_failures_within_the_window_lock_for_the_lockout_time() -> None:
    assert _fail_times([0, 1, 2, 3]).locked_until is None
    locked = _fail_times([0, 1, 2, 3, 14])
    assert locked.locked_until == T0 + timedelta(minutes=14 + 15)
    assert locked.count == 0


def test_failures_spread_over_more_than_the_window_do_not_lock() -> None:
    # The fifth comes 15 minutes after the first: a new window starts with it.
    state = _fail_times([0, 1, 2, 3, 15])
    assert state.locked_until is None
    assert state.count == 1
    assert state.since == T0 + timedelta(minutes=15)


def test_lockout_policy_comes_from_the_config() -> None:
    policy = LockoutPolicy(attempts=3, window=timedelta(minutes=5), duration=timedelta(hours=1))
    assert _fail_times([0, 1, 2], policy).locked_until == T0 + timedelta(minutes=62)


def test_lockout_through_authenticate_and_release_after_the_lock(
    store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_account(store, _account(), KNOWN)
    for minute in range(5):
        assert (
            authenticate(store, "ana", "fout wachtwoord!", POLICY, T0 + timedelta(minutes=minute))
            is None
        )
    account = get_account(store, "ana")
    assert account is not None and account.locked(T0 + timedelta(minutes=5))

    burned: list[str] = []
    monkeypatch.setattr(passwords, "burn_time", burned.append)
    # Locked: even the right password fails, and the dummy hash is checked instead.
    assert authenticate(store, "ana", PASSWORD, POLICY, T0 + timedelta(minutes=10)) is None
    assert burned == [PASSWORD]
    # The lock ends 15 minutes after the fifth failure.
    after = T0 + timedelta(minutes=4 + 15)
    assert authenticate(store, "ana", PASSWORD, POLICY, after) is not None


def test_enable_lifts_a_lockout(store: Engine) -> None:
    add_account(store, _account(), KNOWN)
    for _ in range(5):
        authenticate(store, "ana", "fout wachtwoord!", POLICY, T0)
    assert authenticate(store, "ana", PASSWORD, POLICY, T0) is None
    set_disabled(store, "ana", disabled=False)
    assert authenticate(store, "ana", PASSWORD, POLICY, T0) is not None


def test_unknown_and_disabled_accounts_cost_a_hash_check_and_count_nothing(
    store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_account(store, _account(), KNOWN)
    set_disabled(store, "ana", disabled=True)
    burned: list[str] = []
    monkeypatch.setattr(passwords, "burn_time", burned.append)
    assert authenticate(store, "niemand", "wat dan ook", POLICY, T0) is None
    assert authenticate(store, "ana", PASSWORD, POLICY, T0) is None
    assert burned == ["wat dan ook", PASSWORD]
    account = get_account(store, "ana")
    assert account is not None and account.failed_count == 0


# --- accounts ----------------------------------------------------------------------------


def test_unknown_role_or_gemeente_names_the_valid_ones(store: Engine) -> None:
    with pytest.raises(AccountError, match="onbekende rol 'baas'; mogelijk: beheerder, analist"):
        add_account(store, _account(roles=("baas",)), KNOWN)
    with pytest.raises(AccountError, match=r"onbekende gemeente 'GM0001'.*GM0226, GM0293, GM0299"):
        add_account(store, _account(gemeenten=("GM0001",)), KNOWN)
    with pytest.raises(AccountError, match="geen geldige gebruikersnaam"):
        add_account(store, _account(name="a b"), KNOWN)
    add_account(store, _account(), KNOWN)
    with pytest.raises(AccountError, match="bestaat al"):
        add_account(store, _account(name="ANA"), KNOWN)


def test_ensure_demo_accounts_is_idempotent(store: Engine) -> None:
    wanted = [_account("ana"), _account("rob", roles=("raadslid",), gemeenten=None)]
    assert ensure_demo_accounts(store, wanted, KNOWN) == ["ana", "rob"]
    set_disabled(store, "rob", disabled=True)
    assert ensure_demo_accounts(store, wanted, KNOWN) == []
    accounts = {a.username: a for a in list_accounts(store)}
    assert accounts["rob"].disabled and accounts["rob"].gemeenten is None


# --- sessions ----------------------------------------------------------------------------


def test_the_store_keeps_only_a_hash_of_the_session_id(store: Engine) -> None:
    add_account(store, _account(), KNOWN)
    token = create_session(store, "ana", T0)
    assert len(token) >= 43  # 32 random bytes
    with store.connect() as connection:
        stored = connection.execute(select(sessions_table.c.id_sha256)).scalar_one()
    assert stored == token_hash(token) != token
    session = resolve_session(store, token, SessionPolicy(), T0 + timedelta(minutes=1))
    assert session is not None and session.account.username == "ana"
    assert resolve_session(store, stored, SessionPolicy(), T0) is None
    assert resolve_session(store, "x" * 500, SessionPolicy(), T0) is None


@pytest.mark.parametrize(
    ("last_seen_min", "now_min", "expired"),
    [(0, 29, False), (0, 30, True), (590, 599, False), (595, 600, True)],
)
def test_session_expiry_arithmetic(last_seen_min: int, now_min: int, expired: bool) -> None:
    def at(minute: int) -> datetime:
        return T0 + timedelta(minutes=minute)

    assert session_expired(T0, at(last_seen_min), at(now_min), SessionPolicy()) is expired


def test_idle_and_absolute_expiry_end_the_session(store: Engine) -> None:
    add_account(store, _account(), KNOWN)
    policy = SessionPolicy(idle=timedelta(minutes=30), max_age=timedelta(hours=10))
    idle = create_session(store, "ana", T0)
    assert resolve_session(store, idle, policy, T0 + timedelta(minutes=31)) is None
    # Ended, not only refused: it stays gone when asked at an earlier time.
    assert resolve_session(store, idle, policy, T0) is None

    busy = create_session(store, "ana", T0)
    moment = T0
    for _ in range(19):  # a request every 29 minutes keeps it alive ...
        moment += timedelta(minutes=29)
        assert resolve_session(store, busy, policy, moment) is not None
    # ... but not past ten hours.
    assert resolve_session(store, busy, policy, T0 + timedelta(hours=10)) is None


def test_log_out_disable_and_purge_end_sessions(store: Engine) -> None:
    add_account(store, _account(), KNOWN)
    first, second = create_session(store, "ana", T0), create_session(store, "ana", T0)
    end_session(store, first)
    assert resolve_session(store, first, SessionPolicy(), T0) is None
    assert resolve_session(store, second, SessionPolicy(), T0) is not None
    set_disabled(store, "ana", disabled=True)
    set_disabled(store, "ana", disabled=False)
    assert resolve_session(store, second, SessionPolicy(), T0) is None
    create_session(store, "ana", T0)
    assert purge_expired(store, SessionPolicy(), T0 + timedelta(hours=11)) == 1


# --- CSRF --------------------------------------------------------------------------------


def test_csrf_tokens_match_only_when_equal_and_present() -> None:
    token = csrf.new_token()
    assert csrf.tokens_match(token, token)
    assert not csrf.tokens_match(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert not csrf.tokens_match(token, "")
    assert not csrf.tokens_match(None, None)
    assert not csrf.tokens_match("", "")
    assert not csrf.tokens_match(token, token + "x" * 200)
    assert csrf.session_token("a") == csrf.session_token("a") != csrf.session_token("b")


# --- roles -------------------------------------------------------------------------------

OPEN, INTERN, VERTR = PrivacyLevel.OPENBAAR, PrivacyLevel.INTERN, PrivacyLevel.VERTROUWELIJK


@pytest.mark.parametrize(
    ("role", "levels"),
    [
        ("beheerder", {OPEN, INTERN}),
        ("analist", {OPEN, INTERN, VERTR}),
        ("manager", {OPEN, INTERN}),
        ("raadslid", {OPEN, INTERN}),
        ("privacy-officer", {OPEN, INTERN, VERTR}),
    ],
)
def test_role_levels(role: str, levels: set[PrivacyLevel]) -> None:
    assert levels_for([role]) == levels


def test_the_roles_are_the_fixed_dutch_set_and_unknown_names_add_nothing() -> None:
    assert set(ROLES) == {"beheerder", "analist", "manager", "raadslid", "privacy-officer"}
    assert levels_for(["verwijderde-rol"]) == PUBLIC.levels
    assert levels_for(["raadslid", "analist"]) == {OPEN, INTERN, VERTR}
    assert principal_for("x", ["manager"], None).gemeenten is None
    principal = principal_for("x", ["analist"], ["GM0226"])
    assert principal.may_see_gemeente("GM0226") and not principal.may_see_gemeente("GM0293")


# --- the web flow ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/dashboards/meldingen?gemeente=GM0226", "/dashboards/meldingen?gemeente=GM0226"),
        ("/beheer", "/beheer"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/pad", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/\tevil", "/"),
        ("/inloggen?volgende=/x", "/"),
        ("beheer", "/"),
    ],
)
def test_only_local_paths_are_followed_after_log_in(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def _client(project_dir: Path, base_url: str = "http://127.0.0.1") -> TestClient:
    from koers.web.app import create_app

    app = create_app(project_dir)

    def whoami(user: CurrentUser) -> dict[str, object]:
        return {
            "name": user.name,
            "roles": sorted(user.roles),
            "gemeenten": None if user.gemeenten is None else sorted(user.gemeenten),
            "levels": sorted(user.levels),
        }

    app.add_api_route("/_test/wie", whoami)
    return TestClient(app, base_url=base_url)


def _form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def _log_in(
    client: TestClient, password: str = PASSWORD, volgende: str = "/beheer"
) -> httpx.Response:
    token = _form_token(client.get("/inloggen").text)
    return client.post(
        "/inloggen",
        data={
            "csrf_token": token,
            "gebruikersnaam": "ana",
            "wachtwoord": password,
            "volgende": volgende,
        },
        follow_redirects=False,
    )


def test_log_in_sets_a_safe_cookie_and_makes_the_principal(
    project_dir: Path, store: Engine
) -> None:
    add_account(store, _account(), KNOWN)
    client = _client(project_dir)
    assert client.get("/_test/wie").json()["name"] == PUBLIC.name

    response = _log_in(client, volgende="https://evil.example/")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    assert "Secure" not in session_cookie  # plain http on 127.0.0.1: the demo
    assert client.get("/_test/wie").json() == {
        "name": "ana",
        "roles": ["analist"],
        "gemeenten": ["GM0226"],
        "levels": ["intern", "openbaar", "vertrouwelijk"],
    }
    page = client.get("/inloggen").text
    assert "Ingelogd als Ana Liste (analist)" in page and "Uitloggen" in page


def test_over_https_the_cookies_are_secure(project_dir: Path, store: Engine) -> None:
    add_account(store, _account(), KNOWN)
    client = _client(project_dir, base_url="https://koers.example.nl")
    cookies = _log_in(client).headers.get_list("set-cookie")
    assert cookies and all("Secure" in c for c in cookies)


def test_log_in_rotates_the_session_id_and_log_out_ends_it(
    project_dir: Path, store: Engine
) -> None:
    add_account(store, _account(), KNOWN)
    client = _client(project_dir)
    _log_in(client)
    first = client.cookies[SESSION_COOKIE]
    _log_in(client)
    second = client.cookies[SESSION_COOKIE]
    assert first != second
    assert resolve_session(store, first, SessionPolicy()) is None

    token = _form_token(client.get("/inloggen").text)
    response = client.post("/uitloggen", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert resolve_session(store, second, SessionPolicy()) is None
    assert client.get("/_test/wie").json()["name"] == PUBLIC.name
    assert "U bent uitgelogd." in client.get(response.headers["location"]).text


def test_wrong_password_unknown_user_and_lockout_give_one_message(
    project_dir: Path, store: Engine
) -> None:
    add_account(store, _account(), KNOWN)
    client = _client(project_dir)
    for _ in range(5):
        response = _log_in(client, password="fout wachtwoord!")
        assert LOGIN_FAILED in response.text
    locked = _log_in(client)
    token = _form_token(client.get("/inloggen").text)
    unknown = client.post(
        "/inloggen",
        data={"csrf_token": token, "gebruikersnaam": "niemand", "wachtwoord": PASSWORD},
    )

    def message(html: str) -> str:
        found = re.search(r'<p class="fout"[^>]*>([^<]*)</p>', html)
        assert found
        return found.group(1)

    assert message(locked.text) == message(unknown.text) == LOGIN_FAILED
    assert client.get("/_test/wie").json()["name"] == PUBLIC.name


def test_forms_without_the_right_token_get_403_in_dutch(project_dir: Path, store: Engine) -> None:
    add_account(store, _account(), KNOWN)
    client = _client(project_dir)
    pre_session = _form_token(client.get("/inloggen").text)
    login = {"gebruikersnaam": "ana", "wachtwoord": PASSWORD}
    for data in (login, {**login, "csrf_token": "vervalst"}, {**login, "csrf_token": ""}):
        response = client.post("/inloggen", data=data)
        assert response.status_code == 403
        assert "niet verwerkt" in response.text
    # Another browser's token (no matching cookie) is refused too.
    stranger = _client(project_dir)
    assert stranger.post("/inloggen", data={**login, "csrf_token": pre_session}).status_code == 403

    _log_in(client)
    # After log-in the pre-session token no longer works for log-out.
    response = client.post("/uitloggen", data={"csrf_token": pre_session})
    assert response.status_code == 403
    assert client.get("/_test/wie").json()["name"] == "ana"


def test_disabling_an_account_ends_its_web_session_at_once(
    project_dir: Path, store: Engine
) -> None:
    add_account(store, _account(), KNOWN)
    client = _client(project_dir)
    _log_in(client)
    assert client.get("/_test/wie").json()["name"] == "ana"
    set_disabled(store, "ana", disabled=True)
    assert client.get("/_test/wie").json()["name"] == PUBLIC.name


# --- koers users -------------------------------------------------------------------------


def _koers(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "koers", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_koers_users_add_list_disable_enable(project_dir: Path, store: Engine) -> None:
    p = ("--project", str(project_dir))
    added = _koers(
        "users", "add", "j.jansen", "--rol", "manager", "--gemeente", "GM0226",
        "--gemeente", "GM0293", "--naam", "Jan Jansen", "--wachtwoord-stdin", *p,
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Account j.jansen gemaakt: manager voor GM0226, GM0293." in added.stdout
    assert authenticate(store, "j.jansen", PASSWORD, POLICY) is not None

    listed = _koers("users", "list", *p)
    assert listed.returncode == 0, listed.stderr
    assert "j.jansen" in listed.stdout and "Jan Jansen" in listed.stdout
    assert "argon2" not in listed.stdout and PASSWORD not in listed.stdout

    assert _koers("users", "disable", "j.jansen", *p).returncode == 0
    assert authenticate(store, "j.jansen", PASSWORD, POLICY) is None
    assert _koers("users", "enable", "j.jansen", *p).returncode == 0
    assert authenticate(store, "j.jansen", PASSWORD, POLICY) is not None


@pytest.mark.parametrize(
    ("args", "stdin", "error"),
    [
        (["--rol", "baas", "--gemeente", "GM0226"], PASSWORD, "onbekende rol 'baas'; mogelijk:"),
        (["--rol", "analist", "--gemeente", "GM9999"], PASSWORD, "in dit project: GM0226, GM0293"),
        (["--rol", "analist", "--alle-gemeenten"], "te kort", "minstens 12 tekens"),
        (["--rol", "analist"], PASSWORD, "--alle-gemeenten"),
    ],
)
def test_koers_users_add_refuses_with_one_dutch_line(
    project_dir: Path, args: list[str], stdin: str, error: str
) -> None:
    result = _koers(
        "users", "add", "x.y", *args, "--wachtwoord-stdin", "--project", str(project_dir),
        stdin=stdin + "\n",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("fout: ") and error in result.stderr
    assert "Traceback" not in result.stderr


def test_current_user_of_an_unknown_role_only_gets_what_the_public_gets() -> None:
    # A role removed from ROLES after an account was made must not keep its old levels.
    assert principal_for("oud", ["vroegere-rol"], None).levels == PUBLIC.levels
    assert isinstance(principal_for("x", [], None), Principal)


def test_demo_accounts_cover_every_role_and_can_log_in(store: Engine) -> None:
    from koers.access.accounts import DEMO_PASSWORD, demo_accounts

    wanted = demo_accounts(KNOWN)
    assert {role for account in wanted for role in account.roles} == set(ROLES)
    assert ensure_demo_accounts(store, wanted, KNOWN) == [a.username for a in wanted]
    assert ensure_demo_accounts(store, wanted, KNOWN) == []
    analist = authenticate(store, "analist-gm0226", DEMO_PASSWORD, POLICY)
    assert analist is not None and analist.principal().gemeenten == {"GM0226"}
