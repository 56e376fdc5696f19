"""The annotate view's per-session state and the callbacks its widgets run.

Callbacks run before the fragment re-renders, so what the reviewer sees after a click already
includes the save. Each save is one ``db.write()`` transaction through the labeling service.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session

from workbench.db import queries
from workbench.domain.checkworthiness import order_claims_first
from workbench.domain.labels import Label, parse_evidence
from workbench.errors import WorkbenchError
from workbench.services import annotate, labeling
from workbench.ui import runtime, state
from workbench.ui.components.article_text import ArticleText
from workbench.ui.components.sentence_text import selected_index


def text_key(article_id: str) -> str:
    """Widget key of the text component for one article."""
    return f"wb_text_{article_id}"


def note_key(sentence_id: int) -> str:
    """Widget key of the note field of one sentence."""
    return f"wb_note_{sentence_id}"


def evidence_key(sentence_id: int, field: str) -> str:
    """Widget key of one field of the evidence form of one sentence."""
    return f"wb_ev_{field}_{sentence_id}"


def load_labels(article_id: str, user_id: int) -> dict[int, str]:
    """Read this reviewer's labels on the article from the database into the session."""
    with runtime.get_db().read() as session:
        labels = queries.label_map(session, user_id=user_id, article_id=article_id)
    state.put(state.LABELS, (article_id, user_id, labels))
    return labels


def labels_of(article_id: str, user_id: int) -> dict[int, str]:
    """This reviewer's labels on the article as kept in the session (loaded when missing)."""
    kept = state.get(state.LABELS)
    if isinstance(kept, tuple) and kept[:2] == (article_id, user_id):
        labels: dict[int, str] = kept[2]
        return labels
    return load_labels(article_id, user_id)


def selected_of(article: ArticleText) -> int:
    """Index of the selected sentence: session, then ``?sentence=``, then first unlabeled."""
    kept = state.get(state.SENTENCE)
    if isinstance(kept, tuple) and kept[0] == article.id:
        return article.sentence(int(kept[1])).index
    raw = st.query_params.get("sentence", "")
    if raw.isdigit():
        index = article.sentence(int(raw)).index
    else:
        labels = labels_of(article.id, _user_id())
        index = next((s.index for s in article.sentences if s.index not in labels), 0)
    select(article.id, index)
    return index


def select(article_id: str, index: int) -> None:
    """Make sentence ``index`` the selected one (kept in the session and the URL)."""
    state.put(state.SENTENCE, (article_id, index))
    st.query_params["sentence"] = str(index)


def queue_order(article: ArticleText, claims_first: bool) -> list[int]:
    """Sentence indices in navigation order: likely claims first, or reading order."""
    if not claims_first:
        return [s.index for s in article.sentences]
    order = order_claims_first([s.checkworthiness for s in article.sentences])
    return [article.sentences[position].index for position in order]


def claims_first() -> bool:
    """Whether the reviewer's "claims first" toggle is on (it is by default)."""
    return bool(state.get(state.CLAIMS_FIRST, True))


def unlabeled_neighbour(
    article: ArticleText, labels: dict[int, str], step: int, claims_first: bool = False
) -> int | None:
    """The nearest unlabeled sentence after (step 1) or before (step -1) in the queue, wrapping."""
    order = queue_order(article, claims_first)
    count = len(order)
    current = order.index(selected_of(article))
    for offset in range(1, count + 1):
        index = order[(current + step * offset) % count]
        if index not in labels:
            return index
    return None


def _user_id() -> int:
    user = runtime.current_user()
    if user is None:
        raise WorkbenchError("your session has ended; please sign in again")
    return user.id


def notify(kind: str, message: str) -> None:
    """Leave a message for the panel to show on its next render."""
    state.put(state.NOTICE, (kind, message))


def _run(
    action: Callable[[Session, int], labeling.LabelState], article_id: str, index: int
) -> bool:
    """Run one save in a write transaction; keep the session's label map in step."""
    try:
        user_id = _user_id()
        with runtime.get_db().write() as session:
            saved = action(session, user_id)
    except WorkbenchError as exc:
        notify("error", str(exc))
        return False
    labels_of(article_id, user_id)[index] = saved.label.value
    return True


def on_select(article_id: str) -> None:
    """Callback of the text component: select the clicked sentence."""
    index = selected_index(text_key(article_id))
    if index is not None:
        select(article_id, index)


def on_label(article_id: str, index: int, sentence_id: int, label: str) -> None:
    """Callback of a label button: save the verdict together with the note being typed."""
    note = st.session_state.get(note_key(sentence_id))

    def action(session: Session, user_id: int) -> labeling.LabelState:
        return labeling.set_verdict(
            session,
            user_id=user_id,
            sentence_id=sentence_id,
            label=label,
            note=note if isinstance(note, str) else None,
        )

    if _run(action, article_id, index):
        notify("saved", f"Saved: {Label(label).value.replace('_', ' ')}")


def on_note(article_id: str, index: int, sentence_id: int) -> None:
    """Callback of the note field: save it when the sentence already has a label."""
    if index not in labels_of(article_id, _user_id()):
        return  # kept in the field; saved together with the label
    note = str(st.session_state.get(note_key(sentence_id)) or "")

    def action(session: Session, user_id: int) -> labeling.LabelState:
        return labeling.set_note(session, user_id=user_id, sentence_id=sentence_id, note=note)

    if _run(action, article_id, index):
        notify("saved", "Note saved")


def on_add_evidence(article_id: str, index: int, sentence_id: int) -> None:
    """Callback of the evidence form: validate the item, append it, clear the form."""
    fields = ("url", "quote", "stance", "note", "ref")
    values = {f: str(st.session_state.get(evidence_key(sentence_id, f)) or "") for f in fields}
    raw = {k: values[k] for k in ("url", "quote", "stance", "note")}
    raw["sentence_ref"] = values["ref"].strip()
    try:
        item = parse_evidence(raw)
    except WorkbenchError as exc:
        notify("error", f"Evidence not added: {exc}")
        return

    def action(session: Session, user_id: int) -> labeling.LabelState:
        return labeling.add_evidence(session, user_id=user_id, sentence_id=sentence_id, item=item)

    if _run(action, article_id, index):
        for field in ("url", "quote", "note", "ref"):
            st.session_state[evidence_key(sentence_id, field)] = ""
        notify("saved", "Evidence added")


def on_remove_evidence(article_id: str, index: int, sentence_id: int, position: int) -> None:
    """Callback of an evidence item's Remove button."""

    def action(session: Session, user_id: int) -> labeling.LabelState:
        return labeling.remove_evidence(
            session, user_id=user_id, sentence_id=sentence_id, position=position
        )

    if _run(action, article_id, index):
        notify("saved", "Evidence removed")


def on_clear(article_id: str, index: int, sentence_id: int) -> None:
    """Callback of the Clear button: delete this reviewer's label (audited)."""
    try:
        user_id = _user_id()
        with runtime.get_db().write() as session:
            cleared = annotate.clear_label(session, user_id=user_id, sentence_id=sentence_id)
    except WorkbenchError as exc:
        notify("error", str(exc))
        return
    labels_of(article_id, user_id).pop(index, None)
    st.session_state.pop(note_key(sentence_id), None)
    if cleared:
        notify("saved", "Label cleared")


def on_step(article: ArticleText, step: int, unlabeled: bool) -> None:
    """Callback of the previous/next buttons."""
    labels = labels_of(article.id, _user_id())
    if unlabeled:
        target = unlabeled_neighbour(article, labels, step, claims_first())
        if target is None:
            notify("info", "Every sentence of this article has your label.")
            return
    else:
        target = article.sentence(selected_of(article) + step).index
    select(article.id, target)
