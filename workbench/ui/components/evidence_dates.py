"""The source's publication date of an evidence item beside the article's, and the warning
shown when the source came out after the article (it may hold a later fact-check)."""

from __future__ import annotations

import streamlit as st

from workbench.domain.labels import published_after

AFTER_ARTICLE = "Published after the article"
PUBLISHED_HELP = (
    "The day the source was published, YYYY-MM-DD; empty when unknown. A source published "
    "after the article is flagged, and `export --evidence-before-claim` leaves it out."
)


def dates_text(published: str | None, article_published: str | None) -> str | None:
    """``Source published … · article …`` for an item with a date, None for one without."""
    if not published:
        return None
    return f"Source published {published} · article {article_published or 'date unknown'}"


def show_evidence_dates(published: str | None, article_published: str | None) -> None:
    """The item's date line and, when it was published after the article, a warning."""
    line = dates_text(published, article_published)
    if line is None:
        return
    st.text(line)
    if published_after(published, article_published):
        st.warning(
            f"⚠ {AFTER_ARTICLE} ({article_published}): it may report a later fact-check. "
            "`export --evidence-before-claim` leaves it out.",
            icon=":material/schedule:",
        )
