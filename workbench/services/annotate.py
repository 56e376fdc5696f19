"""Recording, updating and clearing a reviewer's label, each with an audit row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from workbench.db import queries
from workbench.db.models import Annotation, AuditEntry, EvidenceItem, Sentence, User, utcnow
from workbench.db.writes import lock_annotation
from workbench.domain.labels import Evidence, Label, encode_evidence, parse_label
from workbench.errors import NotFoundError, PermissionDeniedError

MAX_NOTE = 10_000


def snapshot(label: str, note: str, evidence: Sequence[EvidenceItem | Evidence]) -> dict[str, Any]:
    """The audited state of a label: verdict, note and evidence as plain data."""
    return {
        "label": label,
        "note": note,
        "evidence": [
            {
                "url": item.url,
                "quote": item.quote,
                "stance": item.stance,
                "note": item.note,
                "sentence_ref": item.sentence_ref,
            }
            for item in evidence
        ],
    }


def evidence_rows(evidence: Sequence[Evidence]) -> list[EvidenceItem]:
    """New evidence rows for ``evidence``, numbered in the order given."""
    return [
        EvidenceItem(
            position=i,
            url=item.url,
            quote=item.quote,
            stance=item.stance,
            note=item.note,
            sentence_ref=item.sentence_ref,
        )
        for i, item in enumerate(evidence)
    ]


def _active_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no account with id {user_id}")
    if not user.active:
        raise PermissionDeniedError(f"account {user.name!r} is deactivated")
    return user


def record_label(
    session: Session,
    *,
    user_id: int,
    sentence_id: int,
    label: Label | str,
    note: str = "",
    evidence: Sequence[Evidence] = (),
) -> Annotation:
    """Create or update this reviewer's label on a sentence and append an audit row."""
    verdict = parse_label(label)
    _active_user(session, user_id)
    if session.get(Sentence, sentence_id) is None:
        raise NotFoundError(f"no sentence with id {sentence_id}")
    note = note[:MAX_NOTE]
    annotation, created = lock_annotation(
        session, sentence_id=sentence_id, user_id=user_id, label=verdict.value
    )
    old = None if created else snapshot(annotation.label, annotation.note, annotation.evidence)
    new = snapshot(verdict.value, note, evidence)
    if old == new:
        return annotation
    annotation.label = verdict.value
    annotation.note = note
    annotation.updated_at = utcnow()
    annotation.evidence = evidence_rows(evidence)
    annotation.evidence_json = encode_evidence(evidence)
    session.add(
        AuditEntry(
            actor_id=user_id,
            entity="annotation",
            entity_id=annotation.id,
            sentence_id=sentence_id,
            action="create" if created else "update",
            old=old,
            new=new,
        )
    )
    session.flush()
    return annotation


def clear_label(session: Session, *, user_id: int, sentence_id: int) -> bool:
    """Delete this reviewer's label on a sentence (audited); False when there was none."""
    _active_user(session, user_id)
    annotation = queries.annotation_for(session, sentence_id=sentence_id, user_id=user_id)
    if annotation is None:
        return False
    session.add(
        AuditEntry(
            actor_id=user_id,
            entity="annotation",
            entity_id=annotation.id,
            sentence_id=sentence_id,
            action="delete",
            old=snapshot(annotation.label, annotation.note, annotation.evidence),
            new=None,
        )
    )
    session.delete(annotation)
    session.flush()
    return True
