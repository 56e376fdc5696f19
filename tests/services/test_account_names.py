"""Account names: letters, digits and ``._-`` after NFKC; sign-in normalises the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.text_safety import account_name
from workbench.errors import AlreadyExistsError, InputError
from workbench.services.importer import ImportRejectedError, import_labels
from workbench.services.users import create_user, sign_in

runner = CliRunner()
PASSWORD = "correct horse"
REFUSED = [
    ("ana\x00", "U+0000 <control>"),  # unicodedata names no C0 character: 'unnamed'
    ("an\u200ba", "U+200B ZERO WIDTH SPACE is not allowed"),
    ("ana\u202egpj", "U+202E RIGHT-TO-LEFT OVERRIDE is not allowed"),
    ("\u2066ana", "U+2066 LEFT-TO-RIGHT ISOLATE is not allowed"),
    ("\u0430dmin", "letters of one script only, not CYRILLIC and LATIN"),
    ("\u0430\u0441\u0435", "its letters look like Latin letters"),  # Cyrillic "асе"
    ("\u0391\u039d\u039d\u0391", "its letters look like Latin letters"),  # Greek "ΑΝΝΑ"
    ("ana lee", "U+0020 SPACE is not allowed"),
    ("ana:1", "U+003A COLON is not allowed"),
    ("<b>ana</b>", "U+003C LESS-THAN SIGN is not allowed"),
    ("", "1-100 characters"),
    ("a" * 101, "1-100 characters"),
]


@pytest.mark.parametrize(("raw", "reason"), REFUSED)
def test_bad_names_are_refused_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match="bad account name") as refused:
        account_name(raw)
    message = str(refused.value)
    assert reason.replace(" <control>", "") in message
    assert "letters, digits and . _ - only" in message
    assert "\x00" not in message and "\u202e" not in message


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("\uff41\uff4e\uff41", "ana"),  # full-width letters fold
        ("  ana  ", "ana"),
        ("ana.lee_2-b", "ana.lee_2-b"),
        ("\ufb01ona", "fiona"),  # the "fi" ligature folds
        ("Zo\u0065\u0308", "Zo\u00eb"),  # e + combining diaeresis composes to ë
        ("\u0421\u0435\u0440\u0433\u0435\u0439", "\u0421\u0435\u0440\u0433\u0435\u0439"),
        ("\u5f20\u4f1f", "\u5f20\u4f1f"),
        ("ana\u00b2", "ana2"),
    ],
)
def test_names_are_normalised(raw: str, name: str) -> None:
    assert account_name(raw) == name


def test_fixture_names_still_work() -> None:
    names = "ana ben bo bob boss chief cy ed ed2 eve gone max other rita root sam someone vic"
    for name in [*names.split(), "x", "ann", "writer", "last", "author", "after"]:
        assert account_name(name) == name


def test_creation_folds_and_sign_in_normalises_the_same_way(db: Database) -> None:
    with db.write() as session:
        user = create_user(session, name="\uff41\uff4e\uff41", password=PASSWORD)
        assert user.name == "ana"
    assert sign_in(db, name="ana", password=PASSWORD).name == "ana"
    assert sign_in(db, name="\uff41\uff4e\uff41 ", password=PASSWORD).name == "ana"
    with db.write() as session, pytest.raises(AlreadyExistsError):
        create_user(session, name="\uff41na", password=PASSWORD)
    with db.write() as session, pytest.raises(InputError, match="ZERO WIDTH SPACE"):
        create_user(session, name="an\u200ba", password=PASSWORD)
    with db.read() as session:
        assert [u.name for u in queries.list_users(session)] == ["ana"]


def test_cli_users_add_refuses_a_bidi_name_in_one_line(db: Database, database_url: str) -> None:
    result = runner.invoke(
        app,
        ["--db", database_url, "users", "add", "adm\u202enib", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: bad account name 'adm\\u202enib': letters, digits and . _ - only (after Unicode "
        "NFKC normalisation); U+202E RIGHT-TO-LEFT OVERRIDE is not allowed"
    ]
    with db.read() as session:
        assert queries.list_users(session) == []


def test_import_labels_refuses_a_look_alike_reviewer(seeded_db: Database, tmp_path: Path) -> None:
    with seeded_db.read() as session:
        article = queries.all_article_ids(session)[0]
    path = tmp_path / "labels.jsonl"
    line = {"article": article, "sentence": 0, "reviewer": "\u0430na", "label": "unsourced"}
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(ImportRejectedError) as rejected:
        import_labels(seeded_db, path=path)
    assert "letters of one script only, not CYRILLIC and LATIN" in str(rejected.value.problems[0])
    with seeded_db.read() as session:
        assert queries.list_users(session) == []
