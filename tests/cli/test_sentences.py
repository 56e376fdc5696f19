"""``workbench sentences merge|split|boilerplate``: exact output, exit codes and rows."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, AuditEntry, Sentence
from workbench.services.reviewer_labels import record_label

MakeUser = Callable[..., int]

runner = CliRunner()
A0 = "000_b5ddb462525d61c6"


def _rows(db: Database) -> list[tuple[int, int, int, int, str, bool]]:
    with db.read() as session:
        article = queries.get_article(session, article_id=A0)
        assert article is not None
        rows = [(s.id, s.index, s.start, s.end, s.text, s.boilerplate) for s in article.sentences]
        assert all(article.body[start:end] == text for _, _, start, end, text, _ in rows)
        return rows


def test_merge_then_split_back(database_url: str, seeded_db: Database, make_user: MakeUser) -> None:
    ana = make_user("ana", password=None)
    before = _rows(seeded_db)
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=before[5][0], label="unsourced")
    result = runner.invoke(app, ["--db", database_url, "sentences", "merge", A0, "4"])
    assert result.exit_code == 0, result.output
    later = len(before) - 6
    assert result.stdout == (
        f"merged {A0}:4: 0 label(s) kept, 1 moved, 0 moved to the audit trail, "
        f"{later} later sentence(s) renumbered\n"
    )
    merged = _rows(seeded_db)
    assert len(merged) == len(before) - 1
    cut = before[5][2] - before[4][2]
    result = runner.invoke(
        app, ["--db", database_url, "sentences", "split", A0, "4", "--at", str(cut)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"split {A0}:4: 0 label(s) kept, 0 moved, 1 moved to the audit trail, "
        f"{later} later sentence(s) renumbered\n"
    )
    after = _rows(seeded_db)
    # The same sentences at the same places again; the second part is a new row.
    assert [row[1:] for row in after] == [row[1:] for row in before]
    assert after[5][0] != before[5][0]
    with seeded_db.read() as session:
        assert session.scalars(select(Annotation)).all() == []
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "sentence").order_by(AuditEntry.id)
        ).all()
    assert actions == ["merge", "split"]


def test_boilerplate_on_and_off(database_url: str, seeded_db: Database) -> None:
    base = ["--db", database_url, "sentences", "boilerplate", A0, "2"]
    result = runner.invoke(app, base)
    assert (result.exit_code, result.stdout) == (0, f"{A0}:2 is now boilerplate\n")
    result = runner.invoke(app, base)
    assert result.stdout == f"{A0}:2 is already boilerplate; nothing changed\n"
    assert [row[5] for row in _rows(seeded_db)][:3] == [False, False, True]
    result = runner.invoke(app, [*base, "--off"])
    assert (result.exit_code, result.stdout) == (0, f"{A0}:2 is now not boilerplate\n")
    assert not any(row[5] for row in _rows(seeded_db))


def test_bad_edits_exit_1_with_one_line_and_change_nothing(
    database_url: str, seeded_db: Database
) -> None:
    before = _rows(seeded_db)
    last = str(len(before) - 1)
    cases = [
        (["merge", A0, last], f"error: sentence {A0}:{last} is the last of the article"),
        (["merge", "missing", "0"], "error: no article 'missing'"),
        (["split", A0, "0", "--at", "0"], "error: split position must be between 1 and"),
        (["split", A0, "0", "--at", "3", "--keep-labels", "both"], "error: keep must be"),
        (["boilerplate", A0, "999"], f"error: no sentence {A0}:999"),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["--db", database_url, "sentences", *args])
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith(message), (args, result.stderr)
        assert result.stderr.count("\n") == 1
    assert _rows(seeded_db) == before
    with seeded_db.read() as session:
        assert session.scalars(select(Sentence.id).where(Sentence.boilerplate)).all() == []
