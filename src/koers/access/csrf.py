"""Tokens against cross-site request forgery on every form that changes something.

Before log-in the token is a random value in its own cookie (``koers_csrf``), repeated in a
hidden form field: another site can make the browser send the cookie but cannot read it to
fill in the field. With a session the token is derived from the session id, so it changes
at every log-in and cannot be planted by whoever set the pre-session cookie. Tokens are
compared in constant time. The HTTP side (cookies, the form check) is in
:mod:`koers.web.routers.login`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from koers.errors import AccessDenied

CSRF_COOKIE = "koers_csrf"
CSRF_FIELD = "csrf_token"
_MAX_TOKEN_LENGTH = 128


class CsrfRejected(AccessDenied):
    """A state-changing form came without the right token: answered with 403."""

    def __init__(self) -> None:
        super().__init__(
            "Dit formulier is verlopen of komt niet van deze website, en is daarom niet "
            "verwerkt. Laad de pagina opnieuw en probeer het nog eens."
        )


def new_token() -> str:
    return secrets.token_urlsafe(32)


def session_token(session_id: str) -> str:
    """The form token of a logged-in session: an HMAC of a fixed label under the session id."""
    return hmac.new(session_id.encode("utf-8"), b"koers-csrf", hashlib.sha256).hexdigest()


def tokens_match(expected: str | None, given: str | None) -> bool:
    """True only for two equal, non-empty tokens; the comparison takes the same time wherever
    they differ."""
    if not expected or not given or len(given) > _MAX_TOKEN_LENGTH:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
