"""Articles: every article with the signed-in reviewer's progress; each opens the annotate view."""

from __future__ import annotations

import streamlit as st

from workbench.db import queries
from workbench.domain.labels import Role
from workbench.ui import runtime
from workbench.ui.components.text import escape_markdown
from workbench.ui.pages import page_path

PAGE_SIZE = 50
ASSIGNED = "Assigned to you"

user = runtime.require_role(Role.REVIEWER)
st.title("Articles", anchor=False)

with runtime.get_db().read() as session:
    rows = queries.articles_with_progress(session, user_id=user.id)
    openings = queries.first_sentences(session)


def _name(title: str, article_id: str) -> str:
    """The title, or the start of the first sentence when the article has none."""
    if title.strip() and title != article_id:
        return title
    opening = " ".join(openings.get(article_id, article_id).split())
    return opening if len(opening) <= 90 else opening[:89].rstrip() + "…"


if not rows:
    st.info("No articles yet. An admin can load some with `workbench ingest PATH`.")
    st.stop()

total = sum(row.sentences for row in rows)
done = sum(row.labeled for row in rows)
mine = sum(row.assigned for row in rows)
queue = f" · {mine} assigned to you, listed first" if mine else ""
st.caption(
    f"{len(rows)} articles{queue} · you have labeled {done} of {total} sentences. "
    "Only your own labels count here; other reviewers' labels stay hidden."
)
search = st.text_input(
    "Filter", placeholder="title, outlet or id", label_visibility="collapsed", key="wb_filter"
)
needle = search.strip().lower()
shown = [
    row
    for row in rows
    if not needle or any(needle in (v or "").lower() for v in (row.title, row.outlet, row.id))
]
if len(shown) > PAGE_SIZE:
    st.caption(f"Showing the first {PAGE_SIZE} of {len(shown)} matches; narrow the filter.")

for row in shown[:PAGE_SIZE]:
    with st.container(border=True):
        title_col, progress_col = st.columns([3, 2], vertical_alignment="center")
        with title_col:
            st.page_link(
                page_path("annotate.py"),
                label=escape_markdown(_name(row.title, row.id)),
                icon=":material/article:",
                query_params={"article": row.id},
            )
            meta = [part for part in (row.outlet, row.published) if part] + [row.id]
            st.caption(escape_markdown(" · ".join(meta)))
            if row.assigned:
                st.badge(ASSIGNED, icon=":material/assignment_ind:", color="blue")
        with progress_col:
            share = row.labeled / row.sentences if row.sentences else 0.0
            st.progress(share, text=f"{row.labeled} / {row.sentences} sentences labeled")
