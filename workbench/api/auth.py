"""Who is calling: the account of the request's ``Authorization: Bearer <token>``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from workbench.db.engine import Database
from workbench.errors import AuthenticationError
from workbench.services import tokens
from workbench.services.users import Account

MISSING_TOKEN = "send a personal access token as 'Authorization: Bearer <token>'"
_bearer = HTTPBearer(auto_error=False, description="A personal access token (wb_...).")


def database(request: Request) -> Database:
    """The process's Database (the one the app uses)."""
    provider = request.app.state.database
    found: Database = provider()
    return found


def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Account:
    """The active account the bearer token acts for, or 401 (no, bad or revoked token)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError(MISSING_TOKEN)
    return tokens.authenticate(database(request), secret=credentials.credentials)


Caller = Annotated[Account, Depends(caller)]
Db = Annotated[Database, Depends(database)]
