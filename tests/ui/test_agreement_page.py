"""The agreement page in AppTest: empty state, charts, figures current after a save, roles."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

import pytest
from streamlit.testing.v1 import AppTest

from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.labels import Role
from workbench.services.reviewer_labels import record_label
from workbench.ui import state
from workbench.ui.runtime import SignedIn

ARTICLE = "000_b5ddb462525d61c6"
ALPHA, AC1, FLEISS, PERCENT, SENTENCES = range(5)  # the metrics above the tabs, in order


@pytest.fixture
def open_page(signed_in_page: Callable[[str, SignedIn], AppTest]) -> Callable[[SignedIn], AppTest]:
    """Factory: the agreement page signed in as the given account."""
    return partial(signed_in_page, "agreement.py")


def _label(db: Database, user: int, index: int, label: str) -> None:
    with db.write() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=index)
        assert sentence is not None
        record_label(session, user_id=user, sentence_id=sentence.id, label=label)


def _charts(at: AppTest) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def _open_tab(at: AppTest, name: str) -> AppTest:
    at.session_state[state.AGREEMENT_TAB] = name
    return at.run()


def test_empty_state_then_charts_after_saves(seeded_db: Database, make_user, open_page) -> None:  # type: ignore[no-untyped-def]
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    assert not at.exception
    assert [i.value for i in at.info] == ["Agreement needs labels from at least two reviewers."]
    _label(seeded_db, ana, 0, "verified")
    _label(seeded_db, ben, 1, "verified")
    at.run()
    assert at.info[0].value == (
        "Agreement needs two reviewers on the same sentence: no sentence has been labeled "
        "twice yet."
    )
    for index, (a, b) in enumerate([("verified", "verified"), ("disputed", "unsourced")], 2):
        _label(seeded_db, ana, index, a)
        _label(seeded_db, ben, index, b)
    at.run()  # same session: the figures follow the saves, no stale cache
    assert not at.exception
    assert at.metric[SENTENCES].value == "2"
    assert at.metric[PERCENT].value == "0.500"
    # Sentences 0 and 1 have one label each, 2 and 3 two: p_a = 0.5; pi over the four
    # sentences = (0.75, 0.125, 0.125, 0), p_e = 0.40625 / 3, AC1 = 0.422.
    assert [m.label for m in at.metric] == [
        "Krippendorff's alpha",
        "Gwet's AC1",
        "Fleiss' kappa",
        "Percent agreement",
        "Sentences with 2+ labels",
    ]
    assert at.metric[AC1].value == "0.422"
    captions = [c.value for c in at.caption]
    assert any("kappa paradox" in c for c in captions)
    # Verdict: the same sentences over three verdicts, p_e = 0.40625 / 2, AC1 = 0.373.
    assert "Verdict: alpha 0.400, AC1 0.373, percent agreement 0.500 over 2 sentence(s)" in captions
    # Only the open tab draws its charts.
    assert [chart.get("title") for chart in _charts(at)] == [
        "Pairwise Cohen's kappa",
        "Label distribution per reviewer",
    ]
    assert [chart.get("title") for chart in _charts(_open_tab(at, "Two reviewers"))] == [
        "ana vs ben"
    ]
    assert len(_charts(_open_tab(at, "Over time"))) == 1
    assert len(_open_tab(at, "Per reviewer").dataframe) == 1
    assert not _charts(at)
    _open_tab(at, "Overview")
    _label(seeded_db, ben, 3, "disputed")
    at.run()
    assert at.metric[PERCENT].value == "1.000"
    assert at.metric[AC1].value == "1.000"


def test_reviewer_is_refused(seeded_db: Database, make_user, open_page) -> None:  # type: ignore[no-untyped-def]
    ana = SignedIn(make_user("ana", password=None), "ana", Role.REVIEWER)
    at = open_page(ana)
    assert [e.value for e in at.error] == [
        "This page needs the editor role; your account is a reviewer."
    ]
    assert len(at.get("vega_lite_chart")) == 0
