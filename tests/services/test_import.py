"""import-labels: good files are stored with audit rows; any bad line stores nothing."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

from tests.conftest import SEEDS
from tests.exporters.labeled import A, B
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, AuditEntry, EvidenceItem, User
from workbench.services.importer import ImportRejectedError, import_labels
from workbench.services.ingest import ingest_paths


def line(**fields: object) -> bytes:
    """One JSON Lines line."""
    return orjson.dumps(fields) + b"\n"


GOOD = line(
    article=A,
    sentence=2,
    reviewer="ana",
    label="disputed",
    note="figure differs across outlets",
    evidence=[{"url": "https://example.org/report", "quote": "12 jets", "stance": "refutes"}],
)


@pytest.fixture
def one_article(db: Database) -> Database:
    """A database holding the first seed article only (cheaper than all five)."""
    assert ingest_paths(db, sources=[str(SEEDS / f"{A}.txt")]).added == [A]
    return db


def counts(db: Database) -> tuple[int, int, int, int]:
    """Rows in annotations, evidence items, audit log and users."""
    with db.read() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Annotation, EvidenceItem, AuditEntry, User)
        )


def rejected(db: Database, path: Path) -> list[str]:
    """Import ``path`` expecting rejection; return the problem lines; nothing may change."""
    before = counts(db)
    with pytest.raises(ImportRejectedError) as caught:
        import_labels(db, path=path)
    assert counts(db) == before
    return [str(problem) for problem in caught.value.problems]


def test_good_file_creates_reviewers_labels_and_audit_rows(
    seeded_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "labels.jsonl"
    text = (
        "\ufeff"
        + GOOD.decode()
        + "\n"
        + line(article=B, sentence=0, reviewer="bo", label="not_a_claim").decode()
    )
    path.write_text(text, encoding="utf-8")
    report = import_labels(seeded_db, path=path)
    assert report.labels == 2 and report.created_reviewers == ["ana", "bo"]
    with seeded_db.read() as session:
        ana = queries.user_by_name(session, name="ana")
        assert ana is not None and ana.password_hash is None and ana.role == "reviewer"
        sentence = queries.sentence_at(session, article_id=A, index=2)
        assert sentence is not None
        annotation = queries.annotation_for(session, sentence_id=sentence.id, user_id=ana.id)
        assert annotation is not None
        assert (annotation.label, annotation.note) == ("disputed", "figure differs across outlets")
        assert [(e.url, e.stance) for e in annotation.evidence] == [
            ("https://example.org/report", "refutes")
        ]
    assert counts(seeded_db) == (2, 1, 2, 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "labels.jsonl: file is empty"),
        (b"  \n\t\n\n", "labels.jsonl: file holds no label lines"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "labels.jsonl: binary file (NUL bytes)"),
        (
            '{"article": "caf\u00e9"}\n'.encode("cp1252"),
            "labels.jsonl:1: not UTF-8 text (byte 17)",
        ),
        (GOOD + b'{"article": "' + A.encode() + b'", "sent', "labels.jsonl:2: invalid JSON"),
        (line(article=A, sentence=1), "labels.jsonl:1: missing field(s): reviewer, label"),
        (line(article="nope", sentence=1, reviewer="ana", label="unsourced"), "unknown article"),
        (
            line(article=A, sentence=9999, reviewer="ana", label="unsourced"),
            f"labels.jsonl:1: article '{A}' has no sentence 9999",
        ),
        (line(article=A, sentence=1, reviewer="ana", label="maybe"), ":1: bad label 'maybe'"),
        (
            line(
                article=A,
                sentence=1,
                reviewer="ana",
                label="not_a_claim",
                evidence=[{"url": "https://example.org/c", "stance": "context"}],
            ),
            ":1: a 'not_a_claim' label takes no evidence",
        ),
        (
            line(article=A, sentence=1, reviewer="ana", label="verified", evidence_complete=True),
            ":1: 'evidence_complete' is true but a 'verified' label has no evidence item that "
            "supports it yet",
        ),
        (
            line(article=A, sentence=1, reviewer="ana", label="unsourced", evidence_complete=0),
            ":1: 'evidence_complete' must be true or false, got 0",
        ),
        (
            line(
                article=A,
                sentence=1,
                reviewer="ana",
                label="disputed",
                evidence=[{"url": "javascript:alert(1)", "stance": "refutes"}],
            ),
            ":1: evidence item 1: evidence url must start with http:// or https://",
        ),
        (
            line(
                article=A,
                sentence=1,
                reviewer="ana",
                label="verified",
                evidence=[{"url": "data:text/html,<script>", "stance": "supports"}],
            ),
            ":1: evidence item 1: evidence url must start with http:// or https://",
        ),
        (
            line(article=A, sentence=1, reviewer="ana", label="unsourced", sentence_text="other"),
            ":1: sentence_text does not match the stored sentence",
        ),
        (line(article=A, sentence=True, reviewer="ana", label="unsourced"), "'sentence' must be"),
        (b"[1, 2]\n", ":1: expected a JSON object, got list"),
        (GOOD + GOOD, ":2: second label by 'ana' for"),
        (
            line(article=A, sentence=1, reviewer="ana", label="unsourced", note="n" * 10_001),
            ":1: 'note' is 10,001 characters long; at most 10,000 are allowed",
        ),
        (line(article=A, sentence=1, reviewer="ana", label="unsourced", note=3), "'note' must be"),
    ],
    ids=[
        "empty",
        "whitespace",
        "binary",
        "cp1252",
        "truncated",
        "missing",
        "article",
        "sentence",
        "label",
        "evidence-on-not-a-claim",
        "evidence-complete-contradicts",
        "evidence-complete-not-bool",
        "javascript",
        "data-url",
        "sentence-text",
        "bool-index",
        "not-object",
        "duplicate",
        "long-note",
        "note-not-text",
    ],
)
def test_hostile_input_is_rejected_with_its_line(
    one_article: Database, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_bytes(content)
    problems = rejected(one_article, path)
    assert len(problems) == 1
    assert message in problems[0]
    assert problems[0].startswith(str(path))


def test_every_problem_is_reported(one_article: Database, tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_bytes(
        GOOD
        + line(article="nope", sentence=0, reviewer="ana", label="unsourced")
        + b"\n"
        + line(article=A, sentence=0, reviewer="bad name", label="unsourced")
        + b"{oops\n"
    )
    problems = rejected(one_article, path)
    assert [p.split(": ", 1)[0] for p in problems] == [f"{path}:2", f"{path}:4", f"{path}:5"]


@pytest.mark.slow
def test_large_file_with_bad_last_line_stores_nothing(
    one_article: Database, tmp_path: Path
) -> None:
    with one_article.read() as session:
        article = queries.get_article(session, article_id=A)
        assert article is not None
        indexes = [s.index for s in article.sentences]
    path = tmp_path / "labels.jsonl"
    with open(path, "wb") as handle:
        for number in range(99_999):
            handle.write(
                line(
                    article=A,
                    sentence=indexes[number % len(indexes)],
                    reviewer=f"r{number // len(indexes)}",
                    label="unsourced",
                )
            )
        handle.write(line(article=A, sentence=0, reviewer="last", label="true"))
    problems = rejected(one_article, path)
    assert problems == [f"{path}:100000: bad label 'true'; expected one of "
                        "verified, disputed, unsourced, not_a_claim"]  # fmt: skip


def test_a_sentence_gone_between_check_and_store_stores_nothing(
    one_article: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.services.importer as importer
    from workbench.db.models import Article

    path = tmp_path / "labels.jsonl"
    path.write_bytes(GOOD)
    checked = importer.check_labels_file

    def check_then_delete(session, *, path, **options):  # type: ignore[no-untyped-def]
        lines = checked(session, path=path, **options)
        with one_article.write() as other:  # another user removes the article meanwhile
            other.delete(other.get(Article, A))
        return lines

    monkeypatch.setattr(importer, "check_labels_file", check_then_delete)
    before = counts(one_article)
    with pytest.raises(ImportRejectedError) as caught:
        import_labels(one_article, path=path)
    assert "changed while importing; try again" in str(caught.value.problems[0])
    assert counts(one_article) == before
