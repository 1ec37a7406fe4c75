"""The audit page for the privacy officer: who saw or exported what, when, and why.

Only a user with the role ``privacy-officer`` gets in; everyone else, the public included,
gets 403 without a single row. An officer bound to some gemeenten sees the log of those
gemeenten' data only. Opening the page is itself logged: reading the log is reading who
looked at whom.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from koers.access.audit import (
    ACTIONS,
    AuditFilter,
    count_records,
    day_start,
    known_users,
    list_records,
    parse_day,
)
from koers.access.audit_web import access_store, audit_access
from koers.errors import QueryError
from koers.privacy.access import PrivacyLevel
from koers.web.deps import PrivacyOfficer
from koers.web.rendering import render

router = APIRouter(include_in_schema=False)

ROLE = "privacy-officer"
PAGE_SIZE = 50
#: The purpose logged when the officer opens the page; the role exists for this task.
OFFICER_PURPOSE = "toezicht op het gebruik van gegevens (privacy-officer)"
_FILTERS = ("gebruiker", "object", "pseudoniem", "van", "tot")


@router.get("/privacy/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: PrivacyOfficer) -> Response:
    params = {name: request.query_params.get(name, "").strip() for name in _FILTERS}
    where = _filter(params, user.gemeenten)
    number = _page_number(request.query_params.get("pagina", ""))
    engine = access_store(request)
    audit_access(
        request, user, "bekijken", "auditlog", None, PrivacyLevel.VERTROUWELIJK, (), OFFICER_PURPOSE
    )
    total = count_records(engine, where)
    count = max(1, -(-total // PAGE_SIZE))
    number = min(number, count)
    records = list_records(engine, where, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    context = {
        "records": records,
        "total": total,
        "number": number,
        "count": count,
        "first": (number - 1) * PAGE_SIZE + 1,
        "last": (number - 1) * PAGE_SIZE + len(records),
        "filters": params,
        "filtered": any(params.values()),
        "users": known_users(engine),
        "actions": ACTIONS,
        "pages": _page_links(params, number, count),
    }
    return render(request, "audit.html", context)


def _filter(params: dict[str, str], gemeenten: frozenset[str] | None) -> AuditFilter:
    pseudonym = params["pseudoniem"].lower()
    if pseudonym and (len(pseudonym) != 64 or not all(c in "0123456789abcdef" for c in pseudonym)):
        raise QueryError("'pseudoniem' moet een pseudoniem van 64 tekens (0-9, a-f) zijn")
    since = day_start(parse_day(params["van"], "van")) if params["van"] else None
    until = None
    if params["tot"]:
        # 'tot en met': up to the start of the next day.
        until = day_start(parse_day(params["tot"], "tot") + timedelta(days=1))
    return AuditFilter(
        username=params["gebruiker"] or None,
        object=params["object"] or None,
        pseudonym=pseudonym or None,
        since=since,
        until=until,
        gemeenten=gemeenten,
    )


def _page_number(value: str) -> int:
    if not value:
        return 1
    if not value.isdigit() or int(value) < 1:
        raise QueryError(f"'pagina' moet een geheel getal van 1 of meer zijn, niet '{value}'")
    return int(value)


def _page_links(params: dict[str, str], number: int, count: int) -> dict[str, Any]:
    def link(page: int) -> str:
        kept = {key: value for key, value in params.items() if value}
        return f"/privacy/audit?{urlencode({**kept, 'pagina': str(page)})}"

    return {
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if number < count else None,
    }
