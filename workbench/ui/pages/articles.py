"""Articles: a page of articles, filtered in the database, with the reviewer's own progress."""

from __future__ import annotations

import streamlit as st

from workbench.db import article_list
from workbench.domain.labels import Role
from workbench.ui import runtime, state
from workbench.ui.components import paging
from workbench.ui.components.text import escape_markdown
from workbench.ui.pages import page_path

PAGE_SIZE = 50
ASSIGNED = "Assigned to you"

user = runtime.require_role(Role.REVIEWER)
st.title("Articles", anchor=False)

search = st.text_input(
    "Filter",
    placeholder="title, outlet, id or words of the text",
    label_visibility="collapsed",
    key="wb_filter",
)
needle = search.strip()[:200]
with runtime.get_db().read() as session:
    figures = article_list.totals(session, user_id=user.id)
    matching = article_list.count_matching(session, needle=needle) if needle else figures.articles
    pages = max(1, -(-matching // PAGE_SIZE))
    page_key = f"{state.ARTICLES_PAGE}:{needle}"  # a new filter starts on its first page
    number = min(paging.current_page(page_key), pages)
    shown, openings = article_list.article_page(
        session, user_id=user.id, needle=needle, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )


def _name(title: str, article_id: str) -> str:
    """The title, or the start of the first sentence when the article has none."""
    if title.strip() and title != article_id:
        return title
    opening = " ".join(openings.get(article_id, article_id).split())
    return opening if len(opening) <= 90 else opening[:89].rstrip() + "…"


def _icon(labeled: int, sentences: int) -> str:
    """Done, begun or not begun, at a glance."""
    if sentences and labeled >= sentences:
        return ":material/task_alt:"
    return ":material/edit_note:" if labeled else ":material/article:"


if not figures.articles:
    st.info("No articles yet. An admin can load some with `workbench ingest PATH`.")
    st.stop()

queue = f" · {figures.assigned} assigned to you, listed first" if figures.assigned else ""
st.caption(
    f"{figures.articles} articles{queue} · you have labeled {figures.labeled} of "
    f"{figures.sentences} sentences. "
    "Only your own labels count here; other reviewers' labels stay hidden."
)
if needle and not matching:
    st.info("No article matches the filter.")
paging.page_box(page_key, total=matching, size=PAGE_SIZE, noun="matches" if needle else "articles")

# A row is a link and one caption line held together without a gap: a page of 50 bordered
# rows with columns and progress bars took longer to draw than the database took to find them.
for row in shown:
    with st.container(gap=None):
        st.page_link(
            page_path("annotate.py"),
            label=escape_markdown(_name(row.title, row.id)),
            icon=_icon(row.labeled, row.sentences),
            query_params={"article": row.id},
        )
        meta = [escape_markdown(part) for part in (row.outlet, row.published, row.id) if part]
        meta.append(f"{row.labeled} / {row.sentences} sentences labeled")
        if row.assigned:
            meta.append(f":blue-badge[:material/assignment_ind: {ASSIGNED}]")
        st.caption(" · ".join(meta))
