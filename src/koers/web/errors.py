"""Error answers, in Dutch and in one place: a person in a browser gets the error page, a
program on the API gets JSON.

Starlette answers an unknown path or method itself, with English JSON ({"detail": "Not
Found"}); a resident who mistypes an address should get a Dutch page with a way back, and
screen readers need that page's title and language. Server errors (500) are answered in
:mod:`koers.web.security`, which must also set the security headers on them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from koers.errors import AccessDenied, KoersError, LoginRequired, NotFound, QueryError
from koers.web.rendering import render
from koers.web.routers.login import LOGIN_PATH

API_PREFIX = "/api/"

# The texts Starlette raises on its own; any other status keeps the detail it was raised with.
HTTP_MESSAGES: dict[int, str] = {
    404: "Deze pagina bestaat niet (meer). Controleer het adres of ga terug naar het overzicht.",
    405: "Deze pagina kan dat verzoek niet verwerken.",
}
API_MESSAGES: dict[int, str] = {
    404: "Dit adres bestaat niet in de API; zie /docs voor de adressen die er zijn.",
    405: "Deze methode is op dit adres niet toegestaan.",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _error_page(request: Request, message: str, status: int) -> Response:
    return render(request, "error.html", {"message": message}, status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})  # e.g. Allow on a 405
    if _is_api(request):
        detail = API_MESSAGES.get(exc.status_code, str(exc.detail))
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)
    message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
    response = _error_page(request, message, exc.status_code)
    response.headers.update(headers)
    return response


# The most specific class first: NotFound is a QueryError, LoginRequired an AccessDenied.
STATUSES: tuple[tuple[type[KoersError], int], ...] = (
    (AccessDenied, 403),
    (NotFound, 404),
    (QueryError, 400),
)


def _status(exc: KoersError) -> int:
    return next((status for kind, status in STATUSES if isinstance(exc, kind)), 500)


async def _koers_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KoersError)
    if isinstance(exc, LoginRequired) and not _is_api(request):
        target = urlencode({"volgende": request.url.path})
        return RedirectResponse(f"{LOGIN_PATH}?{target}", status_code=303)
    status = _status(exc)
    if _is_api(request):
        return JSONResponse({"detail": exc.message}, status_code=status)
    return _error_page(request, exc.message, status)


def install(app: FastAPI) -> None:
    """Registers the Dutch error answers on ``app``; call once in ``create_app``."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(KoersError, _koers_error)
