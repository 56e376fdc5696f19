"""The stored check-worthiness model is plain data: pickles are refused, never executed."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.db.migrate import upgrade
from workbench.db.models import ScorerModel, Sentence
from workbench.domain.checkworthiness import score_sentence
from workbench.domain.checkworthiness_model import MODEL_FORMAT
from workbench.domain.labels import Role
from workbench.services import claim_scoring, scorer_training
from workbench.services.ingest import ingest_paths
from workbench.ui.runtime import SignedIn

APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"
ARTICLE = "000_b5ddb462525d61c6"


class _CreatesFile:
    """Unpickling this object opens (creates) the file at ``path``: what a crafted row does."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (open, (str(self.path), "w"))


def _payload(path: Path) -> bytes:
    return pickle.dumps(_CreatesFile(path))


def test_the_payload_used_here_does_run_code_when_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "proof"
    pickle.loads(_payload(marker)).close()
    assert marker.exists()


def _store_row(db: Database, payload: bytes, *, format: str, digest: str) -> None:
    with db.write() as session:
        session.add(
            ScorerModel(trained_on=40, metrics={}, payload=payload, format=format, digest=digest)
        )


@pytest.fixture(params=["old row", "claims to be plain data"])
def pickled_row(request: pytest.FixtureRequest, seeded_db: Database, tmp_path: Path) -> Path:
    """A pickle in scorer_models: as an older version wrote it, or dressed as the new format."""
    marker = tmp_path / "pwned"
    payload = _payload(marker)
    if request.param == "old row":
        _store_row(seeded_db, payload, format="", digest="")
    else:
        _store_row(
            seeded_db, payload, format=MODEL_FORMAT, digest=hashlib.sha256(payload).hexdigest()
        )
    return marker


def test_ingest_refuses_a_pickled_model_and_never_runs_it(
    pickled_row: Path, seeded_db: Database, tmp_path: Path
) -> None:
    source = tmp_path / "wire.txt"
    source.write_text("Wire report\n\nOfficials said 9 soldiers died on May 3.\n")
    report = ingest_paths(seeded_db, sources=[str(source)])
    assert report.added == []
    assert len(report.errors) == 1
    message = str(report.errors[0])
    assert "check-worthiness model 1" in message and "is refused and was not loaded" in message
    assert "Retrain the scorer (`workbench retrain`" in message
    assert not pickled_row.exists()


def test_annotate_page_refuses_a_pickled_model_and_never_runs_it(
    pickled_row: Path,
    seeded_db: Database,
    database_url: str,
    make_user: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    shown: dict[Role, AppTest] = {}
    for role in (Role.REVIEWER, Role.ADMIN):
        name = role.value
        at = AppTest.from_file(str(APP), default_timeout=30)
        at.session_state["wb_user"] = SignedIn(make_user(name, role=name), name, role)
        at.run()
        at.switch_page("ui/pages/annotate.py")
        at.query_params["article"] = ARTICLE
        shown[role] = at.run()
        assert not at.exception
    admin_errors = [e.value for e in shown[Role.ADMIN].error]
    assert any("is refused and was not loaded" in value for value in admin_errors)
    warnings = [w.value for w in shown[Role.REVIEWER].warning]
    assert "The stored check-worthiness model is refused; an admin can retrain it." in warnings
    assert not pickled_row.exists()
    st.cache_resource.clear()
    st.cache_data.clear()


def test_status_reports_the_refusal_without_reading_an_old_rows_payload(
    seeded_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "pwned"
    _store_row(seeded_db, _payload(marker), format="", digest="")

    def _no_payload(*_: object, **__: object) -> bytes:
        raise AssertionError("an old row's payload was read")

    monkeypatch.setattr(claim_scoring.claim_queries, "scorer_payload", _no_payload)
    with seeded_db.read() as session:
        status = scorer_training.scorer_status(session)
    assert status.name == scorer_training.REFUSED and status.problem is not None
    assert "its stored format is none (an older version's pickle)" in status.problem
    assert not marker.exists()


@pytest.fixture
def database_at_0003(database_url: str) -> Iterator[Database]:
    """The test database taken back to revision 0003 (before plain-data models)."""
    from alembic import command

    from workbench.db.migrate import alembic_config

    database = Database.from_url(database_url)
    config = alembic_config(database.engine)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    yield database
    database.dispose()


def test_migration_drops_pickled_models_unread_and_restores_rule_scores(
    database_at_0003: Database, tmp_path: Path
) -> None:
    db = database_at_0003
    marker = tmp_path / "pwned"
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO articles (id, title, body, content_hash, ingested_at) "
                "VALUES ('a', 't', 'Officials said 9 soldiers died on May 3. What now?', 'h', "
                "CURRENT_TIMESTAMP)"
            )
        )
        for index, (start, end) in enumerate([(0, 39), (40, 49)]):
            connection.execute(
                sa.text(
                    'INSERT INTO sentences (article_id, "index", start, "end", text, '
                    "checkworthiness, check_reasons) VALUES ('a', :i, :s, :e, :t, 0.99, '[]')"
                ),
                {
                    "i": index,
                    "s": start,
                    "e": end,
                    "t": "Officials said 9 soldiers died on May 3. What now?"[start:end],
                },
            )
        connection.execute(
            sa.text(
                "INSERT INTO scorer_models (created_at, trained_on, metrics, payload) "
                "VALUES (CURRENT_TIMESTAMP, 40, '{}', :payload)"
            ),
            {"payload": _payload(marker)},
        )
    upgrade(db.engine)
    with db.read() as session:
        assert session.scalars(select(ScorerModel)).all() == []
        rows = session.execute(select(Sentence.text, Sentence.checkworthiness)).all()
        assert scorer_training.scorer_status(session).name == scorer_training.RULES
    assert len(rows) == 2
    assert all(value == score_sentence(text).score for text, value in rows)
    assert not marker.exists()


@pytest.mark.slow
def test_retrain_replaces_a_refused_model(
    seeded_db: Database, make_user: Any, tmp_path: Path
) -> None:
    from workbench.services.adjudicate import adjudicate

    marker = tmp_path / "pwned"
    _store_row(seeded_db, _payload(marker), format="", digest="")
    editor = make_user("eve", role="editor")
    with seeded_db.write() as session:
        for sentence in session.scalars(select(Sentence).order_by(Sentence.id).limit(40)):
            label = "unsourced" if sentence.checkworthiness >= 0.5 else "not_a_claim"
            adjudicate(
                session, editor_id=editor, sentence_id=sentence.id, label=label, rationale="r"
            )
    scorer_training.retrain_scorer(seeded_db, actor_id=None)
    source = tmp_path / "wire.txt"
    source.write_text("Wire report\n\nOfficials said 9 soldiers died on May 3.\n")
    report = ingest_paths(seeded_db, sources=[str(source)])
    with seeded_db.read() as session:
        assert scorer_training.scorer_status(session).name == "model"
    assert report.errors == [] and len(report.added) == 1
    assert not marker.exists()
