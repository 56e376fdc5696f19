"""Callbacks of the annotate view's widgets: select, label, claim, note, evidence, clear, step.

Callbacks run before the fragment re-renders, so what the reviewer sees after a click already
includes the save. Each save is one ``db.write()`` transaction through the label and draft
services; what happened is left as a one-time notice for the panel (``state.NOTICE``). What is
typed before it can be saved on a label (a note or a claim as checked on an unlabeled sentence,
an evidence form not yet added) is kept as a draft in the database, so moving away or
reloading loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from workbench.domain.labels import Label, parse_evidence
from workbench.errors import WorkbenchError
from workbench.services import drafts, reviewer_labels
from workbench.services.drafts import FORM_FIELDS
from workbench.ui import feedback, runtime, state
from workbench.ui.components.annotate_state import (
    claims_first,
    labels_of,
    select,
    selected_of,
    signed_in_id,
    unlabeled_neighbour,
)
from workbench.ui.components.article_text import ArticleText
from workbench.ui.components.sentence_text import selected_index


def _error(message: str) -> None:
    feedback.leave(state.NOTICE, "error", message, icon=":material/error:")


def _run(
    action: Callable[[Session, int], reviewer_labels.LabelState], article_id: str, index: int
) -> bool:
    """Run one save in a write transaction; keep the session's label map in step."""
    try:
        user_id = signed_in_id()
        with runtime.get_db().write() as session:
            saved = action(session, user_id)
    except WorkbenchError as exc:
        _error(str(exc))
        return False
    labels_of(article_id, user_id)[index] = saved.label.value
    return True


def _save_typed(save: Callable[[Session, int], bool], *, refused: str = "") -> bool | None:
    """Save a typed field (note, claim) in one write transaction: True when it went on the
    label, False when it was kept as a draft, None once the refusal is shown."""
    try:
        user_id = signed_in_id()
        with runtime.get_db().write() as session:
            return save(session, user_id)
    except WorkbenchError as exc:
        _error(f"{refused}{exc}")
        return None


def on_select(article_id: str) -> None:
    """Callback of the text component: select the clicked sentence."""
    index = selected_index(state.text_key(article_id))
    if index is not None:
        select(article_id, index)


def on_label(article_id: str, index: int, sentence_id: int, label: str) -> None:
    """Callback of a label button: save the verdict with the note and the claim being typed."""
    note = state.get(state.note_key(sentence_id))
    claim = state.get(state.claim_key(sentence_id))

    def action(session: Session, user_id: int) -> reviewer_labels.LabelState:
        return drafts.choose_label(
            session,
            user_id=user_id,
            sentence_id=sentence_id,
            label=label,
            note=note if isinstance(note, str) else None,
            claim=claim if isinstance(claim, str) else None,
        )

    if _run(action, article_id, index):
        feedback.leave(state.NOTICE, "saved", f"Saved: {Label(label).value.replace('_', ' ')}")


def on_note(article_id: str, index: int, sentence_id: int) -> None:
    """Callback of the note field: save it on the label, or keep it as a draft until one."""
    note = str(state.get(state.note_key(sentence_id)) or "")
    on_label = _save_typed(
        lambda session, user_id: drafts.save_note(
            session, user_id=user_id, sentence_id=sentence_id, note=note
        )
    )
    if on_label is None:
        return
    if on_label:
        feedback.leave(state.NOTICE, "saved", "Note saved")
    elif note:
        feedback.leave(state.NOTICE, "saved", "Note kept as a draft until you choose a label")


def on_claim(article_id: str, index: int, sentence_id: int) -> None:
    """Callback of "Claim as checked": save it on the label, or keep it as a draft until one."""
    claim = str(state.get(state.claim_key(sentence_id)) or "")
    on_label = _save_typed(
        lambda session, user_id: drafts.save_claim(
            session, user_id=user_id, sentence_id=sentence_id, claim=claim
        ),
        refused="Claim as checked not saved: ",
    )
    if on_label is None:
        return
    if not claim.strip():
        what = "the sentence as written" + ("" if on_label else " (nothing kept)")
        feedback.leave(state.NOTICE, "saved", f"Claim as checked: {what}")
    elif on_label:
        feedback.leave(state.NOTICE, "saved", "Claim as checked saved")
    else:
        message = "Claim as checked kept as a draft until you choose a label"
        feedback.leave(state.NOTICE, "saved", message)


def on_use_draft_note(article_id: str, index: int, sentence_id: int) -> None:
    """Callback of "Add it to the note": the draft note joins the label's note."""
    saved: list[reviewer_labels.LabelState] = []

    def action(session: Session, user_id: int) -> reviewer_labels.LabelState:
        saved.append(drafts.use_draft_note(session, user_id=user_id, sentence_id=sentence_id))
        return saved[-1]

    if _run(action, article_id, index):
        state.put(state.note_key(sentence_id), saved[-1].note)
        feedback.leave(state.NOTICE, "saved", "Draft note added to the note")


def _form_values(sentence_id: int) -> dict[str, str]:
    return {f: str(state.get(state.evidence_key(sentence_id, f)) or "") for f in FORM_FIELDS}


def on_evidence_field(article_id: str, index: int, sentence_id: int) -> None:
    """Callback of each evidence form field: keep what the form holds as a draft."""
    form = _form_values(sentence_id)
    try:
        user_id = signed_in_id()
        with runtime.get_db().write() as session:
            drafts.keep_draft(session, user_id=user_id, sentence_id=sentence_id, form=form)
    except WorkbenchError as exc:
        _error(f"Evidence form not kept: {exc}")


def on_add_evidence(article_id: str, index: int, sentence_id: int) -> None:
    """Callback of the evidence form: validate the item, append it, clear the form."""
    values = _form_values(sentence_id)
    raw = {k: values[k] for k in ("url", "quote", "stance", "note")}
    raw["sentence_ref"] = values["ref"].strip()
    raw["question"] = values["question"]
    raw["published"] = values["published"]
    try:
        item = parse_evidence(raw)
    except WorkbenchError as exc:
        _error(f"Evidence not added: {exc}")
        return

    def action(session: Session, user_id: int) -> reviewer_labels.LabelState:
        return drafts.add_form_evidence(
            session, user_id=user_id, sentence_id=sentence_id, item=item
        )

    if _run(action, article_id, index):
        for field in ("url", "quote", "note", "ref", "question", "published"):
            state.put(state.evidence_key(sentence_id, field), "")
        feedback.leave(state.NOTICE, "saved", "Evidence added")


def on_remove_evidence(article_id: str, index: int, sentence_id: int, position: int) -> None:
    """Callback of an evidence item's Remove button."""

    def action(session: Session, user_id: int) -> reviewer_labels.LabelState:
        return reviewer_labels.remove_evidence(
            session, user_id=user_id, sentence_id=sentence_id, position=position
        )

    if _run(action, article_id, index):
        feedback.leave(state.NOTICE, "saved", "Evidence removed")


def on_clear(article_id: str, index: int, sentence_id: int) -> None:
    """Callback of the Clear button: delete this reviewer's label (audited), keep its note."""
    try:
        user_id = signed_in_id()
        with runtime.get_db().write() as session:
            cleared = drafts.clear_label(session, user_id=user_id, sentence_id=sentence_id)
    except WorkbenchError as exc:
        _error(str(exc))
        return
    labels_of(article_id, user_id).pop(index, None)
    if cleared:
        kept = "; its note is kept as a draft" if state.get(state.note_key(sentence_id)) else ""
        feedback.leave(state.NOTICE, "saved", f"Label cleared{kept}")


def on_step(article: ArticleText, step: int, unlabeled: bool) -> None:
    """Callback of the previous/next buttons."""
    labels = labels_of(article.id, signed_in_id())
    if unlabeled:
        target = unlabeled_neighbour(article, labels, step, claims_first())
        if target is None:
            feedback.leave(
                state.NOTICE, "info", "Every sentence of this article has your label.", escape=False
            )
            return
    else:
        target = article.sentence(selected_of(article) + step).index
    select(article.id, target)
