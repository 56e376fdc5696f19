"""One evidence policy: labels saved before their evidence are stored, flagged and round-trip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from sqlalchemy import select

from tests.conftest import SEEDS
from tests.exporters.labeled import SUPPORT, A, B
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.evidence import evidence_of
from workbench.db.labels import gold_for
from workbench.db.models import AuditEntry, GoldLabel
from workbench.domain.labels import Evidence, evidence_complete
from workbench.errors import InputError
from workbench.exporters.schemas import load_schema
from workbench.services import reviewer_labels
from workbench.services.adjudicate import adjudicate, bulk_accept_unanimous
from workbench.services.export import ExportOptions, export_dataset
from workbench.services.importer import ImportRejectedError, import_labels
from workbench.services.ingest import ingest_paths
from workbench.services.reviewer_labels import record_label
from workbench.services.users import create_user

CONTEXT = Evidence(url="https://example.org/background", stance="context")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def _line(**fields: object) -> bytes:
    return orjson.dumps(fields) + b"\n"


def _sentence_id(db: Database, article: str, index: int) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=article, index=index)
        assert sentence is not None
        return sentence.id


@pytest.fixture
def unfinished(corpus: Database) -> Database:
    """The labeled corpus plus a desk's unfinished work: verdicts saved before their evidence.

    A:5 verified by ana and ben without evidence (a unanimous, incomplete gold label), B:2
    disputed by ana with only supporting evidence, and B:3 adjudicated verified with only
    context evidence (an incomplete gold label with a rationale).
    """
    a5, b2, b3 = (_sentence_id(corpus, *at) for at in ((A, 5), (B, 2), (B, 3)))
    with corpus.write() as session:
        ana = queries.user_by_name(session, name="ana")
        ben = queries.user_by_name(session, name="ben")
        editor = queries.user_by_name(session, name="ed")
        assert ana is not None and ben is not None and editor is not None
        record_label(session, user_id=ana.id, sentence_id=a5, label="verified")
        record_label(session, user_id=ben.id, sentence_id=a5, label="verified", note="later")
        record_label(session, user_id=ana.id, sentence_id=b2, label="disputed", evidence=[SUPPORT])
        adjudicate(
            session,
            editor_id=editor.id,
            sentence_id=b3,
            label="verified",
            rationale="wire copy, <i>source</i> to be linked",
            evidence=[CONTEXT],
        )
    return corpus


@pytest.fixture
def empty_db(db: Database, database_url: str, tmp_path: Path) -> Iterator[Database]:
    """A second migrated, empty database on the same backend as ``db``."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from workbench.db.migrate import upgrade

    admin = None
    if db.is_sqlite:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        parsed = make_url(database_url)
        name = f"{parsed.database}_ev"
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = parsed.set(database=name).render_as_string(hide_password=False)
    fresh = Database.from_url(url)
    upgrade(fresh.engine)
    yield fresh
    fresh.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_exports_flag_incomplete_labels_and_count_them(
    unfinished: Database, tmp_path: Path
) -> None:
    manifest = export_dataset(
        unfinished, out=tmp_path / "out", options=ExportOptions(policy="majority")
    ).manifest
    annotations = _jsonl(tmp_path / "out" / "annotations.jsonl")
    flags = {
        (a["article"], a["sentence"], a["reviewer"]): a["evidence_complete"] for a in annotations
    }
    assert [key for key, complete in flags.items() if not complete] == [
        (A, 5, "ana"),
        (A, 5, "ben"),
        (B, 2, "ana"),
    ]
    assert flags[(A, 0, "ana")] is True and flags[(A, 3, "ana")] is True  # not_a_claim
    claims = {c["id"]: c for c in _jsonl(tmp_path / "out" / "claims.jsonl")}
    assert claims[f"{A}:5"]["evidence_complete"] is False
    assert claims[f"{A}:5"]["rationale"] is None  # follows from agreement, nobody wrote one
    assert claims[f"{B}:3"]["evidence_complete"] is False
    assert claims[f"{B}:3"]["rationale"] == "wire copy, <i>source</i> to be linked"
    assert claims[f"{A}:2"]["evidence_complete"] is True
    assert claims[f"{A}:2"]["rationale"] == "ben's source holds"
    assert claims[f"{A}:0"]["evidence_complete"] is True
    for name, schema in (("annotations", "annotation"), ("claims", "claim")):
        validator = jsonschema.Draft202012Validator(load_schema(schema))
        for record in _jsonl(tmp_path / "out" / f"{name}.jsonl"):
            validator.validate(record)
    jsonschema.Draft202012Validator(load_schema("manifest")).validate(manifest)
    assert manifest["require_evidence"] is False
    counts = manifest["counts"]
    assert (counts["incomplete_annotations"], counts["incomplete_claims"]) == (3, 2)
    assert counts["incomplete_claims_left_out"] == 0
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "Incomplete reviewer labels: 3; incomplete gold labels in the data: 2." in card
    assert '`"evidence_complete": false`' in card


def test_require_evidence_leaves_incomplete_gold_labels_out(
    unfinished: Database, tmp_path: Path
) -> None:
    options = ExportOptions(policy="majority", require_evidence=True)
    result = export_dataset(unfinished, out=tmp_path / "out", options=options)
    claims = {c["id"]: c for c in _jsonl(tmp_path / "out" / "claims.jsonl")}
    assert f"{A}:5" not in claims and f"{B}:3" not in claims
    assert {f"{A}:0", f"{A}:1", f"{A}:2", f"{B}:0", f"{B}:1"} <= set(claims)
    assert all(claim["evidence_complete"] for claim in claims.values())
    counts = result.manifest["counts"]
    assert counts["claims"] == len(claims)
    assert (counts["incomplete_claims"], counts["incomplete_claims_left_out"]) == (0, 2)
    assert counts["incomplete_annotations"] == 3  # reviewer labels are all still exported
    assert result.manifest["require_evidence"] is True
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "`--require-evidence`: 2 incomplete gold label(s) were left out." in card


def test_claimreview_carries_the_rationale_as_review_body(
    unfinished: Database, tmp_path: Path
) -> None:
    options = ExportOptions(
        format="claimreview",
        org_name="Desk",
        review_url="https://factcheck.example/reviews/{article}-{index}",
    )
    export_dataset(unfinished, out=tmp_path / "cr", options=options)
    reviews = {r["identifier"]: r for r in _jsonl(tmp_path / "cr" / "claimreview.jsonl")}
    assert reviews[f"{A}:2"]["reviewBody"] == "ben's source holds"
    assert reviews[f"{B}:3"]["reviewBody"] == "wire copy, <i>source</i> to be linked"
    assert "reviewBody" not in reviews[f"{A}:0"]  # unanimous: no editor wrote a rationale
    validator = jsonschema.Draft202012Validator(load_schema("claimreview"))
    for review in reviews.values():
        validator.validate(review)


def test_import_accepts_incomplete_labels_with_one_warning_each(
    seeded_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_bytes(
        _line(article=A, sentence=0, reviewer="ana", label="verified")
        + _line(article=A, sentence=1, reviewer="ana", label="unsourced")
        + _line(
            article=A,
            sentence=2,
            reviewer="ben",
            label="disputed",
            evidence=[{"url": "https://example.org/s", "stance": "supports"}],
            evidence_complete=False,
        )
        + _line(
            article=A,
            sentence=3,
            reviewer="ben",
            label="verified",
            evidence=[{"url": "https://example.org/s", "stance": "supports"}],
            evidence_complete=True,
        )
    )
    report = import_labels(seeded_db, path=path)
    assert report.labels == 4
    assert report.warnings == [
        f"{path}:1: warning: ana's label on sentence {A}:0: a 'verified' label has no evidence "
        "item that supports it yet; stored as incomplete",
        f"{path}:3: warning: ben's label on sentence {A}:2: a 'disputed' label has no evidence "
        "item that refutes it yet; stored as incomplete",
    ]
    with seeded_db.read() as session:
        ana = queries.user_by_name(session, name="ana")
        assert ana is not None
        state = reviewer_labels.label_state(
            session, user_id=ana.id, sentence_id=_sentence_id(seeded_db, A, 0)
        )
    assert state is not None and state.label == "verified" and not state.complete


def test_round_trip_with_incomplete_labels_and_gold_rationale(
    unfinished: Database, empty_db: Database, tmp_path: Path
) -> None:
    options = ExportOptions(policy="majority")
    export_dataset(unfinished, out=tmp_path / "first", options=options)
    assert not ingest_paths(empty_db, sources=[str(SEEDS)]).errors
    first = tmp_path / "first"
    report = import_labels(empty_db, path=first / "annotations.jsonl")
    assert report.labels == 17 and len(report.warnings) == 3
    # The claims file brings the adjudicated gold labels back, rationale and evidence included.
    with empty_db.write() as session:
        create_user(session, name="chief", role="editor")
    with pytest.raises(ImportRejectedError) as caught:
        import_labels(empty_db, path=first / "claims.jsonl")
    assert [str(p) for p in caught.value.problems][:1] == [
        f"{first / 'claims.jsonl'}:3: claim record: adjudicated records need --editor NAME "
        "(who stores the gold labels)"
    ]
    gold = import_labels(empty_db, path=first / "claims.jsonl", editor="chief")
    assert (gold.labels, gold.gold) == (0, 2)
    assert gold.warnings == [
        f"{first / 'claims.jsonl'}:7: warning: gold label on sentence {B}:3: a 'verified' label "
        "has no evidence item that supports it yet; stored as incomplete"
    ]
    export_dataset(empty_db, out=tmp_path / "second", options=options)
    second = tmp_path / "second"
    assert (first / "annotations.jsonl").read_bytes() == (second / "annotations.jsonl").read_bytes()

    def gold_fields(folder: Path) -> list[tuple[Any, ...]]:
        keys = ("id", "label", "label_source", "evidence", "evidence_complete", "rationale")
        return [tuple(str(c[k]) for k in keys) for c in _jsonl(folder / "claims.jsonl")]

    assert gold_fields(first) == gold_fields(second)
    with empty_db.read() as session:
        rows = session.execute(select(GoldLabel.label, GoldLabel.rationale).order_by(GoldLabel.id))
        assert [tuple(r) for r in rows] == [
            ("disputed", "ben's source holds"),
            ("verified", "wire copy, <i>source</i> to be linked"),
        ]
        audited = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "gold"))
        assert list(audited) == ["create", "create"]
    again = import_labels(empty_db, path=first / "claims.jsonl", editor="chief")  # nothing changes
    assert again.gold == 2
    with empty_db.read() as session:
        assert (
            len(session.scalars(select(AuditEntry).where(AuditEntry.entity == "gold")).all()) == 2
        )


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"rationale": ""}, "an adjudicated record needs its 'rationale' (text)"),
        ({"label_source": "loudest"}, "bad label_source 'loudest'"),
        ({"extra": 1}, "claim record: unknown field(s): extra"),
        (
            {"label": "not_a_claim"},
            "claim record: a 'not_a_claim' label takes no evidence",
        ),
        ({"sentence": {"index": 9999, "text": "x"}}, f"article '{A}' has no sentence 9999"),
    ],
    ids=["no-rationale", "source", "unknown-field", "evidence-on-not-a-claim", "sentence"],
)
def test_bad_claim_records_store_nothing(
    unfinished: Database, tmp_path: Path, record: dict[str, Any], message: str
) -> None:
    export_dataset(unfinished, out=tmp_path / "out", options=ExportOptions())
    claims = _jsonl(tmp_path / "out" / "claims.jsonl")
    adjudicated = next(c for c in claims if c["label_source"] == "adjudicated")
    path = tmp_path / "claims.jsonl"
    path.write_bytes(_line(**(adjudicated | record)))
    with unfinished.read() as session:
        before = session.scalars(select(GoldLabel.version).order_by(GoldLabel.id)).all()
    with pytest.raises(ImportRejectedError) as caught:
        import_labels(unfinished, path=path, editor="ed")
    assert len(caught.value.problems) == 1 and message in str(caught.value.problems[0])
    with unfinished.read() as session:
        assert session.scalars(select(GoldLabel.version).order_by(GoldLabel.id)).all() == before


def test_editor_must_be_an_editor(unfinished: Database, tmp_path: Path) -> None:
    export_dataset(unfinished, out=tmp_path / "out", options=ExportOptions())
    with pytest.raises(ImportRejectedError) as caught:
        import_labels(unfinished, path=tmp_path / "out" / "claims.jsonl", editor="ana")
    assert [p.detail for p in caught.value.problems] == [
        "--editor 'ana' must be an active editor or admin account"
    ]


def test_every_path_refuses_evidence_on_not_a_claim(seeded_db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
    ana, sid = make_user("ana"), _sentence_id(seeded_db, A, 0)
    with seeded_db.write() as session:
        reviewer_labels.set_verdict(session, user_id=ana, sentence_id=sid, label="verified")
        reviewer_labels.add_evidence(session, user_id=ana, sentence_id=sid, item=CONTEXT)
    with pytest.raises(InputError, match="takes no evidence: remove its 1 evidence item"):
        with seeded_db.write() as session:
            reviewer_labels.set_verdict(session, user_id=ana, sentence_id=sid, label="not_a_claim")
    with seeded_db.write() as session:
        reviewer_labels.set_verdict(session, user_id=ana, sentence_id=sid, label="unsourced")
        reviewer_labels.remove_evidence(session, user_id=ana, sentence_id=sid, position=0)
        reviewer_labels.set_verdict(session, user_id=ana, sentence_id=sid, label="not_a_claim")
    with pytest.raises(InputError, match="takes no evidence"):
        with seeded_db.write() as session:
            reviewer_labels.add_evidence(session, user_id=ana, sentence_id=sid, item=CONTEXT)
    with pytest.raises(InputError, match="takes no evidence"):
        with seeded_db.write() as session:
            editor = create_user(session, name="ed", role="editor").id
            adjudicate(
                session,
                editor_id=editor,
                sentence_id=sid,
                label="not_a_claim",
                rationale="headline",
                evidence=[CONTEXT],
            )


def test_bulk_accept_gives_the_gold_label_the_reviewers_evidence(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    ana, ben = make_user("ana"), make_user("ben")
    eve = make_user("eve", role="editor")
    backed, bare = _sentence_id(seeded_db, A, 0), _sentence_id(seeded_db, A, 1)
    with seeded_db.write() as session:
        for user, evidence in ((ana, [SUPPORT, CONTEXT]), (ben, [SUPPORT])):
            record_label(
                session, user_id=user, sentence_id=backed, label="verified", evidence=evidence
            )
            record_label(session, user_id=user, sentence_id=bare, label="verified")
        assert bulk_accept_unanimous(session, editor_id=eve) == 2
    with seeded_db.read() as session:
        first, second = gold_for(session, sentence_id=backed), gold_for(session, sentence_id=bare)
        assert first is not None and second is not None
        assert [(e.url, e.stance) for e in first.evidence] == [
            (SUPPORT.url, "supports"),
            (CONTEXT.url, "context"),
        ]  # each distinct item once, in reviewer order
        assert evidence_complete(first.label, evidence_of(first))
        assert not second.evidence and not evidence_complete(second.label, evidence_of(second))
        audit = session.scalars(
            select(AuditEntry.new).where(AuditEntry.entity == "gold").order_by(AuditEntry.id)
        ).all()
        assert [len(new["evidence"]) for new in audit if new is not None] == [2, 0]
