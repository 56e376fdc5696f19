"""The session cookie in AppTest: written at sign-in, restored after a reload, cleared at sign-out.

AppTest cannot send request cookies, so the cookie a browser would send is patched in through
``auth._request_cookie``; the browser test in tests/e2e covers the real round trip.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.services.users import set_active, set_password
from workbench.ui import auth

APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"
PASSWORD = "correct horse battery"
TOKEN = re.compile(
    r'wb_session=([0-9]+\.[0-9]+\.[0-9a-f]{64}); Max-Age=28800; Path=/; SameSite=Strict"'
)
CLEAR = 'wb_session=; Max-Age=0; Path=/; SameSite=Strict"'


@pytest.fixture
def browser_cookie(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cookie the next new session sends (first item; "" for none)."""
    sent = [""]
    monkeypatch.setattr(auth, "_request_cookie", lambda: sent[0])
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


def _scripts(at: AppTest) -> list[str]:
    return [str(element.proto.body) for element in at.get("html")]


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    return at.button[-1].click().run()


def _titles(at: AppTest) -> list[str]:
    return [str(t.value) for t in at.title]


def test_sign_in_writes_a_cookie_that_a_reload_restores(
    db: Database, make_user, new_session, browser_cookie: list[str]
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana", password=PASSWORD)
    at = _sign_in(new_session(), "ana", PASSWORD)
    assert _titles(at) == ["Articles"]
    tokens = [m.group(1) for body in _scripts(at) if (m := TOKEN.search(body))]
    assert len(tokens) == 1 and tokens[0].startswith(f"{ana}.")
    assert PASSWORD not in tokens[0]
    assert not [b for b in _scripts(at.run()) if "wb_session" in b]  # written once

    browser_cookie[0] = tokens[0]
    reloaded = new_session()
    assert _titles(reloaded) == ["Articles"]
    assert reloaded.session_state["wb_user"].id == ana

    reloaded = reloaded.sidebar.button(key="wb_sign_out").click().run()
    assert _titles(reloaded) == ["Sign in"]
    assert any(CLEAR in body for body in _scripts(reloaded))
    assert _titles(reloaded.run()) == ["Sign in"]  # the old cookie is not used again


def test_forged_reset_or_deactivated_cookies_show_sign_in(
    db: Database, make_user, new_session, browser_cookie: list[str]
) -> None:  # type: ignore[no-untyped-def]
    make_user("ana", password=PASSWORD)
    at = _sign_in(new_session(), "ana", PASSWORD)
    token = next(m.group(1) for body in _scripts(at) if (m := TOKEN.search(body)))

    browser_cookie[0] = token[:-1] + ("0" if token[-1] != "0" else "1")
    forged = new_session()
    assert _titles(forged) == ["Sign in"]
    assert any(CLEAR in body for body in _scripts(forged))

    with db.write() as session:
        set_password(session, name="ana", password="another horse battery")
    browser_cookie[0] = token
    assert _titles(new_session()) == ["Sign in"]

    at = _sign_in(new_session(), "ana", "another horse battery")
    browser_cookie[0] = next(m.group(1) for body in _scripts(at) if (m := TOKEN.search(body)))
    assert _titles(new_session()) == ["Articles"]
    with db.write() as session:
        set_active(session, name="ana", active=False)
    assert _titles(new_session()) == ["Sign in"]
