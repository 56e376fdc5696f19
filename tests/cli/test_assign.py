"""``workbench assign ARTICLE... --to USER...``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import Assignment, User

MakeUser = Callable[..., int]

runner = CliRunner()
A0, A1 = "000_b5ddb462525d61c6", "001_905ae90385d1da76"


def _pairs(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        rows = session.execute(
            select(User.name, Assignment.article_id)
            .join(User, User.id == Assignment.user_id)
            .order_by(User.name, Assignment.article_id)
        )
        return [(name, article) for name, article in rows]


def test_assign_to_several_reviewers(
    database_url: str, seeded_db: Database, make_user: MakeUser
) -> None:
    make_user("ana", password=None)
    make_user("ben", password=None)
    result = runner.invoke(app, ["--db", database_url, "assign", A0, A1, "--to", "ana,ben"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"assigned {A0} to ana\nassigned {A1} to ana\nassigned {A0} to ben\nassigned {A1} to ben\n"
        "4 assignment(s) added, 0 already present\n"
    )
    result = runner.invoke(app, ["--db", database_url, "assign", A0, "--to", "ana", "--to", "ben"])
    assert result.stdout == "0 assignment(s) added, 2 already present\n"
    assert _pairs(seeded_db) == [("ana", A0), ("ana", A1), ("ben", A0), ("ben", A1)]


def test_assign_errors_exit_1_and_add_nothing(
    database_url: str, seeded_db: Database, make_user: MakeUser
) -> None:
    make_user("ana", password=None)
    result = runner.invoke(app, ["--db", database_url, "assign", A0, "missing", "--to", "ana"])
    assert (result.exit_code, result.stderr) == (1, "error: no article with id 'missing'\n")
    result = runner.invoke(app, ["--db", database_url, "assign", A0, "--to", "ana,zed"])
    assert (result.exit_code, result.stderr) == (1, "error: no account named 'zed'\n")
    result = runner.invoke(app, ["--db", database_url, "assign", A0])
    assert result.exit_code == 2 and "--to" in result.stderr
    assert _pairs(seeded_db) == []
