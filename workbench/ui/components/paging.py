"""Page numbers of lists paged in the database: read before the query, drawn after it."""

from __future__ import annotations

import streamlit as st

from workbench.ui import state


def current_page(key: str) -> int:
    """The page number kept under ``key`` (1 when none yet)."""
    value = state.get(key, 1)
    return max(1, int(value)) if isinstance(value, int | float) else 1


def offset_of(key: str, size: int) -> int:
    """The first row of the page kept under ``key``, for pages of ``size`` rows."""
    return (current_page(key) - 1) * size


def page_box(key: str, *, total: int, size: int, noun: str) -> None:
    """A page-number box under ``key`` when ``total`` rows need more than one page."""
    pages = max(1, -(-total // size))
    if pages > 1:
        st.number_input(
            f"Page (of {pages}; {total} {noun})",
            min_value=1,
            max_value=pages,
            value=min(current_page(key), pages),
            key=key,
        )
