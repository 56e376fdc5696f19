"""The session cookie in AppTest: handed over at sign-in, restored on reload, ended at sign-out.

AppTest cannot send request cookies, so the cookie a browser would send is patched in through
``runtime.request_cookie``, and the browser's trip to ``/wb/session/start`` is made with a
Starlette TestClient on the app's own routes; tests/e2e covers the real round trip.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import WebSession
from workbench.services.users import set_active, set_password
from workbench.ui import runtime, server

APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"
ARTICLE = "000_b5ddb462525d61c6"
PASSWORD = "correct horse battery"
HANDOVER = re.compile(
    r'location\.replace\("(/wb/session/start\?code=[^"]+)"\)|form\.action = "(/wb/session/end)"'
)


@pytest.fixture
def browser_cookie(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cookie the next new session sends (first item; "" for none)."""
    sent = [""]
    monkeypatch.setattr(runtime, "request_cookie", lambda: sent[0])
    return sent


@pytest.fixture
def new_session(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], AppTest]]:
    """Factory: a new browser session on the app (what a reload is to Streamlit)."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()

    def _open() -> AppTest:
        return AppTest.from_file(str(APP), default_timeout=30).run()

    yield _open
    st.cache_resource.clear()


@pytest.fixture
def routes(new_session: Callable[[], AppTest]) -> Iterator[TestClient]:
    """The app's own routes (session start/end among them) in process."""
    with TestClient(Starlette(routes=server.routes()), follow_redirects=False) as client:
        yield client


def _handover(at: AppTest) -> str:
    """The URL the page sends the browser to ("" when none)."""
    found = [
        m.group(1) or m.group(2)
        for e in at.get("html")
        if (m := HANDOVER.search(str(e.proto.body)))
    ]
    assert len(found) <= 1
    return found[0] if found else ""


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    return at.button[-1].click().run()


def _collect_cookie(routes: TestClient, at: AppTest) -> str:
    """What the browser does next: follow the hand-over and keep the cookie it is given."""
    url = _handover(at)
    assert url.startswith("/wb/session/start?code=")
    response = routes.get(url)
    assert response.status_code == 303
    return str(response.cookies["wb_session"])


def _titles(at: AppTest) -> list[str]:
    return [str(t.value) for t in at.title]


def test_sign_in_hands_over_a_cookie_that_a_reload_restores_until_sign_out(
    db: Database, make_user, new_session, browser_cookie: list[str], routes: TestClient
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana", password=PASSWORD)
    at = _sign_in(new_session(), "ana", PASSWORD)
    assert _titles(at) == []  # the page only sends the browser off for its cookie
    token = _collect_cookie(routes, at)
    assert PASSWORD not in token and token not in _handover(at)
    at = at.run()  # had the browser not left, this tab would be signed in already
    assert _handover(at) == "" and _titles(at) == ["Articles"]

    browser_cookie[0] = token
    reloaded = new_session()
    assert _titles(reloaded) == ["Articles"]
    assert reloaded.session_state["wb_user"].id == ana

    reloaded = reloaded.sidebar.button(key="wb_sign_out").click().run()
    assert _handover(reloaded) == "/wb/session/end"
    assert _titles(reloaded.run()) == ["Sign in"]
    with db.read() as session:
        assert session.scalars(select(WebSession)).all() == []
    assert _titles(new_session()) == ["Sign in"]  # the copied cookie is refused


def test_forged_reset_or_deactivated_cookies_show_sign_in(
    db: Database, make_user, new_session, browser_cookie: list[str], routes: TestClient
) -> None:  # type: ignore[no-untyped-def]
    make_user("ana", password=PASSWORD)
    token = _collect_cookie(routes, _sign_in(new_session(), "ana", PASSWORD))

    browser_cookie[0] = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert _titles(new_session()) == ["Sign in"]

    with db.write() as session:
        set_password(session, name="ana", password="another horse battery")
    browser_cookie[0] = token
    assert _titles(new_session()) == ["Sign in"]

    at = _sign_in(new_session(), "ana", "another horse battery")
    browser_cookie[0] = _collect_cookie(routes, at)
    assert _titles(new_session()) == ["Articles"]
    with db.write() as session:
        set_active(session, name="ana", active=False)
    assert _titles(new_session()) == ["Sign in"]


def test_a_browser_session_without_a_token_is_not_signed_in(
    db: Database, make_user, new_session, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana", password=PASSWORD)
    monkeypatch.setattr(runtime, "browser_connected", lambda: True)
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["wb_user"] = runtime.SignedIn(ana, "ana", runtime.Role.REVIEWER)
    at = at.run()
    assert _titles(at) == ["Sign in"]
    assert "wb_user" not in at.session_state


def test_a_second_tab_cannot_save_after_sign_out(
    seeded_db: Database, make_user, new_session, browser_cookie: list[str], routes: TestClient
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana", password=PASSWORD)
    browser_cookie[0] = _collect_cookie(routes, _sign_in(new_session(), "ana", PASSWORD))

    def annotate_tab() -> AppTest:
        tab = new_session()
        tab.switch_page("ui/pages/annotate.py")
        tab.query_params["article"] = ARTICLE
        return tab.run()

    first, second = annotate_tab(), annotate_tab()
    assert not second.exception and second.button(key="wb_label_unsourced")
    first.sidebar.button(key="wb_sign_out").click().run()

    second = second.button(key="wb_label_unsourced").click().run()
    assert _titles(second) == ["Sign in"]
    with seeded_db.read() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=0)
        assert sentence is not None
        assert queries.annotation_for(session, sentence_id=sentence.id, user_id=ana) is None
