"""``workbench users``: add with e-mail, passwd, role, deactivate/activate, list; ``--version``."""

from __future__ import annotations

import getpass
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from workbench import __version__
from workbench.cli import app
from workbench.config import SessionSettings
from workbench.db.audit import NO_SENTENCE
from workbench.db.engine import Database
from workbench.db.models import AuditEntry, User
from workbench.errors import AuthenticationError
from workbench.services import sessions
from workbench.services.users import sign_in

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


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


def _audited_account_changes(db: Database) -> list[tuple[str | None, str, dict[str, object]]]:
    with db.read() as session:
        rows = session.execute(
            select(AuditEntry.actor_id, User.name, AuditEntry.new, AuditEntry.sentence_id)
            .join(User, User.id == AuditEntry.entity_id)
            .where(AuditEntry.entity == "account")
            .order_by(AuditEntry.id)
        )
        found = []
        for actor, name, new, sentence in rows:
            assert sentence == NO_SENTENCE  # never in a sentence's label history
            found.append((actor, name, new))
        return found


def test_users_role_changes_the_role_and_is_audited(database_url: str, db: Database) -> None:
    _run(database_url, "users", "add", "ana", "--password-stdin", stdin="first password\n")
    code, out, _ = _run(database_url, "users", "role", "ana", "editor")
    assert (code, out) == (0, "'ana' is now an editor\n")
    code, out, _ = _run(database_url, "users", "role", "ａｎａ", "editor")  # NFKC: the same name
    assert (code, out) == (0, "'ana' is already an editor\n")
    code, out, _ = _run(database_url, "users", "role", "ana", "reviewer")
    assert (code, out) == (0, "'ana' is now a reviewer\n")
    assert _run(database_url, "users", "list")[1] == "ana\treviewer\tactive\n"
    with db.read() as session:
        old_new = session.execute(
            select(AuditEntry.old, AuditEntry.new, AuditEntry.action)
            .where(AuditEntry.entity == "account")
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(row) for row in old_new] == [
        ({"role": "reviewer"}, {"role": "editor"}, "update"),
        ({"role": "editor"}, {"role": "reviewer"}, "update"),
    ]
    assert [actor for actor, _, _ in _audited_account_changes(db)] == [None, None]  # CLI


def test_users_role_errors_leave_the_role_alone(database_url: str, db: Database) -> None:
    _run(database_url, "users", "add", "boss", "--role", "admin", "--password-stdin", stdin="x" * 9)
    code, out, err = _run(database_url, "users", "role", "boss", "chief")
    assert (code, out, err) == (
        1,
        "",
        "error: bad role 'chief'; expected reviewer, editor or admin\n",
    )
    code, _, err = _run(database_url, "users", "role", "nobody", "editor")
    assert (code, err) == (1, "error: no account named 'nobody'\n")
    code, _, err = _run(database_url, "users", "role", "boss", "editor")
    assert (code, err) == (
        1,
        "error: account 'boss' is the only active admin; make another account admin first\n",
    )
    _run(database_url, "users", "add", "deputy", "--password-stdin", stdin="x" * 9)
    assert _run(database_url, "users", "role", "deputy", "admin")[:2] == (
        0,
        "'deputy' is now an admin\n",
    )
    assert _run(database_url, "users", "role", "boss", "editor")[:2] == (
        0,
        "'boss' is now an editor\n",
    )
    assert _run(database_url, "users", "list")[1] == "boss\teditor\tactive\ndeputy\tadmin\tactive\n"
    assert [new for _, _, new in _audited_account_changes(db)] == [
        {"role": "admin"},
        {"role": "editor"},
    ]


def test_password_resets_and_activation_changes_are_audited(
    database_url: str, db: Database
) -> None:
    _run(database_url, "users", "add", "ana", "--password-stdin", stdin="first password\n")
    _run(database_url, "users", "passwd", "ana", "--password-stdin", stdin="second password\n")
    _run(database_url, "users", "deactivate", "ana")
    _run(database_url, "users", "deactivate", "ana")  # no change: nothing audited
    _run(database_url, "users", "activate", "ana")
    assert _audited_account_changes(db) == [
        (None, "ana", {"password": "reset"}),
        (None, "ana", {"active": False}),
        (None, "ana", {"active": True}),
    ]
    with db.read() as session:
        stored = session.scalars(select(AuditEntry.new).where(AuditEntry.entity == "account"))
        assert "second password" not in str(list(stored))  # never the password or its hash


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"{__version__}\n")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert __version__ == project["version"]
    installed = subprocess.run(
        [sys.executable, "-c", "from workbench.cli import main; main()", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert (installed.returncode, installed.stdout, installed.stderr) == (0, f"{__version__}\n", "")


@pytest.mark.parametrize("module", ["workbench", "workbench.cli"])
def test_python_dash_m_runs_the_command(module: str) -> None:
    ran = subprocess.run(
        [sys.executable, "-m", module, "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, f"{__version__}\n", "")


def test_passwd_role_and_deactivate_end_open_browser_sessions_at_once(
    database_url: str, db: Database, make_user
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    for command in (
        ["users", "passwd", "ana", "--password-stdin"],
        ["users", "role", "ana", "editor"],
        ["users", "deactivate", "ana"],
    ):
        with db.write() as session:
            new = sessions.start_session(
                session, user_id=ana, secret=b"k" * 64, settings=SessionSettings()
            )
        assert sessions.resolve(db, token=new.token, settings=SessionSettings()) is not None
        code, _, err = _run(database_url, *command, stdin="a new password\n")
        assert code == 0, err
        assert sessions.resolve(db, token=new.token, settings=SessionSettings()) is None
