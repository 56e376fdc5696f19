"""The annotate view's per-session state: the reviewer's labels, the selected sentence, the queue.

The callbacks that change it when a widget is used are in ``annotate_callbacks``.
"""

from __future__ import annotations

import streamlit as st

from workbench.db import queries
from workbench.domain.checkworthiness import order_claims_first
from workbench.errors import WorkbenchError
from workbench.ui import runtime, state
from workbench.ui.components.article_text import ArticleText


def load_labels(article_id: str, user_id: int) -> dict[int, str]:
    """Read this reviewer's labels on the article from the database into the session."""
    with runtime.get_db().read() as session:
        labels = queries.label_map(session, user_id=user_id, article_id=article_id)
    state.put(state.LABELS, (article_id, user_id, labels))
    return labels


def labels_of(article_id: str, user_id: int) -> dict[int, str]:
    """This reviewer's labels on the article as kept in the session (loaded when missing)."""
    kept = state.get(state.LABELS)
    if isinstance(kept, tuple) and kept[:2] == (article_id, user_id):
        labels: dict[int, str] = kept[2]
        return labels
    return load_labels(article_id, user_id)


def selected_of(article: ArticleText) -> int:
    """Index of the selected sentence: session, then ``?sentence=``, then first unlabeled."""
    kept = state.get(state.SENTENCE)
    if isinstance(kept, tuple) and kept[0] == article.id:
        return article.sentence(int(kept[1])).index
    raw = st.query_params.get("sentence", "")
    if raw.isdigit():
        index = article.sentence(int(raw)).index
    else:
        labels = labels_of(article.id, signed_in_id())
        index = next(
            (s.index for s in article.sentences if s.to_label and s.index not in labels), 0
        )
    select(article.id, index)
    return index


def select(article_id: str, index: int) -> None:
    """Make sentence ``index`` the selected one (kept in the session and the URL)."""
    state.put(state.SENTENCE, (article_id, index))
    st.query_params["sentence"] = str(index)


def queue_order(article: ArticleText, claims_first: bool) -> list[int]:
    """Sentence indices in navigation order: likely claims first, or reading order."""
    if not claims_first:
        return [s.index for s in article.sentences]
    order = order_claims_first([s.checkworthiness for s in article.sentences])
    return [article.sentences[position].index for position in order]


def claims_first() -> bool:
    """Whether the reviewer's "claims first" toggle is on (it is by default)."""
    return bool(state.get(state.CLAIMS_FIRST, True))


def unlabeled_neighbour(
    article: ArticleText, labels: dict[int, str], step: int, claims_first: bool = False
) -> int | None:
    """The nearest unlabeled sentence after (step 1) or before (step -1) in the queue, wrapping.

    Boilerplate sentences are not to be labeled: they are passed over.
    """
    order = queue_order(article, claims_first)
    count = len(order)
    current = order.index(selected_of(article))
    for offset in range(1, count + 1):
        index = order[(current + step * offset) % count]
        if index not in labels and article.sentence(index).to_label:
            return index
    return None


def signed_in_id() -> int:
    """The id of the signed-in reviewer; WorkbenchError when the session has ended."""
    user = runtime.current_user()
    if user is None:
        raise WorkbenchError("your session has ended; please sign in again")
    return user.id
