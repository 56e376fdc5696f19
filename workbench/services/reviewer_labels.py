"""A reviewer's labels: record, edit and clear them, one audit row for every change.

The verdict, note, claim as checked and evidence of one reviewer on one sentence are edited
under a row lock (``lock_label``), so two edits at once are applied one after the other and
neither is lost. Gold labels are the editors' (``workbench.services.adjudicate``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from workbench.db import bulk_labels as bulk
from workbench.db import queries
from workbench.db.audit import Change, append_audit
from workbench.db.evidence import evidence_columns, evidence_of, store_evidence
from workbench.db.guidelines import current_version
from workbench.db.models import Annotation, Sentence, User, utcnow
from workbench.db.writes import lock_annotation, lock_existing_annotation
from workbench.domain.labels import (
    NO_EVIDENCE,
    Evidence,
    Label,
    check_label_evidence,
    check_note,
    claim_as_checked,
    encode_evidence,
    evidence_complete,
    label_snapshot,
    missing_evidence,
    parse_label,
    takes_evidence,
)
from workbench.errors import InputError, NotFoundError, PermissionDeniedError


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


@dataclass(frozen=True, slots=True)
class LockedLabel:
    """A reviewer's label row, locked until the transaction ends; ``created`` when just made."""

    annotation: Annotation
    created: bool


def _audit_snapshot(annotation: Annotation) -> dict[str, Any]:
    return label_snapshot(
        annotation.label, annotation.note, evidence_of(annotation), annotation.claim_text
    )


def _state(annotation: Annotation) -> LabelState:
    return LabelState(
        parse_label(annotation.label),
        annotation.note,
        evidence_of(annotation),
        annotation.claim_text,
    )


def _state_of(locked: LockedLabel) -> LabelState | None:
    return None if locked.created else _state(locked.annotation)


def _sentence_text(session: Session, sentence_id: int) -> str:
    sentence = session.get(Sentence, sentence_id)
    if sentence is None:
        raise NotFoundError(f"no sentence with id {sentence_id}")
    return sentence.text


def _active_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no account with id {user_id}")
    if not user.active:
        raise PermissionDeniedError(f"account {user.name!r} is deactivated")
    return user


def label_state(session: Session, *, user_id: int, sentence_id: int) -> LabelState | None:
    """This reviewer's label on a sentence with note, evidence and claim, or None when unlabeled."""
    annotation = queries.annotation_for(session, sentence_id=sentence_id, user_id=user_id)
    return None if annotation is None else _state(annotation)


def lock_label(
    session: Session, *, user_id: int, sentence_id: int, create_as: Label | None = None
) -> LockedLabel | None:
    """Lock this reviewer's label on a sentence before reading it for an edit.

    With ``create_as`` a missing label is created with that verdict first; without it a
    missing label gives None. Every read-modify-write of a label starts here, so two edits at
    once are applied one after the other and neither is lost.
    """
    _active_user(session, user_id)
    if session.get(Sentence, sentence_id) is None:
        raise NotFoundError(f"no sentence with id {sentence_id}")
    if create_as is None:
        found = lock_existing_annotation(session, sentence_id=sentence_id, user_id=user_id)
        return None if found is None else LockedLabel(found, created=False)
    annotation, created = lock_annotation(
        session, sentence_id=sentence_id, user_id=user_id, label=create_as.value
    )
    return LockedLabel(annotation, created)


def save_locked(session: Session, *, locked: LockedLabel, state: LabelState) -> Annotation:
    """Write a new state to a locked label and append its audit row (nothing when unchanged).

    ``state.claim`` is the claim as checked; None, empty or the sentence text itself store NULL.
    """
    annotation = locked.annotation
    check_note(state.note)
    check_label_evidence(state.label, state.evidence)
    restated = claim_as_checked(state.claim, _sentence_text(session, annotation.sentence_id))
    old = None if locked.created else _audit_snapshot(annotation)
    new = label_snapshot(state.label.value, state.note, state.evidence, restated)
    if old == new:
        return annotation
    in_force = current_version(session)  # read before any change: no autoflush in between
    annotation.label = state.label.value
    annotation.note = state.note
    annotation.claim_text = restated
    annotation.updated_at = utcnow()
    annotation.guideline_version = in_force
    store_evidence(annotation, state.evidence)
    session.flush()
    change = Change(
        "annotation", annotation.id, annotation.sentence_id, annotation.user_id, old, new
    )
    append_audit(session, [change])
    return annotation


def record_label(
    session: Session,
    *,
    user_id: int,
    sentence_id: int,
    label: Label | str,
    note: str = "",
    evidence: Sequence[Evidence] = (),
    claim: str | None = None,
) -> Annotation:
    """Create or update this reviewer's label on a sentence and append an audit row."""
    verdict = parse_label(label)
    locked = lock_label(session, user_id=user_id, sentence_id=sentence_id, create_as=verdict)
    assert locked is not None  # create_as makes the row when it is missing
    state = LabelState(verdict, note, tuple(evidence), claim)
    return save_locked(session, locked=locked, state=state)


@dataclass(frozen=True, slots=True)
class NewLabel:
    """A label to store: whose, on which sentence, and what it says."""

    sentence_id: int
    user_id: int
    label: Label
    note: str = ""
    evidence: tuple[Evidence, ...] = ()
    # The guideline version it was made under (None: before guidelines); "current" stores
    # the version in force, as a label saved in the app does.
    guideline_version: int | None | Literal["current"] = "current"
    # The claim as checked, already through ``claim_as_checked`` (None: the sentence text).
    claim: str | None = None


def record_labels(session: Session, *, labels: Sequence[NewLabel]) -> int:
    """Store many labels as ``record_label`` would, one audit row each; return how many changed.

    A handful of statements for the whole batch instead of several per label. Each
    (sentence, reviewer) pair may appear once. Raises as ``record_label`` does for an unknown or
    deactivated account; a sentence that no longer exists fails the transaction (foreign key).
    """
    for user_id in sorted({item.user_id for item in labels}):
        _active_user(session, user_id)
    stored = bulk.stored_labels(session, keys=[(item.sentence_id, item.user_id) for item in labels])
    now = utcnow()
    in_force = current_version(session)
    created: list[tuple[NewLabel, dict[str, Any]]] = []
    changed: list[tuple[NewLabel, int, dict[str, Any], dict[str, Any]]] = []
    for item in labels:
        new = label_snapshot(
            item.label.value, check_note(item.note), item.evidence, _checked_claim(item.claim)
        )
        before = stored.get((item.sentence_id, item.user_id))
        if before is None:
            created.append((item, new))
            continue
        old = label_snapshot(before.label, before.note, before.evidence, before.claim)
        if old != new:
            changed.append((item, before.id, old, new))

    def columns(item: NewLabel) -> dict[str, Any]:
        return {
            "label": item.label.value,
            "note": item.note,
            "claim_text": _checked_claim(item.claim),
            "updated_at": now,
            "evidence_json": encode_evidence(item.evidence),
            "guideline_version": in_force
            if item.guideline_version == "current"
            else item.guideline_version,
        }

    new_ids = bulk.insert_labels(
        session,
        rows=[
            {"sentence_id": i.sentence_id, "user_id": i.user_id, "created_at": now, **columns(i)}
            for i, _ in created
        ],
    )
    bulk.update_labels(session, rows=[{"id": id_, **columns(i)} for i, id_, _, _ in changed])
    written = [(i, id_) for (i, _), id_ in zip(created, new_ids, strict=True)]
    written += [(i, id_) for i, id_, _, _ in changed]
    bulk.replace_evidence(
        session,
        annotation_ids=[id_ for _, id_, _, _ in changed],
        rows=[
            {"annotation_id": id_, **evidence_columns(position, evidence)}
            for item, id_ in written
            for position, evidence in enumerate(item.evidence)
        ],
    )
    audit = [
        Change("annotation", id_, i.sentence_id, i.user_id, None, new)
        for (i, new), id_ in zip(created, new_ids, strict=True)
    ]
    audit += [
        Change("annotation", id_, i.sentence_id, i.user_id, old, new)
        for i, id_, old, new in changed
    ]
    append_audit(session, audit, at=now)
    return len(audit)


def _checked_claim(claim: str | None) -> str | None:
    """A batch's claim as given (the caller compared it with the sentence), length-checked."""
    return None if not claim else claim_as_checked(claim, "")


def clear_label(session: Session, *, user_id: int, sentence_id: int) -> bool:
    """Delete this reviewer's label on a sentence (audited); False when there was none."""
    _active_user(session, user_id)
    annotation = lock_existing_annotation(session, sentence_id=sentence_id, user_id=user_id)
    if annotation is None:
        return False
    old = _audit_snapshot(annotation)
    append_audit(session, [Change("annotation", annotation.id, sentence_id, user_id, old, None)])
    session.delete(annotation)
    session.flush()
    return True


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
    return _state(save_locked(session, locked=locked, state=change(old)))


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
    old = _state_of(locked) or LabelState(verdict, "", ())
    if old.evidence and not takes_evidence(verdict):
        raise InputError(f"{NO_EVIDENCE}: remove its {len(old.evidence)} evidence item(s) first")
    new = LabelState(
        verdict,
        old.note if note is None else note,
        old.evidence,
        old.claim if claim is None else claim,
    )
    return _state(save_locked(session, locked=locked, state=new))


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
