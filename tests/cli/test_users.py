"""``workbench users``: add with e-mail, passwd, deactivate/activate, list."""

from __future__ import annotations

import getpass

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import User
from workbench.errors import AuthenticationError
from workbench.services.users import sign_in

runner = CliRunner()


def _run(url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", url, *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_users_add_with_email_then_list(database_url: str, db: Database) -> None:
    code, out, _ = _run(
        database_url,
        "users",
        "add",
        "ana",
        "--role",
        "editor",
        "--email",
        "Ana@Example.org",
        "--password-stdin",
        stdin="long enough pw\n",
    )
    assert (code, out) == (0, "created editor 'ana'\n")
    _run(database_url, "users", "add", "ben", "--password-stdin", stdin="long enough pw\n")
    code, out, _ = _run(database_url, "users", "list")
    assert (code, out) == (0, "ana\teditor\tactive\tana@example.org\nben\treviewer\tactive\n")


def test_users_passwd_from_stdin_and_prompt(
    database_url: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(database_url, "users", "add", "ana", "--password-stdin", stdin="first password\n")
    code, out, _ = _run(
        database_url, "users", "passwd", "ana", "--password-stdin", stdin="second password\n"
    )
    assert (code, out) == (0, "password changed for 'ana'\n")
    assert sign_in(db, name="ana", password="second password").name == "ana"
    answers = iter(["third password", "third password"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    code, out, _ = _run(database_url, "users", "passwd", "ana")
    assert (code, out) == (0, "password changed for 'ana'\n")
    with pytest.raises(AuthenticationError):
        sign_in(db, name="ana", password="second password")
    assert sign_in(db, name="ana", password="third password").name == "ana"


def test_users_passwd_errors(
    database_url: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(database_url, "users", "add", "ana", "--password-stdin", stdin="first password\n")
    code, out, err = _run(
        database_url, "users", "passwd", "nobody", "--password-stdin", stdin="x" * 9
    )
    assert (code, out, err) == (1, "", "error: no account named 'nobody'\n")
    code, _, err = _run(database_url, "users", "passwd", "ana", "--password-stdin", stdin="short\n")
    assert (code, err) == (1, "error: password must have at least 8 characters\n")
    answers = iter(["third password", "different one"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    code, _, err = _run(database_url, "users", "passwd", "ana")
    assert (code, err) == (1, "error: passwords do not match\n")
    assert sign_in(db, name="ana", password="first password").name == "ana"


def test_users_deactivate_and_activate(database_url: str, db: Database) -> None:
    _run(database_url, "users", "add", "ana", "--password-stdin", stdin="first password\n")
    code, out, _ = _run(database_url, "users", "deactivate", "ana")
    assert (code, out) == (0, "deactivated 'ana'\n")
    with db.read() as session:
        user = session.scalar(select(User).where(User.name == "ana"))
        assert user is not None and user.active is False
    with pytest.raises(AuthenticationError, match="deactivated"):
        sign_in(db, name="ana", password="first password")
    assert _run(database_url, "users", "list")[1] == "ana\treviewer\tinactive\n"
    code, out, _ = _run(database_url, "users", "activate", "ana")
    assert (code, out) == (0, "activated 'ana'\n")
    assert sign_in(db, name="ana", password="first password").active is True
    code, _, err = _run(database_url, "users", "deactivate", "nobody")
    assert (code, err) == (1, "error: no account named 'nobody'\n")
