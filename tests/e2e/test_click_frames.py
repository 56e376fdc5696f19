"""In headless Chromium: a keypress sends label codes, not the text; the text route; framing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, WebSocket, expect

from tests.e2e.helpers import PASSWORD, RunningApp, sentence, sign_in, wait_idle
from workbench.db import queries
from workbench.services.ingest import ingest_paths
from workbench.services.reviewer_labels import record_label

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ARTICLE = "001_905ae90385d1da76"
LONG = "long_article"
SENTENCES = 2_000
FRAME_BOUND = 16 * 1024  # bytes the browser may receive for one label keypress
MARKER = re.compile(rb"Q(\d{4})Z")
PLACES = ["Lahore", "Delhi", "Geneva", "Karachi", "Mumbai"]


def _long_article(folder: Path) -> Path:
    """A 2,000-sentence article (its title is sentence 0); sentence i carries ``Q{i:04d}Z``."""
    lines = [
        f"Officials in {PLACES[i % len(PLACES)]} reported that {100 + i * 7} people were "
        f"affected in week {i % 52 + 1}, according to statement Q{i:04d}Z."
        for i in range(1, SENTENCES)
    ]
    paragraphs = [" ".join(lines[i : i + 5]) for i in range(0, len(lines), 5)]
    path = folder / f"{LONG}.txt"
    path.write_text("A long report on the measures\n\n" + "\n\n".join(paragraphs) + "\n")
    return path


def _text_url(app: RunningApp, article: str) -> str:
    return f"{app.url}/wb/articles/{article}/text.json"


def test_a_keypress_on_a_long_article_sends_labels_not_the_text(
    serve_app: Callable[..., RunningApp], page: Page, tmp_path: Path
) -> None:
    app = serve_app({"ana": "reviewer"}, hostile=False)
    assert ingest_paths(app.db, sources=[str(_long_article(tmp_path))]).added == [LONG]
    with app.db.read() as session:
        assert queries.sentence_at(session, article_id=LONG, index=SENTENCES - 1) is not None
        assert queries.sentence_at(session, article_id=LONG, index=SENTENCES) is None
    frames: list[bytes] = []
    texts: list[Response] = []

    def watch(ws: WebSocket) -> None:
        ws.on("framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode()))

    page.on("websocket", watch)
    page.on("response", lambda r: texts.append(r) if "/text.json" in r.url else None)
    sign_in(page, f"{app.url}/annotate?article={LONG}", "ana", PASSWORD)
    expect(sentence(page, SENTENCES - 1)).to_have_text(re.compile("statement Q1999Z"))
    wait_idle(page)
    opened = sum(len(f) for f in frames)
    assert len(MARKER.findall(b"".join(frames))) < 5  # the open sent the panel, not the text

    sentence(page, 1200).click()
    expect(page.get_by_text(f"Sentence 1201 of {SENTENCES}")).to_be_visible()
    wait_idle(page)
    frames.clear()
    page.keyboard.press("v")
    expect(page.get_by_text("Saved: verified")).to_be_visible()
    expect(sentence(page, 1200)).to_have_attribute("data-label", "v")
    wait_idle(page)
    sent = b"".join(frames)
    assert 0 < len(sent) < FRAME_BOUND, f"{len(sent)} bytes for one keypress (open: {opened})"
    # Only the selected sentence itself (in the panel) may appear; the text is not sent again.
    assert {int(m) for m in MARKER.findall(sent)} <= {1200}
    assert sent.count(b"according to statement") <= 1
    assert [r.status for r in texts] == [200]  # fetched once for the open, not per click

    page.reload()  # a re-open asks again with the ETag and gets 304 Not Modified
    expect(sentence(page, 1200)).to_have_attribute("data-label", "v")
    assert len(texts) == 2
    etag = texts[0].all_headers()["etag"]
    assert texts[1].request.all_headers().get("if-none-match") == etag
    assert "content-type" not in texts[1].all_headers()  # a 304 (Chromium reports it as 200)


def test_text_route_needs_a_valid_cookie_gives_text_only_and_304(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app({"ana": "reviewer", "bob": "reviewer"}, hostile=False)
    url = _text_url(app, ARTICLE)
    assert page.request.get(url).status == 401  # no cookie at all
    page.context.add_cookies([{"name": "wb_session", "value": "1.1.forged", "url": app.url}])
    assert page.request.get(url).status == 401
    page.context.clear_cookies()
    sign_in(page, app.url, "ana", PASSWORD)
    first = page.request.get(url)
    assert first.status == 200
    assert first.headers["cache-control"] == "private, no-cache"
    etag = first.headers["etag"]
    body = first.json()
    assert set(body) == {"article", "parts", "tail"} and body["article"] == ARTICLE
    assert len(body["parts"]) == 38 and all(len(part) == 4 for part in body["parts"])
    again = page.request.get(url, headers={"If-None-Match": etag})
    assert again.status == 304 and again.body() == b""
    assert page.request.get(_text_url(app, "no-such-article")).status == 404

    with app.db.write() as session:  # another reviewer's label changes nothing in the text
        bob = queries.user_by_name(session, name="bob")
        row = queries.sentence_at(session, article_id=ARTICLE, index=0)
        assert bob is not None and row is not None
        record_label(session, user_id=bob.id, sentence_id=row.id, label="disputed")
    after = page.request.get(url)
    assert after.body() == first.body() and after.headers["etag"] == etag


def test_every_response_forbids_framing(serve_app: Callable[..., RunningApp], page: Page) -> None:
    app = serve_app()
    response = page.goto(app.url)
    assert response is not None
    for checked in (response, page.request.get(_text_url(app, ARTICLE))):
        assert checked.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in checked.headers["content-security-policy"]
    health = page.request.get(f"{app.url}/_stcore/health")
    assert health.headers["x-frame-options"] == "DENY"
    page.set_content(f'<iframe id="framed" src="{app.url}" width="600" height="400"></iframe>')
    page.wait_for_timeout(2_000)
    framed = page.frame_locator("#framed")
    expect(framed.locator('[data-testid="stApp"]')).to_have_count(0)
