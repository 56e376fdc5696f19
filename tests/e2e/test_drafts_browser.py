"""In headless Chromium: what a reviewer types before choosing a label survives J, K and reload."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.e2e.helpers import PASSWORD, RunningApp, saved_label, sign_in, wait_idle
from workbench.db import queries
from workbench.services import drafts

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ARTICLE = "001_905ae90385d1da76"
NOTE = "Figure differs from the ministry's own report."
SOURCE = "https://example.org/ministry-report"


def _draft(app: RunningApp, index: int) -> drafts.Draft | None:
    with app.db.read() as session:
        account = queries.user_by_name(session, name="ana")
        row = queries.sentence_at(session, article_id=ARTICLE, index=index)
        assert account is not None and row is not None
        return drafts.draft_of(session, user_id=account.id, sentence_id=row.id)


def test_a_note_typed_on_an_unlabeled_sentence_survives_j_k_and_a_reload(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app({"ana": "reviewer"}, hostile=False)
    sign_in(page, f"{app.url}/annotate?article={ARTICLE}", "ana", PASSWORD)
    first = page.get_by_text("Sentence 1 of 38")
    expect(first).to_be_visible()  # the first unlabeled sentence
    note = page.get_by_label("Note", exact=True)
    note.fill(NOTE)
    note.blur()  # a text area reaches the server when it loses focus
    expect(page.get_by_text("Note kept as a draft until you choose a label")).to_be_visible()
    wait_idle(page)
    url = page.get_by_label("Source URL (http or https)")
    url.fill(SOURCE)
    url.blur()
    wait_idle(page)

    page.keyboard.press("j")  # next unlabeled
    expect(first).to_have_count(0)
    wait_idle(page)
    expect(note).to_have_value("")  # another sentence, its own empty note
    page.keyboard.press("k")  # previous unlabeled: back to the first
    expect(first).to_be_visible()
    wait_idle(page)
    expect(note).to_have_value(NOTE)
    expect(url).to_have_value(SOURCE)

    page.reload()
    expect(page.get_by_text("Sentence 1 of 38")).to_be_visible()
    wait_idle(page)
    expect(page.get_by_label("Note", exact=True)).to_have_value(NOTE)
    expect(page.get_by_label("Source URL (http or https)")).to_have_value(SOURCE)
    assert _draft(app, 0) == drafts.Draft(NOTE, {"url": SOURCE, "stance": "supports"})

    page.keyboard.press("u")
    expect(page.get_by_text("Saved: unsourced")).to_be_visible()
    wait_idle(page)
    assert saved_label(app.db, "ana", ARTICLE, 0) == "unsourced"
    with app.db.read() as session:
        account = queries.user_by_name(session, name="ana")
        row = queries.sentence_at(session, article_id=ARTICLE, index=0)
        assert account is not None and row is not None
        annotation = queries.annotation_for(session, sentence_id=row.id, user_id=account.id)
        assert annotation is not None and annotation.note == NOTE
    assert _draft(app, 0) == drafts.Draft("", {"url": SOURCE, "stance": "supports"})
    expect(page.get_by_label("Source URL (http or https)")).to_have_value(SOURCE)


def test_a_reload_while_a_typed_note_is_unsent_asks_first_and_staying_keeps_it(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app({"ana": "reviewer"}, hostile=False)
    sign_in(page, f"{app.url}/annotate?article={ARTICLE}", "ana", PASSWORD)
    expect(page.get_by_text("Sentence 1 of 38")).to_be_visible()
    note = page.get_by_label("Note", exact=True)
    note.click()
    page.keyboard.type(NOTE)  # still in the field: Streamlit has not been sent the text
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.on("dialog", stay)
    page.evaluate("() => { setTimeout(() => location.reload(), 0); }")
    for _ in range(50):  # the browser asks asynchronously
        if asked:
            break
        page.wait_for_timeout(100)
    assert asked == ["beforeunload"]
    expect(note).to_have_value(NOTE)  # the page and the typed text are still there
    note.blur()  # now it reaches the server, and leaving no longer asks
    expect(page.get_by_text("Note kept as a draft until you choose a label")).to_be_visible()
    wait_idle(page)
    page.remove_listener("dialog", stay)
    page.reload()
    wait_idle(page)
    expect(page.get_by_label("Note", exact=True)).to_have_value(NOTE)
    assert asked == ["beforeunload"]
    assert _draft(app, 0) == drafts.Draft(NOTE, {})
