"""The adjudicate page's controls: bulk accept, queue filters and keyset paging."""

from __future__ import annotations

import streamlit as st

from workbench.db.adjudication_queue import QueueKey
from workbench.db.engine import Database
from workbench.services.adjudicate import (
    BULK_LIMIT,
    QueueItem,
    QueuePage,
    bulk_accept_unanimous,
    label_pairs,
    parse_pair,
    unanimous_remaining,
)
from workbench.ui import feedback, state

ANY_PAIR = "any"


def bulk_accept_panel(db: Database, editor_id: int) -> None:
    """Accept unanimous labels as gold, ``BULK_LIMIT`` per click, saying how many remain."""
    with st.expander("Bulk-accept unanimous sentences"):
        least = st.number_input("At least this many reviewers", min_value=2, value=2, step=1)
        st.caption(f"Each click accepts at most {BULK_LIMIT:,} sentences.")
        if not st.button("Accept unanimous labels as gold", key=state.ADJUDICATE_BULK):
            return
        with feedback.show_errors():
            with db.write() as session:
                accepted = bulk_accept_unanimous(
                    session, editor_id=editor_id, min_reviewers=int(least)
                )
                left = unanimous_remaining(session, editor_id=editor_id, min_reviewers=int(least))
            more = f" {left:,} more remain: click again to accept the next ones." if left else ""
            st.success(f"{accepted:,} unanimous sentence(s) accepted as gold.{more}")


def _restart() -> None:
    """A filter changed: back to the first page, nothing selected."""
    state.drop(state.ADJUDICATE_PAGES)
    state.drop(state.ADJUDICATE_SENTENCE)


def queue_filters() -> tuple[bool, str | None, tuple[str, str] | None]:
    """(include adjudicated, article id or None, label pair or None) as the editor set them."""
    include, article, pair = st.columns([1, 1, 1], vertical_alignment="bottom")
    done = include.toggle(
        "Include sentences already adjudicated", key=state.ADJUDICATE_ALL, on_change=_restart
    )
    article_id = article.text_input(
        "Article id", key=state.ADJUDICATE_ARTICLE, placeholder="all", on_change=_restart
    ).strip()
    chosen = pair.selectbox(
        "Label pair", [ANY_PAIR, *label_pairs()], key=state.ADJUDICATE_PAIR, on_change=_restart
    )
    return bool(done), article_id or None, parse_pair(None if chosen == ANY_PAIR else chosen)


def _pages() -> list[QueueKey | None]:
    pages: list[QueueKey | None] = state.get(state.ADJUDICATE_PAGES) or [None]
    return pages


def current_after() -> QueueKey | None:
    """Where the page being shown starts (None: the first page)."""
    return _pages()[-1]


def _move(after: QueueKey | None) -> None:
    pages = _pages()
    state.put(state.ADJUDICATE_PAGES, [*pages, after] if after is not None else pages[:-1])
    state.drop(state.ADJUDICATE_SENTENCE)


def page_items(page: QueuePage, selected: QueueItem | None) -> list[QueueItem]:
    """The page's items, with the open sentence kept in its place once settled."""
    items = list(page.items)
    if selected is None or any(item.sentence_id == selected.sentence_id for item in items):
        return items
    after, until = current_after(), page.next_after
    if (after is None or selected.key > after) and (until is None or selected.key <= until):
        items = sorted([*items, selected], key=lambda item: item.key)
    return items


def page_caption(page: QueuePage, shown: int, size: int) -> None:
    """The queue's total and which part of it this page shows."""
    first = (len(_pages()) - 1) * size
    st.caption(
        f"{page.total:,} contested sentence(s), most contested first; "
        f"showing {first + 1:,}-{first + shown:,}."
    )


def page_nav(page: QueuePage) -> None:
    """Previous / Next page buttons (keyset: each page starts after the last one's end)."""
    back, forward = st.columns(2)
    back.button(
        "Previous page",
        key=state.ADJUDICATE_PREVIOUS,
        disabled=len(_pages()) == 1,
        on_click=_move,
        args=(None,),
    )
    forward.button(
        "Next page",
        key=state.ADJUDICATE_NEXT,
        disabled=page.next_after is None,
        on_click=_move,
        args=(page.next_after,),
    )
