"""The annotate view's fragment: the part that reruns on every click, and nothing more."""

from __future__ import annotations

from functools import partial

import streamlit as st

from workbench.services import drafts, reviewer_labels
from workbench.ui import runtime, state
from workbench.ui.components import annotate_callbacks, annotate_state
from workbench.ui.components.article_text import ArticleText
from workbench.ui.components.label_panel import label_panel
from workbench.ui.components.related import render_related
from workbench.ui.components.sentence_text import sentence_text
from workbench.ui.components.sentence_tools import sentence_tools


@st.fragment
def workspace(article: ArticleText, user: runtime.SignedIn) -> None:
    """Text highlights and the selected sentence's panel; a click reruns only this."""
    if runtime.current_user() is None:  # signed out elsewhere: the whole app shows sign-in
        st.rerun(scope="app")
    labels = annotate_state.labels_of(article.id, user.id)
    index = annotate_state.selected_of(article)
    row = article.sentences[index]
    text_col, panel_col = st.columns([3, 2], gap="medium")
    with text_col:
        to_label = [s.index for s in article.sentences if s.to_label]
        done, total = sum(1 for i in to_label if i in labels), len(to_label)
        st.progress(done / max(total, 1), text=f"You have labeled {done} of {total} sentences")
        with st.container(height=680, border=False):
            sentence_text(
                article,
                labels,
                index,
                key=state.text_key(article.id),
                on_select=partial(annotate_callbacks.on_select, article.id),
            )
    with panel_col:
        db = runtime.get_db()
        with db.read() as session:
            saved = reviewer_labels.label_state(session, user_id=user.id, sentence_id=row.id)
            draft = drafts.draft_of(session, user_id=user.id, sentence_id=row.id)
        label_panel(article, row, saved, draft)
        sentence_tools(article, row, user)
        render_related(db, user, article.id, index)
