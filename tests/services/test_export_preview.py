"""The export preview, from aggregates, gives the figures of the export's manifest."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.db.engine import Database
from workbench.db.models import Sentence
from workbench.domain.labels import LABELS, Label
from workbench.services.adjudicate import adjudicate
from workbench.services.annotate import NewLabel, record_labels
from workbench.services.export import ExportOptions, export_dataset, preview_export


@pytest.fixture
def labelled(seeded_db: Database, make_user) -> Database:  # type: ignore[no-untyped-def]
    """Seeds labelled at random by 1-3 of three reviewers, a few sentences adjudicated."""
    users = [make_user(name, password=None) for name in ("ana", "ben", "cy")]
    editor = make_user("eve", role="editor", password=None)
    rng = random.Random(7)
    with seeded_db.read() as session:
        sentences = list(session.scalars(select(Sentence.id).order_by(Sentence.id)))
    batch = [
        NewLabel(sid, user, Label(rng.choice(LABELS)))
        for sid in sentences[: len(sentences) * 3 // 4]
        for user in rng.sample(users, rng.randint(1, 3))
    ]
    with seeded_db.write() as session:
        record_labels(session, labels=batch)
        for sid in sentences[::9]:  # some labelled, some never labelled
            adjudicate(session, editor_id=editor, sentence_id=sid, label="unsourced", rationale="r")
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
    ],
    ids=["unanimous", "majority3", "adjudicated", "two-articles", "since"],
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
