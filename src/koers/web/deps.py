"""Shared request dependencies: who is asking, and the one way to the warehouse."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from koers.metrics.query import QueryService
from koers.privacy.access import PUBLIC, Principal


def current_user(request: Request) -> Principal:
    # Log-in comes later; until then everyone is the anonymous public, and the query layer
    # limits them to what is openbaar.
    return PUBLIC


def query_service(request: Request) -> QueryService:
    service: QueryService = request.app.state.queries
    return service


CurrentUser = Annotated[Principal, Depends(current_user)]
Queries = Annotated[QueryService, Depends(query_service)]
