"""Annotate: an article with sentence highlights and the panel of the selected sentence."""

from __future__ import annotations

import streamlit as st

from workbench.domain.labels import Role
from workbench.ui import runtime
from workbench.ui.components.annotate_state import load_labels
from workbench.ui.components.article_header import article_header
from workbench.ui.components.article_text import load_article
from workbench.ui.components.guidelines_view import guidelines_panel
from workbench.ui.components.related import render_scorer_status
from workbench.ui.components.text import escape_markdown
from workbench.ui.components.unsaved_guard import guard_unsent_text
from workbench.ui.components.workspace import workspace
from workbench.ui.pages import page_path

user = runtime.require_role(Role.REVIEWER)

article_id = st.query_params.get("article", "")
article = load_article(article_id) if article_id else None
if article is None:
    if article_id:
        shown = article_id if len(article_id) <= 200 else f"{article_id[:200]}…"
        st.error(f"There is no article with id '{escape_markdown(shown)}'.")
    else:
        st.info("Choose an article to annotate.")
    st.page_link(page_path("articles.py"), label="All articles", icon=":material/list:")
    st.stop()

st.page_link(page_path("articles.py"), label="All articles", icon=":material/arrow_back:")
article_header(article)
render_scorer_status(runtime.get_db(), user)
guidelines_panel(runtime.get_db())
load_labels(article.id, user.id)  # a full run (open or reload) reads the database afresh
workspace(article, user)
guard_unsent_text()  # a reload before a typed note was sent asks first
