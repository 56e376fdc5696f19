"""Labelled corpora of any size for the agreement tests, written with bulk inserts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, Article, GoldLabel, Sentence
from workbench.domain.labels import LABELS
from workbench.services.users import create_user

START = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)


def _label(mode: str, rng: random.Random, article: int, index: int, reviewer: int) -> str | None:
    if mode == "cycle":
        # Seven sentence kinds repeat across articles: the 30-article corpus already holds
        # every label pattern that a larger one has, so aggregates have the same rows.
        kind = (article + index) % 7
        if reviewer > kind:
            return LABELS[kind % len(LABELS)] if reviewer % 2 else LABELS[(kind + 1) % 4]
        return LABELS[(kind + reviewer) % len(LABELS)] if kind % 3 else LABELS[kind % 4]
    truth = (article * 31 + index * 7) % len(LABELS)
    if rng.random() < 0.2:
        return None
    return LABELS[truth] if rng.random() < 0.75 else rng.choice(LABELS)


def labelled_corpus(
    db: Database,
    *,
    articles: int,
    sentences: int = 20,
    reviewers: int = 5,
    mode: str = "random",
    seed: int = 11,
    first: int = 0,
) -> list[str]:
    """Store articles ``first``.. with labels by accounts r0..; return the new article ids.

    The accounts are created with the first articles and reused by later calls.
    """
    rng = random.Random(seed)
    with db.write() as session:
        users = [_account(session, f"r{k}", "reviewer") for k in range(reviewers)]
        editor = _account(session, "desk", "editor")
    ids = [f"art{a:05d}" for a in range(first, first + articles)]
    article_rows, sentence_rows = [], []
    for a, article in enumerate(ids, first):
        texts = [f"Claim {i} of article {a} says {i * a} people." for i in range(sentences)]
        body = " ".join(texts)
        article_rows.append(
            {
                "id": article,
                "title": f"Report {a} on the budget",
                "body": body,
                "content_hash": f"{a:064x}",
            }
        )
        offset = 0
        for i, text in enumerate(texts):
            sid = a * sentences + i + 1
            end = offset + len(text)
            sentence_rows.append(
                {"id": sid, "article_id": article, "index": i, "start": offset, "end": end}
                | {"text": text, "check_reasons": []}
            )
            offset = end + 1
    label_rows: list[dict[str, Any]] = []
    gold_rows: list[dict[str, Any]] = []
    for row in sentence_rows:
        a, i = divmod(int(row["id"]) - 1, sentences)  # ids follow the article numbers
        for k, user in enumerate(users):
            label = _label(mode, rng, a, i, k)
            if label is None:
                continue
            # One UTC day in "cycle" mode; three weeks otherwise (START is 09:30, so no
            # stamp passes midnight).
            days = 0 if mode == "cycle" else rng.randrange(21)
            stamp = START + timedelta(days=days, seconds=rng.randrange(50_000))
            label_rows.append(
                {"sentence_id": row["id"], "user_id": user, "label": label}
                | {"created_at": stamp, "updated_at": stamp}
            )
        if mode == "random" and rng.random() < 0.1:
            gold_rows.append(
                {"sentence_id": row["id"], "label": rng.choice(LABELS), "editor_id": editor}
            )
    with db.write() as session:
        session.execute(insert(Article), article_rows)
        session.execute(insert(Sentence), sentence_rows)
        for start in range(0, len(label_rows), 5000):
            session.execute(insert(Annotation), label_rows[start : start + 5000])
        if gold_rows:
            session.execute(insert(GoldLabel), gold_rows)
    return ids


def _account(session: Session, name: str, role: str) -> int:
    user = queries.user_by_name(session, name=name)
    if user is None:
        user = create_user(session, name=name, role=role, password=None)
    return user.id
