"""Ingest by upload from the admin page: the admin check, then the CLI's own ingest rules."""

from __future__ import annotations

from collections.abc import Iterable

from workbench.db.engine import Database
from workbench.domain.labels import Role
from workbench.services.ingest import IngestReport, ingest_upload
from workbench.services.permissions import require_role


def upload_articles(
    db: Database, *, actor_id: int, files: Iterable[tuple[str, bytes]]
) -> list[tuple[str, IngestReport]]:
    """Ingest each uploaded (file name, bytes) on its own (admin only); one report per file.

    Takes the ``Database``: each file is stored in a transaction of its own, as
    ``ingest_upload`` does, so one bad file leaves the others stored.
    """
    with db.read() as session:
        require_role(session, user_id=actor_id, role=Role.ADMIN)
    return [(name, ingest_upload(db, filename=name, data=data)) for name, data in files]
