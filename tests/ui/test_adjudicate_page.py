"""The adjudication page in AppTest: queue, side-by-side reviews, saving, conflicts, bulk accept."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Article, AuditEntry, EvidenceItem, GoldLabel
from workbench.domain.labels import Evidence, Role
from workbench.services.adjudicate import adjudicate
from workbench.services.reviewer_labels import record_label
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

ARTICLE = "000_b5ddb462525d61c6"


@pytest.fixture
def open_page(signed_in_page: Callable[[str, SignedIn], AppTest]) -> Callable[[SignedIn], AppTest]:
    """Factory: the adjudication page signed in as the given account."""
    return partial(signed_in_page, "adjudicate.py")


def _sentence(db: Database, index: int) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=index)
        assert sentence is not None
        return sentence.id


def _gold(db: Database) -> list[tuple[int, str, str, int]]:
    with db.read() as session:
        rows = session.execute(
            select(GoldLabel.sentence_id, GoldLabel.label, GoldLabel.rationale, GoldLabel.version)
        )
        return sorted(tuple(row) for row in rows)  # type: ignore[misc]


def _setup(db: Database, make_user) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    s1, s2 = _sentence(db, 1), _sentence(db, 2)
    refutes = Evidence(url="https://example.org/r", quote="<b>not</b> 40", stance="refutes")
    with db.write() as session:
        record_label(session, user_id=ana, sentence_id=s1, label="verified", note="wire copy")
        record_label(
            session, user_id=ben, sentence_id=s1, label="disputed", evidence=[refutes], note="x"
        )
        record_label(session, user_id=ana, sentence_id=s2, label="unsourced")
        record_label(session, user_id=ben, sentence_id=s2, label="unsourced")
    return ana, ben, s1, s2


def test_editor_sets_gold_and_is_told_about_a_concurrent_save(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page,  # type: ignore[no-untyped-def]
) -> None:
    _, _, s1, _ = _setup(seeded_db, make_user)
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    max_id = make_user("max", role="editor", password=None)
    at = open_page(eve)
    assert not at.exception
    assert at.selectbox(key="wb_adjudicate_sentence").value == s1
    shown = [m.value for m in at.markdown]
    assert "**ana** · `verified`" in shown and "**ben** · `disputed`" in shown
    texts = [t.value for t in at.text]
    assert "wire copy" in texts and "refutes: https://example.org/r" in texts
    # Meanwhile another editor settles the same sentence.
    with seeded_db.write() as session:
        adjudicate(session, editor_id=max_id, sentence_id=s1, label="verified", rationale="max")
    at.radio[0].set_value("disputed")
    at.text_area[0].input("figure contradicted by the ministry")
    at.button[1].click().run()
    assert [w.value for w in at.warning] == [
        "Incomplete gold label: a 'verified' label has no evidence item that supports it yet.",
        "Someone else adjudicated this sentence meanwhile \\(max set verified\\); nothing was "
        "overwritten\\. Review their label, then save again to replace it\\.",
    ]
    assert _gold(seeded_db) == [(s1, "verified", "max", 1)]
    at.radio[0].set_value("disputed")
    at.text_area[0].input("figure contradicted by the ministry")
    at.button[1].click().run()  # saving again, knowingly, replaces it
    assert [s.value for s in at.success] == [
        "Gold label saved: disputed (version 2). Incomplete: a 'disputed' label has no "
        "evidence item that refutes it yet."
    ]
    assert _gold(seeded_db) == [(s1, "disputed", "figure contradicted by the ministry", 2)]
    with seeded_db.read() as session:
        actions = [tuple(r) for r in session.execute(select(AuditEntry.entity, AuditEntry.action))]
    assert actions[-2:] == [("gold", "create"), ("gold", "update")]


def test_bulk_accept_button_and_empty_queue(seeded_db: Database, make_user, open_page) -> None:  # type: ignore[no-untyped-def]
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    assert at.info[0].value.startswith("No disagreements to settle")
    _, _, _, s2 = _setup(seeded_db, make_user)
    at.run()
    at.button(key="wb_adjudicate_bulk").click().run()
    assert [s.value for s in at.success] == ["1 unanimous sentence(s) accepted as gold."]
    assert _gold(seeded_db) == [(s2, "unsourced", "unanimous: all 2 reviewers chose unsourced", 1)]


def test_reviewer_is_refused(seeded_db: Database, make_user, open_page) -> None:  # type: ignore[no-untyped-def]
    _setup(seeded_db, make_user)
    ana = SignedIn(make_user("cy", password=None), "cy", Role.REVIEWER)
    at = open_page(ana)
    assert [e.value for e in at.error] == [
        "This page needs the editor role; your account is a reviewer."
    ]
    assert not at.markdown and not at.text


def _gold_evidence(db: Database) -> list[tuple[str, str, str, str]]:
    with db.read() as session:
        rows = session.execute(
            select(EvidenceItem.url, EvidenceItem.quote, EvidenceItem.stance, EvidenceItem.note)
            .where(EvidenceItem.gold_label_id.is_not(None))
            .order_by(EvidenceItem.position)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _fill_gold(at: AppTest, sid: int, label: str, rationale: str, **evidence: str) -> AppTest:
    at.radio(key=f"wb_gold_label_{sid}").set_value(label)
    at.text_area(key=f"wb_gold_rationale_{sid}").input(rationale)
    for field in ("url", "note", "question", "published"):
        at.text_input(key=f"wb_gold_{field}_{sid}").input(evidence.get(field, ""))
    at.text_area(key=f"wb_gold_quote_{sid}").input(evidence.get("quote", ""))
    at.selectbox(key=f"wb_gold_stance_{sid}").select(evidence.get("stance", "context"))
    return at.button(key=f"FormSubmitter:wb_gold_{sid}-Save gold label").click().run()


def test_gold_label_with_evidence_kept_and_removed(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page,  # type: ignore[no-untyped-def]
) -> None:
    _, _, s1, _ = _setup(seeded_db, make_user)
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = _fill_gold(
        open_page(eve),
        s1,
        "disputed",
        "ministry figure",
        url=" https://example.org/ministry ",
        quote="<script>12</script> jets",
        stance="refutes",
        note="official",
    )
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Gold label saved: disputed (version 1)."]
    assert _gold(seeded_db) == [(s1, "disputed", "ministry figure", 1)]
    assert _gold_evidence(seeded_db) == [
        ("https://example.org/ministry", "<script>12</script> jets", "refutes", "official")
    ]
    with seeded_db.read() as session:
        new = session.scalars(select(AuditEntry.new).where(AuditEntry.entity == "gold")).one()
    assert new is not None
    stored: Any = new["evidence"]
    assert [e["url"] for e in stored] == ["https://example.org/ministry"]
    assert at.text_input(key=f"wb_gold_url_{s1}").value == ""  # cleared after the save
    assert "“<script>12</script> jets”" in [t.value for t in at.text]  # shown as text
    keep = at.checkbox(key=f"wb_gold_keep0_{s1}")
    assert keep.value is True and keep.label == escape_markdown(
        "Keep refutes: https://example.org/ministry"
    )

    # Add a second item, then drop the first: the kept and the new one remain, in order.
    at = _fill_gold(
        at, s1, "disputed", "ministry figure", url="http://example.org/b", stance="context"
    )
    assert [s.value for s in at.success] == ["Gold label saved: disputed (version 2)."]
    at.checkbox(key=f"wb_gold_keep0_{s1}").uncheck()
    at = _fill_gold(at, s1, "disputed", "second source only")
    assert [s.value for s in at.success] == [  # saved before its refutation: incomplete
        "Gold label saved: disputed (version 3). Incomplete: a 'disputed' label has no "
        "evidence item that refutes it yet."
    ]
    assert [w.value for w in at.warning] == [
        "Incomplete gold label: a 'disputed' label has no evidence item that refutes it yet."
    ]
    assert _gold_evidence(seeded_db) == [("http://example.org/b", "", "context", "")]
    assert at.checkbox(key=f"wb_gold_keep0_{s1}").value is True  # the item now at position 0


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ({"url": "javascript:alert(1)"}, "evidence url must start with http:// or https://"),
        ({"url": "data:text/html,x", "stance": "refutes"}, "evidence url must start with"),
        ({"url": "ftp://example.org/a"}, "evidence url must start with http:// or https://"),
        ({"quote": "a passage without its source"}, "evidence url is empty"),
        ({"url": "https://example.org/a b"}, "evidence url contains whitespace"),
        ({"url": "https://example.org/", "quote": "q" * 10_001}, "is too long"),
    ],
    ids=["javascript", "data", "ftp", "no-url", "spaces", "long-quote"],
)
def test_bad_gold_evidence_writes_nothing(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page,  # type: ignore[no-untyped-def]
    evidence: dict[str, str],
    message: str,
) -> None:
    _, _, s1, _ = _setup(seeded_db, make_user)
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = _fill_gold(open_page(eve), s1, "disputed", "ministry figure", **evidence)
    assert not at.exception and not at.success
    assert len(at.error) == 1
    assert at.error[0].value.startswith(escape_markdown("Gold label not saved:"))
    assert escape_markdown(message) in at.error[0].value
    assert _gold(seeded_db) == [] and _gold_evidence(seeded_db) == []
    with seeded_db.read() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "gold")).all() == []
    assert at.text_area(key=f"wb_gold_rationale_{s1}").value == "ministry figure"  # kept


def test_queue_pages_filters_and_bulk_message(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workbench.services import adjudicate as service

    monkeypatch.setattr(service, "PAGE_SIZE", 2)
    monkeypatch.setitem(service.bulk_accept_unanimous.__kwdefaults__, "limit", 1)
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    sids = [_sentence(seeded_db, index) for index in range(7)]
    with seeded_db.write() as session:
        for position, sid in enumerate(sids[:5]):  # five contested sentences
            record_label(session, user_id=ana, sentence_id=sid, label="verified")
            label = "disputed" if position % 2 else "unsourced"
            record_label(session, user_id=ben, sentence_id=sid, label=label)
        for sid in sids[5:]:  # two unanimous ones
            record_label(session, user_id=ana, sentence_id=sid, label="verified")
            record_label(session, user_id=ben, sentence_id=sid, label="verified")
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    seen = []
    for expected in ("showing 1-2.", "showing 3-4.", "showing 5-5."):
        assert at.caption[-1].value.endswith(expected) or expected in at.caption[-1].value
        seen.extend(at.selectbox(key="wb_adjudicate_sentence").options)
        if expected != "showing 5-5.":
            at.button(key="wb_adjudicate_next").click().run()
    assert at.button(key="wb_adjudicate_next").disabled
    assert len(seen) == 5 and len(set(seen)) == 5
    at.button(key="wb_adjudicate_previous").click().run()
    assert "showing 3-4." in at.caption[-1].value
    at.selectbox(key="wb_adjudicate_pair").select("verified vs disputed").run()
    assert "2 contested sentence(s)" in at.caption[-1].value
    at.text_input(key="wb_adjudicate_article").input("nope").run()
    assert [e.value for e in at.error] == [escape_markdown("no article with id 'nope'")]
    at.text_input(key="wb_adjudicate_article").input(ARTICLE).run()
    assert "2 contested sentence(s)" in at.caption[-1].value
    at.button(key="wb_adjudicate_bulk").click().run()
    assert [s.value for s in at.success] == [
        "1 unanimous sentence(s) accepted as gold. 1 more remain: click again to accept the "
        "next ones."
    ]


def test_gold_evidence_takes_the_question_it_answers(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page,  # type: ignore[no-untyped-def]
) -> None:
    _, _, s1, _ = _setup(seeded_db, make_user)
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = _fill_gold(
        open_page(eve),
        s1,
        "disputed",
        "ministry figure",
        url="https://example.org/ministry",
        quote="no aircraft lost",
        stance="refutes",
        question=" Did the ministry confirm the losses? ",
    )
    assert not at.exception and not at.error
    with seeded_db.read() as session:
        questions = session.scalars(
            select(EvidenceItem.question).where(EvidenceItem.gold_label_id.is_not(None))
        ).all()
    assert questions == ["Did the ministry confirm the losses?"]
    assert at.text_input(key=f"wb_gold_question_{s1}").value == ""  # cleared after the save
    assert "Answers: Did the ministry confirm the losses?" in [t.value for t in at.text]


def test_gold_evidence_takes_its_date_and_flags_one_published_after_the_article(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page,  # type: ignore[no-untyped-def]
) -> None:
    _, ben, s1, _ = _setup(seeded_db, make_user)
    with seeded_db.write() as session:
        article = session.get(Article, ARTICLE)
        assert article is not None
        article.published = "2025-06-04"
        later = Evidence(url="https://example.org/later", stance="refutes", published="2025-06-09")
        record_label(session, user_id=ben, sentence_id=s1, label="disputed", evidence=[later])
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    # The reviewer's dated item, beside the article's date, with a warning in words.
    assert "Source published 2025-06-09 · article 2025-06-04" in [t.value for t in at.text]
    assert [w for w in at.warning if "Published after the article (2025-06-04)" in w.value]
    at = _fill_gold(
        at, s1, "disputed", "r", url="https://example.org/m", stance="refutes", published="2025/06"
    )
    assert [e.value for e in at.error] == [
        escape_markdown(
            "Gold label not saved: evidence published must be a date as YYYY-MM-DD, e.g. "
            "2024-03-01; got '2025/06'"
        )
    ]
    at = _fill_gold(
        at,
        s1,
        "disputed",
        "r",
        url="https://example.org/m",
        stance="refutes",
        published="2025-06-01",
    )
    assert not at.exception and not at.error
    with seeded_db.read() as session:
        dates = session.scalars(
            select(EvidenceItem.published).where(EvidenceItem.gold_label_id.is_not(None))
        ).all()
    assert dates == ["2025-06-01"]
    assert at.text_input(key=f"wb_gold_published_{s1}").value == ""  # cleared after the save
    texts = [t.value for t in at.text]
    assert "Source published 2025-06-01 · article 2025-06-04" in texts  # in the gold evidence
    warnings = [w.value for w in at.warning if "Published after the article" in w.value]
    assert len(warnings) == 1  # the reviewer's later item only, not the editor's earlier one
