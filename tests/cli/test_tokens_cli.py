"""``workbench tokens create/list/revoke``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db.engine import Database
from workbench.errors import AuthenticationError
from workbench.services.tokens import authenticate

runner = CliRunner()


def _run(url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_create_list_revoke(database_url: str, db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("ana")
    code, out, err = _run(database_url, "tokens", "create", "ana", "--name", "CMS feed")
    assert code == 0, err
    secret = out.strip()
    assert secret.startswith("wb_") and "\n" not in secret  # stdout is the secret alone
    assert "created token 1 'CMS feed' for 'ana'" in err and "not shown again" in err
    assert authenticate(db, secret=secret).name == "ana"
    code, out, err = _run(database_url, "tokens", "list", "ana")
    assert code == 0
    fields = out.strip().split("\t")
    assert fields[:3] == ["1", "CMS feed", f"{secret[:9]}..."] and fields[-1] == "active"
    assert secret not in out and "1 token(s)" in err
    code, out, _ = _run(database_url, "tokens", "revoke", "1")
    assert (code, out.strip()) == (0, "revoked token 1 'CMS feed' of 'ana'")
    with pytest.raises(AuthenticationError):
        authenticate(db, secret=secret)
    assert _run(database_url, "tokens", "list", "ana")[1].split("\t")[-1].startswith("revoked ")


def test_errors_are_one_line(database_url: str, db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("ana")
    assert _run(database_url, "tokens", "create", "nobody", "--name", "x")[2] == (
        "error: no account named 'nobody'\n"
    )
    code, _, err = _run(database_url, "tokens", "create", "ana", "--name", " ")
    assert (code, err) == (1, "error: token name must not be empty\n")
    assert _run(database_url, "tokens", "revoke", "99")[2] == "error: no token with id 99\n"
