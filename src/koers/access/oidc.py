"""Log-in through OpenID Connect (Entra ID, Keycloak): the client side of the code flow.

Where it sits: :mod:`koers.web.routers.oidc` calls :func:`begin_login` to send the browser to
the provider and :func:`complete_login` when it comes back. A log-in ends in an ordinary
account row (no password hash) whose roles and gemeenten are rewritten from the ID token's
claims each time, and then the normal session of :mod:`koers.access.sessions`; so
``koers users disable`` stops an OIDC user exactly as it stops a local one.

What the flow protects against, and how:

- Forged callbacks (log-in CSRF): ``state`` is random, kept server-side as a hash, used once,
  valid for ten minutes, and bound to the browser that started the flow by a second random
  value in a cookie. A callback with a state Koers did not issue to this browser is refused.
- A stolen authorisation code: PKCE (S256); the verifier never leaves the server until the
  token request, and the provider refuses the code without it.
- Replayed or forged ID tokens: the signature is checked with the provider's published key
  (RS256 only: ``none`` and HS256 are refused), and so are ``iss``, ``aud`` (and ``azp``),
  ``exp``, ``iat`` and the ``nonce`` of this very flow.
- Account take-over by name: an account is tied to the provider's ``(issuer, sub)`` at first
  log-in; a name that already belongs to another account (a local one, or another subject)
  is refused rather than reused.

Neither the code, the tokens nor the client secret are ever logged or stored.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx
import jwt
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    ForeignKey,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from koers.access.accounts import (
    USERNAME,
    Account,
    UtcDateTime,
    account_from_row,
    accounts_table,
    normalise_username,
    now_utc,
)
from koers.access.store import METADATA
from koers.config.project import OidcConfig
from koers.errors import AccessDenied, KoersError

log = logging.getLogger(__name__)

#: Only asymmetric signatures with the provider's published key; never ``none`` or an HMAC
#: whose "key" would be the (public) client id or a secret shared with others.
ALLOWED_ALGORITHMS = ("RS256",)
#: How long a started log-in may take at the provider (typing a password, MFA).
FLOW_LIFETIME = timedelta(minutes=10)
#: Clock difference tolerated between Koers and the provider.
CLOCK_SKEW_S = 60
#: An ID token is made at the token request a moment ago; an older one is a replay.
MAX_TOKEN_AGE_S = 10 * 60
DISCOVERY_TTL_S = 3600
#: A token signed with an unknown key id makes Koers fetch the keys again, but not more
#: often than this, so a stream of forged tokens cannot make it hammer the provider.
JWKS_REFETCH_S = 30
_MAX_CALLBACK_FIELD = 4096

oidc_logins_table = Table(
    "oidc_logins",
    METADATA,
    # A log-in that was started and has not come back yet; deleted when it does.
    Column("state_sha256", String(64), primary_key=True),
    Column("browser_sha256", String(64), nullable=False),
    Column("nonce", String(64), nullable=False),
    Column("code_verifier", String(128), nullable=False),
    Column("redirect_uri", String(2048), nullable=False),
    Column("next_path", String(2048), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
)

oidc_identities_table = Table(
    "oidc_identities",
    METADATA,
    # Which account a provider's subject is: the subject is stable, the username claim may
    # change or be given to someone else later.
    Column("issuer", String(500), primary_key=True),
    Column("subject", String(255), primary_key=True),
    Column(
        "username",
        String(64),
        ForeignKey("accounts.username", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("linked_at", UtcDateTime, nullable=False),
)


class OidcError(KoersError):
    """A log-in through the provider that did not work; ``message`` is shown to the user."""

    status_code = 400


class OidcUnavailable(OidcError):
    """The provider cannot be reached or answers nonsense: nothing the user can fix."""

    status_code = 502


class OidcRefused(OidcError, AccessDenied):
    """The provider vouched for the user, but Koers does not let them in."""

    status_code = 403


def failed_message(provider: str) -> str:
    return f"Inloggen met {provider} is niet gelukt. Probeer het opnieuw."


def unavailable_message(provider: str) -> str:
    return (
        f"{provider} is nu niet bereikbaar, dus inloggen via {provider} lukt even niet. "
        "Probeer het later opnieuw."
    )


EXPIRED = (
    "Deze inlogpoging is verlopen of niet op deze website begonnen, en is daarom niet "
    "verwerkt. Probeer opnieuw in te loggen."
)


def no_role_message(provider: str, who: str) -> str:
    return (
        f"U bent bij {provider} ingelogd als {who}, maar u heeft geen rol in Koers. Vraag de "
        "beheerder van Koers in uw gemeente om u een rol te geven."
    )


DISABLED = (
    "Uw account is in Koers uitgeschakeld. Neem contact op met de beheerder van Koers in uw "
    "gemeente."
)
MIXED_GEMEENTEN = (
    "Uw rollen gelden voor verschillende gemeenten, en dat kan Koers niet in één account "
    "vastleggen. Vraag de beheerder om uw rollen bij de inlogdienst gelijk te trekken."
)


@dataclass(frozen=True)
class ProviderMetadata:
    """The part of the discovery document Koers uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_auth_methods: tuple[str, ...]
    code_challenge_methods: tuple[str, ...] | None


@dataclass(frozen=True)
class Grant:
    """What a user's claims give in Koers; ``gemeenten=None``: every gemeente."""

    roles: tuple[str, ...]
    gemeenten: tuple[str, ...] | None


@dataclass(frozen=True)
class Started:
    """A started log-in: where to send the browser and what its cookie must hold."""

    authorization_url: str
    browser_token: str


def _b64url_sha256(value: str) -> str:
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _check_url(url: Any, config: OidcConfig, what: str) -> str:
    """An endpoint from the discovery document, refused unless https (or the test's http)."""
    if not isinstance(url, str):
        raise OidcUnavailable(unavailable_message(config.display_name))
    parts = urlsplit(url)
    local_http = (
        config.allow_http_issuer
        and parts.scheme == "http"
        and parts.hostname in {"127.0.0.1", "localhost", "::1"}
    )
    if not parts.hostname or (parts.scheme != "https" and not local_http):
        log.warning("OIDC: %s in het discovery-document is geen https-adres", what)
        raise OidcUnavailable(unavailable_message(config.display_name))
    return url


class OidcClient:
    """Talks to one provider: discovery, keys, the token request and ID-token validation.

    Discovery and keys are cached (shared by the web app's worker threads). ``http`` is for
    tests; by default a client with the configured timeout is used.
    """

    def __init__(
        self,
        config: OidcConfig,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self._http = http or httpx.Client(
            timeout=config.timeout_seconds, follow_redirects=False, trust_env=False
        )
        self._clock = clock
        self._lock = threading.Lock()
        self._metadata: ProviderMetadata | None = None
        self._metadata_at = 0.0
        self._keys: dict[str | None, jwt.PyJWK] = {}
        self._keys_at: float | None = None

    def close(self) -> None:
        self._http.close()

    # -- discovery and keys ------------------------------------------------------------

    def metadata(self) -> ProviderMetadata:
        with self._lock:
            if self._metadata and self._clock() - self._metadata_at < DISCOVERY_TTL_S:
                return self._metadata
        url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = self._get_json(url, "discovery-document")
        if document.get("issuer") != self.config.issuer:
            # OpenID Connect Discovery 1.0, section 4.3: they must be identical.
            log.warning("OIDC: het discovery-document noemt een andere issuer dan koers.toml")
            raise OidcUnavailable(unavailable_message(self.config.display_name))
        methods = document.get("code_challenge_methods_supported")
        metadata = ProviderMetadata(
            issuer=document["issuer"],
            authorization_endpoint=_check_url(
                document.get("authorization_endpoint"), self.config, "authorization_endpoint"
            ),
            token_endpoint=_check_url(
                document.get("token_endpoint"), self.config, "token_endpoint"
            ),
            jwks_uri=_check_url(document.get("jwks_uri"), self.config, "jwks_uri"),
            token_auth_methods=tuple(
                document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
            ),
            code_challenge_methods=tuple(methods) if isinstance(methods, list) else None,
        )
        if metadata.code_challenge_methods is not None and "S256" not in (
            metadata.code_challenge_methods
        ):
            log.warning("OIDC: de provider ondersteunt geen PKCE met S256")
            raise OidcUnavailable(unavailable_message(self.config.display_name))
        with self._lock:
            self._metadata, self._metadata_at = metadata, self._clock()
        return metadata

    def signing_key(self, kid: str | None) -> jwt.PyJWK:
        """The provider's key for ``kid``; fetches the key set again once when it is unknown
        (the provider rotated its keys), at most every :data:`JWKS_REFETCH_S` seconds."""
        with self._lock:
            key = self._lookup(kid)
            fresh = self._keys_at is not None and self._clock() - self._keys_at < JWKS_REFETCH_S
        if key is not None or fresh:
            if key is None:
                raise OidcError(failed_message(self.config.display_name))
            return key
        document = self._get_json(self.metadata().jwks_uri, "JWKS")
        keys: dict[str | None, jwt.PyJWK] = {}
        for item in document.get("keys") or []:
            if not isinstance(item, dict) or item.get("kty") != "RSA":
                continue
            if item.get("use", "sig") != "sig" or item.get("alg", "RS256") != "RS256":
                continue
            try:
                keys[item.get("kid")] = jwt.PyJWK(item, algorithm="RS256")
            except jwt.PyJWTError:
                continue
        with self._lock:
            self._keys, self._keys_at = keys, self._clock()
            key = self._lookup(kid)
        if key is None:
            log.warning("OIDC: het ID-token is getekend met een sleutel die de provider niet noemt")
            raise OidcError(failed_message(self.config.display_name))
        return key

    def _lookup(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is not None:
            return self._keys.get(kid)
        # A token without key id is only acceptable when the provider has a single key.
        return next(iter(self._keys.values())) if len(self._keys) == 1 else None

    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            response = self._http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("OIDC: %s niet op te halen: %s", what, type(exc).__name__)
            raise OidcUnavailable(unavailable_message(self.config.display_name)) from None
        if not isinstance(document, dict):
            raise OidcUnavailable(unavailable_message(self.config.display_name))
        return document

    # -- the flow ------------------------------------------------------------------------

    def authorization_url(
        self, redirect_uri: str, state: str, nonce: str, code_verifier: str
    ) -> str:
        endpoint = self.metadata().authorization_endpoint
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.config.client_id,
                "redirect_uri": redirect_uri,
                "scope": " ".join(self.config.scopes),
                "state": state,
                "nonce": nonce,
                "code_challenge": _b64url_sha256(code_verifier),
                "code_challenge_method": "S256",
            }
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    def exchange_code(self, code: str, code_verifier: str, redirect_uri: str) -> str:
        """The ID token for an authorisation code (the provider checks the PKCE verifier)."""
        metadata = self.metadata()
        secret = self.config.client_secret()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        auth: httpx.Auth | httpx._client.UseClientDefault = httpx.USE_CLIENT_DEFAULT
        if "client_secret_basic" in metadata.token_auth_methods:
            # RFC 6749 2.3.1: both are form-encoded before they go into the Basic header.
            auth = httpx.BasicAuth(quote(self.config.client_id, safe=""), quote(secret, safe=""))
        else:
            form.update(client_id=self.config.client_id, client_secret=secret)
        try:
            response = self._http.post(
                metadata.token_endpoint,
                data=form,
                auth=auth,
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            log.warning("OIDC: tokenverzoek mislukt: %s", type(exc).__name__)
            raise OidcUnavailable(unavailable_message(self.config.display_name)) from None
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code != 200 or not isinstance(answer, dict):
            error = answer.get("error") if isinstance(answer, dict) else None
            # The error code (invalid_grant, invalid_client) says what went wrong and holds
            # no secret; the request itself is never logged.
            log.warning("OIDC: tokenverzoek geweigerd (HTTP %s, %s)", response.status_code, error)
            raise OidcError(failed_message(self.config.display_name))
        id_token = answer.get("id_token")
        if not isinstance(id_token, str) or str(answer.get("token_type", "")).lower() != "bearer":
            log.warning("OIDC: het tokenantwoord heeft geen ID-token")
            raise OidcError(failed_message(self.config.display_name))
        return id_token

    def validate_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        """The claims of a valid ID token for this flow, else :class:`OidcError`."""
        failed = OidcError(failed_message(self.config.display_name))
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError:
            raise failed from None
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            log.warning("OIDC: ID-token met algoritme %r geweigerd", header.get("alg"))
            raise failed
        kid = header.get("kid")
        key = self.signing_key(kid if isinstance(kid, str) else None)
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key=key,
                algorithms=list(ALLOWED_ALGORITHMS),
                audience=self.config.client_id,
                issuer=[self.config.issuer],
                leeway=CLOCK_SKEW_S,
                options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce"]},
            )
        except jwt.PyJWTError as exc:
            log.warning("OIDC: ID-token geweigerd: %s", type(exc).__name__)
            raise failed from None
        now = self._clock()
        iat = claims["iat"]
        if not isinstance(iat, int | float) or not (
            now - MAX_TOKEN_AGE_S - CLOCK_SKEW_S <= iat <= now + CLOCK_SKEW_S
        ):
            log.warning("OIDC: ID-token geweigerd: iat buiten het venster")
            raise failed
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.config.client_id:
            log.warning("OIDC: ID-token geweigerd: meerdere audiences zonder juiste azp")
            raise failed
        if not isinstance(claims["nonce"], str) or not secrets.compare_digest(
            claims["nonce"].encode("utf-8"), nonce.encode("utf-8")
        ):
            log.warning("OIDC: ID-token geweigerd: nonce hoort niet bij deze inlogpoging")
            raise failed
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise failed
        return claims


# -- claims to roles ---------------------------------------------------------------------


def claim_values(claims: Mapping[str, Any], path: str) -> list[str]:
    """The strings at a dotted path (``resource_access.koers.roles``); a single string
    counts as a list of one, anything else as none."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return []
        value = value[part]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def grant_for(claims: Mapping[str, Any], config: OidcConfig) -> Grant | None:
    """What the claims give in Koers, or ``None`` when no role value maps to anything.

    Several mappings add up. A Koers account holds one set of gemeenten for all its roles, so
    when two roles of one user would cover different gemeenten (beheerder of all, analist of
    Duiven) adding them up would widen the narrower one; that is refused with
    :data:`MIXED_GEMEENTEN` instead.
    """
    values = set(claim_values(claims, config.roles_claim))
    matched = [mapping for mapping in config.role_mapping if mapping.value in values]
    if not matched:
        return None
    roles = tuple(dict.fromkeys(role for mapping in matched for role in mapping.roles))

    def scope(mappings: Sequence[Any]) -> frozenset[str] | None:
        if any(mapping.gemeenten is None for mapping in mappings):
            return None
        return frozenset(code for mapping in mappings for code in mapping.gemeenten)

    overall = scope(matched)
    for role in roles:
        if scope([mapping for mapping in matched if role in mapping.roles]) != overall:
            raise OidcRefused(MIXED_GEMEENTEN)
    return Grant(roles, None if overall is None else tuple(sorted(overall)))


# -- the flow against the access store ---------------------------------------------------


def begin_login(engine: Engine, client: OidcClient, redirect_uri: str, next_path: str) -> Started:
    """Records a new log-in and returns the provider URL to send the browser to."""
    state, nonce, browser = (secrets.token_urlsafe(32) for _ in range(3))
    verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43..128
    url = client.authorization_url(redirect_uri, state, nonce, verifier)
    now = now_utc()
    with engine.begin() as connection:
        connection.execute(
            delete(oidc_logins_table).where(oidc_logins_table.c.created_at < now - FLOW_LIFETIME)
        )
        connection.execute(
            insert(oidc_logins_table).values(
                state_sha256=_sha256(state),
                browser_sha256=_sha256(browser),
                nonce=nonce,
                code_verifier=verifier,
                redirect_uri=redirect_uri,
                next_path=next_path,
                created_at=now,
            )
        )
    return Started(url, browser)


@dataclass(frozen=True)
class Completed:
    account: Account
    next_path: str


def complete_login(
    engine: Engine,
    client: OidcClient,
    *,
    state: str | None,
    code: str | None,
    error: str | None,
    browser_token: str | None,
    now: datetime | None = None,
) -> Completed:
    """Finishes the log-in the provider sent back: the Koers account to start a session for.

    The pending log-in is taken (and deleted) first, so a state works once, even when what
    follows fails.
    """
    now = now or now_utc()
    provider = client.config.display_name
    if not state or len(state) > _MAX_CALLBACK_FIELD:
        raise OidcError(EXPIRED)
    with engine.begin() as connection:
        row = (
            connection.execute(
                select(oidc_logins_table).where(oidc_logins_table.c.state_sha256 == _sha256(state))
            )
            .mappings()
            .first()
        )
        if row is not None:
            connection.execute(
                delete(oidc_logins_table).where(
                    oidc_logins_table.c.state_sha256 == row["state_sha256"]
                )
            )
    if (
        row is None
        or not browser_token
        or not secrets.compare_digest(row["browser_sha256"], _sha256(browser_token))
        or now - row["created_at"] >= FLOW_LIFETIME
    ):
        raise OidcError(EXPIRED)
    if error is not None:
        # access_denied: the user cancelled, or the provider does not let them use Koers.
        log.info("OIDC: de provider meldde %r", error[:100])
        raise OidcRefused(
            f"{provider} heeft het inloggen niet toegestaan of u heeft het afgebroken. "
            "Probeer het opnieuw, of vraag de beheerder om toegang."
        )
    if not code or len(code) > _MAX_CALLBACK_FIELD:
        raise OidcError(failed_message(provider))
    id_token = client.exchange_code(code, row["code_verifier"], row["redirect_uri"])
    claims = client.validate_id_token(id_token, row["nonce"])
    account = sign_in(engine, client.config, claims, now)
    return Completed(account, row["next_path"])


def _display_name(claims: Mapping[str, Any], username: str) -> str:
    name = claims.get("name")
    return name.strip()[:200] if isinstance(name, str) and name.strip() else username


def sign_in(
    engine: Engine, config: OidcConfig, claims: Mapping[str, Any], now: datetime
) -> Account:
    """The account for validated claims, created or brought up to date with their roles."""
    provider = config.display_name
    raw_name = claims.get(config.username_claim)
    username = normalise_username(raw_name) if isinstance(raw_name, str) else ""
    who = username or str(claims["sub"])
    grant = grant_for(claims, config)
    if grant is None:
        raise OidcRefused(no_role_message(provider, who))
    display_name = _display_name(claims, who)
    with engine.begin() as connection:
        linked = connection.execute(
            select(oidc_identities_table.c.username).where(
                oidc_identities_table.c.issuer == config.issuer,
                oidc_identities_table.c.subject == claims["sub"],
            )
        ).scalar_one_or_none()
        if linked is None:
            if not USERNAME.match(username):
                raise OidcRefused(
                    f"{provider} gaf geen bruikbare gebruikersnaam (claim "
                    f"'{config.username_claim}'). Vraag de beheerder om de koppeling na te kijken."
                )
            _create(connection, config, str(claims["sub"]), username, display_name, grant, now)
            linked = username
        row = _account_row(connection, linked)
        if row is None:  # unreachable: the identity cascades with its account
            raise OidcError(failed_message(provider))
        if row["disabled"]:
            raise OidcRefused(DISABLED)
        connection.execute(
            update(accounts_table)
            .where(accounts_table.c.username == linked)
            .values(
                display_name=display_name,
                roles=" ".join(grant.roles),
                gemeenten=None if grant.gemeenten is None else " ".join(grant.gemeenten),
                last_login_at=now,
            )
        )
        account = _account_row(connection, linked)
    assert account is not None
    return account_from_row(account)


def _account_row(connection: Connection, username: str) -> Any:
    return (
        connection.execute(select(accounts_table).where(accounts_table.c.username == username))
        .mappings()
        .first()
    )


def _create(
    connection: Connection,
    config: OidcConfig,
    subject: str,
    username: str,
    display_name: str,
    grant: Grant,
    now: datetime,
) -> None:
    if _account_row(connection, username) is not None:
        # A local account, or one tied to another subject: never taken over by a name.
        raise OidcRefused(
            f"In Koers bestaat al een ander account met de naam '{username}'. Vraag de "
            "beheerder van Koers om dat op te lossen."
        )
    connection.execute(
        insert(accounts_table).values(
            username=username,
            display_name=display_name,
            password_hash=None,
            roles=" ".join(grant.roles),
            gemeenten=None if grant.gemeenten is None else " ".join(grant.gemeenten),
            disabled=False,
            failed_count=0,
            created_at=now,
        )
    )
    connection.execute(
        insert(oidc_identities_table).values(
            issuer=config.issuer, subject=subject, username=username, linked_at=now
        )
    )
