"""``workbench export`` of the publishing and research formats: options, messages, files."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from tests.exporters.labeled import A
from workbench import config
from workbench.cli import app
from workbench.db.engine import Database

runner = CliRunner()
TEMPLATE = "https://desk.example/reviews/{article}-{index}"


@pytest.fixture(autouse=True)
def no_publisher_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No WORKBENCH_CLAIMREVIEW_* setting from the environment the tests run in."""
    for name in (
        config.CLAIMREVIEW_ORG_NAME_ENV,
        config.CLAIMREVIEW_ORG_URL_ENV,
        config.CLAIMREVIEW_REVIEW_URL_ENV,
        config.CLAIMREVIEW_RATINGS_ENV,
    ):
        monkeypatch.delenv(name, raising=False)


def test_claimreview_with_publisher_options(
    corpus: Database, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "cr"
    result = runner.invoke(
        app,
        ["--db", database_url, "export", "--format", "claimreview", "--out", str(out)]
        + ["--org-name", "Desk Check", "--org-url", "https://desk.example"]
        + ["--review-url", TEMPLATE, "--rating", "verified=Correct", "--rating", "disputed=Wrong"],
    )
    assert result.exit_code == 0, result.output
    reviews = [orjson.loads(line) for line in (out / "claimreview.jsonl").read_bytes().splitlines()]
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Correct", "Wrong", "Wrong"]
    assert reviews[0]["url"] == f"https://desk.example/reviews/{A}-0"
    assert reviews[0]["author"] == {
        "@type": "Organization",
        "name": "Desk Check",
        "url": "https://desk.example",
    }
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["publisher"]["ratings"]["unsourced"] == "Unproven"


def test_claimreview_without_an_organisation_says_which_setting_and_option(
    corpus: Database, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "cr"
    result = runner.invoke(
        app,
        ["--db", database_url, "export", "--format", "claimreview", "--out", str(out)]
        + ["--review-url", TEMPLATE],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "error: a ClaimReview export is published by a fact-checking organisation and needs "
        "the organisation's name (set WORKBENCH_CLAIMREVIEW_ORG_NAME or pass --org-name; on "
        "the Export page, Organisation name)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rating", "maybe=Half true"], "error: --rating: unknown verdict 'maybe'"),
        (
            ["--review-url", "https://desk.example/{slug}"],
            "error: --review-url: review URL template has unknown placeholder(s) {slug}; "
            "use {article}, {index}",
        ),
        (["--org-url", "javascript:alert(1)"], "error: --org-url: organisation URL must start"),
    ],
)
def test_bad_publisher_options_exit_1(
    corpus: Database, database_url: str, tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(
        app,
        ["--db", database_url, "export", "--format", "claimreview", "--out", str(tmp_path / "cr")]
        + ["--org-name", "Desk", "--review-url", TEMPLATE, *args],
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(message)


def test_claimreview_from_the_settings_needs_no_option(
    corpus: Database, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.CLAIMREVIEW_ORG_NAME_ENV, "Desk")
    monkeypatch.setenv(config.CLAIMREVIEW_REVIEW_URL_ENV, TEMPLATE)
    monkeypatch.setenv(config.CLAIMREVIEW_RATINGS_ENV, "unsourced=Unsupported")
    out = tmp_path / "cr"
    result = runner.invoke(
        app,
        ["--db", database_url, "export", "--format", "claimreview", "--out", str(out)]
        + ["--policy", "majority"],
    )
    assert result.exit_code == 0, result.output
    text = (out / "claimreview.jsonl").read_text()
    assert '"alternateName":"Unsupported"' in text and '"name":"Desk"' in text


@pytest.mark.parametrize(
    ("fmt", "data_file"), [("checkthat", "checkthat.tsv"), ("averitec", "averitec.json")]
)
def test_research_formats_export_from_the_command_line(
    corpus: Database, database_url: str, tmp_path: Path, fmt: str, data_file: str
) -> None:
    out = tmp_path / fmt
    result = runner.invoke(
        app, ["--db", database_url, "export", "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [data_file, "README.md", "manifest.json"]
    )
    assert json.loads((out / "manifest.json").read_text())["format"] == fmt


def test_export_help_lists_the_new_formats_and_options() -> None:
    result = runner.invoke(app, ["export", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for word in ("checkthat", "averitec", "--org-name", "--org-url", "--review-url", "--rating"):
        assert word in result.stdout
