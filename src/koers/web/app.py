"""Assembling the FastAPI app for a project: query layer, templates, routers, error pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from koers import __version__
from koers.access.store import open_store
from koers.config import find_project_dir, load_project
from koers.engine import connect
from koers.formatting import dutch_date, dutch_datetime, number, period_label, with_unit
from koers.metrics.query import QueryService
from koers.packs import load_packs
from koers.web import errors, security
from koers.web.routers import (
    api,
    audit,
    beheer,
    login,
    meldingen,
    oidc,
    pages,
    reisdocumenten,
    sociaal_domein,
)
from koers.web.sentences import sentence_html

HERE = Path(__file__).parent


def create_app(project_dir: Path) -> FastAPI:
    project = load_project(find_project_dir(project_dir))
    packs = load_packs(project.packs, project.dir)
    warehouse = connect(project, read_only=True)
    access_store = open_store(project)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        warehouse.close()
        access_store.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Koers API",
        version=__version__,
        description="Metrieken van de gemeenten in dit project, via één querylaag.",
        docs_url="/docs",
    )
    app.state.project = project
    app.state.queries = QueryService(project, warehouse, packs)
    app.state.access_store = access_store
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters.update(
        number=number,
        dutch_date=dutch_date,
        dutch_datetime=dutch_datetime,
        period_label=period_label,
        with_unit=with_unit,
        sentence=sentence_html,
    )
    app.state.templates = templates
    app.mount("/static/koers", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(reisdocumenten.router)
    app.include_router(meldingen.router)
    app.include_router(sociaal_domein.router)
    app.include_router(beheer.router)
    app.include_router(audit.router)
    login.install(app)
    oidc.install(app)

    errors.install(app)
    security.install(app)

    return app
