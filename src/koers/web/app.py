"""Assembling the FastAPI app for a project: query layer, templates, routers, error pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from koers import __version__
from koers.config import find_project_dir, load_project
from koers.engine import connect
from koers.errors import AccessDenied, KoersError, QueryError
from koers.formatting import dutch_date, dutch_datetime, number, period_label, with_unit
from koers.metrics.query import QueryService
from koers.packs import load_packs
from koers.web.routers import api, beheer, pages

HERE = Path(__file__).parent


def create_app(project_dir: Path) -> FastAPI:
    project = load_project(find_project_dir(project_dir))
    packs = load_packs(project.packs, project.dir)
    warehouse = connect(project, read_only=True)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        warehouse.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Koers API",
        version=__version__,
        description="Metrieken van de gemeenten in dit project, via één querylaag.",
        docs_url="/docs",
    )
    app.state.project = project
    app.state.queries = QueryService(project, warehouse, packs)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters.update(
        number=number,
        dutch_date=dutch_date,
        dutch_datetime=dutch_datetime,
        period_label=period_label,
        with_unit=with_unit,
    )
    app.state.templates = templates
    app.mount("/static/koers", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(beheer.router)

    @app.exception_handler(KoersError)
    def _koers_error(request: Request, exc: KoersError) -> Response:
        status = (
            403 if isinstance(exc, AccessDenied) else 400 if isinstance(exc, QueryError) else 500
        )
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.message}, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"project": project, "message": exc.message}, status_code=status
        )

    @app.middleware("http")
    async def _security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
