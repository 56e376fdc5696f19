"""The annotate view in AppTest: labels, notes and evidence reach the database, with audit rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, AuditEntry, EvidenceItem
from workbench.services.ingest import ingest_paths
from workbench.services.reviewer_labels import record_label
from workbench.ui.components.article_text import build_article_text
from workbench.ui.components.sentence_text import component_data

ARTICLE = "000_b5ddb462525d61c6"
HOSTILE = "The mayor wrote <script>alert(1)</script> and <img src=x onerror=alert(1)> today."


def _sentence_id(db: Database, index: int, article: str = ARTICLE) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=article, index=index)
        assert sentence is not None
        return sentence.id


def _panel_heading(at: AppTest) -> str:
    heading = next(c.value for c in at.caption if c.value.startswith("Sentence "))
    return str(heading).split(" · ")[0]  # without the "likely claim" score


def _audit(db: Database) -> list[tuple[str, str | None]]:
    with db.read() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(row.action, (row.new or {}).get("label")) for row in rows]  # type: ignore[misc]


def _add_evidence(at: AppTest, sid: int, url: str, stance: str, quote: str = "") -> AppTest:
    at.text_input(key=f"wb_ev_url_{sid}").input(url)
    at.text_area(key=f"wb_ev_quote_{sid}").input(quote)
    at.selectbox(key=f"wb_ev_stance_{sid}").select(stance)
    return at.button(key=f"wb_ev_add_{sid}").click().run()


def test_label_click_saves_audits_and_survives_a_reload(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    at = open_article(ana)
    assert not at.exception
    assert _panel_heading(at) == "Sentence 1 of 13"
    at = at.button(key="wb_label_unsourced").click().run()
    assert not at.exception
    sid = _sentence_id(seeded_db, 0)
    with seeded_db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sid, user_id=ana)
        assert annotation is not None and annotation.label == "unsourced"
    assert _audit(seeded_db) == [("create", "unsourced")]
    assert at.button(key="wb_label_unsourced").proto.type == "primary"

    assert at.query_params["sentence"] == "0"
    reloaded = open_article(ana, sentence=0)  # a reload: new session, same URL
    assert _panel_heading(reloaded) == "Sentence 1 of 13"
    assert reloaded.button(key="wb_label_unsourced").proto.type == "primary"
    assert reloaded.button(key="wb_label_verified").proto.type == "secondary"
    assert "You have labeled 1 of 13 sentences" in [p.proto.text for p in reloaded.get("progress")]
    assert _panel_heading(open_article(ana)) == "Sentence 2 of 13"  # first unlabeled


def test_evidence_add_and_remove_with_the_rule_warning(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid = _sentence_id(seeded_db, 0)
    at = open_article(ana).button(key="wb_label_disputed").click().run()
    assert [w.value for w in at.warning if w.value.startswith("Incomplete")] == [
        "Incomplete: needs refuting evidence: a 'disputed' label has no evidence item that "
        "refutes it yet."
    ]
    at = _add_evidence(at, sid, "https://example.org/context", "context", "background")
    at = _add_evidence(at, sid, "https://example.org/report", "refutes", "the real figure")
    assert not at.exception and not at.error
    assert not [w for w in at.warning if w.value.startswith("Incomplete")]  # the rule holds now
    with seeded_db.read() as session:
        items = session.scalars(select(EvidenceItem).order_by(EvidenceItem.position)).all()
        assert [(i.url, i.stance, i.quote) for i in items] == [
            ("https://example.org/context", "context", "background"),
            ("https://example.org/report", "refutes", "the real figure"),
        ]
    assert at.text_input(key=f"wb_ev_url_{sid}").value == ""  # the form is cleared

    at = at.button(key=f"wb_ev_remove_{sid}_0").click().run()
    with seeded_db.read() as session:
        urls = session.scalars(select(EvidenceItem.url)).all()
    assert urls == ["https://example.org/report"]
    assert _audit(seeded_db) == [("create", "disputed")] + [("update", "disputed")] * 3


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", "ftp://x.org/a", "", "[x](javascript:alert(1))"],
)
def test_bad_evidence_url_is_refused_and_nothing_changes(
    seeded_db: Database, make_user, open_article, url: str
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid = _sentence_id(seeded_db, 0)
    at = open_article(ana).button(key="wb_label_verified").click().run()
    before = _audit(seeded_db)
    at = _add_evidence(at, sid, url, "supports")
    assert len(at.error) == 1
    shown = at.error[0].value.replace("\\", "")  # the message is Markdown-escaped
    assert shown.startswith("Evidence not added: evidence url")
    assert not re.search(r"(?<!\\)[<\[(]", at.error[0].value)  # nothing left to interpret
    with seeded_db.read() as session:
        assert session.scalar(select(func.count()).select_from(EvidenceItem)) == 0
    assert _audit(seeded_db) == before
    assert at.text_input(key=f"wb_ev_url_{sid}").value == url  # kept for correction


def test_note_typed_before_the_label_is_saved_with_it(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid = _sentence_id(seeded_db, 0)
    at = open_article(ana)
    at.text_area(key=f"wb_note_{sid}").input("figure differs across outlets").run()
    with seeded_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Annotation)) == 0
    at.button(key="wb_label_not_a_claim").click().run()
    at.text_area(key=f"wb_note_{sid}").input("headline").run()
    with seeded_db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sid, user_id=ana)
        assert annotation is not None
        assert (annotation.label, annotation.note) == ("not_a_claim", "headline")
    assert _audit(seeded_db) == [("create", "not_a_claim"), ("update", "not_a_claim")]


def test_a_note_over_the_limit_is_refused_and_stays_in_the_field(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid = _sentence_id(seeded_db, 0)
    at = open_article(ana)
    at.button(key="wb_label_unsourced").click().run()
    too_long = "n" * 10_001
    at = at.text_area(key=f"wb_note_{sid}").input(too_long).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "note is 10,001 characters long; at most 10,000 are allowed"
    ]
    assert at.text_area(key=f"wb_note_{sid}").value == too_long  # kept for shortening
    at = at.button(key="wb_label_disputed").click().run()  # a verdict with it is refused too
    assert [e.value for e in at.error] == [
        "note is 10,001 characters long; at most 10,000 are allowed"
    ]
    assert at.text_area(key=f"wb_note_{sid}").value == too_long
    with seeded_db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sid, user_id=ana)
        assert annotation is not None and (annotation.label, annotation.note) == ("unsourced", "")
    assert _audit(seeded_db) == [("create", "unsourced")]


def test_next_and_previous_unlabeled(seeded_db: Database, make_user, open_article) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    with seeded_db.write() as session:
        for index in (1, 2):
            record_label(
                session, user_id=ana, sentence_id=_sentence_id(seeded_db, index), label="unsourced"
            )
    at = open_article(ana)
    assert _panel_heading(at) == "Sentence 1 of 13"
    at = at.toggle(key="wb_claims_first").set_value(False).run()  # reading order
    at = at.button(key="wb_next_open").click().run()
    assert _panel_heading(at) == "Sentence 4 of 13"
    at = at.button(key="wb_prev_open").click().run()
    assert _panel_heading(at) == "Sentence 1 of 13"
    at = at.button(key="wb_next").click().run()
    assert _panel_heading(at) == "Sentence 2 of 13"
    assert at.button(key="wb_label_unsourced").proto.type == "primary"
    assert at.query_params["sentence"] == "1"


def test_reviewers_never_see_each_others_labels(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana, bob = make_user("ana"), make_user("bob")
    with seeded_db.write() as session:
        record_label(session, user_id=bob, sentence_id=_sentence_id(seeded_db, 0), label="verified")
    at = open_article(ana)
    assert "You have labeled 0 of 13 sentences" in [p.proto.text for p in at.get("progress")]
    assert all(at.button(key=f"wb_label_{x}").proto.type == "secondary" for x in ("verified",))
    assert _panel_heading(at) == "Sentence 1 of 13"
    data = json.loads(component_data_of(at))
    assert set(data["labels"]) == {"."}


def component_data_of(at: AppTest) -> bytes:
    """The bytes the page sent to the text component."""
    element = at.get("bidi_component")[0]
    return bytes(element.proto.bytes)


def test_hostile_markup_is_text(
    seeded_db: Database, make_user, open_article, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "hostile.txt"
    source.write_text(f"<b>Bold</b> <script>x</script> title\n\n{HOSTILE}\n", encoding="utf-8")
    assert ingest_paths(seeded_db, sources=[str(source)]).added == ["hostile"]
    ana = make_user("ana")
    at = open_article(ana, article="hostile")
    at = at.button(key="wb_next").click().run()
    assert not at.exception
    assert at.text[0].value == HOSTILE  # the panel shows the sentence as plain text
    assert HOSTILE.encode() not in component_data_of(at)  # a render never carries the text
    served = build_article_text(seeded_db, "hostile")  # what the text route returns
    assert served is not None
    assert [part[1] for part in json.loads(served.payload)["parts"]][1] == HOSTILE  # textContent
    markdown = [e.value for e in at.markdown] + [e.value for e in at.caption]
    markdown += [e.value for e in at.subheader]
    assert not [value for value in markdown if re.search(r"(?<!\\)<", value)]  # every < escaped
    assert r"\<b\>Bold\</b\> \<script\>x\</script\> title" in markdown


def test_component_data_is_labels_and_where_the_text_is_not_the_text() -> None:
    from workbench.ui.components.article_text import ArticleText, ShownSentence

    rows = (ShownSentence(1, 0, "A.", 0.9), ShownSentence(2, 1, "B.", 0.1))
    article = ArticleText("a b", "t", None, None, None, None, rows, b'{"article":"a b"}', "v1")
    assert json.loads(component_data(article, {1: "disputed"}, 1)) == {
        "article": "a b",
        "version": "v1",
        "src": "/wb/articles/a%20b/text.json?v=v1",
        "labels": ".d",
        "selected": 1,
    }


def test_unknown_article_is_a_clear_error(make_user, open_article) -> None:  # type: ignore[no-untyped-def]
    at = open_article(make_user("ana"), article="nope")
    assert [e.value for e in at.error] == ["There is no article with id 'nope'."]
