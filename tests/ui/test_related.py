"""The "also reported in" panel and the scorer status in AppTest, checked in the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from tests.services.link_pairs import decide_labeled_links
from workbench.config import DATABASE_URL_ENV
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.link_decisions import LinkDecision
from workbench.db.models import ScorerModel, Sentence
from workbench.domain.articles import ArticleDraft
from workbench.domain.labels import Role
from workbench.services.adjudicate import adjudicate
from workbench.services.articles import store_article
from workbench.services.linking import link_articles
from workbench.services.reviewer_labels import record_label
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

SCRIPT = """
import streamlit as st
from workbench.ui import runtime
from workbench.ui.components.related import render_related, render_scorer_status

db = runtime.get_db()
user = runtime.current_user()
render_scorer_status(db, user)
render_related(db, user, "002_106eb614b3e40071", 22)
"""
ARTICLE, INDEX = "002_106eb614b3e40071", 22
LINKED = "003_12a4aa04524d7b45:8"


@pytest.fixture
def panel(
    seeded_db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[int, str, Role], AppTest]]:
    """Factory: the panel for one signed-in account."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()

    def _open(user_id: int, name: str, role: Role = Role.REVIEWER) -> AppTest:
        at = AppTest.from_string(SCRIPT, default_timeout=30)
        at.session_state["wb_user"] = SignedIn(user_id, name, role)
        return at.run()

    yield _open
    st.cache_resource.clear()


def _cite_button(at: AppTest, ref: str) -> Any:
    return next(b for b in at.button if b.key == f"wb-cite-{ARTICLE}-{INDEX}-{ref}")


def test_linked_sentences_show_as_text_with_conflicts(panel: Any, make_user: Any) -> None:
    at = panel(make_user("rita"), "rita")
    assert not at.exception
    texts = [t.value for t in at.text]
    assert any("claimed 26 lives" in text for text in texts)
    assert any(w.value.startswith("Conflict: 13 vs 26 killed") for w in at.warning)
    button = _cite_button(at, LINKED)
    assert button.disabled  # nothing to cite for until the reviewer labels the sentence
    assert "Likely claims ranked by rules" in at.caption[0].value
    assert not [b for b in at.button if b.key == "wb-retrain"]


def test_cite_button_appends_evidence_to_the_reviewers_label(
    panel: Any, make_user: Any, seeded_db: Database
) -> None:
    rita = make_user("rita")
    with seeded_db.write() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=INDEX)
        assert sentence is not None
        record_label(session, user_id=rita, sentence_id=sentence.id, label="unsourced", note="n")
    at = panel(rita, "rita")
    _cite_button(at, LINKED).click().run()
    assert not at.exception
    shown = "cited sentence 9 of 003_12a4aa04524d7b45 as evidence"  # LINKED, 1-based
    assert [s.value for s in at.success] == [escape_markdown(shown)]
    with seeded_db.read() as session:
        annotation = queries.annotation_for(session, sentence_id=sentence.id, user_id=rita)
    assert annotation is not None and annotation.label == "unsourced" and annotation.note == "n"
    assert [e.sentence_ref for e in annotation.evidence] == [LINKED]
    assert _cite_button(at, LINKED).disabled


def test_admin_retrain_button_trains_once_labels_suffice(
    panel: Any, make_user: Any, seeded_db: Database
) -> None:
    root = make_user("root", role="admin")
    at = panel(root, "root", Role.ADMIN)
    assert next(b for b in at.button if b.key == "wb-retrain").disabled
    with seeded_db.write() as session:
        for sentence in session.scalars(select(Sentence).order_by(Sentence.id).limit(32)):
            label = "unsourced" if sentence.checkworthiness >= 0.5 else "not_a_claim"
            # The scorer learns from adjudicated labels only (blind review, issue 14).
            adjudicate(session, editor_id=root, sentence_id=sentence.id, label=label, rationale="r")
    at = panel(root, "root", Role.ADMIN)
    at.button(key="wb-retrain").click().run(timeout=60)
    assert not at.exception
    assert any(s.value.startswith("Trained on 32 labels") for s in at.success)
    with seeded_db.read() as session:
        assert session.scalar(select(func.count()).select_from(ScorerModel)) == 1


def test_article_text_and_outlet_show_as_text_never_markup(
    panel: Any, make_user: Any, seeded_db: Database
) -> None:
    hostile = (
        "The April 22 Pahalgam terror attack killed 13 civilians <script>alert(1)</script> "
        "**including** tourists."
    )
    draft = ArticleDraft(id="zz_hostile", title="Hostile", body=hostile, outlet="<b>Wire</b>")
    with seeded_db.write() as session:
        assert store_article(session, draft=draft) is not None
    link_articles(seeded_db, article_ids=["zz_hostile"])
    at = panel(make_user("rita"), "rita")
    assert not at.exception
    assert hostile in [t.value for t in at.text]
    captions = [c.value for c in at.caption]
    assert any(c.startswith(escape_markdown("<b>Wire</b>")) for c in captions)
    assert not any("<b>" in c or "<script>" in c for c in captions + [m.value for m in at.markdown])


def test_same_claim_and_conflict_buttons_store_the_reviewers_decision(
    panel: Callable[[int, str, Role], AppTest], make_user: Callable[..., int], seeded_db: Database
) -> None:
    ana = make_user("ana")
    at = panel(ana, "ana", Role.REVIEWER)
    key = f"wb-link-{ARTICLE}-{INDEX}-{LINKED}"
    assert any("not decided" in c.value for c in at.caption)
    next(b for b in at.button if b.key == f"{key}-same").click().run()
    assert any("You: same claim" in c.value for c in at.caption)
    next(b for b in at.button if b.key == f"{key}-other").click().run()
    with seeded_db.read() as session:
        rows = session.scalars(select(LinkDecision).where(LinkDecision.user_id == ana)).all()
    assert [(row.same_claim, row.conflict) for row in rows] == [(False, None)]
    assert any("You: not the same claim" in c.value for c in at.caption)


def test_retrain_links_is_for_admins_and_says_why_it_refuses(
    panel: Any, make_user: Any, seeded_db: Database
) -> None:
    reviewer = panel(make_user("rita"), "rita")
    assert not any(b.key == "wb-retrain-links" for b in reviewer.button)
    at = panel(make_user("root", role="admin"), "root", Role.ADMIN)
    assert "New links are kept by their similarity alone (no link model trained yet)." in [
        c.value for c in at.caption
    ]
    at.button(key="wb-retrain-links").click().run(timeout=60)
    assert not at.exception
    errors = [e.value for e in at.error]
    wanted = escape_markdown("not enough link decisions to train: 0 decided pair(s)")
    assert any(wanted in e for e in errors)
    with seeded_db.read() as session:
        assert session.scalar(select(func.count()).select_from(ScorerModel)) == 0


def test_retrain_links_says_what_it_re_scored_and_dropped(
    panel: Any, make_user: Any, seeded_db: Database
) -> None:
    decide_labeled_links(seeded_db, [make_user("ana"), make_user("ben"), make_user("cy")])
    at = panel(make_user("root", role="admin"), "root", Role.ADMIN)
    at.button(key="wb-retrain-links").click().run(timeout=60)
    assert not at.exception and not at.error
    [done] = [s.value for s in at.success]
    assert done.startswith("Link model trained on ") and "it ranks and keeps links" in done
    assert "re-scored " in done and " stored link(s); dropped " in done
