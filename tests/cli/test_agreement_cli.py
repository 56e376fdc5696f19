"""``workbench agreement``: JSON keys, the readable table, bad article ids."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.domain.test_agreement_report import KEYS
from workbench.cli import app
from workbench.db import queries
from workbench.db.engine import Database
from workbench.services.adjudicate import adjudicate
from workbench.services.reviewer_labels import record_label

ARTICLE = "000_b5ddb462525d61c6"


def _seed_labels(db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    plan = ["verified", "disputed", "unsourced", "not_a_claim", "verified", "unsourced"]
    other = ["verified", "disputed", "disputed", "not_a_claim", "verified", "unsourced"]
    with db.write() as session:
        for index, (a, b) in enumerate(zip(plan, other, strict=True)):
            sentence = queries.sentence_at(session, article_id=ARTICLE, index=index)
            assert sentence is not None
            record_label(session, user_id=ana, sentence_id=sentence.id, label=a)
            record_label(session, user_id=ben, sentence_id=sentence.id, label=b)


def test_agreement_json(seeded_db: Database, database_url: str, make_user) -> None:  # type: ignore[no-untyped-def]
    _seed_labels(seeded_db, make_user)
    result = CliRunner().invoke(app, ["--db", database_url, "agreement", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert list(report) == KEYS
    assert report["reviewers"] == ["ana", "ben"]
    assert report["units"] == 6 and report["fleiss_units"] == 6
    assert report["percent_agreement"] == pytest.approx(5 / 6)
    # p_o = 5/6; ana (v2 d1 u2 n1), ben (v2 d2 u1 n1): p_e = (4 + 2 + 2 + 1) / 36 = 1/4.
    kappa = (5 / 6 - 1 / 4) / (3 / 4)
    assert report["pairwise_cohen_kappa"] == {"ana|ben": pytest.approx(kappa)}
    assert report["claim_detection"]["percent_agreement"] == 1.0
    # Gwet's AC1: pi = (4, 3, 3, 2) / 12, p_e = (2/9 + 3/16 + 3/16 + 5/36) / 3 = 53/216.
    ac1 = (5 / 6 - 53 / 216) / (1 - 53 / 216)
    assert report["gwet_ac1"] == pytest.approx(ac1)
    assert report["pairwise_gwet_ac1"] == {"ana|ben": pytest.approx(ac1)}  # nothing missing
    assert report["per_article"][ARTICLE]["gwet_ac1"] == pytest.approx(ac1)
    assert report["claim_detection"]["gwet_ac1"] == 1.0
    assert report["verdict"]["gwet_ac1"] is not None
    assert report["verdict"]["units"] == 5
    lo, hi = report["krippendorff_alpha_ci95"]
    assert lo <= report["krippendorff_alpha"] <= hi
    again = CliRunner().invoke(app, ["--db", database_url, "agreement", "--json"])
    assert again.stdout == result.stdout  # seeded bootstrap: same data, same interval
    one = CliRunner().invoke(
        app, ["--db", database_url, "agreement", "--json", "--article", ARTICLE]
    )
    assert list(json.loads(one.stdout)["per_article"]) == [ARTICLE]


def test_agreement_json_per_reviewer(seeded_db: Database, database_url: str, make_user) -> None:  # type: ignore[no-untyped-def]
    _seed_labels(seeded_db, make_user)
    eve = make_user("eve", role="editor", password=None)
    with seeded_db.write() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=2)
        assert sentence is not None  # ana said unsourced, ben disputed
        adjudicate(session, editor_id=eve, sentence_id=sentence.id, label="disputed", rationale="r")
    result = CliRunner().invoke(app, ["--db", database_url, "agreement", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)["per_reviewer"]
    kappa = (5 / 6 - 1 / 4) / (3 / 4)  # with one other reviewer, their majority is their label
    assert scores == {
        "ana": {
            "labeled": 6,
            "majority_units": 6,
            "kappa_vs_majority": pytest.approx(kappa),
            "agreement_vs_majority": pytest.approx(5 / 6),
            "gold_units": 1,
            "kappa_vs_gold": 0.0,
            "agreement_vs_gold": 0.0,
            "reasons": {},
        },
        "ben": {
            "labeled": 6,
            "majority_units": 6,
            "kappa_vs_majority": pytest.approx(kappa),
            "agreement_vs_majority": pytest.approx(5 / 6),
            "gold_units": 1,
            "kappa_vs_gold": None,
            "agreement_vs_gold": 1.0,
            "reasons": {"kappa_vs_gold": "no variation: every label is 'disputed'"},
        },
    }


def test_agreement_table_and_errors(seeded_db: Database, database_url: str, make_user) -> None:  # type: ignore[no-untyped-def]
    empty = CliRunner().invoke(app, ["--db", database_url, "agreement"])
    assert empty.exit_code == 0
    assert (
        "Krippendorff's alpha      n/a  (needs two reviewers on the same sentence)" in empty.stdout
    )
    _seed_labels(seeded_db, make_user)
    table = CliRunner().invoke(app, ["--db", database_url, "agreement"])
    assert table.exit_code == 0
    assert "reviewers: ana, ben" in table.stdout
    assert "percent agreement         0.833" in table.stdout
    assert "Gwet's AC1                0.779" in table.stdout
    assert "Gwet's AC1 ana|ben        0.779" in table.stdout
    bad = CliRunner().invoke(app, ["--db", database_url, "agreement", "--article", "nope"])
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "error: no article with id 'nope'"
