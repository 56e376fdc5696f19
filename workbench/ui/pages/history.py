"""Editor: the history of one sentence's labels — who, when, from what, to what."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.db import queries
from workbench.domain.labels import Role
from workbench.services.history import KINDS, changed_sentences, label_history_page
from workbench.ui import feedback, runtime, state
from workbench.ui.components import paging
from workbench.ui.components.article_picker import pick_article
from workbench.ui.components.numbering import sentence_number

PAGE_SIZE = 50
ALL_KINDS = "every kind"


def _complete_text(complete: bool | None) -> str:
    return "" if complete is None else "yes" if complete else "no: incomplete"


editor = runtime.require_role(Role.EDITOR)
db = runtime.get_db()
st.title("Label history", anchor=False)

params = st.query_params
article_id = pick_article(state.HISTORY_ARTICLE, initial=params.get("article"))
if article_id is None:
    st.stop()
with feedback.show_errors(stop=True), db.read() as session:
    article = queries.get_article(session, article_id=article_id)
    sentences = {s.index: s.text for s in article.sentences} if article else {}
    changed = changed_sentences(session, actor_id=editor.id, article_id=article_id)
if not sentences:
    st.info("This article has no sentences.")
    st.stop()
only_changed = st.toggle(
    f"Only sentences with recorded changes ({len(changed)})",
    value=bool(changed),
    key=f"wb_history_only_changed_{article_id}",
)
choices = changed if only_changed and changed else list(sentences)
wanted = params.get("sentence", "")
index = st.selectbox(
    "Sentence",
    choices,
    index=choices.index(int(wanted)) if wanted.isdigit() and int(wanted) in choices else 0,
    format_func=lambda i: f"{sentence_number(i)}: {sentences[i][:90]}",
    key="wb_history_sentence",
)
st.query_params.update({"article": article_id, "sentence": str(index)})
st.text(sentences[int(index)])
kind = st.radio("Kind", [ALL_KINDS, *KINDS.values()], horizontal=True, key=state.HISTORY_KIND)
page_key = f"{state.HISTORY_PAGE}:{article_id}:{index}:{kind}"  # a new choice starts on page 1


with feedback.show_errors(stop=True), db.read() as session:
    found = label_history_page(
        session,
        actor_id=editor.id,
        article_id=article_id,
        index=int(index),
        kind=None if kind == ALL_KINDS else str(kind),
        limit=PAGE_SIZE,
        offset=paging.offset_of(page_key, PAGE_SIZE),
    )

if not found.total:
    st.info("Nobody has labeled this sentence yet." if kind == ALL_KINDS else "No such change.")
    st.stop()
st.caption(f"{found.total} recorded change(s), oldest first, from the audit log.")
paging.page_box(page_key, total=found.total, size=PAGE_SIZE, noun="changes")
changes = found.changes
st.dataframe(
    pd.DataFrame(
        {
            "when (UTC)": [f"{c.at:%Y-%m-%d %H:%M:%S}" for c in changes],
            "who": [c.who for c in changes],
            "kind": [c.kind for c in changes],
            "action": [c.action for c in changes],
            "from": [c.from_label or "" for c in changes],
            "to": [c.to_label or "" for c in changes],
            "note from": [c.from_note or "" for c in changes],
            "note to": [c.to_note or "" for c in changes],
            "rationale from": [c.from_rationale or "" for c in changes],
            "rationale to": [c.to_rationale or "" for c in changes],
            "claim from": [c.from_claim or "" for c in changes],
            "claim to": [c.to_claim or "" for c in changes],
            "evidence": [f"{c.from_evidence} -> {c.to_evidence}" for c in changes],
            "why": [c.reason for c in changes],
            "evidence complete": [_complete_text(c.to_complete) for c in changes],
        }
    ),
    hide_index=True,
    width="stretch",
)
