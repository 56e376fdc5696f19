"""Adjudicate and Export read as many rows on a 300-article database as on a 30-article one.

Rows are counted with an SQLAlchemy hook on cursor execution: each SELECT a page run sends is
counted again afterwards (``SELECT COUNT(*)`` over it, the data unchanged). The Export preview
summarises the whole database with aggregates computed in the database (GROUP BY, COUNT); the
adjudication queue is a keyset page of the maintained ``sentence_label_counts``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select, text
from streamlit.testing.v1 import AppTest

from workbench.db.engine import Database
from workbench.db.models import Annotation, Article, Sentence
from workbench.domain.labels import LABELS, Role
from workbench.services.export import EXPORTS_ENV
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

SENTENCES = 10
REVIEWERS = ("ana", "ben", "cy")


def _add_articles(db: Database, users: list[int], start: int, stop: int) -> None:
    """Articles ``start``..``stop - 1`` of 10 sentences, each labelled by three reviewers."""
    rng = random.Random(start)
    articles, sentences, labels = [], [], []
    for number in range(start, stop):
        parts = [f"Claim {number}-{i} says {rng.randint(1, 999)} units." for i in range(SENTENCES)]
        body = " ".join(parts)
        article_id = f"a{number:05d}"
        articles.append(
            {
                "id": article_id,
                "title": f"Article {number}",
                "body": body,
                "content_hash": hashlib.sha256(body.encode()).hexdigest(),
            }
        )
        offset = 0
        for index, part in enumerate(parts):
            sentences.append(
                {
                    "article_id": article_id,
                    "index": index,
                    "start": offset,
                    "end": offset + len(part),
                    "text": part,
                }
            )
            offset += len(part) + 1
    with db.write() as session:
        session.execute(insert(Article), articles)
        session.execute(insert(Sentence), sentences)
        ids = session.scalars(
            select(Sentence.id).where(Sentence.article_id >= f"a{start:05d}").order_by(Sentence.id)
        ).all()
        for sentence_id in ids:
            truth = rng.choice(LABELS)
            for user in users:
                label = truth if rng.random() < 0.7 else rng.choice(LABELS)
                labels.append({"sentence_id": sentence_id, "user_id": user, "label": label})
        session.execute(insert(Annotation), labels)


@contextmanager
def counted_rows(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """Collect every SELECT sent through any engine while the block runs."""
    seen: list[tuple[str, Any]] = []

    def _record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        head = statement.lstrip().upper()
        if head.startswith(("SELECT", "WITH")) and "FOR UPDATE" not in head:
            seen.append((statement, parameters))

    event.listen(Engine, "after_cursor_execute", _record)
    try:
        yield seen
    finally:
        event.remove(Engine, "after_cursor_execute", _record)


def _rows(db: Database, statements: list[tuple[str, Any]]) -> int:
    total = 0
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            wrapped = f"SELECT COUNT(*) FROM ({statement}) AS counted"
            total += connection.exec_driver_sql(wrapped, parameters).scalar_one()
    return total


@pytest.fixture
def open_page(
    signed_in_page: Callable[[str, SignedIn], AppTest],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Callable[[str, SignedIn], AppTest]:
    """Factory: run a page as an account, exports under tmp_path."""
    monkeypatch.setenv(EXPORTS_ENV, str(tmp_path / "exports"))
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "rows-test")
    return signed_in_page


def _page_rows(db: Database, open_page: Any, page: str, editor: SignedIn) -> int:
    with counted_rows(db) as statements:
        at = open_page(page, editor)
    assert not at.exception and not at.error
    return _rows(db, statements)


@pytest.mark.parametrize("page", ["adjudicate.py", "export.py"])
def test_rows_read_do_not_grow_with_the_database(
    db: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page: Any,
    page: str,
) -> None:
    users = [make_user(name, password=None) for name in REVIEWERS]
    editor = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    _add_articles(db, users, 0, 30)
    small = _page_rows(db, open_page, page, editor)
    _add_articles(db, users, 30, 300)
    with db.read() as session:
        assert session.execute(text("SELECT COUNT(*) FROM annotations")).scalar_one() == 9000
    large = _page_rows(db, open_page, page, editor)
    assert small > 0
    print(f"{page}: {small} rows at 30 articles, {large} at 300")
    # Same page, ten times the data: only the label combinations of the preview may add a few.
    assert large <= small + 20, (small, large)


def test_the_export_page_shows_no_server_path(
    db: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page: Any,
    tmp_path: Path,
) -> None:
    users = [make_user(name, password=None) for name in REVIEWERS]
    editor = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    _add_articles(db, users, 0, 3)
    at = open_page("export.py", editor)
    at.text_input(key="wb_export_article_ids").input("a00001, a00002").run()
    assert at.metric[0].value == "2"
    at.button(key="wb_export_run").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Export jsonl\\-unanimous\\-min2\\-filtered is ready."]
    shown = " ".join(str(element.value) for element in at.main if hasattr(element, "value"))
    assert str(tmp_path) not in shown and "/exports" not in shown
    at.text_input(key="wb_export_article_ids").input("a00001, nope").run()
    assert [e.value for e in at.error] == [escape_markdown("unknown article id(s): nope")]
