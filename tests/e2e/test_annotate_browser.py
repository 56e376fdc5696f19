"""In headless Chromium: first run, sign-in, labeling by keyboard, reload, hostile text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.e2e.helpers import (
    PASSWORD,
    RunningApp,
    label_sentence,
    saved_label,
    screenshot,
    sentence,
    sign_in,
    sign_out,
    wait_idle,
)
from workbench.db.models import AuditEntry, User

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ARTICLE = "001_905ae90385d1da76"


def test_first_run_admin_labels_with_a_shortcut_and_reload_keeps_it(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app()
    page.goto(app.url)
    expect(page.get_by_text("Welcome to the fact-check workbench")).to_be_visible()
    page.get_by_label("Account name").fill("chief")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create admin account").click()
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()
    wait_idle(page)

    page.get_by_role("link", name="Bilawal Bhutto calls for ISI").click()
    expect(sentence(page, 0)).to_be_visible()
    wait_idle(page)
    label_sentence(page, 2, "v", "verified")
    expect(sentence(page, 2)).to_have_attribute("data-label", "v")
    assert saved_label(app.db, "chief", ARTICLE, 2) == "verified"

    cookie = next(c for c in page.context.cookies() if c["name"] == "wb_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert not cookie["secure"]  # served over plain http here; over https it is Secure
    assert PASSWORD not in cookie["value"] and len(cookie["value"]) == 43
    assert "wb_session" not in page.evaluate("document.cookie")  # no script can read it
    page.reload()  # a new browser session: the session cookie keeps chief signed in
    expect(sentence(page, 2)).to_have_attribute("data-label", "v")
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    expect(page.get_by_text("Sentence 3 of 38")).to_be_visible()
    expect(page.get_by_role("button", name="Verified")).to_have_attribute("kind", "primary")
    with app.db.read() as session:
        chief = session.scalar(select(User).where(User.name == "chief"))
        audit = session.scalars(select(AuditEntry)).all()
    assert chief is not None and chief.role == "admin"
    assert [(a.actor_id, a.action, (a.new or {}).get("label")) for a in audit] == [
        (chief.id, "create", "verified")
    ]


def test_signed_out_link_signs_in_then_opens_the_page(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app({"ana": "reviewer"})
    page.goto(f"{app.url}/annotate?article={ARTICLE}&sentence=4")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_label("Account name").fill("ana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Sentence 5 of 38")).to_be_visible()
    page.reload()  # still signed in after a reload
    expect(page.get_by_text("Sentence 5 of 38")).to_be_visible()
    sign_out(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert [c for c in page.context.cookies() if c["name"] == "wb_session"] == []
    page.goto(f"{app.url}/annotate?article={ARTICLE}")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.locator(".wb-s")).to_have_count(0)


def test_hostile_markup_is_shown_as_text_and_runs_nothing(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app({"ana": "reviewer"})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, f"{app.url}/annotate?article=hostile", "ana", PASSWORD)
    expect(sentence(page, 2)).to_have_text(
        "A resident wrote <script>alert(1)</script> in the comment field."
    )
    expect(sentence(page, 3)).to_have_text(
        "Another posted <img src=x onerror=alert(1)> on the notice board."
    )
    label_sentence(page, 3, "u", "unsourced")
    expect(
        page.get_by_text("Another posted <img src=x onerror=alert(1)> on the notice board.").first
    ).to_be_visible()
    assert page.locator(".wb-text script, .wb-text img").count() == 0
    screenshot(page, "hostile")
    page.wait_for_timeout(500)
    assert dialogs == []
    assert saved_label(app.db, "ana", "hostile", 3) == "unsourced"
