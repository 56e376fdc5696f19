"""The formats fact-checkers and researchers consume: ClaimReview as a publisher writes it,
CLEF CheckThat! TSV read as its scorer reads it, AVeriTeC JSON read back with json."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pandas as pd
import pytest
from sqlalchemy import select

from tests.exporters.labeled import A, B
from tests.exporters.test_claimreview import check_google_properties
from workbench import config
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, Article, GoldLabel, Sentence
from workbench.errors import InputError
from workbench.exporters.checkthat import CheckThatWriter
from workbench.exporters.schemas import load_schema
from workbench.services.export import ExportOptions, export_dataset, preview_export
from workbench.services.importer import import_labels

TEMPLATE = "https://desk.example/reviews/{article}-{index}"


@pytest.fixture(autouse=True)
def no_publisher_settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Each test starts without WORKBENCH_CLAIMREVIEW_* settings."""
    for name in (
        config.CLAIMREVIEW_ORG_NAME_ENV,
        config.CLAIMREVIEW_ORG_URL_ENV,
        config.CLAIMREVIEW_REVIEW_URL_ENV,
        config.CLAIMREVIEW_RATINGS_ENV,
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every record of a JSON Lines file."""
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def validate(records: list[Any], schema: str) -> None:
    """Validate each record against the packaged schema."""
    validator = jsonschema.Draft202012Validator(load_schema(schema))
    for record in records:
        validator.validate(record)


def test_claimreview_from_the_settings_carries_the_publisher_and_the_gold_label_date(
    corpus: Database, tmp_path: Path, no_publisher_settings: pytest.MonkeyPatch
) -> None:
    env = no_publisher_settings
    env.setenv(config.CLAIMREVIEW_ORG_NAME_ENV, "Desk Check")
    env.setenv(config.CLAIMREVIEW_ORG_URL_ENV, "https://desk.example")
    env.setenv(config.CLAIMREVIEW_REVIEW_URL_ENV, TEMPLATE)
    env.setenv(config.CLAIMREVIEW_RATINGS_ENV, "verified=Correct, disputed=Wrong")
    with corpus.write() as session:
        gold = session.scalars(select(GoldLabel)).one()
        gold.updated_at = datetime(2025, 6, 20, 23, 30, tzinfo=UTC)
        verified = session.scalars(
            select(Annotation.updated_at)
            .join(Sentence, Sentence.id == Annotation.sentence_id)
            .where(Sentence.article_id == A, Sentence.index == 0)
        ).all()
        article = session.get(Article, A)
        assert article is not None
        # The seed files carry neither outlet nor URL; a desk's articles do.
        article.outlet, article.url = "Daily Wire Service", "https://news.example/jets"
    newest = max(verified)
    newest = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
    out = tmp_path / "cr"
    options = ExportOptions(format="claimreview", policy="majority", org_url="https://x.example")
    manifest = export_dataset(corpus, out=out, options=options).manifest
    reviews = {r["identifier"]: r for r in read_jsonl(out / "claimreview.jsonl")}
    assert list(reviews) == [f"{A}:0", f"{A}:1", f"{A}:2", f"{B}:0"]  # not_a_claim left out
    validate(list(reviews.values()), "claimreview")
    # The adjudicated label: its own date, its rationale; every Google property present.
    check_google_properties(reviews[f"{A}:2"])
    assert reviews[f"{A}:2"]["datePublished"] == "2025-06-20"
    assert reviews[f"{A}:2"]["reviewBody"] == "ben's source holds"
    # A unanimous label: the day of the newest agreeing reviewer label; no rationale.
    assert reviews[f"{A}:0"]["datePublished"] == newest.astimezone(UTC).date().isoformat()
    assert "reviewBody" not in reviews[f"{A}:0"]
    for review in reviews.values():
        article, index = review["identifier"].split(":")
        assert review["url"] == f"https://desk.example/reviews/{article}-{index}"
        assert review["author"] == {
            "@type": "Organization",
            "name": "Desk Check",
            "url": "https://x.example",  # the option wins over the setting
        }
    assert reviews[f"{A}:0"]["itemReviewed"]["author"]["name"] == "Daily Wire Service"
    assert reviews[f"{A}:0"]["itemReviewed"]["appearance"][0]["url"] == "https://news.example/jets"
    assert reviews[f"{A}:0"]["itemReviewed"]["datePublished"] == "2025-06-04"
    ratings = {key: r["reviewRating"]["alternateName"] for key, r in reviews.items()}
    assert ratings == {
        f"{A}:0": "Correct",
        f"{A}:1": "Unproven",
        f"{A}:2": "Wrong",
        f"{B}:0": "Wrong",
    }
    assert manifest["publisher"] == {
        "name": "Desk Check",
        "url": "https://x.example",
        "review_url": TEMPLATE,
        "ratings": {"disputed": "Wrong", "unsourced": "Unproven", "verified": "Correct"},
    }
    validate([manifest], "manifest")
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "Reviews by Desk Check (https://x.example)" in card
    assert "`disputed` 1 = 'Wrong', `unsourced` 2 = 'Unproven', `verified` 3 = 'Correct'" in card


def test_claimreview_refuses_to_run_without_a_publisher_and_writes_nothing(
    corpus: Database, tmp_path: Path, no_publisher_settings: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cr"
    with pytest.raises(InputError) as caught:
        export_dataset(corpus, out=out, options=ExportOptions(format="claimreview"))
    message = str(caught.value)
    assert message.startswith(
        "a ClaimReview export is published by a fact-checking organisation and needs the "
        "organisation's name (set WORKBENCH_CLAIMREVIEW_ORG_NAME or pass --org-name"
    )
    assert "WORKBENCH_CLAIMREVIEW_REVIEW_URL" in message and "--review-url" in message
    no_publisher_settings.setenv(config.CLAIMREVIEW_ORG_NAME_ENV, "Desk")
    with pytest.raises(InputError) as caught:
        export_dataset(corpus, out=out, options=ExportOptions(format="claimreview"))
    assert "organisation's name" not in str(caught.value)
    assert "needs the review URL template" in str(caught.value)
    assert [path for path in tmp_path.iterdir() if "cr" in path.name] == []
    # Counting needs no publisher: the preview still works.
    assert preview_export(corpus, options=ExportOptions(format="claimreview")).claims == 3


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        (
            config.CLAIMREVIEW_REVIEW_URL_ENV,
            "https://desk.example/{id}",
            "WORKBENCH_CLAIMREVIEW_REVIEW_URL: review URL template has unknown placeholder(s) "
            "{id}; use {article}, {index}",
        ),
        (
            config.CLAIMREVIEW_RATINGS_ENV,
            "verified=True,false=False",
            "WORKBENCH_CLAIMREVIEW_RATINGS: unknown verdict 'false'",
        ),
        (
            config.CLAIMREVIEW_ORG_URL_ENV,
            "desk.example",
            "WORKBENCH_CLAIMREVIEW_ORG_URL: organisation URL must start with http",
        ),
    ],
)
def test_bad_publisher_settings_are_named_and_other_formats_ignore_them(
    corpus: Database,
    tmp_path: Path,
    no_publisher_settings: pytest.MonkeyPatch,
    setting: str,
    value: str,
    message: str,
) -> None:
    env = no_publisher_settings
    env.setenv(config.CLAIMREVIEW_ORG_NAME_ENV, "Desk")
    env.setenv(config.CLAIMREVIEW_REVIEW_URL_ENV, TEMPLATE)
    env.setenv(setting, value)
    with pytest.raises(InputError) as caught:
        export_dataset(corpus, out=tmp_path / "cr", options=ExportOptions(format="claimreview"))
    assert str(caught.value).startswith(message)
    manifest = export_dataset(corpus, out=tmp_path / "fever", options=ExportOptions(format="fever"))
    assert "publisher" not in manifest.manifest


def test_checkthat_tsv_reads_back_as_the_scorer_reads_it(corpus: Database, tmp_path: Path) -> None:
    out = tmp_path / "ct"
    options = ExportOptions(format="checkthat", policy="majority")
    manifest = export_dataset(corpus, out=out, options=options).manifest
    spec = load_schema("checkthat")
    frame = pd.read_csv(out / "checkthat.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert list(frame.columns) == spec["x-columns"]
    rows = frame.to_dict("records")
    validate(rows, "checkthat")
    labels = dict(zip(frame["Sentence_id"], frame["class_label"], strict=True))
    assert labels == {
        f"{A}:0": "Yes",
        f"{A}:1": "Yes",
        f"{A}:2": "Yes",
        f"{B}:0": "Yes",
        f"{B}:1": "No",  # not_a_claim
    }
    with corpus.read() as session:
        sentence = queries.sentence_at(session, article_id=B, index=1)
        assert sentence is not None
        assert frame.loc[frame["Sentence_id"] == f"{B}:1", "Text"].item() == sentence.text
    assert manifest["files"]["checkthat.tsv"]["records"] == 5
    validate([manifest], "manifest")
    card = (out / "README.md").read_text(encoding="utf-8")
    assert 'load_dataset("csv", data_files="checkthat.tsv", delimiter="\\t")' in card


def test_checkthat_quotes_tabs_quotes_and_line_breaks(tmp_path: Path) -> None:
    writer = CheckThatWriter(tmp_path)
    texts = ['He said "six jets".', "a\ttab", "two\nlines", '"quoted" start']
    for index, text in enumerate(texts):
        writer.write_claim({"id": f"x:{index}", "sentence": {"text": text}, "label": "verified"})
    writer.write_claim({"id": "x:9", "sentence": {"text": "Opinion."}, "label": "not_a_claim"})
    assert writer.close() == {"checkthat.tsv": 5}
    frame = pd.read_csv(tmp_path / "checkthat.tsv", sep="\t", dtype=str)
    assert list(frame["Text"]) == [*texts, "Opinion."]
    assert list(frame["class_label"]) == ["Yes"] * 4 + ["No"]


def _label_line(reviewer: str, evidence: list[dict[str, Any]]) -> bytes:
    return orjson.dumps(
        {
            "article": B,
            "sentence": 2,
            "reviewer": reviewer,
            "label": "verified",
            "evidence": evidence,
        }
    )


QUESTIONED = [
    {
        "url": "https://example.org/count",
        "quote": "six aircraft were lost",
        "stance": "supports",
        "question": "How many jets were lost?",
    },
    {"url": "https://example.org/other", "quote": "", "stance": "context", "note": "no date"},
    {
        "url": "https://example.org/denial",
        "quote": "",
        "stance": "refutes",
        "note": "the ministry denies any loss",
        "question": "Did the ministry confirm the losses?",
    },
]


def test_averitec_json_reads_back_with_its_labels_and_questions(
    corpus: Database, tmp_path: Path
) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_bytes(_label_line("dia", QUESTIONED) + b"\n" + _label_line("eli", QUESTIONED))
    import_labels(corpus, path=labels)
    out = tmp_path / "av"
    manifest = export_dataset(corpus, out=out, options=ExportOptions(format="averitec")).manifest
    claims = json.loads((out / "averitec.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(load_schema("averitec")).validate(claims)
    assert [c["label"] for c in claims] == [
        "Supported",  # A:0, unanimous verified
        "Refuted",  # A:2, adjudicated disputed
        "Refuted",  # B:0, unanimous disputed
        "Conflicting Evidence/Cherrypicking",  # B:2: verified, but refuting evidence too
    ]
    assert manifest["files"]["averitec.json"]["records"] == 4
    with corpus.read() as session:
        article = session.get(Article, B)
        sentence = queries.sentence_at(session, article_id=B, index=2)
        assert article is not None and sentence is not None
        article_url, outlet = article.url, article.outlet
        text = sentence.text
    assert claims[1]["justification"] == "ben's source holds"
    assert claims[0]["justification"] is None  # no editor wrote a rationale
    assert claims[3] == {
        "claim": text,
        "label": "Conflicting Evidence/Cherrypicking",
        "justification": None,
        "claim_date": "05-06-2025",
        "speaker": None,
        "original_claim_url": article_url or None,
        "reporting_source": outlet or None,
        "questions": [
            {
                "question": "How many jets were lost?",
                "answers": [
                    {
                        "answer": "six aircraft were lost",
                        "answer_type": "Extractive",
                        "source_url": "https://example.org/count",
                        "source_medium": "Web text",
                    }
                ],
            },
            {
                "question": "Did the ministry confirm the losses?",
                "answers": [
                    {
                        "answer": "the ministry denies any loss",
                        "answer_type": "Abstractive",
                        "source_url": "https://example.org/denial",
                        "source_medium": "Web text",
                    }
                ],
            },
        ],
    }
    assert all(c["questions"] == [] for c in claims[:3])  # no question was given there


def test_evidence_questions_round_trip_through_the_jsonl_export(
    corpus: Database, tmp_path: Path
) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_bytes(_label_line("dia", QUESTIONED) + b"\n" + _label_line("eli", QUESTIONED))
    import_labels(corpus, path=labels)
    out = tmp_path / "jsonl"
    export_dataset(corpus, out=out, options=ExportOptions())
    annotations = read_jsonl(out / "annotations.jsonl")
    validate(annotations, "annotation")
    dia = next(a for a in annotations if a["reviewer"] == "dia")
    assert [item.get("question") for item in dia["evidence"]] == [
        "How many jets were lost?",
        None,  # no question: the field is absent, not empty
        "Did the ministry confirm the losses?",
    ]
    assert "question" not in dia["evidence"][1]
    claims = {c["id"]: c for c in read_jsonl(out / "claims.jsonl")}
    validate(list(claims.values()), "claim")
    assert claims[f"{B}:2"]["evidence"][0]["question"] == "How many jets were lost?"
    # Items without a question are written exactly as before the field existed.
    assert all("question" not in item for item in claims[f"{A}:0"]["evidence"])
