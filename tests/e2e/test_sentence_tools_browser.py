"""In headless Chromium: an editor flags a sentence as boilerplate and the text shows it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import PASSWORD, RunningApp, sentence, sign_in, wait_idle
from workbench.db import queries

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ARTICLE = "001_905ae90385d1da76"


def test_editor_marks_boilerplate_and_the_text_greys_it_out(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app({"eve": "editor"}, hostile=False)
    sign_in(page, f"{app.url}/annotate?article={ARTICLE}&sentence=2", "eve", PASSWORD)
    expect(sentence(page, 2)).to_be_visible()
    expect(sentence(page, 2)).not_to_have_class(re.compile("wb-boilerplate"))
    page.get_by_text("Fix the text (editors)").click()
    toggle = page.get_by_role("switch", name="Boilerplate: not to be labeled")
    expect(toggle).not_to_be_checked()
    page.get_by_text("Boilerplate: not to be labeled").click()  # the label takes the click
    notice = page.get_by_text("An editor marked this sentence as boilerplate")
    expect(notice).to_be_visible(timeout=20_000)
    wait_idle(page)
    expect(sentence(page, 2)).to_have_class(re.compile("wb-boilerplate"), timeout=20_000)
    expect(sentence(page, 3)).not_to_have_class(re.compile("wb-boilerplate"))
    with app.db.read() as session:
        found = queries.sentence_at(session, article_id=ARTICLE, index=2)
        assert found is not None and found.boilerplate
