"""Admin and history pages in AppTest, and every editor/admin page refusing lesser roles."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Article, Assignment, User
from workbench.domain.labels import Role
from workbench.errors import AuthenticationError, PermissionDeniedError
from workbench.services.ingest import ingest_upload
from workbench.services.reviewer_labels import record_label
from workbench.services.uploads import upload_articles
from workbench.services.users import sign_in
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

MakeUser = Callable[..., int]
PAGES_DIR = Path(__file__).resolve().parents[2] / "workbench" / "ui" / "pages"
A0 = "000_b5ddb462525d61c6"


@pytest.fixture
def page(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    """Factory: an AppTest of one page file, signed in as the given account."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()

    def _page(file: str, user: SignedIn) -> AppTest:
        at = AppTest.from_file(str(PAGES_DIR / file), default_timeout=30)
        at.session_state["wb_user"] = user
        return at

    yield _page
    st.cache_resource.clear()


def _signed(db: Database, name: str) -> SignedIn:
    with db.read() as session:
        user = queries.user_by_name(session, name=name)
        assert user is not None
        return SignedIn(user.id, user.name, Role(user.role))


def _registry() -> list[tuple[str, Role]]:
    """(page file, least role) of every existing page in app.py's registry.

    Read from the source: importing app.py would run the router outside a script run.
    """
    tree = ast.parse((PAGES_DIR.parent / "app.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "PageSpec":
            file = ast.literal_eval(node.args[0])
            role = node.args[4]
            assert isinstance(role, ast.Attribute)
            if (PAGES_DIR / file).is_file():
                found.append((file, Role[role.attr]))
    return found


def _guarded_pages(role: Role) -> list[str]:
    return [file for file, least in _registry() if not role.allows(least)]


def test_every_page_above_reviewer_is_registered() -> None:
    files = {file for file, _ in _registry()}
    assert {"admin_users.py", "admin_assign.py", "admin_ingest.py", "history.py"} <= files


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.EDITOR])
def test_lesser_roles_are_refused_on_every_guarded_page(
    db: Database, make_user: MakeUser, page: Callable[..., AppTest], role: Role
) -> None:
    make_user("someone", role=role.value)
    user = _signed(db, "someone")
    guarded = _guarded_pages(role)
    assert guarded, "there must be pages this role may not open"
    for file in guarded:
        at = page(file, user).run()
        assert not at.exception, (file, at.exception)
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and errors[0].startswith("This page needs the "), (file, errors)
        assert errors[0].endswith(f"your account is {'an' if role is Role.EDITOR else 'a'} {role}.")
        assert not at.dataframe and not at.button, file


def test_admin_creates_resets_and_deactivates(
    db: Database, make_user: MakeUser, page: Callable[..., AppTest]
) -> None:
    make_user("chief", role="admin")
    make_user("ana")
    at = page("admin_users.py", _signed(db, "chief")).run()
    assert not at.exception
    assert list(at.dataframe[0].value["name"]) == ["ana", "chief"]
    at.text_input[1].input("ed")
    at.selectbox[0].select("editor")
    at.text_input[2].input("ed@example.org")
    at.text_input[3].input("editor password")
    at.text_input[4].input("editor password")
    at = at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.success] == [escape_markdown("Created editor account 'ed'.")]
    assert list(at.dataframe[0].value["name"]) == ["ana", "chief", "ed"]
    assert sign_in(db, name="ed", password="editor password").role is Role.EDITOR
    # reset
    at.selectbox(key="wb_reset_account").select("ana")
    at.text_input[5].input("a new password")
    at.text_input[6].input("a new password")
    at = at.button[1].click().run()
    assert not at.exception and not at.error
    assert sign_in(db, name="ana", password="a new password").name == "ana"
    # deactivate
    at.selectbox(key="wb_active_account").select("ana")
    at = at.button(key="wb_set_active_False").click().run()
    assert [e.value for e in at.success] == [escape_markdown("'ana' is now deactivated.")]
    with pytest.raises(AuthenticationError, match="deactivated"):
        sign_in(db, name="ana", password="a new password")
    with db.read() as session:
        assert session.scalar(select(User.active).where(User.name == "ana")) is False


def test_create_account_errors_are_shown(
    db: Database, make_user: MakeUser, page: Callable[..., AppTest]
) -> None:
    make_user("chief", role="admin")
    at = page("admin_users.py", _signed(db, "chief")).run()
    at.text_input[1].input("chief")
    at.text_input[3].input("long password")
    at.text_input[4].input("long password")
    at = at.button[0].click().run()
    assert [e.value for e in at.error] == [escape_markdown("account 'chief' already exists")]
    at.text_input[1].input("new one")
    at.text_input[3].input("long password")
    at.text_input[4].input("long password")
    at = at.button[0].click().run()
    assert [e.value for e in at.error][0].startswith(escape_markdown("bad account name"))
    with db.read() as session:
        assert [u.name for u in session.scalars(select(User))] == ["chief"]


def test_admin_assigns_articles(
    seeded_db: Database, make_user: MakeUser, page: Callable[..., AppTest]
) -> None:
    make_user("chief", role="admin")
    make_user("ana")
    make_user("ben")
    at = page("admin_assign.py", _signed(seeded_db, "chief")).run()
    assert not at.exception
    assert [e.value for e in at.info] == [
        "No article is assigned yet; reviewers then see every article."
    ]
    at.multiselect[0].select(A0)
    at.multiselect[1].select("ana").select("ben")
    at = at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.success] == [
        escape_markdown("2 assignment(s) added, 0 already present.")
    ]
    assert list(at.dataframe[0].value["reviewer"]) == ["ana", "ben"]
    with seeded_db.read() as session:
        assert session.scalars(select(Assignment.article_id)).all() == [A0, A0]
    at = at.button(key="wb_unassign").click().run()
    assert list(at.dataframe[0].value["reviewer"]) == ["ben"]


def test_admin_ingest_upload_shows_each_error(
    db: Database, make_user: MakeUser, page: Callable[..., AppTest]
) -> None:
    make_user("chief", role="admin")
    good = b"A headline\n\nThe council approved the budget on Monday. It passed 7 to 2.\n"
    bad = b'{"title": "Fine", "body": "Fine text here."}\n{not json\n'
    at = page("admin_ingest.py", _signed(db, "chief")).run()
    assert not at.exception
    at.file_uploader[0].set_value(
        [("good.txt", good, "text/plain"), ("bad.jsonl", bad, "application/json")]
    )
    at = at.button[0].click().run()
    assert not at.exception
    with db.read() as session:
        stored = session.scalars(select(Article.id)).all()
    assert stored == ["good"]  # the bad file left nothing behind, the good one loaded
    # The CLI's own output for the same files, line for line.
    cli_errors = [f"error: {e}" for e in ingest_upload(db, filename="bad.jsonl", data=bad).errors]
    assert cli_errors and cli_errors[0].startswith("error: bad.jsonl:2: ")
    assert [e.value for e in at.error] == [escape_markdown(line) for line in cli_errors]
    assert [e.value for e in at.warning] == ["1 article(s) added, 0 already present, 1 error(s)"]


def test_upload_service_needs_the_admin_role(db: Database, make_user: MakeUser) -> None:
    editor = make_user("ed", role="editor")
    with pytest.raises(PermissionDeniedError):
        upload_articles(db, actor_id=editor, files=[("a.txt", b"Title\n\nSome text here.")])
    with db.read() as session:
        assert session.scalars(select(Article.id)).all() == []


def test_history_shows_who_when_from_and_to(
    seeded_db: Database, make_user: MakeUser, page: Callable[..., AppTest]
) -> None:
    make_user("ed", role="editor")
    ana = make_user("ana")
    with seeded_db.write() as session:
        sentence = queries.sentence_at(session, article_id=A0, index=2)
        assert sentence is not None
        record_label(session, user_id=ana, sentence_id=sentence.id, label="unsourced")
    with seeded_db.write() as session:
        record_label(
            session, user_id=ana, sentence_id=sentence.id, label="not_a_claim", note="opinion"
        )
    at = page("history.py", _signed(seeded_db, "ed"))
    at.query_params["article"] = A0
    at.query_params["sentence"] = "2"
    at = at.run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["who"]) == ["ana", "ana"]
    assert list(frame["action"]) == ["create", "update"]
    assert list(frame["from"]) == ["", "unsourced"]
    assert list(frame["to"]) == ["unsourced", "not_a_claim"]
    assert list(frame["note to"]) == ["", "opinion"]


def test_history_finds_the_article_by_search(
    seeded_db: Database, make_user: MakeUser, page: Callable[..., AppTest]
) -> None:
    make_user("ed", role="editor")
    at = page("history.py", _signed(seeded_db, "ed")).run()
    assert len(at.selectbox(key="wb_history_article").options) == 5
    at = at.text_input(key="wb_history_article_search").input("003_12a4").run()
    assert not at.exception
    picker = at.selectbox(key="wb_history_article")
    assert [option.endswith("(003_12a4aa04524d7b45)") for option in picker.options] == [True]
    assert at.query_params["article"] == "003_12a4aa04524d7b45"
    at = at.text_input(key="wb_history_article_search").input("no such words").run()
    assert [e.value for e in at.info] == ["No article matches the search."]
