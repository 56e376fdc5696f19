"""After another editor saved first, the gold form keeps this editor's choice for the retry."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import GoldLabel
from workbench.domain.labels import LABELS, Role
from workbench.services.adjudicate import adjudicate
from workbench.services.reviewer_labels import record_label
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

ARTICLE = "000_b5ddb462525d61c6"
MINE = "figure contradicted by the ministry"


def test_the_retry_form_keeps_my_choice_and_shows_theirs(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    signed_in_page: Callable[[str, SignedIn], AppTest],
) -> None:
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    with seeded_db.write() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=1)
        assert sentence is not None
        s1 = sentence.id
        record_label(session, user_id=ana, sentence_id=s1, label="verified")
        record_label(session, user_id=ben, sentence_id=s1, label="disputed")
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    max_id = make_user("max", role="editor", password=None)
    at = signed_in_page("adjudicate.py", eve)
    assert not at.exception
    with seeded_db.write() as session:
        adjudicate(session, editor_id=max_id, sentence_id=s1, label="verified", rationale="wire")
    at.radio[0].set_value("disputed")
    at.text_area[0].input(MINE)
    at.button[1].click().run()
    assert not at.exception
    conflict = [w.value for w in at.warning if not w.value.startswith("Incomplete")]
    assert len(conflict) == 1 and "max set verified" in conflict[0]
    # The form still holds this editor's label and rationale, not the winner's: also the
    # defaults sent to the browser, which a browser shows when it re-creates the widget.
    assert at.radio[0].value == "disputed"
    assert at.radio[0].proto.default == LABELS.index("disputed")
    assert at.text_area[0].value == MINE
    assert at.text_area[0].proto.default == MINE
    assert [i.value for i in at.info] == [
        escape_markdown(
            "Stored now: verified by max (rationale: wire). "
            "Your choice, disputed, is kept below; save to replace theirs."
        )
    ]
    at.button[1].click().run()  # saving again, unchanged, replaces theirs knowingly
    assert [s.value for s in at.success] == [
        "Gold label saved: disputed (version 2). Incomplete: a 'disputed' label has no "
        "evidence item that refutes it yet."
    ]
    with seeded_db.read() as session:
        stored = session.execute(select(GoldLabel.label, GoldLabel.rationale)).all()
    assert [tuple(row) for row in stored] == [("disputed", MINE)]
    assert at.radio[0].value == "disputed" and len(at.info) == 0
