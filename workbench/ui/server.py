"""What the served app adds to Streamlit's own routes: the session cookie routes, the article
text route, the text component's script, the REST API (workbench.api, mounted at ``/api/v1``),
and headers that forbid framing the app.

``/wb/session/start?code=...`` turns the one-time code of a sign-in into the session cookie
(``HttpOnly; SameSite=Lax; Path=/``, ``Secure`` over HTTPS) and sends the browser back to the
app; ``POST /wb/session/end`` deletes the session and clears the cookie. No script sees the token.
Both refuse a request another site started (``Sec-Fetch-Site``, or the ``Origin`` / ``Referer``
host where a browser sends no fetch metadata): a link elsewhere can neither sign a browser in to
the sender's account with a code the sender collected (login CSRF) nor sign a reviewer out.

The text route is how an article's text reaches the browser once per article instead of with
every click: it checks the session cookie exactly as a page run does (services.sessions),
returns the sentences and never a label, and carries an ETag so a re-open is a ``304``.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import config

ROUTE_PREFIX = "/wb"
API_PREFIX = "/api/v1"  # the REST API of workbench.api
SCRIPT_FILE = Path(__file__).parent / "components" / "sentence_text.js"
MAX_ARTICLE_ID = 300
FRAME_HEADERS = {"X-Frame-Options": "DENY"}
FRAME_ANCESTORS = "frame-ancestors 'none'"
NO_STORE = {"Cache-Control": "no-store"}
SESSION_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
MAX_NEXT = 2000
USED_CODE = (
    "<!doctype html><title>Sign in again</title><p>This sign-in link has been used or has "
    'expired. <a href="{home}">Sign in again</a>.</p>'
)
OTHER_SITE = (
    "<!doctype html><title>Sign in here</title><p>This request came from another site, so it "
    'was refused. <a href="{home}">Open the workbench</a> and sign in there.</p>'
)


@functools.cache
def script_source() -> bytes:
    """The text component's script (read once per process)."""
    return SCRIPT_FILE.read_bytes()


@functools.cache
def script_version() -> str:
    """Digest of the component's script: its ETag and the cache-busting part of its URL."""
    return hashlib.blake2b(script_source(), digest_size=12).hexdigest()


def base_path() -> str:
    """The server's ``server.baseUrlPath`` as a URL prefix ("" or "/name")."""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def script_url() -> str:
    """Where the browser loads the text component's script from."""
    return f"{base_path()}{ROUTE_PREFIX}/static/sentence_text.js?v={script_version()}"


def text_url(article_id: str, version: str) -> str:
    """Where the browser fetches the text of ``article_id`` (``version`` busts stale copies)."""
    article = quote(article_id, safe="")
    return f"{base_path()}{ROUTE_PREFIX}/articles/{article}/text.json?v={version}"


def _matches(request: Request, etag: str) -> bool:
    """True when the request's If-None-Match names ``etag`` (weak or strong) or is ``*``."""
    header = request.headers.get("if-none-match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags or "*" in tags


def session_start_url(code: str, next_path: str) -> str:
    """Where the browser collects its session cookie with the one-time ``code``."""
    query = urlencode({"code": code, "next": next_path})
    return f"{base_path()}{ROUTE_PREFIX}/session/start?{query}"


def session_end_url() -> str:
    """Where the browser goes to have its session cookie cleared."""
    return f"{base_path()}{ROUTE_PREFIX}/session/end"


def _home() -> str:
    return f"{base_path()}/"


def _next(request: Request) -> str:
    """The ``next`` parameter when it is a path of this app, else the app's home."""
    wanted = request.query_params.get("next", "")
    home = _home()
    if not wanted.startswith(home) or wanted.startswith("//") or len(wanted) > MAX_NEXT:
        return home
    if "\\" in wanted or any(ord(char) < 32 for char in wanted):
        return home
    return wanted


def from_this_site(request: Request) -> bool:
    """False when the browser says another site started the request.

    Browsers send ``Sec-Fetch-Site``; the app's own hand-over is ``same-origin``. A browser
    without fetch metadata is judged by the host of its ``Origin`` or ``Referer``, and one that
    sends neither is let through (there is nothing to judge by).
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return True
    hosts = {request.headers.get("host", ""), request.headers.get("x-forwarded-host", "")}
    return urlsplit(source).netloc in {host.split(",")[0].strip() for host in hosts if host}


def _refused() -> Response:
    page = OTHER_SITE.format(home=_home())
    return HTMLResponse(page, status_code=403, headers=SESSION_HEADERS)


def _https(request: Request) -> bool:
    """True when the browser reached the app over HTTPS (directly or through a proxy)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _set_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    from workbench.services.sessions import COOKIE_NAME

    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=max_age,
        path="/",
        secure=_https(request),
        httponly=True,
        samesite="lax",
    )


def session_start(request: Request) -> Response:
    """``GET /wb/session/start?code=...&next=...``: the sign-in's cookie, then back to the app."""
    from workbench.config import SessionSettings
    from workbench.services import sessions
    from workbench.ui import auth, runtime

    if not from_this_site(request):
        return _refused()  # the code stays unused: it is its owner's, not this browser's
    db = runtime.get_db()
    code = request.query_params.get("code", "")
    with db.write() as session:
        token = sessions.redeem_code(session, secret=auth.session_secret(db), code=code)
    if token is None:
        page = USED_CODE.format(home=_home())
        return HTMLResponse(page, status_code=400, headers=SESSION_HEADERS)
    response = RedirectResponse(_next(request), status_code=303, headers=SESSION_HEADERS)
    _set_cookie(response, request, token, SessionSettings.from_env().lifetime_seconds)
    return response


def session_end(request: Request) -> Response:
    """``POST /wb/session/end``: delete this browser's session, clear its cookie, go home."""
    from workbench.services import sessions
    from workbench.ui import runtime

    if not from_this_site(request):
        return _refused()
    token = request.cookies.get(sessions.COOKIE_NAME, "")
    if token:
        with runtime.get_db().write() as session:
            sessions.end_session(session, token=token)
    response = RedirectResponse(_home(), status_code=303, headers=SESSION_HEADERS)
    _set_cookie(response, request, "", 0)
    return response


def signed_in(request: Request) -> bool:
    """True when the request carries the cookie of a live session of an active account."""
    from workbench.config import SessionSettings
    from workbench.services import sessions
    from workbench.ui import runtime

    token = request.cookies.get(sessions.COOKIE_NAME, "")
    if not token:
        return False
    settings = SessionSettings.from_env()
    return sessions.resolve(runtime.get_db(), token=token, settings=settings) is not None


def article_text(request: Request) -> Response:
    """``GET /wb/articles/{id}/text.json``: the sentences of one article for a signed-in account."""
    from workbench.ui.components.article_text import load_article

    if not signed_in(request):
        return PlainTextResponse("Sign in first.", status_code=401, headers=NO_STORE)
    article_id = str(request.path_params["article_id"])
    article = load_article(article_id) if len(article_id) <= MAX_ARTICLE_ID else None
    if article is None:
        return PlainTextResponse("No such article.", status_code=404, headers=NO_STORE)
    etag = f'"{article.version}"'
    # private: only the signed-in browser may keep it; no-cache: it asks again (a 304) on reopen.
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if _matches(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(article.payload, media_type="application/json", headers=headers)


def component_script(request: Request) -> Response:
    """``GET /wb/static/sentence_text.js``: the text component's script, cached for good."""
    etag = f'"{script_version()}"'
    current = request.query_params.get("v") == script_version()
    cache = "public, max-age=31536000, immutable" if current else "no-cache"
    headers = {"ETag": etag, "Cache-Control": cache}
    if _matches(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(script_source(), media_type="text/javascript", headers=headers)


class FrameHeaders:
    """ASGI middleware: every HTTP response says it may not be framed by any page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add ``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'`` to the response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(FRAME_HEADERS)
                policy = headers.get("content-security-policy")
                if policy is None:
                    headers["Content-Security-Policy"] = FRAME_ANCESTORS
                elif "frame-ancestors" not in policy:
                    headers["Content-Security-Policy"] = f"{policy}; {FRAME_ANCESTORS}"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def routes() -> list[BaseRoute]:
    """The routes the app serves beside Streamlit's own, the REST API among them."""
    from workbench.api import create_app
    from workbench.ui import runtime

    prefix = f"{base_path()}{ROUTE_PREFIX}"
    return [
        Route(f"{prefix}/session/start", session_start, methods=["GET"]),
        Route(f"{prefix}/session/end", session_end, methods=["POST"]),
        Route(f"{prefix}/articles/{{article_id}}/text.json", article_text, methods=["GET"]),
        Route(f"{prefix}/static/sentence_text.js", component_script, methods=["GET"]),
        Mount(f"{base_path()}{API_PREFIX}", app=create_app(runtime.get_db)),
    ]


def middleware() -> list[Middleware]:
    """The middleware wrapped around every request of the served app."""
    return [Middleware(FrameHeaders)]
