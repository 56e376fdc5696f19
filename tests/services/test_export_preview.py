"""The export preview, from aggregates, gives the figures of the export's manifest."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.db.engine import Database
from workbench.db.models import Sentence
from workbench.domain.labels import LABELS, Evidence, Label
from workbench.services.adjudicate import adjudicate
from workbench.services.export import ExportOptions, export_dataset, preview_export
from workbench.services.reviewer_labels import NewLabel, record_labels


@pytest.fixture
def labelled(seeded_db: Database, make_user) -> Database:  # type: ignore[no-untyped-def]
    """Seeds labelled at random by 1-3 of three reviewers, a few sentences adjudicated."""
    users = [make_user(name, password=None) for name in ("ana", "ben", "cy")]
    editor = make_user("eve", role="editor", password=None)
    rng = random.Random(7)
    with seeded_db.read() as session:
        sentences = list(session.scalars(select(Sentence.id).order_by(Sentence.id)))
    # Some verdicts carry the evidence their rule asks for, some other evidence, some none.
    stances = {"verified": "supports", "disputed": "refutes"}

    def evidence(label: str) -> tuple[Evidence, ...]:
        pick = rng.random()
        if label not in stances or pick < 0.4:
            return ()
        stance = stances[label] if pick < 0.7 else "context"
        return (Evidence(url="https://example.org/e", stance=stance),)

    batch = []
    for sid in sentences[: len(sentences) * 3 // 4]:
        for user in rng.sample(users, rng.randint(1, 3)):
            label = rng.choice(LABELS)
            batch.append(NewLabel(sid, user, Label(label), evidence=evidence(label)))
    with seeded_db.write() as session:
        record_labels(session, labels=batch)
        for n, sid in enumerate(sentences[::9]):  # some labelled, some never labelled
            label = ("unsourced", "verified", "disputed")[n % 3]
            adjudicate(
                session,
                editor_id=editor,
                sentence_id=sid,
                label=label,
                rationale="r",
                evidence=evidence(label),
            )
    return seeded_db


@pytest.mark.parametrize(
    "options",
    [
        ExportOptions(),
        ExportOptions(policy="majority", min_reviewers=3),
        ExportOptions(policy="adjudicated", anonymize=True),
        ExportOptions(
            policy="majority", article_ids=("002_106eb614b3e40071", "004_2be8afc61ee91103")
        ),
        ExportOptions(since="2025-06-05"),
        ExportOptions(policy="majority", min_reviewers=1, require_evidence=True),
        ExportOptions(
            policy="majority",
            min_reviewers=1,
            article_ids=("001_905ae90385d1da76",),
            require_evidence=True,
        ),
    ],
    ids=["unanimous", "majority3", "adjudicated", "two-articles", "since", "complete", "one"],
)
def test_preview_equals_the_manifest(
    labelled: Database,
    tmp_path: Path,
    options: ExportOptions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "preview-test")
    stats = preview_export(labelled, options=options)
    manifest = export_dataset(labelled, out=tmp_path / "out", options=options).manifest
    assert stats.counts() == manifest["counts"]
    assert stats.label_distribution() == manifest["label_distribution"]
    assert stats.agreement() == manifest["agreement"]
    assert stats.claims > 0 or options.since is not None
    counts = manifest["counts"]
    assert counts["incomplete_annotations"] > 0 or options.since is not None
    if options.require_evidence:  # incomplete gold labels are left out, and counted as such
        assert counts["incomplete_claims"] == 0 < counts["incomplete_claims_left_out"]
    elif options.since is None:
        assert counts["incomplete_claims"] > 0 == counts["incomplete_claims_left_out"]
