"""The team benchmark's plan: which reviewer presses keys on which sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import _build, team


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    """A SQLite database holding the five demo articles, ingested through the command line."""
    url = f"sqlite:///{tmp_path / 'workbench.db'}"
    _build.run_cli(url, "init")
    _build.run_cli(url, "ingest", str(_build.SEEDS))
    return url


def test_every_reviewer_clicks_only_sentences_its_article_has(demo_url: str) -> None:
    counts = team.sentence_counts(demo_url)
    assert set(counts) == set(team.ARTICLES)
    plan = team.assignments(counts)
    assert [name for name, _article, _cycle in plan] == list(team.REVIEWERS)
    for _name, article, cycle in plan:
        assert 1 <= cycle <= counts[article]
        assert cycle == min(team.SENTENCES, counts[article])
    # the shortest demo article is shorter than the cycle: its two reviewers go round sooner
    shortest = min(counts, key=counts.__getitem__)
    assert counts[shortest] < team.SENTENCES
    assert {cycle for _name, article, cycle in plan if article == shortest} == {counts[shortest]}


def test_a_benchmark_article_missing_from_the_database_is_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    _build.run_cli(url, "init")
    with pytest.raises(_build.BuildError, match=team.ARTICLES[0]):
        team.sentence_counts(url)
