"""URL ingest: internal addresses refused (every spelling, every hop), one deadline per fetch."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from workbench import config
from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import Article
from workbench.errors import InputError
from workbench.services import fetch
from workbench.services.fetch import REFUSED, FetchPolicy, is_public
from workbench.services.ingest import ingest_paths
from workbench.services.readers import fetch_url

PLAIN = b"Talks resume after the ceasefire\nOfficials met on Monday. They agreed to talk again."
OPEN = FetchPolicy(allow_private=True)
CLOSED = FetchPolicy(allow_private=False)


class _Handler(BaseHTTPRequestHandler):
    """A plain page, a redirect to any URL, and two servers that trickle one byte at a time."""

    requests: list[tuple[str, str]] = []

    def log_message(self, *args: object) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        _Handler.requests.append((self.path, self.headers.get("Host", "")))
        parts = urlsplit(self.path)
        if parts.path == "/plain":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(PLAIN)))
            self.end_headers()
            self.wfile.write(PLAIN)
        elif parts.path in ("/redirect", "/loop"):
            self.send_response(302)
            self.send_header("Location", parse_qs(parts.query).get("to", ["/loop"])[0])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif parts.path == "/trickle-body":  # headers at once, then one byte every 0.2 s
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "200")
            self.end_headers()
            self._trickle(b"a" * 200)
        elif parts.path == "/trickle-head":  # even the status line comes byte by byte
            self._trickle(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + b"a" * 100)

    def _trickle(self, data: bytes) -> None:
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.2)


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up on a trickling reply is expected here."""

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore errors of single requests."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def port(server: str) -> int:
    return int(server.rsplit(":", 1)[1])


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def _no_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.ALLOW_PRIVATE_FETCH_ENV, raising=False)
    _Handler.requests.clear()


def fetch_error(url: str, policy: FetchPolicy | None = None) -> str:
    with pytest.raises(InputError) as info:
        fetch_url(url, policy=policy)
    return str(info.value)


def test_loopback_is_refused_in_every_spelling(port: int, closed_port: int) -> None:
    spellings = [
        "127.0.0.1",
        "127.1",
        "0x7f000001",
        "2130706433",
        "0177.0.0.1",
        "localhost",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "0.0.0.0",
    ]
    for host in spellings:
        for number in (port, closed_port):  # open and closed ports read the same
            assert fetch_error(f"http://{host}:{number}/plain") == REFUSED, host
    assert fetch_error(f"https://127.0.0.1:{port}/plain") == REFUSED
    assert _Handler.requests == []  # refused before any connection


@pytest.mark.parametrize(
    "host",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "[fe80::1]",
        "[fc00::1]",
        "[ff02::1]",
        "[::]",
        "[2002:7f00:1::]",
    ],
)
def test_private_link_local_multicast_and_reserved_are_refused(host: str) -> None:
    assert fetch_error(f"http://{host}/") == REFUSED


def test_public_addresses_pass_the_check() -> None:
    for address in ("93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"):
        assert is_public(ipaddress.ip_address(address)), address
    for address in ("127.0.0.1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "fd00::1", "::1"):
        assert not is_public(ipaddress.ip_address(address)), address


def test_the_setting_or_the_policy_allows_loopback(
    server: str, port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    [draft] = fetch_url(f"http://127.1:{port}/plain", policy=OPEN)
    assert (draft.title, draft.url) == (
        "Talks resume after the ceasefire",
        f"http://127.1:{port}/plain",
    )
    monkeypatch.setenv(config.ALLOW_PRIVATE_FETCH_ENV, "1")
    [draft] = fetch_url(f"{server}/plain")
    assert draft.body == PLAIN.decode()


@pytest.fixture
def loopback_as_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.1 (only) as a public server, to test what happens on the next hop."""
    real = fetch.is_public
    monkeypatch.setattr(
        fetch,
        "is_public",
        lambda address: address == ipaddress.ip_address("127.0.0.1") or real(address),
    )


@pytest.mark.usefixtures("loopback_as_public")
def test_every_redirect_hop_is_checked(server: str, port: int) -> None:
    [draft] = fetch_url(f"{server}/redirect?to=/plain", policy=CLOSED)
    assert draft.url == f"{server}/plain"
    for target in (
        f"http://127.0.0.2:{port}/plain",
        f"http://[::1]:{port}/plain",
        f"http://0x7f000002:{port}/plain",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
    ):
        assert fetch_error(f"{server}/redirect?to={target}", CLOSED) == REFUSED, target
    assert [path for path, _ in _Handler.requests if path.startswith("/plain")] == ["/plain"]


def test_redirects_to_loopback_follow_when_allowed(server: str, port: int) -> None:
    [draft] = fetch_url(f"{server}/redirect?to=http://127.1:{port}/plain", policy=OPEN)
    assert draft.url == f"http://127.1:{port}/plain"
    too_many = f"too many redirects (more than {fetch.MAX_REDIRECTS})"
    assert fetch_error(f"{server}/loop", OPEN) == too_many


@pytest.mark.usefixtures("loopback_as_public")
def test_a_name_is_resolved_once_and_the_checked_address_is_used(
    port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: a second answer (an internal address) is never asked for or used."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host: str, *args: Any, **kwargs: Any) -> Any:
        if host != "news.test":
            return real(host, *args, **kwargs)
        answers.append("127.0.0.1" if not answers else "10.9.9.9")
        return real(answers[-1], *args, **kwargs)

    monkeypatch.setattr(fetch.socket, "getaddrinfo", rebinding)
    [draft] = fetch_url(f"http://news.test:{port}/plain", policy=CLOSED)
    assert draft.body == PLAIN.decode()
    assert answers == ["127.0.0.1"]
    assert _Handler.requests == [("/plain", f"news.test:{port}")]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-head"])
def test_a_trickling_server_is_cut_at_the_deadline(server: str, path: str) -> None:
    """One byte every 0.2 s: each read is quick, the whole fetch is not (40 s of data)."""
    policy = FetchPolicy(allow_private=True, deadline_s=1.0)
    started = time.monotonic()
    assert fetch_error(f"{server}{path}", policy) == "timed out after 1 s"
    assert time.monotonic() - started < 2.5


@pytest.mark.timeout(30)
def test_the_deadline_covers_redirects(server: str) -> None:
    policy = FetchPolicy(allow_private=True, deadline_s=1.0)
    started = time.monotonic()
    assert fetch_error(f"{server}/redirect?to=/trickle-body", policy) == "timed out after 1 s"
    assert time.monotonic() - started < 2.5


def test_a_trickling_server_is_refused_without_the_setting(server: str) -> None:
    assert fetch_error(f"{server}/trickle-body") == REFUSED
    assert fetch_error(f"{server}/redirect?to=/trickle-body") == REFUSED
    assert _Handler.requests == []


def test_ingest_refuses_and_stores_nothing(db: Database, server: str) -> None:
    report = ingest_paths(db, sources=[f"{server}/plain", f"{server}/redirect?to=/plain"])
    assert [str(error) for error in report.errors] == [
        f"{server}/plain: {REFUSED}",
        f"{server}/redirect?to=/plain: {REFUSED}",
    ]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0
    report = ingest_paths(db, sources=[f"{server}/plain"], fetch_policy=OPEN)
    assert (len(report.added), report.errors) == (1, [])


def cli_ingest(database_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", database_url, "ingest", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_allow_private_and_setting(
    db: Database, database_url: str, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{server}/redirect?to=/plain"
    assert cli_ingest(database_url, url) == (
        1,
        "0 article(s) added, 0 already present, 1 error(s)\n",
        f"error: {url}: {REFUSED}\n",
    )
    assert cli_ingest(database_url, "--allow-private", url)[:2] == (
        0,
        "1 article(s) added, 0 already present, 0 error(s)\n",
    )
    monkeypatch.setenv(config.ALLOW_PRIVATE_FETCH_ENV, "1")
    assert cli_ingest(database_url, url)[:2] == (
        0,
        "0 article(s) added, 1 already present, 0 error(s)\n",
    )
