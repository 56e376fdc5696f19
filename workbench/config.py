"""Settings read from the environment, with the defaults of the design."""

from __future__ import annotations

import os

DEFAULT_DATABASE_URL = "sqlite:///db/workbench.db"
DATABASE_URL_ENV = "WORKBENCH_DATABASE_URL"


def database_url(explicit: str | None = None) -> str:
    """Return the database URL: explicit value, then the environment, then the default."""
    if explicit:
        return explicit
    return os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL
