"""The settings module: defaults, variables, clear messages for bad values, the only reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench import config
from workbench.cli import app
from workbench.errors import InputError

PACKAGE = Path(config.__file__).resolve().parent
# cli.py copies the whole environment into the server it starts; it reads no setting from it.
ALLOWED_READERS = {PACKAGE / "config.py", PACKAGE / "cli.py"}
SETTINGS = (
    config.DATABASE_URL_ENV,
    config.POOL_SIZE_ENV,
    config.MAX_OVERFLOW_ENV,
    config.POOL_TIMEOUT_ENV,
    config.SESSION_KEY_FILE_ENV,
    config.PSEUDONYM_KEY_ENV,
    config.PSEUDONYM_KEY_FILE_ENV,
    config.EXPORTS_DIR_ENV,
    config.ALLOW_PRIVATE_FETCH_ENV,
    config.CLAIMREVIEW_ORG_NAME_ENV,
    config.CLAIMREVIEW_ORG_URL_ENV,
    config.CLAIMREVIEW_REVIEW_URL_ENV,
    config.CLAIMREVIEW_RATINGS_ENV,
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults(clean_env: pytest.MonkeyPatch) -> None:
    assert config.database_url() == "sqlite:///db/workbench.db"
    assert config.database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert config.exports_dir() == Path("exports")
    assert config.pseudonym_key() is None
    assert config.pseudonym_key_file() == Path("db") / "pseudonym.key"
    assert config.session_key_file("postgresql+psycopg://u@h/db") == Path("db") / "session.key"
    assert config.session_key_file("sqlite:///data/wb.db") == Path("data") / "session.key"
    assert config.allow_private_fetch() is False
    assert config.SessionSettings.from_env().lifetime_seconds == 8 * 3600


def test_variables_override_the_defaults(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv(config.DATABASE_URL_ENV, "sqlite:///elsewhere.db")
    clean_env.setenv(config.EXPORTS_DIR_ENV, str(tmp_path / "out"))
    clean_env.setenv(config.PSEUDONYM_KEY_ENV, "a secret")
    clean_env.setenv(config.PSEUDONYM_KEY_FILE_ENV, str(tmp_path / "p.key"))
    clean_env.setenv(config.SESSION_KEY_FILE_ENV, str(tmp_path / "s.key"))
    assert config.database_url() == "sqlite:///elsewhere.db"
    assert config.exports_dir() == tmp_path / "out"
    assert config.pseudonym_key() == b"a secret"
    assert config.pseudonym_key_file() == tmp_path / "p.key"
    assert config.session_key_file("sqlite:///data/wb.db") == tmp_path / "s.key"


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_allow_private_fetch_true(value: str) -> None:
    assert config.allow_private_fetch({config.ALLOW_PRIVATE_FETCH_ENV: value}) is True


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off"])
def test_allow_private_fetch_false(value: str) -> None:
    assert config.allow_private_fetch({config.ALLOW_PRIVATE_FETCH_ENV: value}) is False


def test_allow_private_fetch_refuses_other_values() -> None:
    with pytest.raises(InputError) as caught:
        config.allow_private_fetch({config.ALLOW_PRIVATE_FETCH_ENV: "maybe"})
    assert str(caught.value) == (
        "WORKBENCH_ALLOW_PRIVATE_FETCH must be one of 1, true, yes, on, 0, false, no, off, "
        "got 'maybe'"
    )


def test_a_bad_fetch_setting_is_one_line_on_the_command_line(
    clean_env: pytest.MonkeyPatch, database_url: str
) -> None:
    clean_env.setenv(config.ALLOW_PRIVATE_FETCH_ENV, "sometimes")
    result = CliRunner().invoke(app, ["--db", database_url, "ingest", "http://127.0.0.1:9/a"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: WORKBENCH_ALLOW_PRIVATE_FETCH must be one of 1, true, yes, on, 0, false, no, "
        "off, got 'sometimes'\n"
    )


def test_a_bad_pool_setting_is_one_line_on_the_command_line(
    clean_env: pytest.MonkeyPatch,
) -> None:
    # The pool is built before any connection is tried, so no server has to listen here.
    clean_env.setenv(config.POOL_SIZE_ENV, "many")
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none"
    result = CliRunner().invoke(app, ["--db", url, "init"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: WORKBENCH_DB_POOL_SIZE must be a whole number from 1 to 10000, got 'many'\n"
    )


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path not in ALLOWED_READERS
        and re.search(r"\bos\.(environ|getenv)\b", path.read_text(encoding="utf-8"))
    )
    assert readers == []


def test_claimreview_publisher_settings() -> None:
    assert config.ClaimReviewSettings.from_env({}) == config.ClaimReviewSettings("", "", "", ())
    settings = config.ClaimReviewSettings.from_env(
        {
            config.CLAIMREVIEW_ORG_NAME_ENV: " Desk Check ",
            config.CLAIMREVIEW_ORG_URL_ENV: "https://desk.example",
            config.CLAIMREVIEW_REVIEW_URL_ENV: "https://desk.example/r/{article}-{index}",
            config.CLAIMREVIEW_RATINGS_ENV: "verified=True, ,disputed=Wrong ",
        }
    )
    assert settings == config.ClaimReviewSettings(
        org_name="Desk Check",
        org_url="https://desk.example",
        review_url="https://desk.example/r/{article}-{index}",
        ratings=("verified=True", "disputed=Wrong"),
    )


def test_every_setting_is_in_the_readme_settings_table() -> None:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    for name in SETTINGS:
        assert f"`{name}`" in readme, name
