"""The Export page's ClaimReview publisher: the missing name is said, the fields make it run."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import orjson
import pytest
from streamlit.testing.v1 import AppTest

from tests.exporters.labeled import A
from workbench import config
from workbench.db.engine import Database
from workbench.domain.labels import Role
from workbench.ui import state
from workbench.ui.runtime import SignedIn

TEMPLATE = "https://desk.example/reviews/{article}-{index}"


def plain(markdown: str) -> str:
    """Text the page escaped for Markdown, as typed."""
    return markdown.replace("\\", "")


@pytest.fixture
def open_page(
    signed_in_page: Callable[[str, SignedIn], AppTest],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Callable[[SignedIn], AppTest]:
    """Factory: the export page signed in as the given account, no publisher settings."""
    monkeypatch.setenv(config.EXPORTS_DIR_ENV, str(tmp_path / "exports"))
    for name in (
        config.CLAIMREVIEW_ORG_NAME_ENV,
        config.CLAIMREVIEW_ORG_URL_ENV,
        config.CLAIMREVIEW_REVIEW_URL_ENV,
        config.CLAIMREVIEW_RATINGS_ENV,
    ):
        monkeypatch.delenv(name, raising=False)
    return partial(signed_in_page, "export.py")


def test_claimreview_needs_a_publisher_then_exports_with_the_typed_one(
    corpus: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page: Callable[[SignedIn], AppTest],
    tmp_path: Path,
) -> None:
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    at.selectbox(key="wb_export_format").set_value("claimreview").run()
    assert not at.exception
    warnings = [plain(w.value) for w in at.warning]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "a ClaimReview export is published by a fact-checking organisation and needs the "
        "organisation's name (set WORKBENCH_CLAIMREVIEW_ORG_NAME or pass --org-name; on the "
        "Export page, Organisation name)"
    )
    assert at.button(key="wb_export_run").disabled
    assert at.metric[0].label == "Articles"  # the preview counts still show
    at.text_input(key=state.EXPORT_ORG_NAME).input("Desk Check")
    at.text_input(key=state.EXPORT_REVIEW_URL).input(TEMPLATE)
    at.text_input(key=state.EXPORT_RATINGS).input("verified=Correct, disputed=Wrong").run()
    assert not at.warning
    assert not at.button(key="wb_export_run").disabled
    at.button(key="wb_export_run").click().run(timeout=60)
    assert not at.exception and not at.error
    folder = tmp_path / "exports" / "claimreview-unanimous-min2"
    reviews = [
        orjson.loads(line) for line in (folder / "claimreview.jsonl").read_bytes().splitlines()
    ]
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Correct", "Wrong", "Wrong"]
    assert reviews[0]["url"] == f"https://desk.example/reviews/{A}-0"
    assert reviews[0]["author"] == {"@type": "Organization", "name": "Desk Check"}


def test_a_bad_template_typed_on_the_page_is_named(
    corpus: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page: Callable[[SignedIn], AppTest],
) -> None:
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    at.selectbox(key="wb_export_format").set_value("claimreview").run()
    at.text_input(key=state.EXPORT_ORG_NAME).input("Desk")
    at.text_input(key=state.EXPORT_REVIEW_URL).input("https://desk.example/{slug}").run()
    assert [plain(w.value) for w in at.warning] == [
        "--review-url: review URL template has unknown placeholder(s) {slug}; "
        "use {article}, {index}"
    ]
    assert at.button(key="wb_export_run").disabled


def test_settings_fill_the_publisher_and_other_formats_show_no_fields(
    corpus: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page: Callable[[SignedIn], AppTest],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(config.CLAIMREVIEW_ORG_NAME_ENV, "Desk")
    monkeypatch.setenv(config.CLAIMREVIEW_REVIEW_URL_ENV, TEMPLATE)
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    assert not [t for t in at.text_input if t.key == state.EXPORT_ORG_NAME]
    at.selectbox(key="wb_export_format").set_value("claimreview").run()
    assert not at.warning
    assert "Desk (from WORKBENCH_CLAIMREVIEW_ORG_NAME)" in (
        at.text_input(key=state.EXPORT_ORG_NAME).placeholder
    )
    assert not at.button(key="wb_export_run").disabled
