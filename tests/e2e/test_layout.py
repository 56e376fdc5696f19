"""In headless Chromium at 1024 px: the annotate text keeps a readable width and no panel
button is cut short; the toolbar shows no "Deploy" button, even served outside the project."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import PASSWORD, RunningApp, sentence, sign_in, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ARTICLE = "001_905ae90385d1da76"
# Keys of the panel's buttons: the four labels, then the navigation.
PANEL_BUTTONS = ("label_verified", "label_disputed", "label_unsourced", "label_not_a_claim",
                 "prev", "next", "prev_open", "next_open")  # fmt: skip
MIN_TEXT_COLUMN = 420  # px: about 60 characters of article text a line
MIN_PANEL_COLUMN = 280  # px: two label buttons side by side with their full names
# The text component renders in a shadow root: step out through its host to the outer column.
OUTER_COLUMN_WIDTH = """node => {
    const up = n => n.parentElement || (n.getRootNode() && n.getRootNode().host) || null;
    let column = null;
    for (let n = node; n; n = up(n)) {
        if (n.dataset && n.dataset.testid === "stColumn") column = n;
    }
    return column.getBoundingClientRect().width;
}"""
CLIPPED = """button => [button, ...button.querySelectorAll('*')].some(
    node => node.scrollWidth > node.clientWidth + 1)"""


def _open_annotate(page: Page, app: RunningApp) -> None:
    sign_in(page, app.url, "ana", PASSWORD)
    page.goto(f"{app.url}/annotate?article={ARTICLE}")
    expect(sentence(page, 0)).to_be_visible()
    wait_idle(page)


def _button(page: Page, key: str) -> Locator:
    return page.locator(f".st-key-wb_{key} button").first  # a fragment rerun may leave a copy


@pytest.mark.parametrize("width", [1024, 1400])
def test_annotate_text_and_panel_buttons_fit(
    serve_app: Callable[..., RunningApp], page: Page, width: int
) -> None:
    app = serve_app({"ana": "reviewer"}, hostile=False)
    page.set_viewport_size({"width": width, "height": 900})
    _open_annotate(page, app)
    text = float(sentence(page, 0).evaluate(OUTER_COLUMN_WIDTH))
    panel = float(_button(page, "label_verified").evaluate(OUTER_COLUMN_WIDTH))
    print(f"{width} px wide: text column {text:.0f} px, panel {panel:.0f} px")
    assert text >= MIN_TEXT_COLUMN and panel >= MIN_PANEL_COLUMN, (text, panel)
    clipped = [key for key in PANEL_BUTTONS if _button(page, key).evaluate(CLIPPED)]
    assert clipped == []  # every button shows its whole name ("Verified", not "V...")
    expect(_button(page, "label_not_a_claim")).to_contain_text("Not a claim")


def test_no_deploy_button_even_outside_the_project_folder(
    serve_app: Callable[..., RunningApp], page: Page
) -> None:
    app = serve_app({"ana": "reviewer"}, hostile=False, outside=True)
    _open_annotate(page, app)
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
    expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
    expect(page.get_by_test_id("stMainMenu")).to_have_count(0)  # no developer menu either
