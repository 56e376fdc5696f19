"""The annotate view's head: outlet, author, date and the source link, as text and safe links."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.db.models import Article
from workbench.domain.labels import Role
from workbench.services.ingest import ingest_paths
from workbench.ui.components.article_header import web_url
from workbench.ui.runtime import SignedIn

APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"
RECORD = {
    "id": "budget",
    "title": "Council approves the budget",
    "body": "The council approved the budget on Tuesday. The mayor signed it on Friday.",
    "url": "https://news.example.org/2025/06/budget?ref=rss",
    "outlet": "The <b>Daily</b> Post",
    "author": "Ana Lima",
    "published": "2025-06-04",
}


@pytest.fixture
def annotate(
    db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch, make_user
) -> Iterator[Callable[[str], AppTest]]:  # type: ignore[no-untyped-def]
    """Factory: a reviewer's session on the annotate page of one article."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    user = SignedIn(make_user("ana"), "ana", Role.REVIEWER)

    def _open(article: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=30)
        at.session_state["wb_user"] = user
        at.run()
        at.switch_page("ui/pages/annotate.py")
        at.query_params["article"] = article
        return at.run()

    yield _open
    st.cache_resource.clear()
    st.cache_data.clear()


def _source_links(at: AppTest) -> list[tuple[str, str, bool]]:
    return [
        (link.proto.page, link.proto.label, link.proto.external)
        for link in at.main.get("page_link")  # type: ignore[attr-defined]
        if link.proto.external
    ]


def test_header_shows_outlet_author_date_and_a_new_tab_source_link(
    db: Database, annotate: Callable[[str], AppTest], tmp_path: Path
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    assert ingest_paths(db, sources=[str(feed)]).added == ["budget"]
    at = annotate("budget")
    assert not at.exception
    assert at.subheader[0].value == r"Council approves the budget"
    assert at.caption[0].value == (
        r"The \<b\>Daily\</b\> Post · By Ana Lima · Published 2025\-06\-04 · budget"
    )
    [(page, label, external)] = _source_links(at)
    assert (page, external) == (RECORD["url"], True)  # external: the browser opens a new tab
    assert label == r"Source\: news\.example\.org"


def test_text_file_byline_and_dateline_reach_the_header_and_are_no_sentences(
    db: Database, annotate: Callable[[str], AppTest], tmp_path: Path
) -> None:
    story = tmp_path / "wire.txt"
    story.write_text(
        "Published on: June 4, 2025 12:18 pm\n\nCouncil approves the budget\nBy Ana Lima\n"
        "The council approved the budget on Tuesday. The mayor signed it on Friday.\n",
        encoding="utf-8",
    )
    assert ingest_paths(db, sources=[str(story)]).added == ["wire"]
    at = annotate("wire")
    assert not at.exception
    assert at.subheader[0].value == "Council approves the budget"
    assert at.caption[0].value == r"By Ana Lima · Published 2025\-06\-04 · wire"
    headings = [c.value for c in at.caption if c.value.startswith("Sentence ")]
    assert headings[0].split(" · ")[0] == "Sentence 1 of 3"  # headline and two sentences
    assert at.text[0].value == "Council approves the budget"
    assert _source_links(at) == []  # no URL, no link


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://files.example.org/a.txt", "https://", "data:text/html,<b>x</b>"],
)
def test_a_stored_url_that_is_not_http_is_plain_text(
    db: Database, annotate: Callable[[str], AppTest], tmp_path: Path, url: str
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    ingest_paths(db, sources=[str(feed)])
    with db.write() as session:  # a database filled by hand or by an older version
        article = session.get(Article, "budget")
        assert article is not None
        article.url = url
    at = annotate("budget")
    assert not at.exception
    assert _source_links(at) == []
    assert f"Source: {url}" in [element.value for element in at.text]


def test_web_url_accepts_http_and_https_only() -> None:
    assert web_url("HTTPS://example.org/a") == "HTTPS://example.org/a"
    assert web_url("http://example.org") == "http://example.org"
    for bad in (
        None,
        "",
        "javascript:alert(1)",
        "//example.org",
        "http://exa mple.org",
        "https://",
    ):
        assert web_url(bad) is None
