"""A small labeled corpus on the seed articles, shared by the export and import tests."""

from __future__ import annotations

from sqlalchemy import select

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.evidence import store_evidence
from workbench.db.models import Article, ClaimLink, GoldLabel, User
from workbench.domain.labels import Evidence
from workbench.services.reviewer_labels import record_label
from workbench.services.users import create_user

A = "000_b5ddb462525d61c6"
B = "001_905ae90385d1da76"
SUPPORT = Evidence(url="https://example.org/support", quote="as reported", stance="supports")
REFUTE = Evidence(url="https://example.org/refute", quote="figure differs", stance="refutes")
CITE = Evidence(url="", quote="", stance="refutes", note="other outlet", sentence_ref=f"{A}:4")

# (article, index) -> [(reviewer, label, evidence, note)]
LABELS: dict[tuple[str, int], list[tuple[str, str, tuple[Evidence, ...], str]]] = {
    (A, 0): [
        ("ana", "verified", (SUPPORT,), ""),
        ("ben", "verified", (SUPPORT,), "same source"),
        ("cy", "verified", (SUPPORT,), ""),
    ],
    (A, 1): [
        ("ana", "unsourced", (), ""),
        ("ben", "unsourced", (), ""),
        ("cy", "disputed", (REFUTE,), ""),
    ],
    (A, 2): [("ana", "verified", (SUPPORT,), ""), ("ben", "disputed", (REFUTE,), "")],
    (A, 3): [("ana", "not_a_claim", (), "headline")],
    (B, 0): [("ana", "disputed", (REFUTE, CITE), ""), ("ben", "disputed", (REFUTE,), "")],
    (B, 1): [
        ("ana", "not_a_claim", (), ""),
        ("ben", "not_a_claim", (), ""),
        ("cy", "unsourced", (), ""),
    ],
}
# policy, min reviewers -> {sentence id: (label, label_source)}
EXPECTED = {
    ("unanimous", 2): {
        f"{A}:0": ("verified", "unanimous"),
        f"{A}:2": ("disputed", "adjudicated"),
        f"{B}:0": ("disputed", "unanimous"),
    },
    ("majority", 2): {
        f"{A}:0": ("verified", "unanimous"),
        f"{A}:1": ("unsourced", "majority"),
        f"{A}:2": ("disputed", "adjudicated"),
        f"{B}:0": ("disputed", "unanimous"),
        f"{B}:1": ("not_a_claim", "majority"),
    },
    ("adjudicated", 2): {f"{A}:2": ("disputed", "adjudicated")},
    ("unanimous", 1): {
        f"{A}:0": ("verified", "unanimous"),
        f"{A}:2": ("disputed", "adjudicated"),
        f"{A}:3": ("not_a_claim", "unanimous"),
        f"{B}:0": ("disputed", "unanimous"),
    },
    ("unanimous", 3): {
        f"{A}:0": ("verified", "unanimous"),
        f"{A}:2": ("disputed", "adjudicated"),
    },
}


def record_labels(db: Database) -> None:
    """Store LABELS as reviewer labels (accounts created as needed)."""
    with db.write() as session:
        users: dict[str, int] = {}
        for (article, index), labels in LABELS.items():
            sentence = queries.sentence_at(session, article_id=article, index=index)
            assert sentence is not None
            for name, label, evidence, note in labels:
                if name not in users:
                    user = queries.user_by_name(session, name=name)
                    users[name] = (user or create_user(session, name=name)).id
                record_label(
                    session,
                    user_id=users[name],
                    sentence_id=sentence.id,
                    label=label,
                    evidence=evidence,
                    note=note,
                )


def label_corpus(db: Database) -> None:
    """LABELS, an adjudicated gold label on A:2, a claim link A:0 <-> B:0 and article dates."""
    record_labels(db)
    with db.write() as session:
        editor = create_user(session, name="ed", role="editor")
        a2 = queries.sentence_at(session, article_id=A, index=2)
        a0 = queries.sentence_at(session, article_id=A, index=0)
        b0 = queries.sentence_at(session, article_id=B, index=0)
        assert a2 is not None and a0 is not None and b0 is not None
        gold = GoldLabel(sentence_id=a2.id, label="disputed", rationale="ben's source holds")
        gold.editor_id = editor.id
        store_evidence(gold, [Evidence(url=REFUTE.url, quote=REFUTE.quote, stance="refutes")])
        session.add(gold)
        link = session.scalar(
            select(ClaimLink).where(
                ClaimLink.a_sentence_id.in_([a0.id, b0.id]),
                ClaimLink.b_sentence_id.in_([a0.id, b0.id]),
            )
        )
        if link is None:  # ingest may already have linked them
            session.add(ClaimLink(a_sentence_id=a0.id, b_sentence_id=b0.id, similarity=0.9))
        dates = {A: "2025-06-04", B: "2025-06-05"}
        for article in session.scalars(select(Article)):
            article.published = dates.get(article.id, "2024-01-01")
        assert session.scalar(select(User).where(User.name == "ed")) is not None
