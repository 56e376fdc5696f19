"""The session cookie routes: the server sets an HttpOnly cookie once per code and clears it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from workbench.config import DATABASE_URL_ENV, SessionSettings
from workbench.db.engine import Database
from workbench.services import sessions
from workbench.ui import auth, runtime, server

ARTICLE = "000_b5ddb462525d61c6"


@pytest.fixture
def routes(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Starlette]:
    """The app's own routes on the test database."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    yield Starlette(routes=server.routes())
    st.cache_resource.clear()


def _code(user_id: int) -> str:
    db = runtime.get_db()
    with db.write() as session:
        secret = auth.session_secret(db)
        new = sessions.start_session(
            session, user_id=user_id, secret=secret, settings=SessionSettings()
        )
    return new.code


def _client(app: Starlette, base: str = "http://testserver") -> TestClient:
    return TestClient(app, base_url=base, follow_redirects=False)


def test_start_sets_an_httponly_lax_cookie_once_per_code(
    seeded_db: Database, make_user, routes: Starlette
) -> None:  # type: ignore[no-untyped-def]
    code = _code(make_user("ana"))
    client = _client(routes)
    response = client.get("/wb/session/start", params={"code": code, "next": "/annotate?x=1"})
    assert response.status_code == 303 and response.headers["location"] == "/annotate?x=1"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("wb_session=") and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Path=/" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie
    assert code not in cookie
    assert response.headers["cache-control"] == "no-store"
    assert client.get(f"/wb/articles/{ARTICLE}/text.json").status_code == 200

    again = _client(routes).get("/wb/session/start", params={"code": code})
    assert again.status_code == 400 and "set-cookie" not in again.headers
    assert "used or has expired" in again.text
    assert _client(routes).get("/wb/session/start").status_code == 400


def test_the_cookie_is_secure_over_https_and_behind_a_tls_proxy(
    db: Database, make_user, routes: Starlette
) -> None:  # type: ignore[no-untyped-def]
    ana = make_user("ana")
    direct = _client(routes, "https://testserver").get(
        "/wb/session/start", params={"code": _code(ana)}
    )
    assert "Secure" in direct.headers["set-cookie"]
    proxied = _client(routes).get(
        "/wb/session/start",
        params={"code": _code(ana)},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Secure" in proxied.headers["set-cookie"]


@pytest.mark.parametrize(
    "wanted", ["//evil.example/", "https://evil.example/", "/\\evil.example", "articles"]
)
def test_start_only_returns_to_a_path_of_the_app(
    db: Database, make_user, routes: Starlette, wanted: str
) -> None:  # type: ignore[no-untyped-def]
    response = _client(routes).get(
        "/wb/session/start", params={"code": _code(make_user("ana")), "next": wanted}
    )
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_end_deletes_the_session_and_clears_the_cookie(
    seeded_db: Database, make_user, routes: Starlette
) -> None:  # type: ignore[no-untyped-def]
    client = _client(routes)
    client.get("/wb/session/start", params={"code": _code(make_user("ana"))})
    copied = client.cookies["wb_session"]
    text = f"/wb/articles/{ARTICLE}/text.json"
    assert client.get(text).status_code == 200

    response = client.post("/wb/session/end")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cleared = response.headers["set-cookie"]
    assert cleared.startswith('wb_session="";') and "Max-Age=0" in cleared
    assert "HttpOnly" in cleared
    thief = _client(routes)
    thief.cookies.set("wb_session", copied)
    assert thief.get(text).status_code == 401  # a cookie copied before sign-out is refused
    assert _client(routes).post("/wb/session/end").status_code == 303  # no cookie: still fine


def test_a_link_cannot_sign_anyone_out(seeded_db: Database, make_user, routes: Starlette) -> None:  # type: ignore[no-untyped-def]
    client = _client(routes)
    client.get("/wb/session/start", params={"code": _code(make_user("ana"))})
    text = f"/wb/articles/{ARTICLE}/text.json"
    assert client.get("/wb/session/end").status_code == 405  # a link or an image: GET
    other_site = client.post("/wb/session/end", headers={"Sec-Fetch-Site": "cross-site"})
    assert other_site.status_code == 403 and "set-cookie" not in other_site.headers
    assert "another site" in other_site.text
    old_browser = client.post("/wb/session/end", headers={"Origin": "https://evil.example"})
    assert old_browser.status_code == 403
    assert client.get(text).status_code == 200  # still signed in
    own = client.post("/wb/session/end", headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 303
    assert client.get(text).status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "none"},  # typed or pasted into the address bar
        {"Referer": "https://evil.example/mail"},
    ],
)
def test_a_code_sent_from_another_site_signs_no_one_in(
    db: Database, make_user, routes: Starlette, headers: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    code = _code(make_user("mallory"))  # collected by its owner, sent to a victim as a link
    victim = _client(routes)
    refused = victim.get("/wb/session/start", params={"code": code}, headers=headers)
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    assert "another site" in refused.text
    own = _client(routes).get(
        "/wb/session/start",
        params={"code": code},
        headers={"Sec-Fetch-Site": "same-origin", "Referer": "http://testserver/"},
    )
    assert own.status_code == 303 and "wb_session=" in own.headers["set-cookie"]  # still unused


def test_the_hand_over_posts_the_sign_out() -> None:
    script = auth.handover_script("/wb/session/end", post=True)
    assert 'form.method = "post"' in script and 'form.action = "/wb/session/end"' in script
    assert "location.replace" not in script
    assert "location.replace" in auth.handover_script("/wb/session/start?code=x")
