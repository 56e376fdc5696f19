"""Row locks on a reviewer's existing label, taken before its state is read for an edit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workbench.db.models import Annotation


def lock_existing_annotation(
    session: Session, *, sentence_id: int, user_id: int
) -> Annotation | None:
    """The (sentence, reviewer) row locked until commit, freshly read; None when there is none.

    ``FOR UPDATE`` on PostgreSQL; SQLite write transactions already hold the database's write
    lock (BEGIN IMMEDIATE), so the read that follows cannot be stale there either.
    """
    return session.scalars(
        select(Annotation)
        .where(Annotation.sentence_id == sentence_id, Annotation.user_id == user_id)
        .options(selectinload(Annotation.evidence))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
