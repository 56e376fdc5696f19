"""The FastAPI application of ``/api/v1``: routers, error handlers, body limit, OpenAPI.

``database`` is how a request finds the process's Database: the served app passes the one
its pages use, a test passes its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline
from starlette.middleware import Middleware

from workbench import __version__
from workbench.api import admin, articles, editorial, errors, exports, labels
from workbench.api.auth import Caller
from workbench.api.limits import BodyLimit
from workbench.db.engine import Database

PREFIX = "/api/v1"
DESCRIPTION = """\
The fact-check workbench over HTTP: the same services and role checks as the app.

Authenticate with a personal access token (the app's **Access tokens** page, or
`workbench tokens create`) as `Authorization: Bearer wb_...`. A token acts with its account's
role: reviewer (articles, own labels), editor (+ agreement, gold labels, exports),
admin (+ ingest, users, assignments). Reviewers never see another reviewer's labels.

Errors are JSON `{"detail": "..."}`: 401 bad or revoked token, 403 wrong role, 404 unknown
record, 409 conflict, 413 body too large, 415 wrong Content-Type, 422 bad input (naming the
field), 503 database busy.
"""

me_router = APIRouter(tags=["account"])


@me_router.get("/me", summary="The account the token acts for")
def me(user: Caller) -> dict[str, Any]:
    """Name and role of the token's account."""
    return {"name": user.name, "role": user.role.value}


def create_app(database: Callable[[], Database]) -> FastAPI:
    """The API application; mounted at ``/api/v1`` (its OpenAPI and docs live under it)."""
    # Swagger UI's script and style are served from the package, not a CDN: the docs work on a
    # desk without internet access, and a visitor's browser fetches nothing from elsewhere.
    app = FastAPIOffline(
        title="Fact-check workbench API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        static_url="/docs-static",
        middleware=[Middleware(BodyLimit)],
    )
    app.state.database = database
    errors.install(app)
    for router in (me_router, articles.router, labels.router, editorial.router, exports.router):
        app.include_router(router)
    app.include_router(admin.router)
    return app
