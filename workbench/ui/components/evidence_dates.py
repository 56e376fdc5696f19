"""The source's publication date of an evidence item beside the article's, and the warning
shown when the source came out after the article (it may hold a later fact-check); and the
details of an item shown under its heading (quote, note, question, dates)."""

from __future__ import annotations

import streamlit as st

from workbench.domain.labels import Evidence, published_after

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


def show_evidence_details(item: Evidence, article_published: str | None) -> None:
    """An item's quote, note and question, each when given, then its dates."""
    if item.quote:
        st.text(f"“{item.quote}”")
    if item.note:
        st.text(item.note)
    if item.question:
        st.text(f"Answers: {item.question}")
    show_evidence_dates(item.published, article_published)
