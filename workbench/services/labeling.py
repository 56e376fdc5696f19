"""One reviewer's edits from the annotate view: verdict, note and evidence, each audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workbench.db import queries
from workbench.db.models import EvidenceItem
from workbench.domain.labels import Evidence, Label, check_label_evidence, parse_label
from workbench.errors import InputError, NotFoundError
from workbench.services.annotate import record_label


@dataclass(frozen=True, slots=True)
class LabelState:
    """A reviewer's saved label on one sentence, as plain data."""

    label: Label
    note: str
    evidence: tuple[Evidence, ...]

    def evidence_problem(self) -> str | None:
        """Why the evidence does not yet meet the label's rule, or None when it does."""
        try:
            check_label_evidence(self.label, self.evidence)
        except InputError as exc:
            return str(exc)
        return None


def _as_evidence(item: EvidenceItem) -> Evidence:
    return Evidence(
        url=item.url,
        quote=item.quote,
        stance=item.stance,
        note=item.note,
        sentence_ref=item.sentence_ref,
    )


def label_state(session: Session, *, user_id: int, sentence_id: int) -> LabelState | None:
    """This reviewer's label on a sentence with note and evidence, or None when unlabeled."""
    annotation = queries.annotation_for(session, sentence_id=sentence_id, user_id=user_id)
    if annotation is None:
        return None
    evidence = tuple(_as_evidence(item) for item in annotation.evidence)
    return LabelState(parse_label(annotation.label), annotation.note, evidence)


def _save(session: Session, *, user_id: int, sentence_id: int, state: LabelState) -> LabelState:
    record_label(
        session,
        user_id=user_id,
        sentence_id=sentence_id,
        label=state.label,
        note=state.note,
        evidence=state.evidence,
    )
    return state


def _existing(session: Session, *, user_id: int, sentence_id: int, action: str) -> LabelState:
    state = label_state(session, user_id=user_id, sentence_id=sentence_id)
    if state is None:
        raise InputError(f"choose a label for this sentence before you {action}")
    return state


def set_verdict(
    session: Session,
    *,
    user_id: int,
    sentence_id: int,
    label: Label | str,
    note: str | None = None,
) -> LabelState:
    """Save this reviewer's verdict, keeping the evidence; the note changes when given."""
    verdict = parse_label(label)
    old = label_state(session, user_id=user_id, sentence_id=sentence_id)
    kept_note = old.note if old is not None else ""
    evidence = old.evidence if old is not None else ()
    new = LabelState(verdict, kept_note if note is None else note, evidence)
    return _save(session, user_id=user_id, sentence_id=sentence_id, state=new)


def set_note(session: Session, *, user_id: int, sentence_id: int, note: str) -> LabelState:
    """Change the note of an existing label."""
    old = _existing(session, user_id=user_id, sentence_id=sentence_id, action="write a note")
    new = LabelState(old.label, note, old.evidence)
    return _save(session, user_id=user_id, sentence_id=sentence_id, state=new)


def add_evidence(session: Session, *, user_id: int, sentence_id: int, item: Evidence) -> LabelState:
    """Append one evidence item to an existing label."""
    old = _existing(session, user_id=user_id, sentence_id=sentence_id, action="add evidence")
    new = LabelState(old.label, old.note, (*old.evidence, item))
    return _save(session, user_id=user_id, sentence_id=sentence_id, state=new)


def remove_evidence(
    session: Session, *, user_id: int, sentence_id: int, position: int
) -> LabelState:
    """Remove the evidence item at ``position`` (0-based) from an existing label."""
    old = _existing(session, user_id=user_id, sentence_id=sentence_id, action="edit evidence")
    if not 0 <= position < len(old.evidence):
        raise NotFoundError(f"no evidence item {position + 1} on this label")
    kept: Sequence[Evidence] = old.evidence[:position] + old.evidence[position + 1 :]
    new = LabelState(old.label, old.note, tuple(kept))
    return _save(session, user_id=user_id, sentence_id=sentence_id, state=new)
