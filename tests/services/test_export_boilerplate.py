"""Boilerplate sentences in exports: no gold label, no agreement, flagged in articles.jsonl."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson

from tests.exporters.labeled import EXPECTED, A
from workbench.db.engine import Database
from workbench.exporters.schemas import load_schema
from workbench.services.export import ExportOptions, export_dataset, preview_export
from workbench.services.sentence_edits import mark_boilerplate


def _lines(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_boilerplate_sentences_have_no_gold_but_keep_labels_and_a_flag(
    corpus: Database, tmp_path: Path
) -> None:
    plain = export_dataset(corpus, out=tmp_path / "plain", options=ExportOptions()).manifest
    with corpus.write() as session:
        for index in (0, 2):  # a unanimous gold label and an adjudicated one
            mark_boilerplate(session, actor_id=None, article_id=A, index=index)
    options = ExportOptions()
    preview = preview_export(corpus, options=options)
    result = export_dataset(corpus, out=tmp_path / "out", options=options)
    folder = result.folder

    claims = {str(record["id"]) for record in _lines(folder / "claims.jsonl")}
    assert claims == set(EXPECTED["unanimous", 2]) - {f"{A}:0", f"{A}:2"}
    annotations = _lines(folder / "annotations.jsonl")
    assert len(annotations) == plain["counts"]["annotations"]  # every label still exported
    assert {(r["article"], r["sentence"]) for r in annotations} >= {(A, 0), (A, 2)}
    articles = {str(r["id"]): r for r in _lines(folder / "articles.jsonl")}
    validator = jsonschema.Draft202012Validator(load_schema("article"))
    for record in articles.values():
        validator.validate(record)
    sentences = articles[A]["sentences"]
    assert isinstance(sentences, list)
    assert [s["index"] for s in sentences if s.get("boilerplate") is True] == [0, 2]
    assert all("boilerplate" not in s for s in sentences if s["index"] not in (0, 2))

    counts = result.manifest["counts"]
    assert counts["claims"] == plain["counts"]["claims"] - 2
    # Labels on boilerplate sentences count toward no agreement figure (5 of 14 labels).
    assert counts["annotations"] == plain["counts"]["annotations"] - 5
    agreement = result.manifest["agreement"]
    assert agreement["sentences_with_two_or_more_labels"] == (
        plain["agreement"]["sentences_with_two_or_more_labels"] - 2
    )
    assert preview.counts() == counts
    assert preview.label_distribution() == result.manifest["label_distribution"]
