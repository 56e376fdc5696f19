"""The router in AppTest: sign-in first, menus by role, refusals, the article list."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db import article_list, queries
from workbench.db.engine import Database
from workbench.domain.labels import Role
from workbench.services.reviewer_labels import record_label
from workbench.ui.app import PAGES_DIR, PageSpec, checked
from workbench.ui.runtime import SignedIn

PASSWORD = "correct horse battery"
APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"


@pytest.fixture
def app(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    """Factory: a browser session on the app, signed in as ``user`` when given."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    st.cache_data.clear()

    def _app(user: SignedIn | None = None, page: str | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=30)
        if user is not None:
            at.session_state["wb_user"] = user
        at.run()
        if page is not None:  # after a first run, as pages are registered by the router
            at.switch_page(page).run()
        return at

    yield _app
    st.cache_resource.clear()
    st.cache_data.clear()


def _links(block: object) -> list[str]:
    return [str(link.proto.label) for link in block.get("page_link")]  # type: ignore[attr-defined]


def test_empty_database_opens_on_first_admin_creation(db: Database, app) -> None:  # type: ignore[no-untyped-def]
    at = app()
    assert not at.exception
    assert [t.value for t in at.title] == ["Welcome to the fact-check workbench"]
    assert _links(at.sidebar) == []


def test_reviewer_menu_and_article_progress(seeded_db: Database, make_user, app) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    with seeded_db.read() as session:
        sentence = queries.sentence_at(session, article_id="001_905ae90385d1da76", index=3)
        assert sentence is not None
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=sentence.id, label="unsourced")
    at = app(SignedIn(ana, "ana", Role.REVIEWER))
    assert not at.exception
    assert _links(at.sidebar) == ["Articles", "Access tokens"]
    assert [t.value for t in at.title] == ["Articles"]
    rows = [c.value for c in at.main.caption if c.value.endswith("sentences labeled")]
    progress = [row.split(" · ")[-1] for row in rows]
    assert progress == [
        "0 / 13 sentences labeled",
        "1 / 38 sentences labeled",
        "0 / 42 sentences labeled",
        "0 / 28 sentences labeled",
        "0 / 21 sentences labeled",
    ]
    links = at.main.get("page_link")
    assert [link.proto.query_string for link in links][:2] == [
        "article=000_b5ddb462525d61c6",
        "article=001_905ae90385d1da76",
    ]
    assert {link.proto.page for link in links} == {"annotate"}
    untitled = str(links[0].proto.label)  # 000_... has no headline: its first sentence stands in
    assert untitled.startswith("New York, June 4, 2025\\:") and untitled.endswith("…")


def test_article_filter(seeded_db: Database, make_user, app) -> None:  # type: ignore[no-untyped-def]
    at = app(SignedIn(make_user("ana"), "ana", Role.REVIEWER))
    at = at.text_input(key="wb_filter").input("004_").run()
    assert [p.proto.query_string for p in at.main.get("page_link")] == [
        "article=004_2be8afc61ee91103"
    ]


def test_reviewer_is_refused_on_every_editor_and_admin_page(db: Database, make_user, app) -> None:  # type: ignore[no-untyped-def]
    from workbench.ui.app import PAGES

    ana = SignedIn(make_user("ana"), "ana", Role.REVIEWER)
    higher = [spec for spec in checked(PAGES) if spec.role is not Role.REVIEWER]
    assert higher, "no editor or admin page is registered"
    for spec in higher:
        at = app(ana, page=f"ui/pages/{spec.file}")
        assert [e.value for e in at.error] == [
            f"This page needs the {spec.role.value} role; your account is a reviewer."
        ], spec.file


def test_admin_menu_lists_every_section(db: Database, make_user, app) -> None:  # type: ignore[no-untyped-def]
    from workbench.ui.app import PAGES

    boss = SignedIn(make_user("boss", role="admin"), "boss", Role.ADMIN)
    at = app(boss)
    expected = [s.title for s in checked(PAGES) if s.file != "annotate.py"]
    assert sorted(_links(at.sidebar)) == sorted(expected)
    captions = [c.value for c in at.sidebar.caption]
    assert "Review" in captions and "Administration" in captions


def test_sign_in_then_sign_out(db: Database, make_user, app) -> None:  # type: ignore[no-untyped-def]
    make_user("ana", password=PASSWORD)
    at = app()
    assert [t.value for t in at.title] == ["Sign in"]
    at.text_input[0].input("ana")
    at.text_input[1].input(PASSWORD)
    at = at.button[-1].click().run()  # "Signing in…" while the browser collects its cookie
    assert [i.value for i in at.info][0].startswith("Signing in…")
    at = at.run()
    assert [t.value for t in at.title] == ["Articles"]
    assert _links(at.sidebar) == ["Articles", "Access tokens"]
    at = at.sidebar.button(key="wb_sign_out").click().run()
    assert "wb_user" not in at.session_state
    assert [i.value for i in at.info][0] == "Signed out."
    assert [t.value for t in at.run().title] == ["Sign in"]


def test_a_page_url_asks_for_sign_in_first(db: Database, make_user, app) -> None:  # type: ignore[no-untyped-def]
    make_user("ana")
    at = app(page="ui/pages/annotate.py")
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.error and not at.get("bidi_component")


def test_registry_refuses_a_missing_page_file_or_a_repeat() -> None:
    articles = PageSpec("articles.py", "Articles", ":material/list:", "articles", Role.REVIEWER)
    assert (PAGES_DIR / "articles.py").is_file()
    assert checked([articles]) == [articles]
    later = PageSpec("not_written_yet.py", "Later", ":material/list:", "later", Role.EDITOR)
    with pytest.raises(FileNotFoundError) as missing:
        checked([articles, later])
    assert str(missing.value) == (
        f"page 'Later' is registered but {PAGES_DIR / 'not_written_yet.py'} does not exist"
    )
    again = PageSpec("articles.py", "Again", ":material/list:", "again", Role.REVIEWER)
    clash = PageSpec("annotate.py", "Clash", ":material/list:", "articles", Role.REVIEWER)
    with pytest.raises(ValueError, match="page 'Again' repeats 'articles.py' of an earlier page"):
        checked([articles, again])
    with pytest.raises(ValueError, match="page 'Clash' repeats 'articles' of an earlier page"):
        checked([articles, clash])


def test_the_app_stops_on_a_missing_page_file(db: Database, make_user, app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from workbench.ui import app as router

    gone = PageSpec("not_written_yet.py", "Later", ":material/list:", "later", Role.EDITOR)
    monkeypatch.setattr(router, "PAGES", [*router.PAGES, gone])
    at = app(SignedIn(make_user("ana"), "ana", Role.REVIEWER))
    assert at.exception, "the router ran with a missing page file"
    assert "not_written_yet.py does not exist" in at.exception[0].message


def test_assigned_articles_come_first_with_a_badge(seeded_db: Database, make_user, app) -> None:  # type: ignore[no-untyped-def]
    from workbench.services.assignments import assign_articles

    ana, ben = make_user("ana"), make_user("ben")
    with seeded_db.write() as session:
        assign_articles(session, article_ids=["003_12a4aa04524d7b45"], user_names=["ana"])
    with seeded_db.read() as session:
        ids = [row.id for row in article_list.article_page(session, user_id=ana, limit=10)[0]]
    assert ids[0] == "003_12a4aa04524d7b45"
    at = app(SignedIn(ana, "ana", Role.REVIEWER))
    links = [p.proto.query_string for p in at.main.get("page_link")]
    assert links[0] == "article=003_12a4aa04524d7b45"
    badges = [c.value for c in at.caption if "badge[:material/assignment_ind: Assigned" in c.value]
    assert len(badges) == 1
    assert "003\\_12a4aa04524d7b45" in badges[0]  # the id, escaped for Markdown
    assert any("1 assigned to you, listed first" in str(c.value) for c in at.caption)
    other = app(SignedIn(ben, "ben", Role.REVIEWER))  # not in ben's queue: no badge
    assert not [c for c in other.caption if "badge[" in c.value]
