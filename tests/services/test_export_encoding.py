"""Exported lines are what orjson writes for the stored labels, whatever the text holds."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import select

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, Sentence, User
from workbench.domain.labels import Evidence, encode_evidence
from workbench.services.export import ExportOptions, export_dataset
from workbench.services.reviewer_labels import record_label
from workbench.services.users import create_user

ARTICLE = "000_b5ddb462525d61c6"
HOSTILE = 'He said "no"\nthen\t\x1f\x01 left </script> 😀 \u2028 \\ end'
# Created in this order, so user ids follow neither code point nor dictionary order.
NAMES = ["zoe", "Émile", "ana", "Zed", "bo\u00df"]
LABELS = ("verified", "disputed", "unsourced", "not_a_claim")


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "test-key")


def _evidence(index: int, user: int) -> list[Evidence]:
    items = [
        Evidence(url=f'https://e.example/{index}?q="{user}"', quote=HOSTILE, stance="refutes"),
        Evidence(url="https://e.example/ctx", quote="", stance="context", note=HOSTILE),
        Evidence(url="https://e.example/ref", stance="supports", sentence_ref="001_x:2"),
    ]
    return items[: (index + user) % 4]


def _label_everything(db: Database) -> None:
    with db.write() as session:
        users = [create_user(session, name=name).id for name in NAMES]
        for index in range(6):
            sentence = queries.sentence_at(session, article_id=ARTICLE, index=index)
            assert sentence is not None
            for n, user in enumerate(users):
                if (index + n) % 5 == 4:
                    continue  # not every reviewer labels every sentence
                label = "disputed" if n % 2 == 0 else LABELS[index % 4]
                record_label(
                    session,
                    user_id=user,
                    sentence_id=sentence.id,
                    label=label,
                    note=HOSTILE if (index + n) % 3 == 0 else "",
                    evidence=[] if label == "not_a_claim" else _evidence(index, n),
                )


def _complete(label: str, stances: list[str]) -> bool:
    """The design's evidence rule, written out: verified needs supports, disputed refutes."""
    needed = {"verified": "supports", "disputed": "refutes"}.get(label)
    return needed is None or needed in stances


def _expected_lines(db: Database) -> bytes:
    """annotations.jsonl as orjson writes it from the ORM objects, in reviewer name order."""
    with db.read() as session:
        rows = session.execute(
            select(Sentence, Annotation, User.name)
            .join(Annotation, Annotation.sentence_id == Sentence.id)
            .join(User, User.id == Annotation.user_id)
        ).all()
        records = sorted(
            (
                (s.article_id, s.index, name),
                {
                    "article": s.article_id,
                    "sentence": s.index,
                    "reviewer": name,
                    "label": a.label,
                    "note": a.note,
                    "evidence": [
                        {"url": e.url, "quote": e.quote, "stance": e.stance, "note": e.note}
                        | ({"sentence_ref": e.sentence_ref} if e.sentence_ref else {})
                        for e in a.evidence
                    ],
                    "evidence_complete": _complete(a.label, [e.stance for e in a.evidence]),
                    "guideline_version": a.guideline_version,
                    "sentence_text": s.text,
                },
            )
            for s, a, name in rows
        )
    return b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for _, r in records)


def test_annotation_lines_equal_orjson_of_the_stored_labels(
    seeded_db: Database, tmp_path: Path
) -> None:
    _label_everything(seeded_db)
    out = tmp_path / "out"
    export_dataset(seeded_db, out=out, options=ExportOptions(policy="majority", min_reviewers=1))
    expected = _expected_lines(seeded_db)
    assert (out / "annotations.jsonl").read_bytes() == expected
    assert b'"evidence_complete":false' in expected and b'"evidence_complete":true' in expected
    claims = [orjson.loads(line) for line in (out / "claims.jsonl").read_bytes().splitlines()]
    notes = {a["note"] for claim in claims for a in claim["annotations"]}
    assert HOSTILE in notes
    for claim in claims:
        reviewers = [a["reviewer"] for a in claim["annotations"]]
        assert reviewers == sorted(reviewers)


def test_anonymized_lines_are_in_pseudonym_order(seeded_db: Database, tmp_path: Path) -> None:
    _label_everything(seeded_db)
    out = tmp_path / "anon"
    export_dataset(seeded_db, out=out, options=ExportOptions(anonymize=True))
    lines = [orjson.loads(line) for line in (out / "annotations.jsonl").read_bytes().splitlines()]
    assert not {line["reviewer"] for line in lines} & set(NAMES)
    by_sentence: dict[int, list[str]] = {}
    for line in lines:
        by_sentence.setdefault(line["sentence"], []).append(line["reviewer"])
    assert all(names == sorted(names) for names in by_sentence.values())


def test_evidence_json_follows_every_change_of_a_label(seeded_db: Database) -> None:
    first = [Evidence(url="https://a.example", quote=HOSTILE, stance="refutes")]
    second = [Evidence(url="https://b.example", stance="supports", sentence_ref="x:1"), *first]
    with seeded_db.write() as session:
        user = create_user(session, name="ana").id
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=0)
        assert sentence is not None
        for evidence in (first, second, []):
            annotation = record_label(
                session, user_id=user, sentence_id=sentence.id, label="disputed", evidence=evidence
            )
            session.expire(annotation)
            assert annotation.evidence_json == encode_evidence(evidence)
            assert orjson.loads(annotation.evidence_json) == [
                {"url": e.url, "quote": e.quote, "stance": e.stance, "note": e.note}
                | ({"sentence_ref": e.sentence_ref} if e.sentence_ref else {})
                for e in annotation.evidence
            ]
