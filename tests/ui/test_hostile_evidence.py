"""Hostile input through the annotate page's evidence form, one test per case.

A refused item shows one ``st.error`` naming what was wrong and writes nothing: no evidence
row, no audit row, the label as it was. Markup typed into quote or note is not refused: it is
stored character for character and shown as text (what came from a reviewer is shown as
text, never as HTML).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, AuditEntry, EvidenceItem
from workbench.domain.labels import Role
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"
ARTICLE = "000_b5ddb462525d61c6"
SCRIPT = "<script>alert(document.cookie)</script><img src=x onerror=alert(1)>"

MakeUser = Callable[..., int]
Snapshot = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]


@pytest.fixture
def labeled(
    seeded_db: Database, database_url: str, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[AppTest, int]]:
    """A reviewer on the annotate page whose first sentence already has a 'verified' label."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    ana = make_user("ana")
    with seeded_db.read() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=0)
        assert sentence is not None
        sid = sentence.id
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["wb_user"] = SignedIn(ana, "ana", Role.REVIEWER)
    at.run()
    at.switch_page("ui/pages/annotate.py")
    at.query_params["article"] = ARTICLE
    at.query_params["sentence"] = "0"
    at = at.run()
    at = at.button(key="wb_label_verified").click().run()
    assert not at.exception and not at.error
    yield at, sid
    st.cache_resource.clear()
    st.cache_data.clear()


def snapshot(db: Database) -> Snapshot:
    """Every annotation, evidence item and audit row, as plain tuples."""
    with db.read() as session:
        annotations = [
            (a.id, a.sentence_id, a.user_id, a.label, a.note, a.updated_at)
            for a in session.scalars(select(Annotation).order_by(Annotation.id))
        ]
        evidence = [
            (e.annotation_id, e.position, e.url, e.quote, e.stance, e.note)
            for e in session.scalars(select(EvidenceItem).order_by(EvidenceItem.id))
        ]
        audit = [
            (r.id, r.action, r.entity_id)
            for r in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    return annotations, evidence, audit


def submit(
    at: AppTest, sid: int, *, url: str, quote: str = "", note: str = "", stance: str = "supports"
) -> AppTest:
    """Fill the evidence form of sentence ``sid`` and press Add evidence."""
    at.text_input(key=f"wb_ev_url_{sid}").input(url)
    at.text_area(key=f"wb_ev_quote_{sid}").input(quote)
    at.selectbox(key=f"wb_ev_stance_{sid}").select(stance)
    at.text_input(key=f"wb_ev_note_{sid}").input(note)
    return at.button(key=f"wb_ev_add_{sid}").click().run()


def refused(seeded_db: Database, labeled: tuple[AppTest, int], message: str, **fields: str) -> None:
    """Submit ``fields``; expect exactly one error ``message`` and an unchanged database."""
    at, sid = labeled
    before = snapshot(seeded_db)
    at = submit(at, sid, **fields)
    assert not at.exception
    assert [e.value for e in at.error] == [escape_markdown(f"Evidence not added: {message}")]
    assert snapshot(seeded_db) == before
    assert before[1] == []  # no evidence row at all
    assert at.text_input(key=f"wb_ev_url_{sid}").value == fields["url"]  # kept to correct


def test_javascript_url(seeded_db: Database, labeled: tuple[AppTest, int]) -> None:
    message = "evidence url must start with http:// or https://, got 'javascript:alert(1)'"
    refused(seeded_db, labeled, message, url="javascript:alert(1)", quote="q")


def test_data_url(seeded_db: Database, labeled: tuple[AppTest, int]) -> None:
    url = "data:text/html,<script>alert(1)</script>"
    message = f"evidence url must start with http:// or https://, got {url!r}"
    refused(seeded_db, labeled, message, url=url, quote="q")


def test_empty_url(seeded_db: Database, labeled: tuple[AppTest, int]) -> None:
    refused(seeded_db, labeled, "evidence url is empty", url="", quote="the ministry said 12")


def test_whitespace_only_url(seeded_db: Database, labeled: tuple[AppTest, int]) -> None:
    refused(seeded_db, labeled, "evidence url is empty", url=" \t  ", quote="q")


def test_url_with_spaces(seeded_db: Database, labeled: tuple[AppTest, int]) -> None:
    url = "https://example.org/a report.pdf"
    refused(seeded_db, labeled, f"evidence url contains whitespace: {url!r}", url=url)


def test_over_long_quote(seeded_db: Database, labeled: tuple[AppTest, int]) -> None:
    message = "evidence quote or note is too long (10,000 characters at most)"
    refused(seeded_db, labeled, message, url="https://example.org/r", quote="x" * 10_001)


def test_over_long_note(seeded_db: Database, labeled: tuple[AppTest, int]) -> None:
    message = "evidence quote or note is too long (10,000 characters at most)"
    refused(seeded_db, labeled, message, url="https://example.org/r", note="n" * 10_001)


def test_script_in_quote_and_note_is_stored_verbatim_and_shown_as_text(
    seeded_db: Database, labeled: tuple[AppTest, int]
) -> None:
    at, sid = labeled
    at = submit(at, sid, url="https://example.org/r", quote=SCRIPT, note=f"note {SCRIPT}")
    assert not at.exception and not at.error
    _, evidence, audit = snapshot(seeded_db)
    assert [(e[2], e[3], e[4], e[5]) for e in evidence] == [
        ("https://example.org/r", SCRIPT, "supports", f"note {SCRIPT}")
    ]
    assert [row[1] for row in audit] == ["create", "update"]
    texts = [t.value for t in at.text]  # st.text: rendered as plain text, never as HTML
    assert f"“{SCRIPT}”" in texts and f"note {SCRIPT}" in texts
    markup = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not [value for value in markup if "<script" in value or "onerror" in value]
