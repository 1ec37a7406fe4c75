"""A small but real OpenID Connect provider for tests, served on 127.0.0.1.

It does what Entra ID and Keycloak do in the authorization-code flow, and checks what they
check: a registered client and redirect URI, PKCE (S256 only) at the token request, client
authentication (Basic or in the form), one use per code, RS256-signed ID tokens with the
nonce, and a JWKS endpoint. Instead of a log-in form it logs in whoever the test put in
``provider.user``, so a browser test clicks once and is back at Koers.

Negative tests change what the provider does (``id_token_override``) or make tokens
themselves with :meth:`TestProvider.make_id_token`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from tests.support.browser import serve_app

CLIENT_ID = "koers-test"
CLIENT_SECRET = "geheim-van-de-test-provider"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "kid": kid,
        "use": "sig",
        "alg": "RS256",
        "n": _b64(numbers.n),
        "e": _b64(numbers.e),
    }


@dataclass
class _Grant:
    redirect_uri: str
    nonce: str | None
    challenge: str
    claims: dict[str, Any]
    issued: float


@dataclass
class TestProvider:
    """The provider's state; ``issuer`` is set once it is served."""

    __test__ = False  # not a pytest test class

    issuer: str = ""
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    redirect_uris: set[str] = field(default_factory=set)
    #: Claims of the user the next /authorize logs in (sub, preferred_username, name, roles...).
    user: dict[str, Any] = field(default_factory=dict)
    key: rsa.RSAPrivateKey = field(default_factory=new_rsa_key)
    kid: str = "test-key-1"
    #: When set, /token returns this instead of a proper ID token (for negative tests).
    id_token_override: Callable[[dict[str, Any]], str] | None = None
    #: What the token endpoint refused, for assertions ("invalid_grant", "invalid_client").
    refusals: list[str] = field(default_factory=list)
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def make_id_token(
        self,
        claims: dict[str, Any],
        *,
        key: Any = None,
        algorithm: str = "RS256",
        kid: str | None = "",
    ) -> str:
        """An ID token for ``claims`` (defaults filled in; a claim given as ``None`` is left
        out), signed as asked."""
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300, **claims}
        body = {name: value for name, value in body.items() if value is not None}
        headers = {} if kid is None else {"kid": kid or self.kid}
        if algorithm != "none" and key is None:
            key = self.key
        return jwt.encode(body, key, algorithm=algorithm, headers=headers)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "code_challenge_methods_supported": ["S256"],
            }

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            return {"keys": [public_jwk(self.key, self.kid)]}

        @app.get("/authorize")
        def authorize(request: Request) -> Response:
            q = request.query_params
            if (
                q.get("client_id") != self.client_id
                or q.get("redirect_uri") not in self.redirect_uris
            ):
                # Never redirect to an unregistered URI: show the error here.
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            back = q["redirect_uri"]
            if (
                q.get("response_type") != "code"
                or "openid" not in q.get("scope", "").split()
                or q.get("code_challenge_method") != "S256"
                or not q.get("code_challenge")
            ):
                error = urlencode({"error": "invalid_request", "state": q.get("state", "")})
                return RedirectResponse(f"{back}?{error}", status_code=302)
            if not self.user:
                error = urlencode({"error": "access_denied", "state": q.get("state", "")})
                return RedirectResponse(f"{back}?{error}", status_code=302)
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._codes[code] = _Grant(
                    back, q.get("nonce"), q["code_challenge"], dict(self.user), time.time()
                )
            answer = urlencode({"code": code, "state": q.get("state", "")})
            return RedirectResponse(f"{back}?{answer}", status_code=302)

        @app.post("/token")
        def token(
            request: Request,
            grant_type: str = Form(""),
            code: str = Form(""),
            redirect_uri: str = Form(""),
            code_verifier: str = Form(""),
            client_id: str = Form(""),
            client_secret: str = Form(""),
        ) -> Response:
            if not self._client_ok(request, client_id, client_secret):
                return self._refuse("invalid_client", 401)
            with self._lock:
                grant = self._codes.pop(code, None)  # one use, whatever follows
            if grant_type != "authorization_code" or grant is None:
                return self._refuse("invalid_grant")
            if grant.redirect_uri != redirect_uri or time.time() - grant.issued > 60:
                return self._refuse("invalid_grant")
            expected = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest())
            if not code_verifier or expected.rstrip(b"=").decode() != grant.challenge:
                return self._refuse("invalid_grant")
            claims = {**grant.claims, **({"nonce": grant.nonce} if grant.nonce else {})}
            id_token = (
                self.id_token_override(claims)
                if self.id_token_override
                else self.make_id_token(claims)
            )
            return JSONResponse(
                {
                    "access_token": secrets.token_urlsafe(24),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": id_token,
                },
                headers={"Cache-Control": "no-store"},
            )

        return app

    def _client_ok(self, request: Request, client_id: str, client_secret: str) -> bool:
        header = request.headers.get("authorization", "")
        if header.startswith("Basic "):
            try:
                given_id, _, given_secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return False
            client_id, client_secret = unquote(given_id), unquote(given_secret)
        return secrets.compare_digest(client_id, self.client_id) and secrets.compare_digest(
            client_secret, self.client_secret
        )

    def _refuse(self, error: str, status: int = 400) -> Response:
        self.refusals.append(error)
        return JSONResponse({"error": error}, status_code=status)


@contextmanager
def serve_provider(provider: TestProvider | None = None) -> Iterator[TestProvider]:
    """Serves a provider on a free port of 127.0.0.1; its ``issuer`` is that base URL."""
    provider = provider or TestProvider()
    with serve_app(provider.app()) as url:
        provider.issuer = url
        yield provider
