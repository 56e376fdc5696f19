"""Many reviewer labels written at once (label imports): a few statements, not a few per label."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from workbench.db.models import Annotation, EvidenceItem
from workbench.domain.labels import Evidence, decode_evidence

CHUNK = 500


class StoredLabel(NamedTuple):
    """A reviewer's stored label on a sentence."""

    id: int
    label: str
    note: str
    evidence: tuple[Evidence, ...]
    claim: str | None = None


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def stored_labels(
    session: Session, *, keys: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], StoredLabel]:
    """The labels stored under these (sentence id, user id) keys, locked until commit."""
    found: dict[tuple[int, int], StoredLabel] = {}
    for chunk in _chunks(sorted(set(keys))):
        rows = session.execute(
            select(
                Annotation.id,
                Annotation.sentence_id,
                Annotation.user_id,
                Annotation.label,
                Annotation.note,
                Annotation.evidence_json,
                Annotation.claim_text,
            )
            .where(tuple_(Annotation.sentence_id, Annotation.user_id).in_(chunk))
            .with_for_update()
        ).all()
        for row in rows:
            evidence = decode_evidence(row.evidence_json)
            found[row.sentence_id, row.user_id] = StoredLabel(
                row.id, row.label, row.note, evidence, row.claim_text
            )
    return found


def insert_labels(session: Session, *, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert annotation rows (column name -> value); return their new ids in the same order."""
    if not rows:
        return []
    stmt = insert(Annotation).returning(Annotation.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, list(rows)))


def update_labels(session: Session, *, rows: Sequence[dict[str, Any]]) -> None:
    """Update annotations by id; each row holds ``id`` and the columns that change."""
    if rows:
        session.execute(update(Annotation), list(rows))


def replace_evidence(
    session: Session, *, annotation_ids: Sequence[int], rows: Sequence[dict[str, Any]]
) -> None:
    """Drop the evidence of these annotations, then insert ``rows`` (evidence item columns)."""
    for chunk in _chunks(list(annotation_ids)):
        session.execute(delete(EvidenceItem).where(EvidenceItem.annotation_id.in_(chunk)))
    if rows:
        session.execute(insert(EvidenceItem), list(rows))
