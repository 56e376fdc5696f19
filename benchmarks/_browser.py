"""Serve the app and time it in headless Chromium: the shared part of the scale and team benchmarks.

"Idle" is: the app's script state is ``notRunning``, the page's own marker is there, and no
websocket frame went either way for ``QUIET`` seconds. The time reported is when the last
frame arrived (or the run ended, if later), not the end of the quiet window.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError

from benchmarks._build import PASSWORD, ROOT, workbench_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUIET = 0.3
PAGE_TIMEOUT_ENV = "WORKBENCH_SCALE_PAGE_TIMEOUT"
NOT_RUNNING = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ERRORS = (
    '[data-testid="stException"], [data-testid="stAlertContentError"], '
    '[role="dialog"]:has-text("Page not found"), .wb-status.wb-error'
)
ACTION_TIMEOUT_MS = 30_000  # a click or a fill; waits for idle have their own limit


class BrowserError(RuntimeError):
    """The app or the browser did not do what the benchmark waited for."""


FAILURES = (BrowserError, PlaywrightError)  # what one timed step may fail with


def page_timeout() -> float:
    """Seconds a page may take to become idle ($WORKBENCH_SCALE_PAGE_TIMEOUT, default 180)."""
    raw = os.environ.get(PAGE_TIMEOUT_ENV, "")
    try:
        return float(raw) if raw else 180.0
    except ValueError:
        raise BrowserError(f"{PAGE_TIMEOUT_ENV} must be a number, not {raw!r}") from None


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(url: str, key_file: Path, log: Path) -> Iterator[str]:
    """Run ``workbench serve`` on a free port; yield its base URL; stop it afterwards."""
    port = free_port()
    env = dict(
        os.environ,
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",
        WORKBENCH_SESSION_KEY_FILE=str(key_file),
        WORKBENCH_EXPORTS_DIR=str(log.parent / "exports"),
    )
    command = [*workbench_command(), "--db", url, "serve", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://localhost:{port}"
    try:
        _wait_healthy(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BrowserError(f"the app exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise BrowserError(f"the app did not answer /_stcore/health within 90 s (log: {log})")


@dataclass
class Tab:
    """One signed-in browser page that records when its websocket last carried a frame."""

    page: Any
    last_frame: float = field(default_factory=time.perf_counter)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("websocket", self._watch)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("console", self._log)
        self.page.on("requestfailed", lambda r: self.console.append(f"request failed: {r.url}"))
        self.page.on("response", self._response)

    def _log(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.console.append(f"console {message.type}: {message.text[:300]}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.console.append(f"HTTP {response.status}: {response.url}")

    def _watch(self, socket_: Any) -> None:
        def seen(_payload: Any) -> None:
            self.last_frame = time.perf_counter()

        socket_.on("framesent", seen)
        socket_.on("framereceived", seen)

    def wait_idle(self, started: float, ready: str | None = None) -> float:
        """Seconds from ``started`` until the app was idle (see the module docstring)."""
        page = self.page
        deadline = started + page_timeout()
        ended_at: float | None = None
        while True:
            now = time.perf_counter()
            if now > deadline:
                raise BrowserError(f"not idle within {page_timeout():.0f} s")
            running = page.locator(NOT_RUNNING).count() == 0
            missing = ready is not None and page.locator(ready).count() == 0
            if missing and page.locator(ERRORS).count():  # it will not come: say why now
                raise BrowserError(f"{ready} missing: {page.locator(ERRORS).first.inner_text()}")
            if running or missing:
                ended_at = None
            elif ended_at is None:
                ended_at = now
            if ended_at is not None and min(now - self.last_frame, now - ended_at) >= QUIET:
                return max(self.last_frame, ended_at) - started
            page.wait_for_timeout(40)

    def check_errors(self, what: str) -> None:
        """Raise when the page shows an exception or an error box, or threw in the browser."""
        shown = self.page.locator(ERRORS)
        if shown.count():
            self.errors.append(f"{what}: {shown.first.inner_text()[:300]}")
        if self.errors:
            raise BrowserError("; ".join(self.errors))

    def describe(self) -> str:
        """What the page shows and logged, for a failure report (never raises)."""
        lines = [*self.console[-20:]]
        try:
            lines.append(f"url: {self.page.url}")
            lines.append(f"spans: {self.page.locator('.wb-s').count()}")
            status = self.page.locator(".wb-status")
            if status.count():
                lines.append(f"text status: {status.first.inner_text()!r}")
            body = self.page.locator("body").inner_text(timeout=5000)
            lines.append("page text: " + " | ".join(body.split("\n")[:30])[:1500])
        except PlaywrightError as exc:
            lines.append(f"(page not readable: {str(exc).splitlines()[0]})")
        return "\n".join(lines)

    def open(self, url: str, ready: str | None = None) -> float:
        """Navigate to ``url``; seconds until idle."""
        started = time.perf_counter()
        self.last_frame = started
        self.page.goto(url)
        return self.wait_idle(started, ready)


def launch(playwright: Any) -> Any:
    """Headless system Chromium with the end-to-end tests' flags."""
    if not CHROMIUM.exists():
        raise BrowserError(f"{CHROMIUM} is missing; the browser benchmarks need system Chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def signed_in(browser: Any, base: str, name: str, action_timeout_ms: float | None = None) -> Tab:
    """A fresh browser context signed in as ``name`` through the sign-in form."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(action_timeout_ms or ACTION_TIMEOUT_MS)
    tab = Tab(page)
    page.goto(base)
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    tab.wait_idle(time.perf_counter())
    return tab


CODES = ("v", "d", "u", "n")


def keypress(tab: Tab, index: int) -> tuple[float, float, str]:
    """Select sentence ``index``, press a label key that changes it; (to highlight, idle, key)."""
    page = tab.page
    span = page.locator(f".wb-s[data-index='{index}']")
    span.click()
    page.get_by_text(f"Sentence {index + 1} of", exact=False).first.wait_for()
    tab.wait_idle(time.perf_counter())
    current = span.get_attribute("data-label")
    code = next(c for c in CODES if c != current)
    target = page.locator(f".wb-s[data-index='{index}'][data-label='{code}']")
    started = time.perf_counter()
    tab.last_frame = started
    page.keyboard.press(code)
    target.wait_for(timeout=page_timeout() * 1000)
    highlighted = time.perf_counter() - started
    return highlighted, tab.wait_idle(started), code
