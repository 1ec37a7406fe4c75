"""The one call a route makes to log an access: :func:`audit_access`.

Routes that serve ``vertrouwelijk`` data, and every export route (CSV, XLSX, reports), call
it *before* the response leaves: if the row cannot be written, the request fails and no data
goes out. The web app shares one engine on the access store, opened when the app is made.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine
from starlette.requests import Request

from koers.access.audit import AuditEntry, AuditRecord, record
from koers.privacy.access import Principal, PrivacyLevel


def access_store(request: Request) -> Engine:
    """The app's engine on the access store, opened once by :func:`koers.web.app.create_app`."""
    engine: Engine = request.app.state.access_store
    return engine


def audit_access(
    request: Request,
    user: Principal,
    action: str,
    object: str,
    gemeente: str | None,
    level: PrivacyLevel | None,
    rows: Sequence[str] = (),
    purpose: str | None = None,
) -> AuditRecord:
    """Log that ``user`` did ``action`` on ``object`` (a metric id, table or page).

    ``rows`` are pseudonyms of the persons whose rows were shown or exported; ``purpose`` is
    the ``doel`` the user stated, required at ``vertrouwelijk``. Only the path of the request
    is kept, never its query string, so no token or search text in a URL reaches the log.
    Raises :class:`koers.errors.AccessDenied` (403) if the entry may not be logged.
    """
    entry = AuditEntry.for_principal(
        user,
        action,
        object,
        gemeente=gemeente,
        privacy_level=level,
        rows=tuple(rows),
        purpose=purpose,
        path=request.url.path,
    )
    return record(access_store(request), entry)
