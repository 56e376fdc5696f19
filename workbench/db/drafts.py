"""A reviewer's unsaved drafts: one row per (reviewer, sentence), read and written by key."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workbench.db.models import LabelDraft, utcnow


def draft_for(session: Session, *, user_id: int, sentence_id: int) -> LabelDraft | None:
    """This reviewer's draft on one sentence, or None."""
    return session.scalars(
        select(LabelDraft).where(
            LabelDraft.user_id == user_id, LabelDraft.sentence_id == sentence_id
        )
    ).one_or_none()


def store_draft(
    session: Session,
    *,
    user_id: int,
    sentence_id: int,
    note: str,
    evidence_form: str,
    claim: str = "",
) -> None:
    """Insert or replace the draft of (reviewer, sentence); two tabs at once leave one row."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(LabelDraft).values(
        user_id=user_id,
        sentence_id=sentence_id,
        note=note,
        evidence_form=evidence_form,
        claim=claim,
        updated_at=now,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "sentence_id"],
            set_={
                "note": note,
                "evidence_form": evidence_form,
                "claim": claim,
                "updated_at": now,
            },
        )
    )


def delete_draft(session: Session, *, user_id: int, sentence_id: int) -> bool:
    """Remove the draft of (reviewer, sentence); False when there was none."""
    result = session.execute(
        delete(LabelDraft).where(
            LabelDraft.user_id == user_id, LabelDraft.sentence_id == sentence_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


def carry_drafts(session: Session, *, from_sentence: int, to_sentence: int) -> int:
    """Move every draft of ``from_sentence`` onto ``to_sentence`` (a merge); the number moved.

    A reviewer with a draft on both keeps one: the notes joined by a blank line, the evidence
    form and claim of the sentence merged into unless they are empty.
    """
    theirs = session.scalars(select(LabelDraft).where(LabelDraft.sentence_id == from_sentence))
    moved = 0
    for draft in list(theirs):
        kept = draft_for(session, user_id=draft.user_id, sentence_id=to_sentence)
        if kept is None:
            draft.sentence_id = to_sentence
        else:
            kept.note = "\n\n".join(note for note in (kept.note, draft.note) if note)
            if kept.evidence_form in ("", "{}"):
                kept.evidence_form = draft.evidence_form
            kept.claim = kept.claim or draft.claim
            session.delete(draft)
        moved += 1
    session.flush()
    return moved
