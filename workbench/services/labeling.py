"""One reviewer's edits from the annotate view: verdict, note, claim and evidence, each audited."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workbench.db import queries
from workbench.db.evidence import evidence_of
from workbench.db.models import Annotation
from workbench.domain.labels import (
    NO_EVIDENCE,
    Evidence,
    Label,
    evidence_complete,
    missing_evidence,
    parse_label,
    takes_evidence,
)
from workbench.errors import InputError, NotFoundError
from workbench.services.annotate import LockedLabel, lock_label, save_locked


@dataclass(frozen=True, slots=True)
class LabelState:
    """A reviewer's saved label on one sentence, as plain data."""

    label: Label
    note: str
    evidence: tuple[Evidence, ...]
    # The claim as checked; None: the sentence text as written.
    claim: str | None = None

    @property
    def complete(self) -> bool:
        """False while a verdict still lacks the evidence its rule asks for (*incomplete*)."""
        return evidence_complete(self.label, self.evidence)

    def evidence_problem(self) -> str | None:
        """Why the evidence does not yet meet the label's rule, or None when it does."""
        if not takes_evidence(self.label) and self.evidence:
            return NO_EVIDENCE
        return None if self.complete else missing_evidence(self.label)


def label_state(session: Session, *, user_id: int, sentence_id: int) -> LabelState | None:
    """This reviewer's label on a sentence with note, evidence and claim, or None when unlabeled."""
    annotation = queries.annotation_for(session, sentence_id=sentence_id, user_id=user_id)
    if annotation is None:
        return None
    return _state(annotation)


def _state(annotation: Annotation) -> LabelState:
    return LabelState(
        parse_label(annotation.label),
        annotation.note,
        evidence_of(annotation),
        annotation.claim_text,
    )


def _state_of(locked: LockedLabel) -> LabelState | None:
    if locked.created:
        return None
    return _state(locked.annotation)


def _save(session: Session, *, locked: LockedLabel, state: LabelState) -> LabelState:
    annotation = save_locked(
        session,
        locked=locked,
        label=state.label,
        note=state.note,
        evidence=state.evidence,
        claim=state.claim,
    )
    return _state(annotation)


def _edit(
    session: Session,
    *,
    user_id: int,
    sentence_id: int,
    action: str,
    change: Callable[[LabelState], LabelState],
) -> LabelState:
    """Lock the label, then read it and write ``change`` of it: no concurrent edit is lost."""
    locked = lock_label(session, user_id=user_id, sentence_id=sentence_id)
    old = _state_of(locked) if locked is not None else None
    if locked is None or old is None:
        raise InputError(f"choose a label for this sentence before you {action}")
    return _save(session, locked=locked, state=change(old))


def set_verdict(
    session: Session,
    *,
    user_id: int,
    sentence_id: int,
    label: Label | str,
    note: str | None = None,
    claim: str | None = None,
) -> LabelState:
    """Save this reviewer's verdict, keeping the evidence; the note and the claim as checked
    change when given ("" takes the restated claim back to the sentence text)."""
    verdict = parse_label(label)
    locked = lock_label(session, user_id=user_id, sentence_id=sentence_id, create_as=verdict)
    assert locked is not None  # create_as makes the row when it is missing
    old = _state_of(locked)
    kept_note = old.note if old is not None else ""
    kept_claim = old.claim if old is not None else None
    evidence = old.evidence if old is not None else ()
    if evidence and not takes_evidence(verdict):
        raise InputError(f"{NO_EVIDENCE}: remove its {len(evidence)} evidence item(s) first")
    new = LabelState(
        verdict,
        kept_note if note is None else note,
        evidence,
        kept_claim if claim is None else claim,
    )
    return _save(session, locked=locked, state=new)


def set_note(session: Session, *, user_id: int, sentence_id: int, note: str) -> LabelState:
    """Change the note of an existing label."""
    return _edit(
        session,
        user_id=user_id,
        sentence_id=sentence_id,
        action="write a note",
        change=lambda old: LabelState(old.label, note, old.evidence, old.claim),
    )


def set_claim(session: Session, *, user_id: int, sentence_id: int, claim: str) -> LabelState:
    """Change the claim as checked of an existing label ("" or the sentence text: none)."""
    return _edit(
        session,
        user_id=user_id,
        sentence_id=sentence_id,
        action="restate the claim",
        change=lambda old: LabelState(old.label, old.note, old.evidence, claim),
    )


def add_evidence(session: Session, *, user_id: int, sentence_id: int, item: Evidence) -> LabelState:
    """Append one evidence item to an existing label."""
    return _edit(
        session,
        user_id=user_id,
        sentence_id=sentence_id,
        action="add evidence",
        change=lambda old: LabelState(old.label, old.note, (*old.evidence, item), old.claim),
    )


def remove_evidence(
    session: Session, *, user_id: int, sentence_id: int, position: int
) -> LabelState:
    """Remove the evidence item at ``position`` (0-based) from an existing label."""

    def without(old: LabelState) -> LabelState:
        if not 0 <= position < len(old.evidence):
            raise NotFoundError(f"no evidence item {position + 1} on this label")
        kept: Sequence[Evidence] = old.evidence[:position] + old.evidence[position + 1 :]
        return LabelState(old.label, old.note, tuple(kept), old.claim)

    return _edit(
        session,
        user_id=user_id,
        sentence_id=sentence_id,
        action="edit evidence",
        change=without,
    )
