"""The Export page never shows the server's paths; bad article ids are named in the error."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from streamlit.testing.v1 import AppTest

from workbench.config import EXPORTS_DIR_ENV
from workbench.db.engine import Database
from workbench.db.models import Annotation, Article, Sentence
from workbench.domain.labels import LABELS, Role
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


@pytest.fixture
def open_page(
    signed_in_page: Callable[[str, SignedIn], AppTest],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Callable[[str, SignedIn], AppTest]:
    """Factory: run a page as an account, exports under tmp_path."""
    monkeypatch.setenv(EXPORTS_DIR_ENV, str(tmp_path / "exports"))
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "rows-test")
    return signed_in_page


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
