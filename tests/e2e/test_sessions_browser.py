"""In headless Chromium: sessions the server ends, whichever copy of the cookie comes back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import (
    PASSWORD,
    RunningApp,
    label_sentence,
    saved_label,
    sentence,
    sign_in,
    sign_out,
    wait_idle,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ARTICLE = "001_905ae90385d1da76"


def test_a_cookie_copied_before_sign_out_is_refused_after_it(
    serve_app: Callable[..., RunningApp], page: Page, browser: Browser
) -> None:
    app = serve_app({"ana": "reviewer"}, hostile=False)
    sign_in(page, app.url, "ana", PASSWORD)
    assert "wb_session" not in page.evaluate("document.cookie")
    copied = [c for c in page.context.cookies() if c["name"] == "wb_session"]
    assert len(copied) == 1 and copied[0]["httpOnly"] and copied[0]["sameSite"] == "Lax"
    page.reload()  # the server-set cookie keeps the session across a reload
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    assert "wb_session" not in page.evaluate("document.cookie")

    thief = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        thief.add_cookies(copied)  # type: ignore[arg-type]
        stolen = thief.new_page()
        stolen.goto(app.url)  # before sign-out the copy works: the same session
        expect(stolen.get_by_role("button", name="Sign out")).to_be_visible()
        stolen.close()

        sign_out(page)
        assert [c for c in page.context.cookies() if c["name"] == "wb_session"] == []
        stolen = thief.new_page()
        stolen.goto(f"{app.url}/annotate?article={ARTICLE}")
        expect(stolen.get_by_role("button", name="Sign in")).to_be_visible()
        expect(stolen.get_by_role("button", name="Sign out")).to_have_count(0)
        expect(stolen.locator(".wb-s")).to_have_count(0)
        text = stolen.request.get(f"{app.url}/wb/articles/{ARTICLE}/text.json")
        assert text.status == 401
    finally:
        thief.close()


def test_a_second_tab_cannot_save_after_sign_out(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app({"ana": "reviewer"}, hostile=False)
    sign_in(page, f"{app.url}/annotate?article={ARTICLE}", "ana", PASSWORD)
    label_sentence(page, 1, "v", "verified")

    second = page.context.new_page()  # another tab of the same browser
    second.goto(f"{app.url}/annotate?article={ARTICLE}")
    expect(sentence(second, 2)).to_be_visible()
    wait_idle(second)

    sign_out(page)
    sentence(second, 2).click()
    expect(second.get_by_role("button", name="Sign in")).to_be_visible()
    second.keyboard.press("d")
    expect(second.get_by_text("Saved: disputed")).to_have_count(0)
    assert saved_label(app.db, "ana", ARTICLE, 2) is None
    assert saved_label(app.db, "ana", ARTICLE, 1) == "verified"  # saved before sign-out
