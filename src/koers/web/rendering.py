"""Rendering a page template with what every page needs: the project (for the header) and the
HTTP status (the error page names a missing page as such)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        template,
        {"project": request.app.state.project, "status": status, **context},
        status_code=status,
    )
