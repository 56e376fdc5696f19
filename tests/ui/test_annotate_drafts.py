"""The annotate view keeps what is typed before it can be saved: across moves and reloads."""

from __future__ import annotations

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import ARTICLE
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, Article, EvidenceItem, LabelDraft
from workbench.domain.labels import Evidence
from workbench.services import drafts
from workbench.services.reviewer_labels import record_label
from workbench.ui.components.text import escape_markdown


def _sid(db: Database, index: int) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=index)
        assert sentence is not None
        return sentence.id


def _heading(at: AppTest) -> str:
    return str(next(c.value for c in at.caption if c.value.startswith("Sentence "))).split(" · ")[0]


def _count(db: Database, model: type[object]) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_note_on_an_unlabeled_sentence_survives_moves_and_a_reload(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db, 0)
    at = open_article(ana)
    assert _heading(at) == "Sentence 1 of 13"
    at = at.text_area(key=f"wb_note_{sid}").input("figure differs across outlets").run()
    assert "Draft kept: this note is saved with the label you choose." in [
        c.value for c in at.caption
    ]
    assert _count(seeded_db, Annotation) == 0
    for key in ("wb_next_open", "wb_prev_open", "wb_next", "wb_prev"):  # J, K, arrows
        at = at.button(key=key).click().run()
    assert _heading(at) == "Sentence 1 of 13"
    assert at.text_area(key=f"wb_note_{sid}").value == "figure differs across outlets"

    reloaded = open_article(ana, sentence=0)  # a new session on the same URL
    assert reloaded.text_area(key=f"wb_note_{sid}").value == "figure differs across outlets"
    reloaded = reloaded.button(key="wb_label_unsourced").click().run()
    with seeded_db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sid, user_id=ana)
        assert annotation is not None
        assert (annotation.label, annotation.note) == ("unsourced", "figure differs across outlets")
    assert _count(seeded_db, LabelDraft) == 0  # stored with the label, the draft is gone


def test_a_half_filled_evidence_form_is_kept_until_its_item_is_added(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db, 0)
    at = open_article(ana)
    assert at.button(key=f"wb_ev_add_{sid}").disabled  # no label yet: kept, not added
    at.text_input(key=f"wb_ev_url_{sid}").input("https://example.org/report")
    at = at.text_area(key=f"wb_ev_quote_{sid}").input("the real figure").run()
    at = at.selectbox(key=f"wb_ev_stance_{sid}").select("refutes").run()
    at = at.button(key="wb_next").click().run()
    assert _heading(at) == "Sentence 2 of 13"
    reloaded = open_article(ana, sentence=0)
    assert reloaded.text_input(key=f"wb_ev_url_{sid}").value == "https://example.org/report"
    assert reloaded.text_area(key=f"wb_ev_quote_{sid}").value == "the real figure"
    assert reloaded.selectbox(key=f"wb_ev_stance_{sid}").value == "refutes"

    at = reloaded.button(key="wb_label_disputed").click().run()
    assert not at.button(key=f"wb_ev_add_{sid}").disabled
    assert at.text_input(key=f"wb_ev_url_{sid}").value == "https://example.org/report"
    assert _count(seeded_db, EvidenceItem) == 0  # a label never adds an unfinished item
    at = at.button(key=f"wb_ev_add_{sid}").click().run()
    assert not at.error
    with seeded_db.read() as session:
        items = session.scalars(select(EvidenceItem)).all()
        assert [(i.url, i.quote, i.stance) for i in items] == [
            ("https://example.org/report", "the real figure", "refutes")
        ]
    assert _count(seeded_db, LabelDraft) == 0
    assert at.text_input(key=f"wb_ev_url_{sid}").value == ""


def test_clearing_a_label_keeps_its_note_in_the_field_and_the_draft(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db, 0)
    at = open_article(ana)
    at.text_area(key=f"wb_note_{sid}").input("checked with the ministry")
    at = at.button(key="wb_label_verified").click().run()
    at = at.button(key="wb_clear").click().run()
    assert "Label cleared; its note is kept as a draft" in " ".join(c.value for c in at.caption)
    assert at.text_area(key=f"wb_note_{sid}").value == "checked with the ministry"
    with seeded_db.read() as session:
        assert queries.annotation_for(session, sentence_id=sid, user_id=ana) is None
        draft = drafts.draft_of(session, user_id=ana, sentence_id=sid)
        assert draft == drafts.Draft("checked with the ministry")
    reloaded = open_article(ana, sentence=0)
    assert reloaded.text_area(key=f"wb_note_{sid}").value == "checked with the ministry"


def test_a_draft_that_cannot_be_kept_says_so_and_stays_in_the_field(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db, 0)
    at = open_article(ana)
    too_long = "n" * 10_001
    at = at.text_area(key=f"wb_note_{sid}").input(too_long).run()
    assert [e.value for e in at.error] == [
        "note is 10,001 characters long; at most 10,000 are allowed"
    ]
    assert at.text_area(key=f"wb_note_{sid}").value == too_long
    assert _count(seeded_db, LabelDraft) == 0


def test_a_draft_note_next_to_a_label_made_elsewhere_is_shown_and_can_be_added(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db, 0)
    with seeded_db.write() as session:
        drafts.save_note(session, user_id=ana, sentence_id=sid, note="typed in another tab")
        record_label(session, user_id=ana, sentence_id=sid, label="unsourced", note="imported")
    at = open_article(ana, sentence=0)
    assert [w.value for w in at.warning if "kept as a draft" in w.value]
    assert "typed in another tab" in [t.value for t in at.text]
    at = at.button(key="wb_use_draft_note").click().run()
    assert at.text_area(key=f"wb_note_{sid}").value == "imported\n\ntyped in another tab"
    assert not [w for w in at.warning if "kept as a draft" in w.value]
    assert _count(seeded_db, LabelDraft) == 0


def test_the_question_an_evidence_item_answers_is_kept_added_and_shown(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sid(seeded_db, 0)
    at = open_article(ana)
    at = at.text_input(key=f"wb_ev_question_{sid}").input("How many jets were lost?").run()
    reloaded = open_article(ana, sentence=0)  # an unsaved question is kept as a draft
    assert reloaded.text_input(key=f"wb_ev_question_{sid}").value == "How many jets were lost?"
    at = reloaded.button(key="wb_label_verified").click().run()
    at.text_input(key=f"wb_ev_url_{sid}").input("https://example.org/count")
    at.text_area(key=f"wb_ev_quote_{sid}").input("six aircraft")
    at = at.button(key=f"wb_ev_add_{sid}").click().run()
    assert not at.error
    with seeded_db.read() as session:
        items = session.scalars(select(EvidenceItem)).all()
        assert [(i.url, i.question) for i in items] == [
            ("https://example.org/count", "How many jets were lost?")
        ]
    assert at.text_input(key=f"wb_ev_question_{sid}").value == ""
    assert "Answers: How many jets were lost?" in [t.value for t in at.text]


def test_an_evidence_date_is_kept_checked_added_and_flagged_after_the_article(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    with seeded_db.write() as session:
        article = session.get(Article, ARTICLE)
        assert article is not None
        article.published = "2025-06-04"
    ana, sid = make_user("ana"), _sid(seeded_db, 0)
    at = open_article(ana)
    at = at.text_input(key=f"wb_ev_published_{sid}").input("2025-06-09").run()
    reloaded = open_article(ana, sentence=0)  # an unsaved date is kept as a draft
    assert reloaded.text_input(key=f"wb_ev_published_{sid}").value == "2025-06-09"
    at = reloaded.button(key="wb_label_verified").click().run()
    at.text_input(key=f"wb_ev_url_{sid}").input("https://example.org/fact-check")
    at.text_input(key=f"wb_ev_published_{sid}").input("9 June 2025")
    at = at.button(key=f"wb_ev_add_{sid}").click().run()
    assert [e.value for e in at.error] == [
        escape_markdown(
            "Evidence not added: evidence published must be a date as YYYY-MM-DD, e.g. "
            "2024-03-01; got '9 June 2025'"
        )
    ]
    assert _count(seeded_db, EvidenceItem) == 0
    at.text_input(key=f"wb_ev_published_{sid}").input("2025-06-09")
    at = at.button(key=f"wb_ev_add_{sid}").click().run()
    assert not at.error
    with seeded_db.read() as session:
        items = session.scalars(select(EvidenceItem)).all()
        assert [(i.url, i.published) for i in items] == [
            ("https://example.org/fact-check", "2025-06-09")
        ]
    assert at.text_input(key=f"wb_ev_published_{sid}").value == ""
    assert "Source published 2025-06-09 · article 2025-06-04" in [t.value for t in at.text]
    flagged = [w.value for w in at.warning if "Published after the article" in w.value]
    assert flagged == [
        "⚠ Published after the article (2025-06-04): it may report a later fact-check. "
        "`export --evidence-before-claim` leaves it out."
    ]


def test_an_evidence_item_from_before_the_article_is_dated_but_not_flagged(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    with seeded_db.write() as session:
        article = session.get(Article, ARTICLE)
        assert article is not None
        article.published = "2025-06-04"
    ana, sid = make_user("ana"), _sid(seeded_db, 0)
    with seeded_db.write() as session:
        earlier = Evidence(url="https://example.org/a", stance="supports", published="2025-06-04")
        record_label(session, user_id=ana, sentence_id=sid, label="verified", evidence=[earlier])
    at = open_article(ana, sentence=0)
    assert "Source published 2025-06-04 · article 2025-06-04" in [t.value for t in at.text]
    assert not [w for w in at.warning if "Published after the article" in w.value]
