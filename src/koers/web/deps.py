"""Shared request dependencies: who is asking, the one way to the metrics, and the operator's
view on the bookkeeping."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from koers.metrics.query import QueryService
from koers.privacy.access import PUBLIC, Principal
from koers.web.admin_queries import AdminQueries


def current_user(request: Request) -> Principal:
    # Log-in comes later; until then everyone is the anonymous public, and the query layer
    # limits them to what is openbaar.
    return PUBLIC


def query_service(request: Request) -> QueryService:
    service: QueryService = request.app.state.queries
    return service


def admin_queries(request: Request) -> AdminQueries:
    # Cheap to make: it holds the shared warehouse connection and the configured source names.
    service: QueryService = request.app.state.queries
    return AdminQueries(service.warehouse, [s.name for s in service.project.sources])


CurrentUser = Annotated[Principal, Depends(current_user)]
Queries = Annotated[QueryService, Depends(query_service)]
Admin = Annotated[AdminQueries, Depends(admin_queries)]
