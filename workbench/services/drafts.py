"""Drafts: what a reviewer typed on a sentence and has not saved with a label yet.

A note or a claim as checked typed before the sentence has a label, and the fields of an
evidence form not yet added, are kept per (reviewer, sentence) in the database, so moving to
another sentence or reloading the page finds them again. Choosing the label stores the note and
the claim with it and takes them out of the draft; adding the evidence item empties the form.
A draft with nothing left in it is deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import orjson
from sqlalchemy.orm import Session

from workbench.db import drafts as draft_rows
from workbench.db.models import Sentence
from workbench.domain.labels import Evidence, Label, check_note, claim_as_checked
from workbench.errors import InputError, NotFoundError
from workbench.services import reviewer_labels

FORM_FIELDS = ("url", "quote", "stance", "note", "ref", "question", "published")
# Fields whose text makes a form worth keeping (a stance alone is the form's default).
TYPED_FIELDS = ("url", "quote", "note", "ref", "question", "published")


@dataclass(frozen=True, slots=True)
class Draft:
    """A reviewer's unsaved note, claim as checked and evidence form fields on one sentence."""

    note: str = ""
    form: Mapping[str, str] = field(default_factory=dict)
    claim: str = ""

    @property
    def empty(self) -> bool:
        """True when nothing typed is left in the draft."""
        return (
            not self.note
            and not self.claim
            and not any(self.form.get(name) for name in TYPED_FIELDS)
        )


def _clean_form(form: Mapping[str, object]) -> dict[str, str]:
    unknown = sorted(set(form) - set(FORM_FIELDS))
    if unknown:
        raise InputError(f"unknown evidence form field(s): {', '.join(unknown)}")
    cleaned: dict[str, str] = {}
    for name in FORM_FIELDS:
        value = form.get(name) or ""
        if not isinstance(value, str):
            raise InputError(f"evidence {name} must be text, got {type(value).__name__}")
        if value:
            cleaned[name] = check_note(value, what=f"evidence {name}")
    return cleaned


def draft_of(session: Session, *, user_id: int, sentence_id: int) -> Draft | None:
    """This reviewer's draft on one sentence, or None when there is none."""
    row = draft_rows.draft_for(session, user_id=user_id, sentence_id=sentence_id)
    if row is None:
        return None
    form = orjson.loads(row.evidence_form or "{}")
    return Draft(row.note, {k: str(v) for k, v in form.items() if k in FORM_FIELDS}, row.claim)


def _sentence_text(session: Session, sentence_id: int) -> str:
    sentence = session.get(Sentence, sentence_id)
    if sentence is None:
        raise NotFoundError(f"no sentence with id {sentence_id}")
    return sentence.text


def keep_draft(
    session: Session,
    *,
    user_id: int,
    sentence_id: int,
    note: str | None = None,
    form: Mapping[str, object] | None = None,
    claim: str | None = None,
) -> Draft | None:
    """Store the note, evidence form and/or claim given (the rest is kept); None when empty.

    A claim that is the sentence text itself is no restatement and is not kept.
    """
    old = draft_of(session, user_id=user_id, sentence_id=sentence_id) or Draft()
    if claim is None:
        kept_claim = old.claim
    else:
        kept_claim = claim_as_checked(claim, _sentence_text(session, sentence_id)) or ""
    new = Draft(
        old.note if note is None else check_note(note),
        dict(old.form) if form is None else _clean_form(form),
        kept_claim,
    )
    if new.empty:
        draft_rows.delete_draft(session, user_id=user_id, sentence_id=sentence_id)
        return None
    if new == old:
        return new
    _sentence_text(session, sentence_id)
    encoded = orjson.dumps(dict(new.form), option=orjson.OPT_SORT_KEYS).decode()
    draft_rows.store_draft(
        session,
        user_id=user_id,
        sentence_id=sentence_id,
        note=new.note,
        evidence_form=encoded,
        claim=new.claim,
    )
    return new


def _save_or_keep(
    session: Session, *, user_id: int, sentence_id: int, note: str | None, claim: str | None
) -> bool:
    """Save the note or the claim given on the label when there is one (True) and take it out
    of the draft, else keep it in the draft (False)."""
    if reviewer_labels.lock_label(session, user_id=user_id, sentence_id=sentence_id) is None:
        keep_draft(session, user_id=user_id, sentence_id=sentence_id, note=note, claim=claim)
        return False
    if note is not None:
        reviewer_labels.set_note(session, user_id=user_id, sentence_id=sentence_id, note=note)
    if claim is not None:
        reviewer_labels.set_claim(session, user_id=user_id, sentence_id=sentence_id, claim=claim)
    # What was saved leaves the draft (""); the other field stays as it is (None).
    note, claim = (None if value is None else "" for value in (note, claim))
    keep_draft(session, user_id=user_id, sentence_id=sentence_id, note=note, claim=claim)
    return True


def save_note(session: Session, *, user_id: int, sentence_id: int, note: str) -> bool:
    """Save the note on the label when there is one (True), else keep it as a draft (False)."""
    check_note(note)
    return _save_or_keep(session, user_id=user_id, sentence_id=sentence_id, note=note, claim=None)


def save_claim(session: Session, *, user_id: int, sentence_id: int, claim: str) -> bool:
    """Save the claim as checked on the label when there is one (True), else keep it as a
    draft (False); "" or the sentence text takes it back to the sentence as written."""
    claim_as_checked(claim, _sentence_text(session, sentence_id))  # refuse a long one first
    return _save_or_keep(session, user_id=user_id, sentence_id=sentence_id, note=None, claim=claim)


def choose_label(
    session: Session,
    *,
    user_id: int,
    sentence_id: int,
    label: Label | str,
    note: str | None = None,
    claim: str | None = None,
) -> reviewer_labels.LabelState:
    """Save the verdict with the note and the claim as checked (the draft's when none is
    given); both leave the draft.

    The evidence form stays in the draft until its item is added: a label never adds an item the
    reviewer has not finished.
    """
    if note is None or claim is None:
        draft = draft_of(session, user_id=user_id, sentence_id=sentence_id)
        if note is None:
            note = draft.note if draft is not None and draft.note else None
        if claim is None:
            claim = draft.claim if draft is not None and draft.claim else None
    saved = reviewer_labels.set_verdict(
        session, user_id=user_id, sentence_id=sentence_id, label=label, note=note, claim=claim
    )
    keep_draft(session, user_id=user_id, sentence_id=sentence_id, note="", claim="")
    return saved


def use_draft_note(
    session: Session, *, user_id: int, sentence_id: int
) -> reviewer_labels.LabelState:
    """Append the draft's note to the label's (a label made elsewhere meanwhile) and clear it."""
    draft = draft_of(session, user_id=user_id, sentence_id=sentence_id)
    state = reviewer_labels.label_state(session, user_id=user_id, sentence_id=sentence_id)
    if state is None:
        raise InputError("choose a label for this sentence before you add the draft note to it")
    if draft is None or not draft.note:
        return state
    note = f"{state.note}\n\n{draft.note}" if state.note else draft.note
    saved = reviewer_labels.set_note(session, user_id=user_id, sentence_id=sentence_id, note=note)
    keep_draft(session, user_id=user_id, sentence_id=sentence_id, note="")
    return saved


def add_form_evidence(
    session: Session, *, user_id: int, sentence_id: int, item: Evidence
) -> reviewer_labels.LabelState:
    """Append the evidence item of the form to the label and empty the form's draft."""
    saved = reviewer_labels.add_evidence(
        session, user_id=user_id, sentence_id=sentence_id, item=item
    )
    keep_draft(session, user_id=user_id, sentence_id=sentence_id, form={})
    return saved


def clear_label(session: Session, *, user_id: int, sentence_id: int) -> bool:
    """Delete this reviewer's label (audited); its note and claim as checked go back into the
    draft, not away."""
    state = reviewer_labels.label_state(session, user_id=user_id, sentence_id=sentence_id)
    cleared = reviewer_labels.clear_label(session, user_id=user_id, sentence_id=sentence_id)
    if cleared and state is not None and (state.note or state.claim):
        keep_draft(
            session,
            user_id=user_id,
            sentence_id=sentence_id,
            note=state.note or None,
            claim=state.claim,
        )
    return cleared
