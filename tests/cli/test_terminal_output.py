"""Stored text printed by the CLI carries no terminal escape sequences or bidi controls."""

from __future__ import annotations

import json

from sqlalchemy import select, update
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import ClaimLink, Sentence, User
from workbench.domain.text_safety import terminal_text
from workbench.services.users import create_user

runner = CliRunner()
# Clear the screen, retitle the window, a bidi override, a C1 CSI, a line separator, a newline.
HOSTILE = "\x1b[2J\x1b]0;owned\x07 \u202etxt.exe \x9b31m\u2028x\ny\tz\x7f"
UNSAFE = ("\x1b", "\x07", "\u202e", "\x9b", "\u2028", "\x7f")


def _clean(output: str) -> None:
    assert [char for char in UNSAFE if char in output] == []


def test_terminal_text_escapes_controls_as_json_does() -> None:
    assert terminal_text("plain Zoë 中文") == "plain Zoë 中文"
    assert terminal_text("a\x1b[1mb") == "a\\u001b[1mb"
    assert terminal_text("x\u202ey\u200bz") == "x\\u202ey\\u200bz"
    assert terminal_text("a\nb\tc", keep="\n") == "a\nb\\u0009c"
    assert terminal_text("\U000e0001") == "\\udb40\\udc01"
    assert json.loads(terminal_text(json.dumps(HOSTILE, ensure_ascii=False))) == HOSTILE


def test_users_list_escapes_names_and_emails(db: Database, database_url: str) -> None:
    with db.write() as session:
        create_user(session, name="ana", email="ana\x1b]0;owned\x07@example.org")
        # A name stored before names were checked.
        session.add(User(name="old\x1b[31m\u202eadmin", role="admin"))
    result = runner.invoke(app, ["--db", database_url, "users", "list"])
    assert result.exit_code == 0, result.output
    _clean(result.stdout)
    assert result.stdout.splitlines() == [
        "ana\treviewer\tactive\tana\\u001b]0;owned\\u0007@example.org",
        "old\\u001b[31m\\u202eadmin\tadmin\tactive",
    ]


def test_links_escape_sentence_text_plain_and_json(seeded_db: Database, database_url: str) -> None:
    with seeded_db.write() as session:
        link = session.scalars(select(ClaimLink).order_by(ClaimLink.id).limit(1)).one()
        sentence_id = link.a_sentence_id
        session.execute(update(Sentence).where(Sentence.id == sentence_id).values(text=HOSTILE))
    plain = runner.invoke(app, ["--db", database_url, "links"])
    assert plain.exit_code == 0, plain.output
    _clean(plain.stdout)
    escaped = "    " + terminal_text(HOSTILE)
    assert escaped in plain.stdout.splitlines()
    assert "\\u000ay\\u0009z" in escaped  # the text cannot start a line or a column of its own
    as_json = runner.invoke(app, ["--db", database_url, "links", "--json"])
    assert as_json.exit_code == 0, as_json.output
    _clean(as_json.stdout)
    assert HOSTILE in [link["a_text"] for link in json.loads(as_json.stdout)]


def test_error_lines_escape_what_they_quote(db: Database, database_url: str) -> None:
    result = runner.invoke(app, ["--db", database_url, "users", "passwd", "x\x1b[2J\u202e"])
    assert result.exit_code == 1
    _clean(result.stderr)
    result = runner.invoke(app, ["--db", database_url, "assign", "a\x1b[2J", "--to", "ana"])
    assert result.exit_code == 1
    _clean(result.stderr)
