"""Log-in and log-out over HTTP: the session cookie, the CSRF cookie and the two forms.

:func:`install` puts a small middleware in front of every request. It looks up the session
cookie once (in a worker thread: the store is synchronous) and leaves the live session on
``request.state.session``; :func:`koers.web.deps.current_user` and the header of every page
read it from there. Forms that change state call :func:`require_csrf` (or depend on
``koers.web.deps.CsrfChecked``) and put ``{{ csrf_field(request) }}`` in the template.

Cookies are HttpOnly and SameSite=Lax, and Secure when the request came over https.
Production runs behind TLS; the demo on http://127.0.0.1 works without.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from koers.access import csrf
from koers.access.accounts import LockoutPolicy, authenticate
from koers.access.sessions import (
    ActiveSession,
    SessionPolicy,
    create_session,
    end_session,
    purge_expired,
    resolve_session,
)
from koers.web.rendering import render

SESSION_COOKIE = "koers_sessie"
LOGIN_PATH = "/inloggen"
LOGIN_FAILED = (
    "Inloggen is niet gelukt. Controleer uw gebruikersnaam en wachtwoord. Na vijf mislukte "
    "pogingen binnen een kwartier wordt een account tijdelijk geblokkeerd."
)
_MAX_FIELD_LENGTH = 2048

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Wires sessions into an app whose ``state.access_store`` is open: middleware, the
    template helper for forms, and the policies from ``[access]``."""
    access = app.state.project.access
    app.state.session_policy = SessionPolicy.from_config(access)
    app.state.lockout_policy = LockoutPolicy.from_config(access)
    app.state.templates.env.globals["csrf_field"] = csrf_field
    app.middleware("http")(_sessions)
    app.include_router(router)


def current_session(request: Request) -> ActiveSession | None:
    session = getattr(request.state, "session", None)
    return session if isinstance(session, ActiveSession) else None


def form_token(request: Request) -> str:
    """The token a form on this page must carry back."""
    session = current_session(request)
    if session is not None:
        return csrf.session_token(session.token)
    # Set by the middleware; absent only if a page is rendered before it ran (an error page).
    token: str | None = getattr(request.state, "csrf_cookie", None)
    return token or csrf.new_token()


def csrf_field(request: Request) -> Markup:
    """The hidden input for a template: ``{{ csrf_field(request) }}``."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        csrf.CSRF_FIELD, escape(form_token(request))
    )


async def require_csrf(request: Request) -> None:
    """Refuses (403) a form whose token does not match this browser's session or cookie."""
    form = await request.form()
    given = form.get(csrf.CSRF_FIELD)
    session = current_session(request)
    expected = csrf.session_token(session.token) if session else request.state.csrf_cookie_sent
    if not isinstance(given, str) or not csrf.tokens_match(expected, given):
        raise csrf.CsrfRejected()


def safe_next(value: str | None) -> str:
    """A local path to go to after log-in; anything that could leave the site becomes ``/``.

    Only ``/path?query`` is kept: no scheme, no host, no ``//`` or backslash (browsers read
    ``/\\evil.example`` as another host), no control characters.
    """
    if not value or len(value) > _MAX_FIELD_LENGTH:
        return "/"
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(LOGIN_PATH):
        return "/"
    return value


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    notice = "U bent uitgelogd." if request.query_params.get("uitgelogd") else None
    target = safe_next(request.query_params.get("volgende"))
    return _login_form(request, error=None, notice=notice, username="", target=target)


@router.post(LOGIN_PATH, response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form()
    given = form.get(csrf.CSRF_FIELD)
    session = current_session(request)
    # The pre-session token, or the session's own when someone logs in again over a session.
    expected = [request.state.csrf_cookie_sent]
    if session is not None:
        expected.append(csrf.session_token(session.token))
    if not isinstance(given, str) or not any(csrf.tokens_match(e, given) for e in expected):
        raise csrf.CsrfRejected()
    username = _field(form.get("gebruikersnaam"))
    password = _field(form.get("wachtwoord"))
    target = safe_next(_field(form.get("volgende")))
    store = request.app.state.access_store
    account = await run_in_threadpool(
        authenticate, store, username, password, request.app.state.lockout_policy
    )
    if account is None:
        return _login_form(
            request, error=LOGIN_FAILED, notice=None, username=username, target=target
        )
    policy: SessionPolicy = request.app.state.session_policy
    if session is not None:
        await run_in_threadpool(end_session, store, session.token)
    await run_in_threadpool(purge_expired, store, policy)
    token = await run_in_threadpool(create_session, store, account.username)
    response = RedirectResponse(target, status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, token, policy.max_age)
    # A fresh pre-session token for after log-out; the old one may have been seen by anyone
    # who could plant it.
    _set_cookie(request, response, csrf.CSRF_COOKIE, csrf.new_token(), None)
    request.state.cookies_written = True
    return response


@router.post("/uitloggen")
async def logout(request: Request) -> Response:
    session = current_session(request)
    response = RedirectResponse(f"{LOGIN_PATH}?uitgelogd=1", status_code=303)
    if session is not None:
        await require_csrf(request)
        await run_in_threadpool(end_session, request.app.state.access_store, session.token)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    request.state.cookies_written = True
    return response


def _login_form(
    request: Request, *, error: str | None, notice: str | None, username: str, target: str
) -> Response:
    context = {
        "error": error,
        "notice": notice,
        "username": username,
        "volgende": target,
        "session": current_session(request),
    }
    return render(request, "login.html", context)


def _field(value: Any) -> str:
    return value[:_MAX_FIELD_LENGTH] if isinstance(value, str) else ""


def _set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: timedelta | None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=None if max_age is None else int(max_age.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


async def _sessions(request: Request, call_next: Any) -> Response:
    """Finds the session once per request and keeps the CSRF cookie present."""
    cookie = request.cookies.get(SESSION_COOKIE)
    session = None
    if cookie:
        session = await run_in_threadpool(
            resolve_session,
            request.app.state.access_store,
            cookie,
            request.app.state.session_policy,
        )
    sent = request.cookies.get(csrf.CSRF_COOKIE)
    if sent is not None and not 20 <= len(sent) <= 128:
        sent = None
    request.state.session = session
    request.state.csrf_cookie_sent = sent
    request.state.csrf_cookie = sent or csrf.new_token()
    response: Response = await call_next(request)
    if getattr(request.state, "cookies_written", False):
        return response
    if cookie and session is None:
        # Expired or ended elsewhere: drop the dead cookie so the browser stops sending it.
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    if sent is None:
        _set_cookie(request, response, csrf.CSRF_COOKIE, request.state.csrf_cookie, None)
    return response
