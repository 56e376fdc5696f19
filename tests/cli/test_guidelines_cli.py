"""``workbench guidelines show|set``: print the version in force, store a file as the next one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import Guideline
from workbench.domain.guidelines import default_guidelines

runner = CliRunner()


def _run(url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", url, *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_show_set_and_show_an_earlier_version(
    database_url: str, db: Database, make_user: Callable[..., int], tmp_path: Path
) -> None:
    code, out, _ = _run(database_url, "guidelines", "show")
    header, _, body = out.partition("\n")
    assert code == 0 and header.startswith("# version 1, saved ") and header.endswith(" by -")
    assert body == default_guidelines().rstrip("\n") + "\n"
    make_user("chief", role="admin")
    rules = tmp_path / "rules.md"
    rules.write_text("# Rules\n\n- **verified**: two sources\n", encoding="utf-8")
    assert _run(database_url, "guidelines", "set", str(rules), "--author", "chief")[:2] == (
        0,
        "guidelines version 2 in force\n",
    )
    assert _run(database_url, "guidelines", "set", str(rules))[:2] == (
        0,
        "guidelines version 2 in force\n",
    )  # the same text adds no version
    code, out, _ = _run(database_url, "guidelines", "set", "-", stdin="from stdin\n")
    assert (code, out) == (0, "guidelines version 3 in force\n")
    code, out, _ = _run(database_url, "guidelines", "show", "--version", "2")
    assert code == 0 and out.endswith(" by chief\n# Rules\n\n- **verified**: two sources\n")
    code, _, err = _run(database_url, "guidelines", "show", "--version", "9")
    assert (code, err) == (1, "error: no guidelines version 9\n")


def test_bad_files_and_accounts_are_one_line_each_and_store_nothing(
    database_url: str, db: Database, make_user: Callable[..., int], tmp_path: Path
) -> None:
    make_user("ana")
    empty = tmp_path / "empty.md"
    empty.write_text("\n\n", encoding="utf-8")
    cases = [
        ((str(tmp_path / "missing.md"),), f"{tmp_path / 'missing.md'}: cannot read file: "),
        ((str(empty),), f"{empty}: the guidelines are empty; write what each label means"),
        (
            (str(empty.with_name("ok.md")), "--author", "nobody"),
            "no account named 'nobody'",
        ),
        (
            (str(empty.with_name("ok.md")), "--author", "ana"),
            "account 'ana' is a reviewer; this action needs the admin role",
        ),
    ]
    empty.with_name("ok.md").write_text("fine", encoding="utf-8")
    for args, message in cases:
        code, out, err = _run(database_url, "guidelines", "set", *args)
        assert code == 1 and out == "", args
        assert err.startswith(f"error: {message}") and err.count("\n") == 1, err
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Guideline)) == 1
