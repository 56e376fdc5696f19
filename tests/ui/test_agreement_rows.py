"""The Agreement page reads aggregates: the rows it gets do not grow with the database.

Every figure of the whole database is computed in the database (label patterns, label counts
per day and per shown article, the lowest and highest article alphas), then cached by the
newest audit id. A hook on cursor execution counts the rows each statement returns, on a
30-article and on a 300-article database with the same label patterns.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pyarrow as pa
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.services.agreement_corpus import labelled_corpus
from tests.ui.row_counter import counted_rows
from workbench.db.engine import Database
from workbench.domain.labels import Role
from workbench.ui import state
from workbench.ui.charts import ARTICLE_ROWS
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

SENTENCES = 4  # the fifth metric above the tabs: sentences with 2+ labels


def _article_rows(at: AppTest) -> int:
    """Rows of data sent to the browser with the per-article chart (its tab opened)."""
    at.session_state[state.AGREEMENT_TAB] = "Per article"
    at.run()
    for chart in at.get("vega_lite_chart"):
        if json.loads(chart.proto.spec).get("title", "").startswith("Alpha per article"):
            (dataset,) = chart.proto.datasets
            return int(pa.ipc.open_stream(dataset.data.data).read_all().num_rows)
    raise AssertionError("no per-article chart on the page")


@pytest.fixture
def editor(db: Database, make_user) -> SignedIn:  # type: ignore[no-untyped-def]
    return SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)


def _open_twice(
    signed_in_page: Callable[[str, SignedIn], AppTest], editor: SignedIn
) -> tuple[int, int, int, AppTest]:
    st.cache_data.clear()
    st.cache_resource.clear()  # as a fresh server: the engine is made and checked again
    with counted_rows() as first:
        at = signed_in_page("agreement.py", editor)
    assert not at.exception, at.exception
    with counted_rows() as second:
        at.run()
    assert not at.exception, at.exception
    return first.rows, second.rows, len(first.statements), at


def test_rows_do_not_grow_with_the_database(db: Database, editor: SignedIn, signed_in_page) -> None:  # type: ignore[no-untyped-def]
    labelled_corpus(db, articles=30, mode="cycle")
    small_first, small_second, small_statements, at = _open_twice(signed_in_page, editor)
    assert at.metric[SENTENCES].value == "600"
    assert _article_rows(at) == 30
    labelled_corpus(db, articles=270, mode="cycle", first=30)
    large_first, large_second, large_statements, at = _open_twice(signed_in_page, editor)
    assert at.metric[SENTENCES].value == "6000"  # the figures cover all 6,000 sentences
    assert _article_rows(at) == ARTICLE_ROWS
    # Aggregates: ten times the labels, the same rows (60,000 label rows would be read before).
    assert large_first == small_first, (small_first, large_first)
    assert large_statements == small_statements
    assert small_first < 600
    # Cached by the newest audit id: the second run reads a handful of rows only.
    assert large_second == small_second <= 20
    assert "The 15 lowest and highest of 300 articles with an alpha; find any other one above." in [
        c.value for c in at.caption
    ]


def test_search_finds_one_article_among_many(
    db: Database, editor: SignedIn, signed_in_page
) -> None:  # type: ignore[no-untyped-def]
    labelled_corpus(db, articles=120, sentences=4, mode="cycle")
    at = signed_in_page("agreement.py", editor)
    assert at.selectbox[0].options == ["All articles"]  # nothing listed before a search
    at.text_input[0].input("REPORT").run()  # any case; all 120 titles match
    options = at.selectbox[0].options
    assert len(options) == 1 + 50 and options[1] == "art00000"  # at most 50 matches
    at.text_input[0].input("art00117").run()
    assert at.selectbox[0].options == ["All articles", "art00117"]
    at.selectbox[0].select("art00117").run()
    assert not at.exception
    assert at.metric[SENTENCES].value == "4"
    assert _article_rows(at) == 1
    at.text_input[0].input("no such report").run()
    assert at.selectbox[0].value == "art00117"  # the open article stays while searching
    notice = escape_markdown("No article's id or title contains 'no such report'.")
    assert notice in [c.value for c in at.caption]
