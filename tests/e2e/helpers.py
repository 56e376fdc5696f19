"""Steps the end-to-end tests share: sign in, open an article, label with a shortcut."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect

from workbench.db import queries
from workbench.db.engine import Database

PASSWORD = "correct horse battery"
SCREENSHOTS_ENV = "WORKBENCH_SCREENSHOTS"
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass
class RunningApp:
    """A served app: its base URL and the database it uses."""

    url: str
    db: Database
    db_url: str


def screenshot(page: Page, name: str) -> None:
    """Save ``docs/screenshots/<name>.png`` when WORKBENCH_SCREENSHOTS is set (make screenshots)."""
    if not os.environ.get(SCREENSHOTS_ENV):
        return
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(600)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished the current run (no running indicator)."""
    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(idle).to_have_count(1, timeout=20_000)


def sign_in(page: Page, url: str, name: str, password: str) -> None:
    """Open ``url`` and sign in through the sign-in form."""
    page.goto(url)
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    wait_idle(page)


def sign_out(page: Page) -> None:
    """Press Sign out in the sidebar and wait for the sign-in form."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def sentence(page: Page, index: int):  # type: ignore[no-untyped-def]
    """The span of sentence ``index`` in the article text."""
    return page.locator(f".wb-s[data-index='{index}']")


def label_sentence(page: Page, index: int, key: str, saved: str) -> None:
    """Click sentence ``index`` in the text, press the label's shortcut, wait for the save."""
    sentence(page, index).click()
    expect(page.get_by_text(f"Sentence {index + 1} of", exact=False)).to_be_visible()
    wait_idle(page)
    page.keyboard.press(key)
    expect(page.get_by_text(f"Saved: {saved}")).to_be_visible()
    wait_idle(page)


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` (type it, then Enter).

    A rerun that lands while the list is open (the blur of the field filled just before sends
    its value) closes the list, so the box is opened again until the option shows.
    """
    # By its accessible name, exactly: "Role" must not also find another tab's "New role".
    box = page.get_by_role("combobox", name=label, exact=True)
    item = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        wait_idle(page)
        box.click()
        box.fill(option)
        try:
            expect(item).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    box.press("Enter")
    expect(box).to_have_value(option)


def add_evidence(page: Page, url: str, quote: str, stance: str) -> None:
    """Fill the evidence form of the selected sentence and submit it."""
    page.get_by_label("Source URL (http or https)").fill(url)
    quote_field = page.get_by_label("Quote (the exact passage)")
    quote_field.fill(quote)
    quote_field.blur()
    choose(page, "Stance", stance)
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("Evidence added")).to_be_visible()
    wait_idle(page)


def saved_label(db: Database, user: str, article: str, index: int) -> str | None:
    """The label ``user`` saved on one sentence, read from the database."""
    with db.read() as session:
        account = queries.user_by_name(session, name=user)
        row = queries.sentence_at(session, article_id=article, index=index)
        assert account is not None and row is not None
        annotation = queries.annotation_for(session, sentence_id=row.id, user_id=account.id)
        return annotation.label if annotation is not None else None
