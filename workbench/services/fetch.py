"""Fetching one web page for ingest: public addresses only, within one wall-clock deadline.

A URL given to ``workbench ingest`` may name, or redirect to, an address inside the network
the server sits in (a database port, a cloud metadata service). Every hop is resolved once,
every address it resolves to is checked, and the connection goes to the checked address, so
a name that resolves differently a moment later (DNS rebinding) cannot slip past the check.
The deadline covers resolving, connecting, every read and every redirect: a server that
trickles one byte at a time is cut off when it expires.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from workbench.config import ALLOW_PRIVATE_FETCH_ENV, allow_private_fetch
from workbench.errors import InputError

FETCH_DEADLINE_S = 20.0
MAX_PAGE_BYTES = 10_000_000
MAX_REDIRECTS = 5
USER_AGENT = "factcheck-workbench/0.1 (article ingest)"
REFUSED = (
    "refused: the address is not a public internet address (loopback, private, link-local, "
    f"multicast or reserved); --allow-private or {ALLOW_PRIVATE_FETCH_ENV}=1 allows it"
)
_REDIRECTS = (301, 302, 303, 307, 308)
_READ_BYTES = 65_536

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Which addresses a fetch may reach and how long the whole fetch may take."""

    allow_private: bool = False
    deadline_s: float = field(default_factory=lambda: FETCH_DEADLINE_S)

    @classmethod
    def from_env(cls, *, allow_private: bool = False) -> FetchPolicy:
        """The policy of ``allow_private`` or the environment's setting."""
        return cls(allow_private=allow_private or allow_private_fetch())


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched response body with its content type, charset and final URL."""

    body: bytes
    content_type: str
    charset: str | None
    url: str


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address (also inside an IPv6 mapping of IPv4)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour]
        if address.teredo is not None:
            embedded += list(address.teredo)
        if any(inner is not None and not is_public(inner) for inner in embedded):
            return False
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
    )


class _TimedOutError(Exception):
    """The fetch's deadline passed."""


class _Deadline:
    """The end of the whole fetch on the monotonic clock."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds still allowed; raises _TimedOutError when none are."""
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise _TimedOutError
        return remaining

    def expired(self) -> bool:
        """True once the deadline has passed."""
        return time.monotonic() >= self.end


def _resolve(host: str, port: int, deadline: _Deadline) -> list[str]:
    """Every address ``host`` resolves to (any IP spelling the C library accepts, or a name)."""
    result: list[Any] = []

    def lookup() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            result.append(exc)

    worker = threading.Thread(target=lookup, daemon=True)  # getaddrinfo takes no timeout
    worker.start()
    worker.join(deadline.left())
    if not result:
        raise _TimedOutError
    if isinstance(result[0], BaseException):
        raise InputError("could not fetch: host name not found") from None
    addresses = [str(info[4][0]).split("%", 1)[0] for info in result[0]]
    return list(dict.fromkeys(addresses))


def _checked_addresses(host: str, port: int, policy: FetchPolicy, deadline: _Deadline) -> list[str]:
    """The addresses to connect to; refused when any is not public (unless allowed)."""
    addresses = _resolve(host, port, deadline)
    if not addresses:
        raise InputError("could not fetch: host name not found")
    if not policy.allow_private and not all(
        is_public(ipaddress.ip_address(address)) for address in addresses
    ):
        raise InputError(REFUSED)
    return addresses


def _connect(addresses: list[str], port: int, deadline: _Deadline) -> socket.socket:
    """A connection to the first checked address that answers."""
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout=deadline.left())
        except TimeoutError:
            raise _TimedOutError from None
        except OSError:
            continue
    raise InputError("could not fetch: could not connect to the server")


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP over a socket opened beforehand to a checked address (never resolves again)."""

    def __init__(self, host: str, port: int, sock: socket.socket):
        super().__init__(host, port, timeout=sock.gettimeout())
        self._pinned = sock

    def connect(self) -> None:
        """Use the pinned socket."""
        self.sock = self._pinned


class _PinnedTLSConnection(http.client.HTTPSConnection):
    """HTTPS over a pinned socket; the certificate is checked against the URL's host name."""

    def __init__(self, host: str, port: int, sock: socket.socket):
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=sock.gettimeout(), context=self._tls)
        self._pinned = sock

    def connect(self) -> None:
        """Wrap the pinned socket in TLS for the URL's host name."""
        self.sock = self._tls.wrap_socket(self._pinned, server_hostname=self.host)


def _shut(sock: socket.socket) -> None:
    """Unblock a read in progress when the deadline passes."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _read_body(response: http.client.HTTPResponse, deadline: _Deadline) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_PAGE_BYTES:
        raise InputError(
            f"page is too large: {int(declared):,} bytes; the limit is {MAX_PAGE_BYTES:,}"
        )
    chunks: list[bytes] = []
    size = 0
    # read1 returns what one receive brings, so the deadline is checked between trickles.
    while chunk := response.read1(_READ_BYTES):
        size += len(chunk)
        if size > MAX_PAGE_BYTES:
            raise InputError(f"page is too large: over {MAX_PAGE_BYTES:,} bytes")
        chunks.append(chunk)
        deadline.left()
    if deadline.expired():  # the watchdog ended the read: what came is not the whole page
        raise _TimedOutError
    return b"".join(chunks)


def _hop(url: str, policy: FetchPolicy, deadline: _Deadline) -> str | Page:
    """One request: the page, or the URL a redirect points to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise InputError("URL has an invalid port") from None
    if not host:
        raise InputError("URL has no host name")
    sock = _connect(_checked_addresses(host, port, policy, deadline), port, deadline)
    watchdog = threading.Timer(deadline.left(), _shut, args=(sock,))
    watchdog.daemon = True
    watchdog.start()
    kind = _PinnedTLSConnection if scheme == "https" else _PinnedConnection
    connection = kind(host, port, sock)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        connection.request(
            "GET",
            target,
            headers={
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "identity",
                "Connection": "close",
            },
        )
        response = connection.getresponse()
        location = response.headers.get("Location")
        if response.status in _REDIRECTS and location:
            return urljoin(url, location.strip())
        if response.status >= 300:
            raise InputError(f"HTTP {response.status} {response.reason}")
        body = _read_body(response, deadline)
        headers = response.headers
        return Page(body, headers.get_content_type(), headers.get_content_charset(), url)
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        if deadline.expired() or isinstance(exc, TimeoutError):
            raise _TimedOutError from None
        if isinstance(exc, ssl.SSLError):
            raise InputError("could not fetch: TLS handshake failed") from None
        raise InputError(
            "could not fetch: the connection failed or the reply is not HTTP"
        ) from None
    finally:
        watchdog.cancel()
        connection.close()
        sock.close()


def fetch_page(url: str, policy: FetchPolicy) -> Page:
    """GET an http(s) URL under ``policy``, following up to MAX_REDIRECTS redirects."""
    deadline = _Deadline(policy.deadline_s)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme.lower() not in ("http", "https"):
                raise InputError("only http(s) URLs can be ingested")
            result = _hop(url, policy, deadline)
            if isinstance(result, Page):
                return result
            if urlsplit(result).scheme.lower() not in ("http", "https"):
                raise InputError(f"redirect to a non-http(s) URL refused: {result}")
            url = result
    except _TimedOutError:
        raise InputError(f"timed out after {policy.deadline_s:g} s") from None
    raise InputError(f"too many redirects (more than {MAX_REDIRECTS})")
