"""Rendering a page template with what every page needs (the project, for the header)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, {"project": request.app.state.project, **context}, status_code=status
    )
