"""Issue 7's whole flow in headless Chromium: admin, two reviewers, an editor, an export."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.e2e.helpers import (
    PASSWORD,
    RunningApp,
    add_evidence,
    choose,
    label_sentence,
    saved_label,
    screenshot,
    sentence,
    sign_in,
    sign_out,
    wait_idle,
)
from workbench.db.models import GoldLabel, Sentence

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ARTICLE = "001_905ae90385d1da76"


def _create_account(page: Page, name: str, role: str) -> None:
    page.get_by_label("Account name").fill(name)
    choose(page, "Role", role)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Created {role} account '{name}'.")).to_be_visible()
    wait_idle(page)


def _open_article(page: Page, app: RunningApp, who: str) -> None:
    sign_in(page, f"{app.url}/annotate?article={ARTICLE}", who, PASSWORD)
    expect(sentence(page, 0)).to_be_visible()
    wait_idle(page)


def test_team_flow_from_first_admin_to_exported_gold_label(
    serve_app: Callable[..., RunningApp], page: Page, tmp_path: Path
) -> None:
    app = serve_app(hostile=False)
    page.goto(app.url)
    page.get_by_label("Account name").fill("chief")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create admin account").click()
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()
    wait_idle(page)
    screenshot(page, "articles")

    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    for name, role in (("ana", "reviewer"), ("bob", "reviewer"), ("eve", "editor")):
        _create_account(page, name, role)
    screenshot(page, "users")
    sign_out(page)

    # Reviewer 1: three labels by keyboard, evidence on two of them, then a reload.
    _open_article(page, app, "ana")
    label_sentence(page, 4, "v", "verified")
    add_evidence(
        page, "https://example.org/un-briefing", "cooperation could reduce terrorism", "supports"
    )
    label_sentence(page, 5, "d", "disputed")
    add_evidence(
        page, "https://example.org/transcript", "spoke to the press on Wednesday", "refutes"
    )
    label_sentence(page, 6, "u", "unsourced")
    page.reload()  # the signed session cookie keeps ana signed in
    for index, code in ((4, "v"), (5, "d"), (6, "u")):
        expect(sentence(page, index)).to_have_attribute("data-label", code)
    sentence(page, 5).click()
    expect(page.get_by_text("Sentence 6 of 38")).to_be_visible()
    expect(page.get_by_role("link", name="example.org")).to_be_visible()
    wait_idle(page)
    screenshot(page, "annotate")
    sign_out(page)

    # Reviewer 2 sees none of that (blind) and labels two of the three differently.
    _open_article(page, app, "bob")
    expect(page.locator(".wb-s[data-label]")).to_have_count(0)
    label_sentence(page, 4, "d", "disputed")
    label_sentence(page, 5, "d", "disputed")
    label_sentence(page, 6, "n", "not a claim")
    assert [saved_label(app.db, "bob", ARTICLE, i) for i in (4, 5, 6)] == [
        "disputed",
        "disputed",
        "not_a_claim",
    ]
    assert [saved_label(app.db, "ana", ARTICLE, i) for i in (4, 5, 6)] == [
        "verified",
        "disputed",
        "unsourced",
    ]

    # A reviewer who opens editor pages by URL (still signed in: the cookie) is refused.
    for path, role in (("agreement", "editor"), ("adjudicate", "editor"), ("users", "admin")):
        page.goto(f"{app.url}/{path}")
        expect(page.get_by_text("Signed in as")).to_contain_text("bob")
        expect(
            page.get_by_text(f"This page needs the {role} role; your account is a reviewer.")
        ).to_be_visible()
        expect(page.get_by_role("link", name="Agreement")).to_have_count(0)

    # The editor: agreement charts, one adjudication, an export holding the gold label.
    sign_out(page)
    sign_in(page, f"{app.url}/agreement", "eve", PASSWORD)
    expect(page.get_by_role("heading", name="Agreement")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    wait_idle(page)
    screenshot(page, "agreement")

    page.get_by_role("link", name="Adjudicate").click()
    expect(page.get_by_role("heading", name="Adjudicate")).to_be_visible()
    page.get_by_test_id("stRadio").get_by_text("disputed", exact=True).click()
    page.get_by_label("Rationale").fill("the transcript gives a different figure")
    page.get_by_role("button", name="Save gold label").click()
    # The notice, not an idle page: the run the click starts may not have begun yet.
    expect(page.get_by_text("Gold label saved: disputed")).to_be_visible()
    wait_idle(page)
    screenshot(page, "adjudicate")
    with app.db.read() as session:
        gold = session.execute(
            select(Sentence.article_id, Sentence.index, GoldLabel.label).join(
                GoldLabel, GoldLabel.sentence_id == Sentence.id
            )
        ).all()
    assert len(gold) == 1 and gold[0][0] == ARTICLE and gold[0][1] in (4, 6)
    assert gold[0][2] == "disputed"
    gold_id = f"{ARTICLE}:{gold[0][1]}"

    page.get_by_role("link", name="Export").click()
    expect(page.get_by_role("heading", name="Export")).to_be_visible()
    page.get_by_role("button", name="Export").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download zip").click()
    archive = tmp_path / "export.zip"
    download_info.value.save_as(archive)
    screenshot(page, "export")
    with zipfile.ZipFile(archive) as bundle:
        name = next(n for n in bundle.namelist() if n.endswith("claims.jsonl"))
        claims = [json.loads(line) for line in bundle.read(name).decode().splitlines()]
    by_id = {claim["id"]: claim for claim in claims}
    assert by_id[gold_id]["label"] == "disputed"
    assert by_id[gold_id]["label_source"] == "adjudicated"
    assert by_id[gold_id]["rationale"] == "the transcript gives a different figure"
    assert by_id[f"{ARTICLE}:5"]["label"] == "disputed"  # unanimous between ana and bob
    assert by_id[f"{ARTICLE}:5"]["label_source"] == "unanimous"
