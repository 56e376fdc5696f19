"""One numbering: 1-based sentence numbers where a person reads one, 0-based ids where an id is."""

from __future__ import annotations

import re
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.labels import Evidence, Role
from workbench.services.reviewer_labels import record_label
from workbench.ui.components.numbering import (
    evidence_source,
    ref_number,
    sentence_id,
    sentence_id_text,
    sentence_number,
)
from workbench.ui.runtime import SignedIn

ARTICLE = "002_106eb614b3e40071"  # its sentence 23 (index 22) is linked to LINKED
LINKED_ARTICLE, LINKED_INDEX = "003_12a4aa04524d7b45", 8
LINKED = f"{LINKED_ARTICLE}:{LINKED_INDEX}"
FIRST_ARTICLE = "000_b5ddb462525d61c6"  # the one the history page opens on
ID_PATTERN = re.compile(r"\d{3}_[0-9a-f]{16}:\d+")


def test_the_helpers_write_numbers_from_one_and_ids_from_zero() -> None:
    assert sentence_number(0) == "Sentence 1"
    assert sentence_number(2, 21) == "Sentence 3 of 21"
    assert sentence_number(19, start=False) == "sentence 20"
    assert sentence_id("a_b", 2) == "a_b:2"
    assert sentence_id_text("a_b:2") == "sentence id a_b:2"
    assert ref_number("a:b:2") == "sentence 3 of a:b"  # an article id may hold a colon
    assert ref_number("not an id") == "sentence id not an id"
    assert evidence_source("https://example.org", None) == "https://example.org"
    assert evidence_source("", "a_b:2") == "sentence id a_b:2"


def _sid(db: Database, article: str, index: int) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=article, index=index)
        assert sentence is not None
        return sentence.id


def _shown(at: AppTest) -> list[str]:
    """Every text the page shows a person (captions, text, Markdown, select box options)."""
    shown = [c.value for c in at.caption] + [t.value for t in at.text]
    shown += [m.value for m in at.markdown] + [s.value for s in at.success]
    shown += [option for box in at.selectbox for option in box.options]
    return [str(value).replace("\\", "") for value in shown]


def test_annotate_panel_numbers_sentences_and_shows_ids_as_ids(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid = _sid(seeded_db, ARTICLE, 22)
    cited = Evidence(url="", stance="context", sentence_ref=LINKED)
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=sid, label="unsourced", evidence=[cited])
    at = open_article(ana, article=ARTICLE, sentence=22)
    assert not at.exception
    shown = _shown(at)
    heading = next(s for s in shown if s.startswith("Sentence "))
    with seeded_db.read() as session:
        article = queries.get_article(session, article_id=ARTICLE)
        assert article is not None
        total = len(article.sentences)
    assert heading.split(" · ")[0] == f"Sentence 23 of {total}"
    related = [s for s in shown if " · similarity " in s]
    assert related and all(re.search(r" · sentence \d+ · ", s) for s in related)
    assert any(" · sentence 9 · " in s for s in related)  # LINKED, index 8
    assert f"Cites sentence id {LINKED}" in shown  # the evidence list shows the id
    ref_field = at.text_input(key=f"wb_ev_ref_{sid}")
    assert ref_field.label == "Cites sentence id (optional)"
    assert f"This sentence's id is `{ARTICLE}:22`" in (ref_field.help or "")
    # An id appears only where it is called one: never next to a bare sentence number.
    for text in shown:
        if ID_PATTERN.search(text):
            assert "sentence id" in text, text


def test_adjudicate_and_history_number_sentences_from_one(
    seeded_db: Database, make_user, signed_in_page: Callable[[str, SignedIn], AppTest]
) -> None:  # type: ignore[no-untyped-def]
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    sid = _sid(seeded_db, FIRST_ARTICLE, 2)
    cited = Evidence(url="", stance="refutes", sentence_ref=LINKED)
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=sid, label="verified")
        record_label(session, user_id=ben, sentence_id=sid, label="disputed", evidence=[cited])
    editor = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)

    at = signed_in_page("adjudicate.py", editor)
    assert not at.exception
    options = at.selectbox(key="wb_adjudicate_sentence").options
    assert len(options) == 1 and options[0].startswith(f"{FIRST_ARTICLE} · sentence 3 · 2 labels")
    assert f"refutes: sentence id {LINKED}" in _shown(at)
    assert not any(ID_PATTERN.search(option) for option in options)

    at = signed_in_page("history.py", editor)
    assert not at.exception
    box = at.selectbox(key="wb_history_sentence")
    assert box.options == [f"Sentence 3: {box.options[0].split(': ', 1)[1]}"]
    assert at.query_params["sentence"] == "2"  # the URL keeps the 0-based index of the id
