"""Editor: the history of one sentence's labels — who, when, from what, to what."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.db import queries
from workbench.domain.labels import Role
from workbench.errors import WorkbenchError
from workbench.services.history import changed_sentences, label_history
from workbench.ui import runtime
from workbench.ui.components.text import escape_markdown

editor = runtime.require_role(Role.EDITOR)
db = runtime.get_db()
st.title("Label history", anchor=False)

with db.read() as session:
    articles = queries.article_ids(session)
if not articles:
    st.info("No articles yet.")
    st.stop()

params = st.query_params
start = articles.index(params["article"]) if params.get("article") in articles else 0
article_id = st.selectbox("Article", articles, index=start, key="wb_history_article")
try:
    with db.read() as session:
        article = queries.get_article(session, article_id=str(article_id))
        sentences = {s.index: s.text for s in article.sentences} if article else {}
        changed = changed_sentences(session, actor_id=editor.id, article_id=str(article_id))
except WorkbenchError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()
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
    format_func=lambda i: f"{i}: {sentences[i][:90]}",
    key="wb_history_sentence",
)
st.query_params.update({"article": str(article_id), "sentence": str(index)})
st.text(sentences[int(index)])

try:
    with db.read() as session:
        changes = label_history(
            session, actor_id=editor.id, article_id=str(article_id), index=int(index)
        )
except WorkbenchError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()

if not changes:
    st.info("Nobody has labeled this sentence yet.")
    st.stop()
st.caption(f"{len(changes)} recorded change(s), oldest first, from the audit log.")
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
            "evidence": [f"{c.from_evidence} -> {c.to_evidence}" for c in changes],
        }
    ),
    hide_index=True,
    width="stretch",
)
