"""Assignment queries and writes: which articles are in which reviewer's queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workbench.db.models import Article, Assignment, User, utcnow


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    """One article in one account's queue."""

    article_id: str
    title: str
    user_name: str
    created_at: datetime


def add_assignment(session: Session, *, article_id: str, user_id: int) -> bool:
    """Put an article in a queue; False when it was already there (safe under concurrency)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    inserted = session.scalar(
        insert(Assignment)
        .values(article_id=article_id, user_id=user_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["article_id", "user_id"])
        .returning(Assignment.id)
    )
    return inserted is not None


def remove_assignment(session: Session, *, article_id: str, user_id: int) -> bool:
    """Take an article out of a queue; False when it was not there."""
    deleted = session.scalars(
        delete(Assignment)
        .where(Assignment.article_id == article_id, Assignment.user_id == user_id)
        .returning(Assignment.id)
    ).all()
    return bool(deleted)


def assignment_page(session: Session, *, limit: int, offset: int = 0) -> list[AssignmentRow]:
    """At most ``limit`` assignments from ``offset``, by account name then article id."""
    rows = session.execute(
        select(Assignment.article_id, Article.title, User.name, Assignment.created_at)
        .join(Article, Article.id == Assignment.article_id)
        .join(User, User.id == Assignment.user_id)
        .order_by(User.name, Assignment.article_id)
        .limit(limit)
        .offset(offset)
    )
    return [AssignmentRow(*row) for row in rows]


def count_assignments(session: Session) -> int:
    """Number of assignments."""
    return session.scalar(select(func.count(Assignment.id))) or 0
