"""Hostile input through the admin upload page, one test per case.

Each bad file gets one ``st.error`` naming it (the CLI's own message), the summary counts one
error, and the database keeps exactly the article it had before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.db.models import Article, Sentence
from workbench.domain.labels import Role
from workbench.services import readers
from workbench.services.ingest import ingest_upload
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

PAGE = Path(__file__).resolve().parents[2] / "workbench" / "ui" / "pages" / "admin_ingest.py"
EXISTING = b"Council passes budget\n\nThe council approved the budget. It passed 7 to 2.\n"
TWENTY_MB = 20 * 1024 * 1024

MakeUser = Callable[..., int]
Upload = Callable[[str, bytes], AppTest]


def state(db: Database) -> tuple[list[str], int]:
    """Article ids and the number of sentences."""
    with db.read() as session:
        ids = list(session.scalars(select(Article.id).order_by(Article.id)))
        return ids, session.scalar(select(func.count()).select_from(Sentence)) or 0


@pytest.fixture
def upload(
    db: Database, database_url: str, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Upload]:
    """Factory: an admin uploads one file on the ingest page (one article is already stored)."""
    assert ingest_upload(db, filename="budget.txt", data=EXISTING).added == ["budget"]
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    chief = SignedIn(make_user("chief", role="admin", password=None), "chief", Role.ADMIN)

    def _upload(name: str, data: bytes) -> AppTest:
        at = AppTest.from_file(str(PAGE), default_timeout=60)
        at.session_state["wb_user"] = chief
        at.run()
        at.file_uploader[0].set_value((name, data, "application/octet-stream"))
        return at.button[0].click().run()

    yield _upload
    st.cache_resource.clear()


def refused(db: Database, upload: Upload, name: str, data: bytes, message: str) -> None:
    """Upload ``name``; expect one error ``<name><message>`` and an unchanged database."""
    before = state(db)
    at = upload(name, data)
    assert not at.exception
    assert [e.value for e in at.error] == [escape_markdown(f"error: {name}{message}")]
    assert [w.value for w in at.warning] == ["0 article(s) added, 0 already present, 1 error(s)"]
    assert state(db) == before == (["budget"], 3)


def test_empty_file(db: Database, upload: Upload) -> None:
    refused(db, upload, "empty.txt", b"", ": file is empty")


def test_whitespace_only_file(db: Database, upload: Upload) -> None:
    refused(db, upload, "blank.md", b"  \r\n\t\n \n", ": file has no text (only whitespace)")


def test_binary_file(db: Database, upload: Upload) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    refused(db, upload, "photo.txt", png, ": binary file (NUL byte), not text")


def test_wrong_encoding(db: Database, upload: Upload) -> None:
    data = b"Headline\n\ncaf\xe9 fine\nbad \x81 byte\n"
    refused(db, upload, "latin.txt", data, ":4: not UTF-8 or Windows-1252 text (byte 0x81)")


def test_utf16_file(db: Database, upload: Upload) -> None:
    data = "Headline\n\nSome text.\n".encode("utf-16")
    refused(db, upload, "wide.txt", data, ": text is UTF-16; save it as UTF-8")


def test_truncated_json_line(db: Database, upload: Upload) -> None:
    data = b'{"body": "Complete."}\n{"id": "x", "body": "The talks'
    refused(db, upload, "cut.jsonl", data, ":2: invalid JSON at column 21: unterminated string")


def test_missing_fields_jsonl(db: Database, upload: Upload) -> None:
    data = b'{"body": "Complete."}\n{"title": "Headline only"}\n'
    refused(db, upload, "fields.jsonl", data, ":2: missing field 'body' (or 'text')")


def test_missing_fields_csv(db: Database, upload: Upload) -> None:
    data = b"id,title\nx,Headline only\n"
    refused(db, upload, "fields.csv", data, ":1: header has no 'body' (or 'text') column")


@pytest.mark.slow
def test_twenty_megabyte_article(db: Database, upload: Upload) -> None:
    message = ": file is too large: 20,971,520 bytes; the limit is 10,000,000"
    refused(db, upload, "huge.txt", b"word " * (TWENTY_MB // 5), message)


def test_unsupported_extension(db: Database, upload: Upload) -> None:
    message = ": unsupported file type '.pdf'; supported: .txt, .md, .html, .htm, .jsonl, .csv"
    refused(db, upload, "report.pdf", b"%PDF-1.7\n", message)


DEEP_LINE = b"[" * 2_000 + b"]" * 2_000


def test_deeply_nested_json(db: Database, upload: Upload) -> None:
    data = b'{"body": "Complete."}\n' + DEEP_LINE + b"\n"
    message = ":2: JSON is nested too deeply (more than 1,024 levels)"
    refused(db, upload, "deep.jsonl", data, message)


def test_huge_integer_id(db: Database, upload: Upload) -> None:
    data = b'{"id": ' + b"9" * 5_000 + b', "body": "The council met."}\n'
    message = ":1: number with 5,000 digits is too large (at most 19 digits)"
    refused(db, upload, "big.jsonl", data, message)


def test_nul_in_a_title(db: Database, upload: Upload) -> None:
    data = b'{"title": "Budget\\u0000 passes", "body": "The council met."}\n'
    refused(db, upload, "nul.jsonl", data, ":1: field 'title' contains a NUL character")


def test_overlong_title(db: Database, upload: Upload) -> None:
    data = b'{"title": "' + b"t" * 1_001 + b'", "body": "The council met."}\n'
    refused(db, upload, "title.jsonl", data, ":1: field 'title' is longer than 1,000 characters")


@pytest.mark.timeout(60)
def test_hostile_markdown_megabyte_is_loaded(db: Database, upload: Upload) -> None:
    """1 MB of ``**a `` took minutes through this page; it is plain text once read."""
    at = upload("stars.md", b"**a " * 250_000)
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert state(db)[0] == ["budget", "stars"]


def test_an_unexpected_failure_is_one_line_without_traceback_or_path(
    db: Database, upload: Upload, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(name: str, data: bytes) -> list[object]:
        raise RuntimeError(f"/srv/workbench/{name} is broken")

    monkeypatch.setitem(readers.READERS, ".txt", broken)
    before = state(db)
    at = upload("notes.txt", EXISTING)
    assert not at.exception
    shown = [e.value for e in at.error] + [w.value for w in at.warning]
    assert shown == [
        escape_markdown("error: notes.txt: could not be loaded (unexpected RuntimeError)"),
        "0 article(s) added, 0 already present, 1 error(s)",
    ]
    assert not any("/srv" in text or "Traceback" in text for text in shown)
    assert state(db) == before
