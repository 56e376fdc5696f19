"""The claim as checked in the app: the annotate panel's field (drafted, saved, blind; its
placeholder says an empty field means the sentence above, so a click does not send the sentence
twice) and the gold form's, with the sentence text as placeholder."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import ARTICLE
from workbench.db import labels as gold_queries
from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.labels import Role
from workbench.services.reviewer_labels import record_label
from workbench.ui.runtime import SignedIn

CLAIM = "The ministry counted 12 jets lost by 10 May 2025"


def _sentence(db: Database, index: int) -> tuple[int, str]:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=index)
        assert sentence is not None
        return sentence.id, sentence.text


def _claim_of(db: Database, sentence_id: int, user_id: int) -> str | None:
    with db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sentence_id, user_id=user_id)
        assert annotation is not None
        return annotation.claim_text


def test_the_panel_keeps_a_claim_as_a_draft_then_saves_it_with_the_label(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana, ben = make_user("ana"), make_user("ben")
    sid, text = _sentence(seeded_db, 0)
    at = open_article(ana)
    field = at.text_area(key=f"wb_claim_{sid}")
    assert field.label == "Claim as checked" and field.value == ""
    assert field.proto.placeholder == "Empty: the sentence above, as written"
    assert text in [t.value for t in at.text]  # the sentence itself, right above the field
    at = field.input(CLAIM).run()
    assert not at.error
    assert "Draft kept: this claim is saved with the label you choose." in [
        c.value for c in at.caption
    ]
    reloaded = open_article(ana, sentence=0)  # a new session finds the draft
    assert reloaded.text_area(key=f"wb_claim_{sid}").value == CLAIM
    at = reloaded.button(key="wb_label_disputed").click().run()
    assert not at.error
    assert _claim_of(seeded_db, sid, ana) == CLAIM
    at = at.text_area(key=f"wb_claim_{sid}").input("Six jets lost on 7 May").run()
    assert ":material/cloud_done: Claim as checked saved" in [c.value for c in at.caption]
    assert _claim_of(seeded_db, sid, ana) == "Six jets lost on 7 May"
    at = at.text_area(key=f"wb_claim_{sid}").input("").run()  # back to the sentence as written
    assert _claim_of(seeded_db, sid, ana) is None

    at = at.text_area(key=f"wb_claim_{sid}").input(CLAIM).run()
    theirs = open_article(ben, name="ben", sentence=0)  # blind: ben never sees ana's claim
    assert theirs.text_area(key=f"wb_claim_{sid}").value == ""
    assert CLAIM not in str(theirs)


def test_a_too_long_claim_is_refused_in_the_panel(
    seeded_db: Database, make_user, open_article
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    sid, _ = _sentence(seeded_db, 0)
    at = open_article(ana)
    at = at.button(key="wb_label_unsourced").click().run()
    at = at.text_area(key=f"wb_claim_{sid}").input("x" * 1001).run()
    assert any("claim as checked is 1,001 characters long" in e.value for e in at.error)
    assert _claim_of(seeded_db, sid, ana) is None
    assert at.text_area(key=f"wb_claim_{sid}").value == "x" * 1001  # kept, never cut


def test_the_gold_form_restates_the_claim(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    signed_in_page: Callable[[str, SignedIn], AppTest],
) -> None:
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    sid, text = _sentence(seeded_db, 1)
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=sid, label="verified", claim=CLAIM)
        record_label(session, user_id=ben, sentence_id=sid, label="disputed")
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = signed_in_page("adjudicate.py", eve)
    assert not at.exception
    assert f"Claim as checked: {CLAIM}" in [t.value for t in at.text]  # ana's, for the editor
    field = at.text_area(key=f"wb_gold_claim_{sid}")
    assert field.label == "Claim as checked" and field.value == ""
    assert field.proto.placeholder == text
    at.radio[0].set_value("unsourced")
    at.text_area(key=f"wb_gold_rationale_{sid}").input("no source either way")
    field.input("Six jets lost on 7-10 May 2025")
    at.button[1].click().run()
    assert not at.exception and not at.error
    with seeded_db.read() as session:
        gold = gold_queries.gold_state(session, sentence_id=sid)
    assert gold is not None and gold.claim == "Six jets lost on 7-10 May 2025"
    assert at.text_area(key=f"wb_gold_claim_{sid}").value == "Six jets lost on 7-10 May 2025"
