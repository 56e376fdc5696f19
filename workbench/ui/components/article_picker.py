"""Choosing articles among thousands: a search box and at most 50 matches from the database."""

from __future__ import annotations

import streamlit as st

from workbench.db import article_list
from workbench.ui import runtime, state

SEARCH_HELP = "Part of the id, title, outlet or text; the first 50 matches are listed."


def _label(pair: tuple[str, str]) -> str:
    article_id, title = pair
    title = " ".join(title.split())
    title = title if len(title) <= 80 else title[:79] + "…"
    return f"{title} ({article_id})" if title and title != article_id else article_id


def matches(key: str, *, initial: str | None = None) -> dict[str, str]:
    """A search box and its at most 50 matches (id -> label); ``initial`` leads while blank."""
    needle = st.text_input(
        "Find an article",
        key=state.search_key(key),
        placeholder="id, title, outlet or text",
        help=SEARCH_HELP,
    ).strip()[:200]
    with runtime.get_db().read() as session:
        found = article_list.pick_articles(session, needle=needle)
        if initial and not needle and initial not in {a for a, _ in found}:
            named = article_list.article_title(session, article_id=initial)
            found = ([named] if named else []) + found
    return {pair[0]: _label(pair) for pair in found}


def pick_article(key: str, *, initial: str | None = None) -> str | None:
    """One article chosen by search; ``initial`` (e.g. from the URL) is preselected if it exists."""
    found = matches(key, initial=initial)
    if not found:
        searched = str(state.get(state.search_key(key)) or "").strip()
        st.info("No article matches the search." if searched else "No articles yet.")
        return None
    ids = list(found)
    chosen = st.selectbox(
        "Article",
        ids,
        index=ids.index(initial) if initial in found else 0,
        format_func=lambda article_id: found[article_id],
        key=key,
    )
    return None if chosen is None else str(chosen)
