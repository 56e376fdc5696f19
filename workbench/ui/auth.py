"""Sign-in screens: first admin on an empty database, local accounts, optional single sign-on."""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from workbench import config
from workbench.db.engine import Database
from workbench.errors import AuthenticationError
from workbench.keyfile import read_or_create
from workbench.services import sessions, users
from workbench.services.address_limit import LOCAL
from workbench.ui import feedback, runtime, server, state
from workbench.ui.components.text import escape_markdown


def sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section for ``st.login``."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


@st.cache_resource
def _file_secret(url: str) -> bytes:
    return read_or_create(config.session_key_file(url))


def session_secret(db: Database) -> bytes:
    """The key that turns sign-in codes into session tokens (secrets.toml, else a key file)."""
    try:
        configured = st.secrets.get("session_secret")
    except FileNotFoundError:  # no secrets file at all
        configured = None
    if configured:
        return str(configured).encode("utf-8")
    return _file_secret(db.engine.url.render_as_string(hide_password=True))


def _start_session(account: users.Account, db: Database) -> None:
    """Make the server-side session, then send the browser to collect its HttpOnly cookie.

    This tab keeps the token in session state (server memory) so it stays signed in at once;
    the browser gets only a one-time code, which ``/wb/session/start`` turns into the cookie.
    """
    with db.write() as session:
        new = sessions.start_session(
            session,
            user_id=account.id,
            secret=session_secret(db),
            settings=config.SessionSettings.from_env(),
        )
    state.put(state.USER, runtime.SignedIn(account.id, account.name, account.role))
    state.put(state.SESSION_TOKEN, new.token)
    state.put(state.HANDOVER, server.session_start_url(new.code, _here()))
    state.drop(state.SIGN_IN_NOTICE)
    st.rerun()


def _here() -> str:
    """The path and query of the page the browser shows now (where it comes back to)."""
    path = urlsplit(st.context.url or "").path or f"{server.base_path()}/"
    query = urlencode(st.query_params.to_dict())
    return f"{path}?{query}" if query else path


def handover_script(url: str, *, post: bool = False) -> str:
    """The script that sends the browser to ``url`` (a route that sets or clears the cookie).

    ``post`` submits a form instead: sign-out takes POST only, so a link cannot sign anyone out.
    """
    target = json.dumps(url)
    if not post:
        return f"<script>(window.top || window).location.replace({target});</script>"
    return (
        "<script>(() => { const doc = (window.top || window).document;"
        ' const form = doc.createElement("form"); form.method = "post";'
        f" form.action = {target}; doc.body.appendChild(form); form.submit(); }})();</script>"
    )


def send_handover() -> bool:
    """Send the browser to the cookie route that sign-in or sign-out asked for (once).

    True when it did: the page then shows only this, so nothing is clicked as the page goes.
    """
    url = state.take(state.HANDOVER)
    if not isinstance(url, str) or not url:
        return False
    leaving = url == server.session_end_url()
    with _centered():
        if leaving:  # the session is already gone on the server; the form clears the cookie
            st.info("Signed out.", icon=":material/logout:")
        else:
            st.info(f"Signing in… If nothing happens, [continue]({url}).", icon=":material/login:")
    st.html(handover_script(url, post=leaving), unsafe_allow_javascript=True)
    return True


def sign_out(db: Database | None = None) -> None:
    """End this browser's session on the server, forget it here, and clear the cookie."""
    db = db or runtime.get_db()
    tokens = {runtime.session_token(), runtime.request_cookie()}
    with db.write() as session:
        for token in tokens - {""}:
            sessions.end_session(session, token=token)
    state.drop(state.USER)
    state.drop(state.SESSION_TOKEN)
    state.drop(state.ACCOUNT_CHECKED_AT)
    if sso_configured() and st.user.is_logged_in:
        st.logout()  # it sends the browser to the provider's sign-out; the cookie's row is gone
        return
    state.put(state.HANDOVER, server.session_end_url())


def client_address() -> str:
    """The address failed sign-ins are counted under: the connection's peer, "local" for this host.

    It is the TCP peer of the browser's connection; behind a reverse proxy every browser shares
    the proxy's address, so the limit then counts the whole desk's failures together.
    """
    address = st.context.ip_address
    return address if isinstance(address, str) and address else LOCAL


def _centered() -> DeltaGenerator:
    """A middle column, so the sign-in forms do not stretch across a wide screen."""
    return st.columns([1, 2, 1])[1]


def first_admin_page(db: Database | None = None) -> None:
    """On an empty database: create the first admin account and sign it in."""
    with _centered():
        account = _first_admin_form(db or runtime.get_db())
    if account is not None:
        _start_session(account, db or runtime.get_db())


def _first_admin_form(db: Database) -> users.Account | None:
    st.title("Welcome to the fact-check workbench", anchor=False)
    st.write("There are no accounts yet. Create the first admin account.")
    with st.form("first_admin", clear_on_submit=True):
        name = st.text_input("Account name", max_chars=100)
        password = st.text_input("Password", type="password")
        repeat = st.text_input("Repeat password", type="password")
        submitted = st.form_submit_button("Create admin account", type="primary")
    if not submitted:
        return None
    if password != repeat:
        st.error("The two passwords differ.")
        return None
    with feedback.show_errors(), db.write() as session:
        return users.Account.of(users.create_first_admin(session, name=name, password=password))
    return None


def _single_sign_on(db: Database) -> users.Account | None:
    """The single sign-on button, or the account matching the signed-on e-mail."""
    if not st.user.is_logged_in:
        st.button("Sign in with single sign-on", on_click=st.login, key="sso_login")
        st.caption("or with a workbench account:")
        return None
    email = st.user.get("email")
    try:
        with db.read() as session:
            return users.account_for_email(session, email=str(email or ""))
    except AuthenticationError as exc:
        st.error(escape_markdown(str(exc)))
        st.button("Sign out of single sign-on", on_click=st.logout, key="sso_logout")
        return None


def sign_in_page(db: Database | None = None) -> None:
    """Name and password form (plus single sign-on when configured)."""
    with _centered():
        account = _sign_in_form(db or runtime.get_db())
    if account is not None:
        _start_session(account, db or runtime.get_db())


def _sign_in_form(db: Database) -> users.Account | None:
    st.title("Sign in", anchor=False)
    notice = state.get(state.SIGN_IN_NOTICE)
    if notice:
        st.info(str(notice))
    if sso_configured() and (account := _single_sign_on(db)) is not None:
        return account
    with st.form("sign_in", clear_on_submit=True):
        name = st.text_input("Account name", max_chars=100)
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return None
    with feedback.show_errors():
        return users.sign_in(
            db,
            name=name,
            password=password,
            address=client_address(),
            limits=config.SessionSettings.from_env(),
        )
    return None
