"""Shared request dependencies: who is asking, the one way to the metrics, and the operator's
view on the bookkeeping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from koers.errors import AccessDenied, LoginRequired
from koers.metrics.query import QueryService
from koers.privacy.access import PUBLIC, Principal
from koers.web.admin_queries import AdminQueries
from koers.web.routers.login import current_session, require_csrf


def current_user(request: Request) -> Principal:
    """The logged-in account as a principal, or the anonymous public.

    The session middleware (:mod:`koers.web.routers.login`) has already looked the cookie up,
    ended expired sessions and those of disabled accounts; what is left here is trusted.
    """
    session = current_session(request)
    return PUBLIC if session is None else session.account.principal()


def role_required(*roles: str) -> Callable[[Principal], Principal]:
    """A dependency that lets through users holding one of ``roles``.

    Anonymous visitors get :class:`LoginRequired` (a page sends them to the log-in form and
    back); logged-in users without the role get :class:`AccessDenied` (403, no data).
    """
    allowed = frozenset(roles)

    def dependency(user: Annotated[Principal, Depends(current_user)]) -> Principal:
        if user.roles & allowed:
            return user
        wanted = " of ".join(sorted(allowed))
        if user is PUBLIC:
            raise LoginRequired(f"log in als {wanted} om deze pagina te zien")
        raise AccessDenied(f"deze pagina is alleen voor de rol {wanted}")

    return dependency


def query_service(request: Request) -> QueryService:
    service: QueryService = request.app.state.queries
    return service


def admin_queries(
    request: Request, user: Annotated[Principal, Depends(current_user)]
) -> AdminQueries:
    """The operator's view, limited to the sources of the user's gemeenten plus the shared
    ones (no gemeente); cheap to make, it holds the shared warehouse connection."""
    service: QueryService = request.app.state.queries
    sources = service.project.sources
    allowed = (
        None
        if user.gemeenten is None
        else frozenset(
            s.name for s in sources if s.gemeente is None or s.gemeente in user.gemeenten
        )
    )
    return AdminQueries(service.warehouse, [s.name for s in sources], allowed)


CurrentUser = Annotated[Principal, Depends(current_user)]
#: The operator's pages (Beheer): loads, refusals, quarantine and lineage of every source.
Beheerder = Annotated[Principal, Depends(role_required("beheerder"))]
PrivacyOfficer = Annotated[Principal, Depends(role_required("privacy-officer"))]
#: Add to a route that handles a form which changes state: 403 without the right token.
CsrfChecked = Annotated[None, Depends(require_csrf)]
Queries = Annotated[QueryService, Depends(query_service)]
Admin = Annotated[AdminQueries, Depends(admin_queries)]
