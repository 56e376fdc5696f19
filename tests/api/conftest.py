"""Fixtures of the API tests: the FastAPI app in process, and the served app over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from workbench.api import create_app
from workbench.db.engine import Database
from workbench.services.tokens import create_token

ARTICLE = "000_b5ddb462525d61c6"
ROLES = {"ana": "reviewer", "bob": "reviewer", "eve": "editor", "root": "admin"}


@dataclass
class Api:
    """A client of the API and one token per account of ``ROLES``."""

    client: TestClient | httpx.Client
    tokens: dict[str, str]
    db: Database
    prefix: str = ""

    def call(self, method: str, who: str | None, path: str, **kwargs: Any) -> httpx.Response:
        """``method path`` as ``who`` (None: without a token)."""
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens.get(who, who)}"
        return self.client.request(method, f"{self.prefix}{path}", headers=headers, **kwargs)

    def get(self, who: str | None, path: str, **kwargs: Any) -> httpx.Response:
        """GET as ``who``."""
        return self.call("GET", who, path, **kwargs)


def make_tokens(db: Database, accounts: dict[str, int]) -> dict[str, str]:
    """One fresh token per account id."""
    found = {}
    with db.write() as session:
        for name, user_id in accounts.items():
            found[name] = create_token(session, actor_id=user_id, name=f"{name}'s test").secret
    return found


@pytest.fixture
def api(
    seeded_db: Database, make_user, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Api]:  # type: ignore[no-untyped-def]
    """The API in process on the seeded database, with a reviewer pair, an editor, an admin."""
    monkeypatch.setenv("WORKBENCH_EXPORTS_DIR", str(tmp_path / "exports"))
    ids = {name: make_user(name, role=role) for name, role in ROLES.items()}
    with TestClient(create_app(lambda: seeded_db)) as client:
        yield Api(client, make_tokens(seeded_db, ids), seeded_db)
