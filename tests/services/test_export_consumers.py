"""The exports load in the tools researchers use: Hugging Face ``datasets`` (offline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exporters.labeled import A
from workbench.db.engine import Database
from workbench.services.export import ExportOptions, export_dataset


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No network for ``datasets`` and a cache inside the test's folder."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "consumer-test")
    return tmp_path / "hf-cache"


def test_load_dataset_reads_jsonl_and_parquet(
    corpus: Database,
    tmp_path: Path,
    offline: Path,
) -> None:
    from datasets import load_dataset

    options = {"policy": "majority", "anonymize": True}
    export_dataset(corpus, out=tmp_path / "j", options=ExportOptions(**options))  # type: ignore[arg-type]
    export_dataset(
        corpus,
        out=tmp_path / "p",
        options=ExportOptions(format="parquet", **options),  # type: ignore[arg-type]
    )
    claims = load_dataset(
        "json",
        data_files=str(tmp_path / "j" / "claims.jsonl"),
        split="train",
        cache_dir=str(offline),
    )
    assert claims.num_rows == 5
    assert claims[0]["id"] == f"{A}:0" and claims[0]["label"] == "verified"
    assert claims[0]["annotations"][0]["label"] == "verified"
    labels = load_dataset(
        "json",
        data_files=str(tmp_path / "j" / "annotations.jsonl"),
        split="train",
        cache_dir=str(offline),
    )
    assert labels.num_rows == 14
    articles = load_dataset(
        "json",
        data_files=str(tmp_path / "j" / "articles.jsonl"),
        split="train",
        cache_dir=str(offline),
    )
    assert articles.num_rows == 5
    parquet = load_dataset(
        "parquet",
        data_files=str(tmp_path / "p" / "claims.parquet"),
        split="train",
        cache_dir=str(offline),
    )
    assert parquet.num_rows == 5
    assert parquet["id"] == claims["id"]
    assert parquet[2]["label_source"] == "adjudicated"
    assert parquet[0]["agreement"] == {"reviewers": 3, "observed_agreement": 1.0}


def test_load_dataset_reads_checkthat_and_averitec_as_their_cards_say(
    corpus: Database,
    tmp_path: Path,
    offline: Path,
) -> None:
    from datasets import load_dataset

    for fmt in ("checkthat", "averitec"):
        export_dataset(
            corpus, out=tmp_path / fmt, options=ExportOptions(format=fmt, policy="majority")
        )
    card = (tmp_path / "checkthat" / "README.md").read_text(encoding="utf-8")
    assert 'load_dataset("csv", data_files="checkthat.tsv", delimiter="\\t")' in card
    rows = load_dataset(
        "csv",
        data_files=str(tmp_path / "checkthat" / "checkthat.tsv"),
        delimiter="\t",
        split="train",
        cache_dir=str(offline),
    )
    assert rows.column_names == ["Sentence_id", "Text", "class_label"]
    assert rows["class_label"] == ["Yes", "Yes", "Yes", "Yes", "No"]
    assert 'load_dataset("json", data_files="averitec.json")' in (
        (tmp_path / "averitec" / "README.md").read_text(encoding="utf-8")
    )
    claims = load_dataset(
        "json",
        data_files=str(tmp_path / "averitec" / "averitec.json"),
        split="train",
        cache_dir=str(offline),
    )
    assert claims["label"] == ["Supported", "Not Enough Evidence", "Refuted", "Refuted"]
