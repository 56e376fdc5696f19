"""Agreement figures over labels stored in the database (both backends)."""

from __future__ import annotations

import pytest

from workbench.db import labels, queries
from workbench.db.engine import Database
from workbench.errors import NotFoundError
from workbench.services.adjudicate import adjudicate
from workbench.services.agreement import agreement_report, compute_agreement, page_agreement
from workbench.services.reviewer_labels import clear_label, record_label

ARTICLE = "000_b5ddb462525d61c6"
OTHER = "001_905ae90385d1da76"


def _sentence(db: Database, article: str, index: int) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=article, index=index)
        assert sentence is not None
        return sentence.id


def _label(db: Database, user: int, sentence: int, label: str) -> None:
    with db.write() as session:
        record_label(session, user_id=user, sentence_id=sentence, label=label)


def test_report_follows_saves_and_deletes(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    s0, s1, s2 = (_sentence(seeded_db, ARTICLE, i) for i in range(3))
    t0 = _sentence(seeded_db, OTHER, 0)
    for sentence, a, b in [
        (s0, "verified", "verified"),
        (s1, "disputed", "unsourced"),
        (s2, "not_a_claim", "not_a_claim"),
        (t0, "unsourced", "unsourced"),
    ]:
        _label(seeded_db, ana, sentence, a)
        _label(seeded_db, ben, sentence, b)
    with seeded_db.read() as session:
        report = agreement_report(session)
    assert report["reviewers"] == ["ana", "ben"]
    assert report["units"] == 4 and report["fleiss_units"] == 4
    assert report["percent_agreement"] == pytest.approx(0.75)
    # p_o = 3/4; marginals ana (v1 d1 u1 n1), ben (v1 d0 u2 n1): p_e = (1 + 0 + 2 + 1) / 16.
    assert report["pairwise_cohen_kappa"]["ana|ben"] == pytest.approx((0.75 - 0.25) / 0.75)
    assert sorted(report["per_article"]) == [ARTICLE, OTHER]
    assert report["per_article"][OTHER]["reasons"]["krippendorff_alpha"] == (
        "no variation: every label is 'unsourced'"
    )
    with seeded_db.read() as session:
        one = agreement_report(session, article_id=ARTICLE)
    assert one["units"] == 3 and list(one["per_article"]) == [ARTICLE]
    with seeded_db.write() as session:
        clear_label(session, user_id=ben, sentence_id=s1)
    with seeded_db.read() as session:
        after = agreement_report(session)
        assert labels.last_change(session) > 0
    assert after["units"] == 3 and after["percent_agreement"] == 1.0
    assert after["krippendorff_alpha"] == pytest.approx(1.0)


def test_reviewer_scores_use_adjudicated_gold(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    eve = make_user("eve", role="editor", password=None)
    s0, s1 = _sentence(seeded_db, ARTICLE, 0), _sentence(seeded_db, ARTICLE, 1)
    for sentence in (s0, s1):
        _label(seeded_db, ana, sentence, "verified")
        _label(seeded_db, ben, sentence, "disputed")
    with seeded_db.write() as session:
        adjudicate(session, editor_id=eve, sentence_id=s0, label="verified", rationale="source")
        adjudicate(session, editor_id=eve, sentence_id=s1, label="disputed", rationale="figure")
    with seeded_db.read() as session:
        result = compute_agreement(session, resamples=100)
    scores = {row["reviewer"]: row for row in result.reviewers}
    assert scores["ana"]["gold_units"] == 2
    assert scores["ana"]["agreement_vs_gold"] == 0.5
    # ben's label is the others' majority for ana on both sentences, and always differs.
    assert scores["ana"]["majority_units"] == 2
    assert scores["ana"]["agreement_vs_majority"] == 0.0
    assert scores["ana"]["reasons"] == {}


def test_unknown_article_or_reviewer(seeded_db: Database) -> None:
    with seeded_db.read() as session, pytest.raises(NotFoundError, match="no article with id"):
        agreement_report(session, article_id="nope")
    with seeded_db.read() as session, pytest.raises(NotFoundError, match="no account called"):
        agreement_report(session, reviewers=["ghost"])


def test_skewed_labels_alpha_low_ac1_high_from_labels_and_from_aggregates(
    seeded_db: Database, make_user
) -> None:  # type: ignore[no-untyped-def]
    """The kappa paradox on stored labels: the page's aggregates give the same AC1."""
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    cy = make_user("cy", password=None)
    pairs = [("verified", "verified")] * 8 + [("verified", "disputed"), ("disputed", "verified")]
    for index, (a, b) in enumerate(pairs):
        sentence = _sentence(seeded_db, ARTICLE, index)
        _label(seeded_db, ana, sentence, a)
        _label(seeded_db, ben, sentence, b)
    _label(seeded_db, cy, _sentence(seeded_db, OTHER, 0), "unsourced")  # one lone label
    with seeded_db.read() as session:
        full = compute_agreement(session, resamples=100).report
        page = page_agreement(session, resamples=100).report
        pair = page_agreement(session, reviewers=["ana", "ben"], resamples=100).report
        one = page_agreement(session, article_id=ARTICLE, resamples=100).report
    # p_a = 0.8 over the 10 paired sentences; pi over all 11 labeled ones: verified 9/11,
    # disputed 1/11, unsourced 1/11 (cy's lone label), not_a_claim 0.
    pi = [9 / 11, 1 / 11, 1 / 11, 0.0]
    p_e = sum(p * (1 - p) for p in pi) / 3
    assert full["gwet_ac1"] == pytest.approx((0.8 - p_e) / (1 - p_e))
    assert full["krippendorff_alpha"] < 0 < 0.75 < full["gwet_ac1"]
    # ana|ben alone: kappa = (0.8 - 0.82) / 0.18 < 0; AC1 with pi = (0.9, 0.1): p_e = 0.06.
    assert full["pairwise_cohen_kappa"]["ana|ben"] == pytest.approx(-0.02 / 0.18)
    assert full["pairwise_gwet_ac1"]["ana|ben"] == pytest.approx(0.74 / 0.94)
    assert pair["gwet_ac1"] == pytest.approx(0.74 / 0.94)  # cy's label is not selected
    assert page["gwet_ac1"] == pytest.approx(full["gwet_ac1"], abs=1e-12)
    assert page["claim_detection"]["gwet_ac1"] == full["claim_detection"]["gwet_ac1"] == 1.0
    assert page["verdict"]["gwet_ac1"] == pytest.approx(full["verdict"]["gwet_ac1"], abs=1e-12)
    assert page["per_article"][ARTICLE]["gwet_ac1"] == pytest.approx(0.74 / 0.94)
    assert one["gwet_ac1"] == pytest.approx(0.74 / 0.94)
    assert full["per_article"][OTHER]["gwet_ac1"] is None
    assert full["per_article"][OTHER]["reasons"]["gwet_ac1"] == (
        "needs two reviewers on the same sentence"
    )
