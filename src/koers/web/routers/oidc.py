"""Log-in through OpenID Connect over HTTP: ``/inloggen/oidc`` and its callback.

Both are GETs: the log-in page links to the start (a form that posts and is then redirected
to the provider would break the CSP's ``form-action 'self'``), and the provider sends the
browser back with a redirect. The flow's logic is in :mod:`koers.access.oidc`; this module
only moves cookies and picks the page. Installed only when ``[access.oidc]`` is configured.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from koers.access import csrf
from koers.access.oidc import (
    FLOW_LIFETIME,
    OidcClient,
    OidcError,
    begin_login,
    complete_login,
)
from koers.access.sessions import SessionPolicy, create_session, end_session, purge_expired
from koers.web.rendering import render
from koers.web.routers.login import (
    LOGIN_PATH,
    SESSION_COOKIE,
    _set_cookie,
    current_session,
    safe_next,
)

START_PATH = f"{LOGIN_PATH}/oidc"
CALLBACK_PATH = f"{LOGIN_PATH}/oidc/terug"
#: Binds a started log-in to the browser that started it; only sent to the callback.
FLOW_COOKIE = "koers_oidc"

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Adds the routes and the log-in page's link when the project configures a provider."""
    config = app.state.project.access.oidc
    app.state.templates.env.globals["oidc_login"] = None
    if config is None:
        return
    config.client_secret()  # a missing secret stops the start, not the first log-in
    app.state.oidc = OidcClient(config)
    app.state.templates.env.globals["oidc_login"] = {
        "name": config.display_name,
        "path": START_PATH,
    }
    app.include_router(router)


def _redirect_uri(request: Request) -> str:
    configured: str | None = request.app.state.oidc.config.redirect_uri
    return configured or str(request.url_for("oidc_callback"))


@router.get(START_PATH)
async def oidc_start(request: Request) -> Response:
    target = safe_next(request.query_params.get("volgende"))
    client: OidcClient = request.app.state.oidc
    try:
        started = await run_in_threadpool(
            begin_login, request.app.state.access_store, client, _redirect_uri(request), target
        )
    except OidcError as exc:
        return _refused(request, exc, target)
    response = RedirectResponse(started.authorization_url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        started.browser_token,
        max_age=int(FLOW_LIFETIME.total_seconds()),
        path=CALLBACK_PATH,
        httponly=True,
        # Lax: the provider's redirect back is a top-level GET, which still carries it.
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get(CALLBACK_PATH, response_class=HTMLResponse, name="oidc_callback")
async def oidc_callback(request: Request) -> Response:
    params = request.query_params
    store = request.app.state.access_store
    try:
        done = await run_in_threadpool(
            lambda: complete_login(
                store,
                request.app.state.oidc,
                state=params.get("state"),
                code=params.get("code"),
                error=params.get("error"),
                browser_token=request.cookies.get(FLOW_COOKIE),
            )
        )
    except OidcError as exc:
        response = _refused(request, exc, "/")
        response.delete_cookie(FLOW_COOKIE, path=CALLBACK_PATH, httponly=True, samesite="lax")
        return response
    policy: SessionPolicy = request.app.state.session_policy
    session = current_session(request)
    if session is not None:
        await run_in_threadpool(end_session, store, session.token)
    await run_in_threadpool(purge_expired, store, policy)
    token = await run_in_threadpool(create_session, store, done.account.username)
    response = RedirectResponse(safe_next(done.next_path), status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, token, policy.max_age)
    _set_cookie(request, response, csrf.CSRF_COOKIE, csrf.new_token(), None)
    response.delete_cookie(FLOW_COOKIE, path=CALLBACK_PATH, httponly=True, samesite="lax")
    request.state.cookies_written = True
    return response


def _refused(request: Request, exc: OidcError, target: str) -> Response:
    """The log-in page with the reason, so the user can try again or log in locally."""
    context = {
        "error": exc.message,
        "notice": None,
        "username": "",
        "volgende": target,
        "session": current_session(request),
    }
    return render(request, "login.html", context, status=exc.status_code)
