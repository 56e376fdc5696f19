"""Write helpers that need dialect-specific SQL (upserts, row locks)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from workbench.db.models import Annotation, utcnow


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


def lock_annotation(
    session: Session, *, sentence_id: int, user_id: int, label: str
) -> tuple[Annotation, bool]:
    """Ensure the (sentence, reviewer) row exists and lock it; return it and whether it is new.

    Two tabs saving the same sentence at once both reach this point; the insert that loses
    the race does nothing, and the row lock orders the two updates so both are audited.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    inserted = session.scalar(
        insert(Annotation)
        .values(
            sentence_id=sentence_id,
            user_id=user_id,
            label=label,
            note="",
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["sentence_id", "user_id"])
        .returning(Annotation.id)
    )
    annotation = lock_existing_annotation(session, sentence_id=sentence_id, user_id=user_id)
    assert annotation is not None  # inserted above, or by the transaction that won the race
    return annotation, inserted is not None
