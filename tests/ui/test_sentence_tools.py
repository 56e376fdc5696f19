"""The editors' text controls of the annotate view in AppTest: boilerplate, merge, split."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import AuditEntry
from workbench.domain.labels import Role
from workbench.services.reviewer_labels import record_label
from workbench.services.sentence_edits import mark_boilerplate, merge_sentences
from workbench.ui.components.article_text import build_article_text
from workbench.ui.runtime import SignedIn

APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"
ARTICLE = "000_b5ddb462525d61c6"
MakeUser = Callable[..., int]


@pytest.fixture
def open_sentence(
    seeded_db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[int, str, Role, int], AppTest]]:
    """Factory: an account's browser session on one sentence of the annotate page."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    st.cache_data.clear()

    def _open(user_id: int, name: str, role: Role, sentence: int) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.session_state["wb_user"] = SignedIn(user_id, name, role)
        at.run()
        at.switch_page("ui/pages/annotate.py")
        at.query_params["article"] = ARTICLE
        at.query_params["sentence"] = str(sentence)
        return at.run()

    yield _open
    st.cache_resource.clear()
    st.cache_data.clear()


def _sentences(db: Database) -> list[tuple[int, str, bool]]:
    with db.read() as session:
        article = queries.get_article(session, article_id=ARTICLE)
        assert article is not None
        for s in article.sentences:
            assert article.body[s.start : s.end] == s.text
        return [(s.id, s.text, s.boilerplate) for s in article.sentences]


def _heading(at: AppTest) -> str:
    heading = next(c.value for c in at.caption if c.value.startswith("Sentence "))
    return str(heading).split(" · ")[0]


def _progress_text(at: AppTest) -> str:
    return str(at.get("progress")[0].proto.text)


def test_editor_flags_merges_and_splits_from_the_panel(
    seeded_db: Database, make_user: MakeUser, open_sentence: Callable[..., AppTest]
) -> None:
    editor = make_user("eve", role="editor", password=None)
    before = _sentences(seeded_db)
    total = len(before)
    with seeded_db.write() as session:
        record_label(session, user_id=editor, sentence_id=before[4][0], label="unsourced")
    at = open_sentence(editor, "eve", Role.EDITOR, 3)
    assert not at.exception
    assert _heading(at) == f"Sentence 4 of {total}"
    assert _progress_text(at) == f"You have labeled 1 of {total} sentences"
    sid = before[3][0]

    at.toggle(key=f"wb_boilerplate_{sid}").set_value(True).run()
    assert not at.exception
    assert _sentences(seeded_db)[3][2] is True
    assert any("marked this sentence as boilerplate" in i.value for i in at.info)
    assert _progress_text(at) == f"You have labeled 1 of {total - 1} sentences"
    at.toggle(key=f"wb_boilerplate_{sid}").set_value(False).run()
    assert _sentences(seeded_db)[3][2] is False

    at.button(key=f"wb_merge_{sid}").click().run()
    assert not at.exception
    merged = _sentences(seeded_db)
    assert len(merged) == total - 1
    assert merged[3][1] == seeded_db_text(seeded_db, before[3], before[4])
    assert _heading(at) == f"Sentence 4 of {total - 1}"
    assert any("Merged sentence 4" in s.value for s in at.success)
    # The label on the merged-away sentence moved here: the progress still counts it.
    assert _progress_text(at) == f"You have labeled 1 of {total - 1} sentences"

    cut = merged[3][1].index(before[4][1])
    at.number_input(key=f"wb_split_at_{sid}_{len(merged[3][1])}").set_value(cut).run()
    at.radio(key=f"wb_split_keep_{sid}").set_value("second").run()
    at.button(key=f"wb_split_{sid}").click().run()
    assert not at.exception
    after = _sentences(seeded_db)
    assert [text for _, text, _ in after] == [text for _, text, _ in before]
    assert _heading(at) == f"Sentence 4 of {total}"
    with seeded_db.read() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "sentence").order_by(AuditEntry.id)
        ).all()
    assert actions == ["update", "update", "merge", "split"]


def seeded_db_text(
    db: Database, first: tuple[int, str, bool], second: tuple[int, str, bool]
) -> str:
    """The body from the start of ``first`` to the end of ``second``."""
    with db.read() as session:
        article = queries.get_article(session, article_id=ARTICLE)
        assert article is not None
        start = article.body.index(first[1])
        end = article.body.index(second[1], start) + len(second[1])
        return article.body[start:end]


def test_reviewers_see_the_flag_but_no_controls(
    seeded_db: Database, make_user: MakeUser, open_sentence: Callable[..., AppTest]
) -> None:
    ana = make_user("ana", password=None)
    editor = make_user("eve", role="editor", password=None)
    sid = _sentences(seeded_db)[2][0]
    at = open_sentence(editor, "eve", Role.EDITOR, 2)
    at.toggle(key=f"wb_boilerplate_{sid}").set_value(True).run()
    st.cache_data.clear()
    at = open_sentence(ana, "ana", Role.REVIEWER, 2)
    assert not at.exception
    assert any("marked this sentence as boilerplate" in i.value for i in at.info)
    keys = {b.key for b in at.button} | {t.key for t in at.toggle}
    assert not any(str(k).startswith(("wb_merge_", "wb_split_", "wb_boilerplate_")) for k in keys)
    verdicts = [b for b in at.button if str(b.key).startswith("wb_label_")]
    assert len(verdicts) == 4 and all(b.disabled for b in verdicts)  # not to be labeled
    # "Next unlabeled" in reading order passes over the boilerplate sentence.
    at = open_sentence(ana, "ana", Role.REVIEWER, 1)
    at.toggle(key="wb_claims_first").set_value(False).run()
    at.button(key="wb_next_open").click().run()
    assert _heading(at).startswith("Sentence 4 of ")


def test_history_page_shows_why_a_label_left_a_merged_sentence(
    seeded_db: Database,
    make_user: MakeUser,
    signed_in_page: Callable[[str, SignedIn], AppTest],
) -> None:
    editor = make_user("eve", role="editor", password=None)
    ana = make_user("ana", password=None)
    rows = _sentences(seeded_db)
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=rows[3][0], label="unsourced")
        record_label(session, user_id=ana, sentence_id=rows[4][0], label="not_a_claim")
    with seeded_db.write() as session:
        merge_sentences(session, actor_id=editor, article_id=ARTICLE, index=3)
    at = signed_in_page("history.py", SignedIn(editor, "eve", Role.EDITOR))
    at.query_params["article"] = ARTICLE
    at.query_params["sentence"] = "3"
    at = at.run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["action"]) == ["create", "delete", "merge"]
    assert list(frame["kind"]) == ["reviewer label", "reviewer label", "sentence text"]
    assert list(frame["from"])[1] == "not_a_claim"
    assert "merged" in list(frame["why"])[1] and "renumbered" in list(frame["why"])[2]


def test_the_article_text_marks_boilerplate_sentences_only(seeded_db: Database) -> None:
    plain = build_article_text(seeded_db, ARTICLE)
    with seeded_db.write() as session:
        mark_boilerplate(session, actor_id=None, article_id=ARTICLE, index=2)
    flagged = build_article_text(seeded_db, ARTICLE)
    assert plain is not None and flagged is not None
    parts = json.loads(flagged.payload)["parts"]
    assert parts[2][4:] == [1] and parts[2][2] == 0  # flagged, never a likely claim
    assert [p for i, p in enumerate(parts) if i != 2] == [
        p for i, p in enumerate(json.loads(plain.payload)["parts"]) if i != 2
    ]
    assert flagged.sentences[2].boilerplate and not flagged.sentences[2].likely_claim
