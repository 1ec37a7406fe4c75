"""OpenID Connect log-in: ID-token validation, PKCE, state, claim mapping and the web flow.

Everything runs against the small but real provider of tests/support/oidc_provider.py on
127.0.0.1; the browser version is tests/e2e/test_oidc_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.helpers import write_project
from tests.support.oidc_provider import (
    CLIENT_SECRET,
    TestProvider,
    new_rsa_key,
    serve_provider,
)

from koers.access.accounts import (
    NewAccount,
    accounts_table,
    add_account,
    get_account,
    now_utc,
    set_disabled,
)
from koers.access.oidc import (
    DISABLED,
    EXPIRED,
    MIXED_GEMEENTEN,
    Grant,
    OidcClient,
    OidcError,
    OidcRefused,
    begin_login,
    claim_values,
    complete_login,
    grant_for,
    oidc_logins_table,
    sign_in,
)
from koers.access.store import open_store
from koers.config import load_project
from koers.config.project import OidcConfig
from koers.engine import connect
from koers.errors import ConfigError
from koers.web.routers.login import SESSION_COOKIE

SECRET_ENV = "KOERS_TEST_OIDC_SECRET"
REDIRECT = "http://testserver/inloggen/oidc/terug"
NONCE = "nonce-van-deze-poging"
MAPPING: list[dict[str, Any]] = [
    {"value": "Koers.Analist.Duiven", "roles": ["analist"], "gemeenten": ["GM0226"]},
    {"value": "Koers.Analist.Westervoort", "roles": ["analist"], "gemeenten": ["GM0293"]},
    {"value": "Koers.Beheerder", "roles": ["beheerder"]},
    {"value": "Koers.Privacy", "roles": ["privacy-officer"]},
]
ANA = {
    "sub": "0b1c-ana",
    "preferred_username": "Ana@Duiven.nl",
    "name": "Ana Liste",
    "roles": ["Koers.Analist.Duiven", "Iets.Anders"],
}


@pytest.fixture(scope="module")
def provider() -> Iterator[TestProvider]:
    with serve_provider() as served:
        served.redirect_uris.add(REDIRECT)
        yield served


@pytest.fixture(autouse=True)
def _fresh_provider(provider: TestProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    provider.user = dict(ANA)
    provider.id_token_override = None
    provider.refusals.clear()
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)


def _config(provider: TestProvider, **changes: Any) -> OidcConfig:
    values: dict[str, Any] = {
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "client_secret_env": SECRET_ENV,
        "display_name": "Test-IdP",
        "allow_http_issuer": True,
        "role_mapping": MAPPING,
        **changes,
    }
    return OidcConfig.model_validate(values)


@pytest.fixture()
def client(provider: TestProvider) -> Iterator[OidcClient]:
    made = OidcClient(_config(provider))
    yield made
    made.close()


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Engine]:
    folder = write_project(tmp_path, sources=())
    engine = open_store(load_project(folder))
    yield engine
    engine.dispose()


# -- ID-token validation -----------------------------------------------------------------


def _token(provider: TestProvider, **claims: Any) -> str:
    return provider.make_id_token({"sub": "0b1c-ana", "nonce": NONCE, **claims})


def test_a_valid_id_token_gives_its_claims(provider: TestProvider, client: OidcClient) -> None:
    claims = client.validate_id_token(_token(provider, name="Ana"), NONCE)
    assert claims["sub"] == "0b1c-ana"
    assert claims["name"] == "Ana"


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"iss": "http://127.0.0.1:1/anders"}, id="wrong-issuer"),
        pytest.param({"aud": "een-andere-app"}, id="wrong-audience"),
        pytest.param({"exp": int(time.time()) - 120}, id="expired"),
        pytest.param({"nonce": "andere-poging"}, id="wrong-nonce"),
        pytest.param({"nonce": None}, id="no-nonce"),
        pytest.param({"iat": int(time.time()) - 3600}, id="issued-long-ago"),
        pytest.param({"iat": int(time.time()) + 3600}, id="issued-in-the-future"),
        pytest.param({"aud": ["koers-test", "andere"]}, id="two-audiences-without-azp"),
        pytest.param({"exp": None}, id="no-expiry"),
    ],
)
def test_id_tokens_with_wrong_claims_are_refused(
    provider: TestProvider, client: OidcClient, claims: dict[str, Any]
) -> None:
    token = provider.make_id_token({"sub": "0b1c-ana", "nonce": NONCE, **claims})
    with pytest.raises(OidcError, match="niet gelukt"):
        client.validate_id_token(token, NONCE)


def test_two_audiences_are_accepted_with_koers_as_azp(
    provider: TestProvider, client: OidcClient
) -> None:
    token = _token(provider, aud=["koers-test", "andere"], azp="koers-test")
    assert client.validate_id_token(token, NONCE)["azp"] == "koers-test"


def test_a_token_signed_with_another_key_is_refused(
    provider: TestProvider, client: OidcClient
) -> None:
    forged = provider.make_id_token({"sub": "x", "nonce": NONCE}, key=new_rsa_key())
    with pytest.raises(OidcError):
        client.validate_id_token(forged, NONCE)
    unknown_kid = provider.make_id_token({"sub": "x", "nonce": NONCE}, kid="onbekend")
    with pytest.raises(OidcError):
        client.validate_id_token(unknown_kid, NONCE)


def test_alg_none_and_hs256_are_refused(provider: TestProvider, client: OidcClient) -> None:
    now = int(time.time())
    body = {"iss": provider.issuer, "aud": provider.client_id, "iat": now, "exp": now + 300}
    body.update(sub="x", nonce=NONCE)
    unsigned = provider.make_id_token(body, key=None, algorithm="none")
    # HS256 with the client id as "key": what an attacker could compute.
    hmac_signed = provider.make_id_token(body, key=provider.client_id * 4, algorithm="HS256")
    header, payload, _ = hmac_signed.split(".")
    stripped = f"{header}.{payload}."
    for token in (unsigned, hmac_signed, stripped, "geen.token", ""):
        with pytest.raises(OidcError):
            client.validate_id_token(token, NONCE)


def test_a_rotated_key_is_fetched_again(provider: TestProvider, client: OidcClient) -> None:
    client.validate_id_token(_token(provider), NONCE)
    old_key, old_kid = provider.key, provider.kid
    provider.key, provider.kid = new_rsa_key(), "test-key-2"
    try:
        client._keys_at = time.time() - 60  # the refetch pause has passed
        assert client.validate_id_token(_token(provider), NONCE)["sub"] == "0b1c-ana"
    finally:
        provider.key, provider.kid = old_key, old_kid


def test_discovery_must_name_the_configured_issuer(provider: TestProvider) -> None:
    other = OidcClient(_config(provider, issuer=provider.issuer + "/"))
    with pytest.raises(OidcError, match="niet bereikbaar"):
        other.metadata()


def test_an_unreachable_provider_gives_a_dutch_message() -> None:
    config = OidcConfig(
        issuer="http://127.0.0.1:9", client_id="x", allow_http_issuer=True, timeout_seconds=2
    )
    with pytest.raises(OidcError, match="is nu niet bereikbaar"):
        OidcClient(config).metadata()


# -- PKCE and the token request ------------------------------------------------------------


def _authorize(provider: TestProvider, verifier: str, nonce: str = NONCE) -> str:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    answer = httpx.get(
        f"{provider.issuer}/authorize",
        params={
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": REDIRECT,
            "scope": "openid",
            "state": "s",
            "nonce": nonce,
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        },
    )
    assert answer.status_code == 302, answer.text
    return parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]


def test_the_code_is_exchanged_with_the_pkce_verifier(
    provider: TestProvider, client: OidcClient
) -> None:
    verifier = "v" * 50
    id_token = client.exchange_code(_authorize(provider, verifier), verifier, REDIRECT)
    assert client.validate_id_token(id_token, NONCE)["preferred_username"] == "Ana@Duiven.nl"


@pytest.mark.parametrize("given", ["", "w" * 50], ids=["missing-verifier", "wrong-verifier"])
def test_a_code_without_its_pkce_verifier_is_refused(
    provider: TestProvider, client: OidcClient, given: str
) -> None:
    code = _authorize(provider, "v" * 50)
    with pytest.raises(OidcError, match="niet gelukt"):
        client.exchange_code(code, given, REDIRECT)
    assert provider.refusals == ["invalid_grant"]


def test_a_wrong_client_secret_is_refused(
    provider: TestProvider, client: OidcClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, "niet-het-geheim")
    code = _authorize(provider, "v" * 50)
    with pytest.raises(OidcError):
        client.exchange_code(code, "v" * 50, REDIRECT)
    assert provider.refusals == ["invalid_client"]


def test_the_start_sends_state_nonce_and_an_s256_challenge(
    store: Engine, client: OidcClient
) -> None:
    started = begin_login(store, client, REDIRECT, "/beheer")
    query = parse_qs(urlsplit(started.authorization_url).query)
    with store.connect() as connection:
        row = connection.execute(select(oidc_logins_table)).mappings().one()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(row["code_verifier"].encode()).digest())
    assert query["code_challenge"] == [challenge.rstrip(b"=").decode()]
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"] == [row["nonce"]]
    assert query["redirect_uri"] == [REDIRECT]
    # Only a hash of the state is stored; the state itself is in the URL only.
    assert row["state_sha256"] != query["state"][0]
    assert len(query["state"][0]) >= 43 and len(started.browser_token) >= 43


# -- state: only what Koers issued, to this browser, once, in time ---------------------------


def _follow(provider: TestProvider, url: str) -> dict[str, str]:
    answer = httpx.get(url)
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}


def test_the_whole_flow_gives_an_account_with_the_mapped_role(
    store: Engine, client: OidcClient, provider: TestProvider
) -> None:
    started = begin_login(store, client, REDIRECT, "/beheer")
    back = _follow(provider, started.authorization_url)
    done = complete_login(
        store,
        client,
        state=back["state"],
        code=back["code"],
        error=None,
        browser_token=started.browser_token,
    )
    assert done.next_path == "/beheer"
    assert done.account.username == "ana@duiven.nl"
    assert done.account.roles == ("analist",)
    assert done.account.gemeenten == ("GM0226",)
    # Used once: the same callback again is refused.
    with pytest.raises(OidcError, match="verlopen"):
        complete_login(
            store,
            client,
            state=back["state"],
            code=back["code"],
            error=None,
            browser_token=started.browser_token,
        )


@pytest.mark.parametrize("case", ["unknown-state", "other-browser", "no-cookie", "too-late"])
def test_a_state_koers_did_not_issue_to_this_browser_is_refused(
    store: Engine, client: OidcClient, provider: TestProvider, case: str
) -> None:
    started = begin_login(store, client, REDIRECT, "/")
    back = _follow(provider, started.authorization_url)
    state, browser, now = back["state"], started.browser_token, now_utc()
    if case == "unknown-state":
        state = "een-zelfverzonnen-state-van-een-aanvaller-0123456789"
    elif case == "other-browser":
        browser = begin_login(store, client, REDIRECT, "/").browser_token
    elif case == "no-cookie":
        browser = ""
    else:
        now += timedelta(minutes=11)
    with pytest.raises(OidcError) as caught:
        complete_login(
            store,
            client,
            state=state,
            code=back["code"],
            error=None,
            browser_token=browser,
            now=now,
        )
    assert caught.value.message == EXPIRED
    assert provider.refusals == []  # refused before the code was ever sent
    assert get_account(store, "ana@duiven.nl") is None


def test_a_code_from_another_flow_fails_the_pkce_check(
    store: Engine, client: OidcClient, provider: TestProvider
) -> None:
    mine = begin_login(store, client, REDIRECT, "/")
    theirs = begin_login(store, client, REDIRECT, "/")
    my_back = _follow(provider, mine.authorization_url)
    their_back = _follow(provider, theirs.authorization_url)
    with pytest.raises(OidcError, match="niet gelukt"):
        complete_login(
            store,
            client,
            state=my_back["state"],
            code=their_back["code"],
            error=None,
            browser_token=mine.browser_token,
        )
    assert provider.refusals == ["invalid_grant"]


def test_an_error_from_the_provider_is_shown_in_dutch(
    store: Engine, client: OidcClient, provider: TestProvider
) -> None:
    provider.user = {}
    started = begin_login(store, client, REDIRECT, "/")
    back = _follow(provider, started.authorization_url)
    assert back["error"] == "access_denied"
    with pytest.raises(OidcRefused, match="niet toegestaan"):
        complete_login(
            store,
            client,
            state=back["state"],
            code=None,
            error=back["error"],
            browser_token=started.browser_token,
        )


# -- claims to roles and the account -------------------------------------------------------


def test_claim_values_follow_a_dotted_path() -> None:
    keycloak = {"resource_access": {"koers": {"roles": ["analist-duiven", 3]}}}
    assert claim_values(keycloak, "resource_access.koers.roles") == ["analist-duiven"]
    assert claim_values({"groups": "/koers/beheer"}, "groups") == ["/koers/beheer"]
    assert claim_values({"roles": {"x": 1}}, "roles") == []
    assert claim_values({}, "resource_access.koers.roles") == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["Koers.Analist.Duiven"], Grant(("analist",), ("GM0226",))),
        (
            ["Koers.Analist.Duiven", "Koers.Analist.Westervoort"],
            Grant(("analist",), ("GM0226", "GM0293")),
        ),
        (["Koers.Beheerder", "Koers.Privacy"], Grant(("beheerder", "privacy-officer"), None)),
        (["Iets.Anders"], None),
        ([], None),
    ],
)
def test_role_values_map_to_koers_roles_and_gemeenten(
    provider: TestProvider, values: list[str], expected: Grant | None
) -> None:
    assert grant_for({"roles": values}, _config(provider)) == expected


def test_roles_for_different_gemeenten_are_refused_not_widened(provider: TestProvider) -> None:
    # Adding these up would give the analist vertrouwelijk data of every gemeente.
    with pytest.raises(OidcRefused) as caught:
        grant_for({"roles": ["Koers.Beheerder", "Koers.Analist.Duiven"]}, _config(provider))
    assert caught.value.message == MIXED_GEMEENTEN


def test_keycloak_client_roles(provider: TestProvider) -> None:
    config = _config(
        provider,
        roles_claim="resource_access.koers.roles",
        role_mapping=[{"value": "raadslid", "roles": ["raadslid"], "gemeenten": ["GM0299"]}],
    )
    claims = {"resource_access": {"koers": {"roles": ["raadslid"]}}}
    assert grant_for(claims, config) == Grant(("raadslid",), ("GM0299",))


def test_sign_in_creates_and_updates_a_passwordless_account(
    store: Engine, provider: TestProvider
) -> None:
    config = _config(provider)
    first = sign_in(store, config, ANA, now_utc())
    assert (first.username, first.display_name, first.roles) == (
        "ana@duiven.nl",
        "Ana Liste",
        ("analist",),
    )
    with store.connect() as connection:
        row = connection.execute(select(accounts_table.c.password_hash)).one()
    assert row.password_hash is None
    # Roles follow the provider at every log-in, also when the username claim changed.
    moved = {**ANA, "preferred_username": "ana@elders.nl", "roles": ["Koers.Analist.Westervoort"]}
    second = sign_in(store, config, moved, now_utc())
    assert (second.username, second.gemeenten) == ("ana@duiven.nl", ("GM0293",))
    # Losing every role means no log-in, not a login with the old roles.
    with pytest.raises(OidcRefused, match="geen rol in Koers"):
        sign_in(store, config, {**ANA, "roles": []}, now_utc())


def test_a_disabled_account_stays_out(store: Engine, provider: TestProvider) -> None:
    config = _config(provider)
    sign_in(store, config, ANA, now_utc())
    set_disabled(store, "ana@duiven.nl", True)
    with pytest.raises(OidcRefused) as caught:
        sign_in(store, config, ANA, now_utc())
    assert caught.value.message == DISABLED


def test_an_existing_account_is_never_taken_over_by_name(
    store: Engine, provider: TestProvider
) -> None:
    local = NewAccount("beheerder", "Lokaal", "een lange zin als wachtwoord", ("analist",), None)
    add_account(store, local, ["GM0226"])
    config = _config(provider)
    with pytest.raises(OidcRefused, match="bestaat al een ander account"):
        sign_in(
            store, config, {**ANA, "sub": "iemand", "preferred_username": "beheerder"}, now_utc()
        )
    sign_in(store, config, ANA, now_utc())
    with pytest.raises(OidcRefused, match="bestaat al een ander account"):
        sign_in(store, config, {**ANA, "sub": "een-ander-persoon"}, now_utc())
    assert get_account(store, "beheerder").roles == ("analist",)  # type: ignore[union-attr]


def test_an_unusable_username_claim_is_refused(store: Engine, provider: TestProvider) -> None:
    with pytest.raises(OidcRefused, match="geen bruikbare gebruikersnaam"):
        sign_in(store, _config(provider), {**ANA, "preferred_username": "a b"}, now_utc())


# -- configuration ---------------------------------------------------------------------------


def _write_oidc_project(folder: Path, provider: TestProvider, extra: str = "") -> Path:
    write_project(folder, sources=())
    mapping = "".join(
        f'\n[[access.oidc.role_mapping]]\nvalue = "{m["value"]}"\nroles = {m["roles"]!r}\n'
        + (f"gemeenten = {m['gemeenten']!r}\n" if "gemeenten" in m else "")
        for m in MAPPING
    ).replace("'", '"')
    text = (
        f'\n[access.oidc]\nissuer = "{provider.issuer}"\nclient_id = "{provider.client_id}"\n'
        f'client_secret_env = "{SECRET_ENV}"\ndisplay_name = "Test-IdP"\n'
        f"allow_http_issuer = true\n{extra}{mapping}"
    )
    with (folder / "koers.toml").open("a", encoding="utf-8") as file:
        file.write(text)
    return folder


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"issuer": "http://login.example.org"}, "moet een https-adres zijn"),
        ({"issuer": "http://127.0.0.1:8080"}, "moet een https-adres zijn"),
        ({"scopes": ["profile"]}, "'openid' is verplicht"),
        ({"role_mapping": [{"value": "x", "roles": ["baas"]}]}, "onbekende rol 'baas'"),
    ],
)
def test_bad_oidc_settings_are_refused(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OidcConfig.model_validate({"issuer": "https://idp.example.org", "client_id": "k", **values})


def test_an_unknown_gemeente_in_the_mapping_is_refused(
    tmp_path: Path, provider: TestProvider
) -> None:
    folder = _write_oidc_project(tmp_path, provider)
    text = (folder / "koers.toml").read_text(encoding="utf-8").replace('["GM0293"]', '["GM9999"]')
    (folder / "koers.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="'GM9999' staat niet onder"):
        load_project(folder)


# -- over HTTP, in process -------------------------------------------------------------------


@pytest.fixture()
def app_client(tmp_path: Path, provider: TestProvider) -> Iterator[TestClient]:
    from koers.web.app import create_app

    folder = _write_oidc_project(tmp_path, provider)
    connect(load_project(folder)).close()
    with TestClient(create_app(folder)) as client:
        yield client


def _via_provider(app_client: TestClient, start: str = "/inloggen/oidc?volgende=/beheer") -> str:
    """Start at Koers, let the provider answer, return the callback path to give Koers."""
    to_provider = app_client.get(start, follow_redirects=False)
    assert to_provider.status_code == 303, to_provider.text
    back = httpx.get(to_provider.headers["location"])
    assert back.status_code == 302, back.text
    parts = urlsplit(back.headers["location"])
    return f"{parts.path}?{parts.query}"


def test_the_log_in_page_links_to_the_provider(app_client: TestClient) -> None:
    page = app_client.get("/inloggen?volgende=/beheer").text
    assert '<a href="/inloggen/oidc?volgende=%2Fbeheer">Inloggen met Test-IdP</a>' in page


def test_log_in_over_http_gives_a_session(
    app_client: TestClient, provider: TestProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    id_tokens: list[str] = []

    def keep(claims: dict[str, Any]) -> str:
        id_tokens.append(provider.make_id_token(claims))
        return id_tokens[-1]

    provider.id_token_override = keep
    callback = _via_provider(app_client)
    landed = app_client.get(callback, follow_redirects=False)
    assert landed.status_code == 303
    assert landed.headers["location"] == "/beheer"
    assert app_client.cookies.get(SESSION_COOKIE)
    page = app_client.get("/").text
    assert "Ingelogd als Ana Liste (analist)" in page
    # The test client's own request log stands in for the browser and the access log
    # (docs/access/security.md); nothing Koers logs holds the code, token or secret.
    logged = "\n".join(
        record.getMessage()
        for record in caplog.records
        if "http://testserver/" not in record.getMessage()
    )
    code = parse_qs(urlsplit(callback).query)["code"][0]
    assert id_tokens
    for secret in (code, id_tokens[0], CLIENT_SECRET):
        assert secret not in logged


def test_a_forged_callback_is_refused(app_client: TestClient, provider: TestProvider) -> None:
    callback = _via_provider(app_client)
    app_client.cookies.delete("koers_oidc", path="/inloggen/oidc/terug")
    refused = app_client.get(callback, follow_redirects=False)
    assert refused.status_code == 400
    assert "is verlopen of niet op deze website begonnen" in refused.text
    assert not app_client.cookies.get(SESSION_COOKIE)


def test_a_user_without_a_role_is_refused_with_a_dutch_message(
    app_client: TestClient, provider: TestProvider
) -> None:
    provider.user = {**ANA, "roles": ["Iets.Anders"]}
    refused = app_client.get(_via_provider(app_client), follow_redirects=False)
    assert refused.status_code == 403
    assert "u heeft geen rol in Koers" in refused.text
    assert not app_client.cookies.get(SESSION_COOKIE)


def test_a_missing_client_secret_stops_the_app(
    tmp_path: Path, provider: TestProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    from koers.web.app import create_app

    folder = _write_oidc_project(tmp_path, provider)
    connect(load_project(folder)).close()
    monkeypatch.delenv(SECRET_ENV)
    with pytest.raises(ConfigError, match=f"omgevingsvariabele {SECRET_ENV}"):
        create_app(folder)
