"""Guidelines: versions append, every label stores the version in force, older labels page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jsonschema
import orjson
import pytest
from sqlalchemy import select, update

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Annotation, GoldLabel, Guideline
from workbench.domain.guidelines import default_guidelines
from workbench.domain.labels import Evidence
from workbench.errors import InputError, PermissionDeniedError
from workbench.exporters.schemas import load_schema
from workbench.services.adjudicate import adjudicate, bulk_accept_unanimous
from workbench.services.export import ExportOptions, export_dataset
from workbench.services.guidelines import (
    guideline_history,
    guidelines_in_force,
    older_labels_page,
    save_guidelines,
    set_guidelines_from_file,
)
from workbench.services.importer import ImportRejectedError, import_labels
from workbench.services.reviewer_labels import record_label, set_note

MakeUser = Callable[..., int]
ARTICLE = "000_b5ddb462525d61c6"
SUPPORTS = Evidence(url="https://example.org/report", quote="q", stance="supports")


def _sid(db: Database, index: int, article: str = ARTICLE) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=article, index=index)
        assert sentence is not None
        return sentence.id


def _version_of(db: Database, sentence_id: int, user_id: int) -> int | None:
    with db.read() as session:
        return session.scalar(
            select(Annotation.guideline_version).where(
                Annotation.sentence_id == sentence_id, Annotation.user_id == user_id
            )
        )


def test_a_new_database_starts_with_the_packaged_guidelines_as_version_1(db: Database) -> None:
    with db.read() as session:
        current = guidelines_in_force(session)
    assert current is not None
    assert (current.version, current.author) == (1, None)
    assert current.text == default_guidelines()
    for label in ("verified", "disputed", "unsourced", "not_a_claim"):
        assert f"**{label}**" in current.text


def test_each_save_appends_a_version_and_nothing_is_overwritten(
    db: Database, make_user: MakeUser
) -> None:
    chief = make_user("chief", role="admin")
    editor = make_user("eve", role="editor")
    with db.write() as session:
        assert save_guidelines(session, author_id=chief, text="# Rules\r\n\r\nv2") == 2
        assert save_guidelines(session, author_id=chief, text="# Rules\n\nv2") == 2  # unchanged
        assert save_guidelines(session, author_id=None, text="v3") == 3
    with db.read() as session:
        history = guideline_history(session)
        stored = dict(session.execute(select(Guideline.version, Guideline.text)).all())
    assert [(v.version, v.author) for v in history] == [(3, None), (2, "chief"), (1, None)]
    assert stored[1] == default_guidelines() and stored[2] == "# Rules\n\nv2"
    with pytest.raises(InputError, match="empty"), db.write() as session:
        save_guidelines(session, author_id=chief, text=" \n\t")
    with pytest.raises(InputError, match="at most 50,000"), db.write() as session:
        save_guidelines(session, author_id=chief, text="x" * 50_001)
    with pytest.raises(PermissionDeniedError, match="admin"), db.write() as session:
        save_guidelines(session, author_id=editor, text="mine")
    with db.read() as session:
        assert [v.version for v in guideline_history(session)] == [3, 2, 1]


def test_every_label_stores_the_version_it_was_made_under(
    seeded_db: Database, make_user: MakeUser
) -> None:
    ana, ben = make_user("ana"), make_user("ben")
    chief, eve = make_user("chief", role="admin"), make_user("eve", role="editor")
    s0, s1, s2 = _sid(seeded_db, 0), _sid(seeded_db, 1), _sid(seeded_db, 2)
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=s0, label="unsourced")
        record_label(session, user_id=ana, sentence_id=s1, label="not_a_claim")
        record_label(session, user_id=ana, sentence_id=s2, label="unsourced")
        record_label(session, user_id=ben, sentence_id=s2, label="unsourced")
        gold = adjudicate(session, editor_id=eve, sentence_id=s0, label="unsourced", rationale="r")
        assert (gold.guideline_version, gold.version) == (1, 1)
    assert _version_of(seeded_db, s0, ana) == 1
    with seeded_db.write() as session:
        save_guidelines(session, author_id=chief, text="v2")
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=s1, label="not_a_claim")  # unchanged
        set_note(session, user_id=ana, sentence_id=s0, note="checked again")
        bulk_accept_unanimous(session, editor_id=eve)
    assert _version_of(seeded_db, s1, ana) == 1  # saving the same label changes nothing
    assert _version_of(seeded_db, s0, ana) == 2  # a changed label is made under v2
    with seeded_db.read() as session:
        versions = dict(
            session.execute(select(GoldLabel.sentence_id, GoldLabel.guideline_version)).all()
        )
    assert versions == {s0: 1, s2: 2}


def _import_file(tmp_path: Path, lines: list[dict[str, object]]) -> Path:
    path = tmp_path / "labels.jsonl"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return path


def test_import_keeps_a_given_version_and_stores_the_one_in_force_otherwise(
    seeded_db: Database, make_user: MakeUser, tmp_path: Path
) -> None:
    chief = make_user("chief", role="admin")
    with seeded_db.write() as session:
        save_guidelines(session, author_id=chief, text="v2")
    base = {"article": ARTICLE, "label": "unsourced"}
    path = _import_file(
        tmp_path,
        [
            {**base, "sentence": 0, "reviewer": "ana", "guideline_version": 1},
            {**base, "sentence": 1, "reviewer": "ana", "guideline_version": None},
            {**base, "sentence": 2, "reviewer": "ana"},
        ],
    )
    import_labels(seeded_db, path=path)
    with seeded_db.read() as session:
        ana = queries.user_by_name(session, name="ana")
        assert ana is not None
    got = [_version_of(seeded_db, _sid(seeded_db, i), ana.id) for i in range(3)]
    assert got == [1, None, 2]
    bad = _import_file(
        tmp_path, [{**base, "sentence": 3, "reviewer": "ana", "guideline_version": 0}]
    )
    with pytest.raises(ImportRejectedError) as caught:
        import_labels(seeded_db, path=bad)
    assert [str(p) for p in caught.value.problems] == [
        f"{bad}:1: 'guideline_version' must be a version number (1 or more) or null, got 0"
    ]


def test_exports_carry_the_version_and_round_trip_it(
    seeded_db: Database, make_user: MakeUser, tmp_path: Path, database_url: str
) -> None:
    ana, ben = make_user("ana"), make_user("ben")
    chief, eve = make_user("chief", role="admin"), make_user("eve", role="editor")
    s0, s1 = _sid(seeded_db, 0), _sid(seeded_db, 1)
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=s0, label="verified", evidence=[SUPPORTS])
        record_label(session, user_id=ana, sentence_id=s1, label="not_a_claim")
    with seeded_db.write() as session:  # ben's s1 label predates guidelines
        record_label(session, user_id=ben, sentence_id=s1, label="not_a_claim")
        session.execute(
            update(Annotation).where(Annotation.user_id == ben).values(guideline_version=None)
        )
        save_guidelines(session, author_id=chief, text="v2")
    with seeded_db.write() as session:
        record_label(session, user_id=ben, sentence_id=s0, label="verified", evidence=[SUPPORTS])
        adjudicate(session, editor_id=eve, sentence_id=s0, label="verified", rationale="r",
                   evidence=[SUPPORTS])  # fmt: skip
    out = tmp_path / "out"
    export_dataset(seeded_db, out=out, options=ExportOptions())
    lines = [orjson.loads(x) for x in (out / "annotations.jsonl").read_bytes().splitlines()]
    assert [(x["sentence"], x["reviewer"], x["guideline_version"]) for x in lines] == [
        (0, "ana", 1),
        (0, "ben", 2),
        (1, "ana", 1),
        (1, "ben", None),
    ]
    assert list(lines[0]) == [
        "article", "sentence", "reviewer", "label", "note", "evidence", "evidence_complete",
        "guideline_version", "sentence_text",
    ]  # fmt: skip
    claims = {
        c["sentence"]["index"]: c
        for c in map(orjson.loads, (out / "claims.jsonl").read_bytes().splitlines())
    }
    assert claims[0]["label_source"] == "adjudicated" and claims[0]["guideline_version"] == 2
    assert [a["guideline_version"] for a in claims[0]["annotations"]] == [1, 2]
    # unanimous: the oldest version it rests on, and null when one label predates guidelines
    assert claims[1]["label_source"] == "unanimous" and claims[1]["guideline_version"] is None
    for records, schema in ((lines, "annotation"), (list(claims.values()), "claim")):
        validator = jsonschema.Draft202012Validator(load_schema(schema))
        for record in records:
            validator.validate(record)
    wrong = dict(lines[0], guideline_version=0)  # the schema holds versions to 1 or more
    assert not jsonschema.Draft202012Validator(load_schema("annotation")).is_valid(wrong)
    # The annotations file imports back into a new database and exports the same bytes.
    fresh = tmp_path / "fresh.db"
    from workbench.db.migrate import upgrade
    from workbench.services.ingest import ingest_paths

    target = Database.from_url(f"sqlite:///{fresh}")
    upgrade(target.engine)
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    assert not ingest_paths(target, sources=[str(seeds)]).errors
    import_labels(target, path=out / "annotations.jsonl")
    again = tmp_path / "again"
    export_dataset(target, out=again, options=ExportOptions(policy="adjudicated"))
    target.dispose()
    assert (again / "annotations.jsonl").read_bytes() == (out / "annotations.jsonl").read_bytes()


def test_older_labels_are_counted_and_paged_oldest_first(
    seeded_db: Database, make_user: MakeUser
) -> None:
    ana, ben = make_user("ana"), make_user("ben")
    chief, eve = make_user("chief", role="admin"), make_user("eve", role="editor")
    sids = [_sid(seeded_db, i) for i in range(6)]
    with seeded_db.write() as session:
        for sid in sids[:3]:
            record_label(session, user_id=ana, sentence_id=sid, label="unsourced")
        session.execute(  # sentence 0 was labeled before there were guidelines
            update(Annotation)
            .where(Annotation.sentence_id == sids[0])
            .values(guideline_version=None)
        )
        adjudicate(session, editor_id=eve, sentence_id=sids[0], label="unsourced", rationale="r")
    with seeded_db.write() as session:
        before = older_labels_page(session, editor_id=eve)  # only the label without a version
        assert (before.current, before.reviews, before.gold) == (1, 1, 0)
        save_guidelines(session, author_id=chief, text="v2")
    with seeded_db.write() as session:
        for sid in sids[3:]:
            record_label(session, user_id=ben, sentence_id=sid, label="not_a_claim")
    with seeded_db.read() as session:
        first = older_labels_page(session, editor_id=eve, limit=2)
        second = older_labels_page(session, editor_id=eve, limit=2, offset=2)
        gold = older_labels_page(session, editor_id=eve, gold=True)
        with pytest.raises(PermissionDeniedError):
            older_labels_page(session, editor_id=ana)
    assert (first.current, first.reviews, first.gold) == (2, 3, 1)
    assert [(i.index, i.who, i.guideline_version) for i in first.items] == [
        (0, "ana", None),
        (1, "ana", 1),
    ]
    assert [(i.index, i.guideline_version) for i in second.items] == [(2, 1)]
    assert [(i.kind, i.index, i.who, i.label) for i in gold.items] == [
        ("gold", 0, "eve", "unsourced")
    ]


def test_set_guidelines_from_a_file_names_the_file_on_bad_input(
    db: Database, make_user: MakeUser, tmp_path: Path
) -> None:
    make_user("chief", role="admin")
    good = tmp_path / "rules.md"
    good.write_bytes(b"\xef\xbb\xbf# Rules\n")
    assert set_guidelines_from_file(db, path=good, author="chief") == 2
    bad = tmp_path / "latin1.md"
    bad.write_bytes(b"caf\xe9")
    with pytest.raises(InputError, match=r"latin1.md: not UTF-8 text \(byte 4\)"):
        set_guidelines_from_file(db, path=bad)
    with db.read() as session:
        current = guidelines_in_force(session)
    assert current is not None and (current.version, current.text) == (2, "# Rules\n")
