"""Time one AppTest run of the Adjudicate and Export pages on a large labelled SQLite database.

``python -m benchmarks page_runs`` builds (once, then reuses) a database of
$WORKBENCH_BENCH_PAGE_ARTICLES articles (default 2,000) of 20 sentences, each sentence labelled
by $WORKBENCH_BENCH_PAGE_REVIEWERS reviewers (default 5) agreeing with a latent truth 80% of the
time, written with bulk inserts (the label triggers run as for any write). Each page is then run
as a signed-in editor: a first open (empty caches) and a second open (same process), three times;
the figures are medians.
"""

from __future__ import annotations

import hashlib
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import write_result

SENTENCES = 20
LABELS = ("verified", "disputed", "unsourced", "not_a_claim")
PAGES = ("adjudicate.py", "export.py")
REPEAT = 3


def _build(url: str, articles: int, reviewers: int) -> None:
    from sqlalchemy import insert, select

    from workbench.db.engine import Database
    from workbench.db.migrate import upgrade
    from workbench.db.models import Annotation, Article, Sentence, User

    db = Database.from_url(url)
    upgrade(db.engine)
    rng = random.Random(2026)
    with db.write() as session:
        session.execute(
            insert(User),
            [{"name": f"r{i}", "role": "reviewer"} for i in range(reviewers)]
            + [{"name": "editor", "role": "editor"}],
        )
        users = list(session.scalars(select(User.id).where(User.role == "reviewer")))
    for first in range(0, articles, 200):
        rows, sentences = [], []
        for number in range(first, min(first + 200, articles)):
            parts = [
                f"Report {number} line {i} puts the figure at {rng.randint(1, 9999)}."
                for i in range(SENTENCES)
            ]
            body = " ".join(parts)
            rows.append(
                {
                    "id": f"art{number:06d}",
                    "title": f"Article {number}",
                    "body": body,
                    "content_hash": hashlib.sha256(body.encode()).hexdigest(),
                }
            )
            offset = 0
            for index, part in enumerate(parts):
                sentences.append(
                    {
                        "article_id": f"art{number:06d}",
                        "index": index,
                        "start": offset,
                        "end": offset + len(part),
                        "text": part,
                    }
                )
                offset += len(part) + 1
        with db.write() as session:
            session.execute(insert(Article), rows)
            session.execute(insert(Sentence), sentences)
            ids = session.scalars(
                select(Sentence.id).where(Sentence.article_id >= f"art{first:06d}")
            ).all()
            labels = []
            for sentence_id in ids:
                truth = rng.choice(LABELS)
                for user in users:
                    label = truth if rng.random() < 0.8 else rng.choice(LABELS)
                    labels.append({"sentence_id": sentence_id, "user_id": user, "label": label})
            session.execute(insert(Annotation), labels)
    db.dispose()


def _run_page(page: str, url: str) -> float:
    from streamlit.testing.v1 import AppTest

    import workbench
    from workbench.db.engine import Database
    from workbench.db.queries import user_by_name
    from workbench.domain.labels import Role
    from workbench.ui import state
    from workbench.ui.runtime import SignedIn

    db = Database.from_url(url)
    with db.read() as session:
        editor = user_by_name(session, name="editor")
        assert editor is not None
    db.dispose()
    path = Path(workbench.__file__).parent / "ui" / "pages" / page
    at = AppTest.from_file(str(path), default_timeout=600)
    at.session_state[state.USER] = SignedIn(editor.id, "editor", Role.EDITOR)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{page} failed: {at.exception}")
    return elapsed


def main() -> bool:
    """Build or reuse the database, time each page's first and second open; write JSON."""
    import streamlit as st

    from workbench.config import DATABASE_URL_ENV

    articles = int(os.environ.get("WORKBENCH_BENCH_PAGE_ARTICLES", "2000"))
    reviewers = int(os.environ.get("WORKBENCH_BENCH_PAGE_REVIEWERS", "5"))
    folder = Path(os.environ.get("WORKBENCH_BENCH_PAGE_DIR") or tempfile.gettempdir())
    path = folder / f"page_runs_{articles}x{reviewers}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        started = time.perf_counter()
        _build(url, articles, reviewers)
        print(f"built {path} in {time.perf_counter() - started:.1f}s", flush=True)
    from workbench.db.engine import make_engine
    from workbench.db.migrate import upgrade

    engine = make_engine(url)
    started = time.perf_counter()
    upgrade(engine)  # outside the timings: a database built by an older schema catches up here
    engine.dispose()
    print(f"schema up to date in {time.perf_counter() - started:.1f}s", flush=True)
    os.environ[DATABASE_URL_ENV] = url
    figures: dict[str, Any] = {}
    for page in PAGES:
        first, second = [], []
        for _ in range(REPEAT):
            st.cache_resource.clear()
            st.cache_data.clear()
            first.append(_run_page(page, url))
            second.append(_run_page(page, url))
        figures[page] = {
            "first_open_s": round(statistics.median(first), 3),
            "second_open_s": round(statistics.median(second), 3),
        }
        print(
            f"{page}: first {figures[page]['first_open_s']:.2f}s, "
            f"second {figures[page]['second_open_s']:.2f}s",
            flush=True,
        )
    write_result(
        "page_runs",
        {
            "articles": articles,
            "sentences_per_article": SENTENCES,
            "reviewers": reviewers,
            "labels": articles * SENTENCES * reviewers,
            "backend": "sqlite",
            "pages": figures,
        },
    )
    return True
