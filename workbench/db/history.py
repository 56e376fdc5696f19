"""Audit-log queries: the recorded changes of one sentence's labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from workbench.db.models import AuditEntry, Sentence, User


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audited change, with the acting account's name."""

    id: int
    at: datetime
    actor: str | None
    entity: str
    action: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None


def _of_sentence(sentence_id: int, entity: str | None) -> list[ColumnElement[bool]]:
    found = [AuditEntry.sentence_id == sentence_id]
    return found if entity is None else [*found, AuditEntry.entity == entity]


def sentence_audit(
    session: Session,
    *,
    sentence_id: int,
    entity: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[AuditRow]:
    """Audited changes to labels of one sentence, oldest first; optionally one kind, one page."""
    rows = session.execute(
        select(
            AuditEntry.id,
            AuditEntry.at,
            User.name,
            AuditEntry.entity,
            AuditEntry.action,
            AuditEntry.old,
            AuditEntry.new,
        )
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(*_of_sentence(sentence_id, entity))
        .order_by(AuditEntry.at, AuditEntry.id)
        .limit(limit)
        .offset(offset)
    )
    return [AuditRow(*row) for row in rows]


def sentence_audit_count(session: Session, *, sentence_id: int, entity: str | None = None) -> int:
    """Number of audited changes to labels of one sentence (optionally of one kind)."""
    query = select(func.count(AuditEntry.id)).where(*_of_sentence(sentence_id, entity))
    return session.scalar(query) or 0


def audited_indices(session: Session, *, article_id: str) -> list[int]:
    """Indices of an article's sentences that have at least one audited label change."""
    return list(
        session.scalars(
            select(Sentence.index)
            .where(
                Sentence.article_id == article_id,
                select(AuditEntry.id).where(AuditEntry.sentence_id == Sentence.id).exists(),
            )
            .order_by(Sentence.index)
        )
    )
