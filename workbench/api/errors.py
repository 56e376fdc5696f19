"""How the API reports a failure: always JSON ``{"detail": ...}`` with the right status.

Bad or revoked token 401, wrong role 403, unknown record 404, conflict 409, too large 413,
wrong content type 415, bad input 422 (naming the field), busy database 503.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from workbench.errors import (
    AlreadyExistsError,
    AuthenticationError,
    ConflictError,
    DatabaseBusyError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    WorkbenchError,
)
from workbench.services.importer import ImportRejectedError

BEARER = {"WWW-Authenticate": "Bearer"}
MAX_LISTED = 10  # problems named in ``detail``; ``errors`` lists them all
STATUS = [
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (AlreadyExistsError, 409),
    (InputError, 422),
    (DatabaseBusyError, 503),
]


class FieldError(InputError):
    """A request field that is not acceptable; the message names the field."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.reason = message
        super().__init__(f"{field}: {message}")


def error_body(detail: str, **extra: Any) -> dict[str, Any]:
    """The JSON body of every error response."""
    return {"detail": detail, **extra}


def _field_name(location: Sequence[Any]) -> str:
    """A field's location as its name: ``("body", "evidence", 0, "url")`` is
    ``evidence[0].url``, ``("query", "limit")`` is ``limit``."""
    where = location and location[0] in ("body", "query", "path", "header")
    parts = list(location[1:] if where else location)
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


def _problem(error: Mapping[str, Any]) -> dict[str, str]:
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "")
        position = error["loc"][1] if len(error.get("loc", ())) > 1 else 0
        return {"field": "body", "message": f"invalid JSON at character {position}: {reason}"}
    return {"field": _field_name(error.get("loc", ())), "message": str(error.get("msg", ""))}


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_problem(error) for error in exc.errors()]
    detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return JSONResponse(error_body(detail, errors=problems), status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    return JSONResponse(error_body(str(exc.detail)), status_code=exc.status_code, headers=headers)


def status_of(exc: WorkbenchError) -> int:
    """The HTTP status of a workbench error."""
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 400


async def _workbench_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WorkbenchError)
    status = status_of(exc)
    headers = BEARER if status == 401 else None
    extra: dict[str, Any] = {}
    detail = str(exc)
    if isinstance(exc, FieldError):
        extra["errors"] = [{"field": exc.field, "message": exc.reason}]
    if isinstance(exc, ImportRejectedError):
        status = 422
        extra["errors"] = [problem_of(problem) for problem in exc.problems]
        shown = "; ".join(str(problem) for problem in exc.problems[:MAX_LISTED])
        more = len(exc.problems) - MAX_LISTED
        detail = f"{exc}: {shown}" + (f"; and {more} more" if more > 0 else "")
    return JSONResponse(error_body(detail, **extra), status_code=status, headers=headers)


def problem_of(error: InputError) -> dict[str, Any]:
    """One file problem as JSON: the file, its line (or null) and the message."""
    return {"source": error.source, "line": error.line, "message": error.detail}


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into a JSON error."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(WorkbenchError, _workbench_error)
