"""In headless Chromium: how the text component gets an article's text when the route refuses."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.helpers import PASSWORD, RunningApp, sentence, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ARTICLE = "001_905ae90385d1da76"
TEXT_ROUTE = "**/wb/articles/*/text.json*"
ERROR = ".wb-status.wb-error"


def test_text_refused_for_a_while_is_asked_again_until_it_arrives(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app({"ana": "reviewer"}, hostile=False)
    sign_in(page, app.url, "ana", PASSWORD)
    asked: list[float] = []

    def flaky(route: Route) -> None:
        # two requests dropped (a server restarting), two refused (a cookie not there yet)
        asked.append(time.monotonic())
        if len(asked) <= 2:
            route.abort("connectionreset")
        elif len(asked) <= 4:
            route.fulfill(status=401, body="Sign in first.")
        else:
            route.continue_()

    page.route(TEXT_ROUTE, flaky)
    page.goto(f"{app.url}/annotate?article={ARTICLE}")
    expect(sentence(page, 37)).to_be_visible(timeout=20_000)
    assert len(asked) == 5
    waits = [later - earlier for earlier, later in zip(asked, asked[1:], strict=False)]
    assert waits == sorted(waits) and waits[-1] >= 1.5  # each wait longer than the one before
    expect(page.locator(ERROR)).to_have_count(0)
    expect(page.locator(".wb-status")).to_have_text("")


def test_text_that_cannot_be_had_shows_an_error_in_place_of_the_text(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app({"ana": "reviewer"}, hostile=False)
    sign_in(page, app.url, "ana", PASSWORD)
    page.route(TEXT_ROUTE, lambda route: route.fulfill(status=404, body="No such article."))
    page.goto(f"{app.url}/annotate?article={ARTICLE}")
    error = page.locator(ERROR)
    # a refusal that cannot pass is not asked again for 30 s: the error shows at once
    expect(error).to_have_text(
        "The article text could not be loaded (HTTP 404). "
        "Reload the page; if this persists, sign in again.",
        timeout=5_000,
    )
    expect(error).to_be_visible()
    expect(page.locator(".wb-s")).to_have_count(0)
