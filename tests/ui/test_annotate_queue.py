"""The annotate queue: "claims first" orders prev./next unlabeled by check-worthiness."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.db.models import Sentence
from workbench.domain.checkworthiness import order_claims_first
from workbench.domain.labels import Role
from workbench.services.reviewer_labels import record_label
from workbench.ui.runtime import SignedIn

APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"
ARTICLE = "000_b5ddb462525d61c6"


@pytest.fixture
def open_article(
    seeded_db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[int], AppTest]]:
    """Factory: a reviewer's browser session on the annotate page of ARTICLE, sentence 1."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    st.cache_data.clear()

    def _open(user_id: int) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=30)
        at.session_state["wb_user"] = SignedIn(user_id, "ana", Role.REVIEWER)
        at.run()
        at.switch_page("ui/pages/annotate.py")
        at.query_params["article"] = ARTICLE
        at.query_params["sentence"] = "0"
        return at.run()

    yield _open
    st.cache_resource.clear()
    st.cache_data.clear()


def _scores(db: Database) -> list[tuple[int, float]]:
    """(sentence id, check-worthiness) of ARTICLE in reading order."""
    with db.read() as session:
        rows = session.execute(
            select(Sentence.id, Sentence.checkworthiness)
            .where(Sentence.article_id == ARTICLE)
            .order_by(Sentence.index)
        )
        return [(int(sid), float(score)) for sid, score in rows]


def _selected(at: AppTest) -> int:
    return int(at.query_params["sentence"])


def test_claims_first_is_on_and_walks_the_likely_claims_first(
    seeded_db: Database,
    make_user: Callable[..., int],
    open_article: Callable[[int], AppTest],
) -> None:
    scores = _scores(seeded_db)
    order = order_claims_first([score for _, score in scores])
    assert order != sorted(order)  # the seed article's scores do reorder the queue
    ana = make_user("ana")
    labeled = order[1]  # the second most check-worthy sentence already has ana's label
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=scores[labeled][0], label="verified")
    at = open_article(ana)
    assert at.toggle(key="wb_claims_first").value is True
    visited = []
    for _ in range(3):
        at = at.button(key="wb_next_open").click().run()
        visited.append(_selected(at))
    start = order.index(0)
    expected = [i for i in order[start + 1 :] + order[: start + 1] if i != labeled][:3]
    assert visited == expected
    at = at.button(key="wb_prev_open").click().run()
    assert _selected(at) == expected[1]
    # Positions are still counted in reading order.
    total = len(scores)
    assert any(c.value.startswith(f"Sentence {expected[1] + 1} of {total}") for c in at.caption)


def test_claims_first_off_walks_in_reading_order(
    seeded_db: Database,
    make_user: Callable[..., int],
    open_article: Callable[[int], AppTest],
) -> None:
    ana = make_user("ana")
    at = open_article(ana)
    at = at.toggle(key="wb_claims_first").set_value(False).run()
    visited = []
    for _ in range(3):
        at = at.button(key="wb_next_open").click().run()
        visited.append(_selected(at))
    assert visited == [1, 2, 3]
