"""Gold labels follow the reviewers' rules: no preselected verdict, the evidence policy, and the
rationale shown in the label history."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import AuditEntry, GoldLabel
from workbench.domain.labels import Evidence, Role
from workbench.services.adjudicate import adjudicate
from workbench.services.reviewer_labels import record_label
from workbench.ui.components.gold_form import CHOOSE_LABEL
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

ARTICLE = "000_b5ddb462525d61c6"
Page = Callable[[str, SignedIn], AppTest]


def _contested(db: Database, make_user) -> int:  # type: ignore[no-untyped-def]
    """Sentence 1 labeled verified by ana and disputed by ben; returns its id."""
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    with db.write() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=1)
        assert sentence is not None
        record_label(session, user_id=ana, sentence_id=sentence.id, label="verified")
        record_label(session, user_id=ben, sentence_id=sentence.id, label="disputed")
        return sentence.id


def _save(at: AppTest, sid: int) -> AppTest:
    return at.button(key=f"FormSubmitter:wb_gold_{sid}-Save gold label").click().run()


def _gold(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        return [tuple(row) for row in session.execute(select(GoldLabel.label, GoldLabel.rationale))]  # type: ignore[misc]


def test_the_gold_form_starts_with_no_label_and_refuses_to_save_without_one(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    signed_in_page: Page,
) -> None:
    sid = _contested(seeded_db, make_user)
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = signed_in_page("adjudicate.py", eve)
    radio = at.radio(key=f"wb_gold_label_{sid}")
    assert radio.value is None and radio.index is None  # no verdict suggested
    at.text_area(key=f"wb_gold_rationale_{sid}").input("two outlets disagree")
    at = _save(at, sid)
    assert not at.exception and not at.success
    assert [e.value for e in at.error] == [escape_markdown(CHOOSE_LABEL)]
    assert _gold(seeded_db) == []
    with seeded_db.read() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "gold")).all() == []
    assert at.text_area(key=f"wb_gold_rationale_{sid}").value == "two outlets disagree"  # kept
    at.radio(key=f"wb_gold_label_{sid}").set_value("unsourced")
    at = _save(at, sid)
    assert [s.value for s in at.success] == ["Gold label saved: unsourced (version 1)."]
    assert _gold(seeded_db) == [("unsourced", "two outlets disagree")]
    assert at.radio(key=f"wb_gold_label_{sid}").value == "unsourced"  # the stored verdict now


def test_gold_evidence_follows_the_reviewers_policy(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    signed_in_page: Page,
) -> None:
    sid = _contested(seeded_db, make_user)
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = signed_in_page("adjudicate.py", eve)
    # A disputed gold label with only supporting evidence is saved, and says it is incomplete.
    at.radio(key=f"wb_gold_label_{sid}").set_value("disputed")
    at.text_area(key=f"wb_gold_rationale_{sid}").input("figure contradicted")
    at.text_input(key=f"wb_gold_url_{sid}").input("https://example.org/s")
    at.selectbox(key=f"wb_gold_stance_{sid}").select("supports")
    at = _save(at, sid)
    assert [s.value for s in at.success] == [
        "Gold label saved: disputed (version 1). Incomplete: a 'disputed' label has no "
        "evidence item that refutes it yet."
    ]
    assert [w.value for w in at.warning] == [
        "Incomplete gold label: a 'disputed' label has no evidence item that refutes it yet."
    ]
    # not_a_claim takes no evidence, as for reviewers: refused, nothing changes.
    at.radio(key=f"wb_gold_label_{sid}").set_value("not_a_claim")
    at = _save(at, sid)
    assert [e.value for e in at.error] == [
        escape_markdown("Gold label not saved: a 'not_a_claim' label takes no evidence")
    ]
    assert _gold(seeded_db) == [("disputed", "figure contradicted")]
    # Adding the refutation completes it: the warning goes.
    at.radio(key=f"wb_gold_label_{sid}").set_value("disputed")
    at.text_input(key=f"wb_gold_url_{sid}").input("https://example.org/r")
    at.selectbox(key=f"wb_gold_stance_{sid}").select("refutes")
    at = _save(at, sid)
    assert [s.value for s in at.success] == ["Gold label saved: disputed (version 2)."]
    assert not at.warning


def test_history_shows_the_gold_rationale_and_whether_evidence_is_complete(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    signed_in_page: Page,
) -> None:
    sid = _contested(seeded_db, make_user)
    eve_id = make_user("eve", role="editor", password=None)
    refutes = Evidence(url="https://example.org/r", quote="12, not 40", stance="refutes")
    with seeded_db.write() as session:
        adjudicate(
            session, editor_id=eve_id, sentence_id=sid, label="disputed", rationale="<b>first</b>"
        )
    with seeded_db.write() as session:
        adjudicate(
            session,
            editor_id=eve_id,
            sentence_id=sid,
            label="disputed",
            rationale="ministry: 12 jets",
            evidence=[refutes],
            expected_version=1,
        )
    eve = SignedIn(eve_id, "eve", Role.EDITOR)
    at = signed_in_page("history.py", eve)
    at.query_params["article"] = ARTICLE
    at.query_params["sentence"] = "1"
    at = at.run()
    assert not at.exception
    at = at.radio(key="wb_history_kind").set_value("gold label").run()
    frame = at.dataframe[0].value
    assert list(frame["who"]) == ["eve", "eve"]
    assert list(frame["rationale from"]) == ["", "<b>first</b>"]
    assert list(frame["rationale to"]) == ["<b>first</b>", "ministry: 12 jets"]
    assert list(frame["evidence"]) == ["0 -> 0", "0 -> 1"]
    assert list(frame["evidence complete"]) == ["no: incomplete", "yes"]
