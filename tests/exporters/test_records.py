"""Pure parts of the export: agreement per sentence, pseudonyms, FEVER evidence, the folder."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from workbench.db.export_queries import SEPARATOR, SentenceRow
from workbench.errors import InputError
from workbench.exporters.fever import fever_evidence
from workbench.exporters.folder import remove_stale, staged_folder
from workbench.exporters.records import (
    Pseudonyms,
    RecordBuilder,
    Reviewers,
    SentenceLabels,
    agreeing_evidence,
    observed_agreement,
)

# The manifest of an earlier export whose only file is manifest.json itself.
EXPORT_MANIFEST = '{"tool": {"name": "factcheck-workbench"}, "files": {}}'


def test_observed_agreement_is_the_share_of_agreeing_pairs() -> None:
    assert observed_agreement([]) is None
    assert observed_agreement(["verified"]) is None
    assert observed_agreement(["verified", "verified"]) == 1.0
    assert observed_agreement(["verified", "disputed"]) == 0.0
    assert observed_agreement(["a", "a", "b"]) == pytest.approx(1 / 3, abs=1e-6)
    assert observed_agreement(["a", "a", "b", "b"]) == pytest.approx(2 / 6, abs=1e-6)


def test_pseudonyms_are_keyed_stable_and_distinct() -> None:
    first, again, other = Pseudonyms(b"k1"), Pseudonyms(b"k1"), Pseudonyms(b"k2")
    assert first("ana") == again("ana") and first("ana").startswith("reviewer-")
    assert first("ana") != first("ben")
    assert first("ana") != other("ana")
    assert Pseudonyms(None)("ana") == "ana"


def test_agreeing_evidence_keeps_the_gold_reviewers_items_once() -> None:
    item = {"url": "https://a.example", "quote": "q", "stance": "supports", "note": ""}
    other = {"url": "https://b.example", "quote": "", "stance": "refutes", "note": ""}
    given = [
        ("verified", [item]),
        ("verified", [dict(item, note="again")]),
        ("disputed", [other]),
        ("verified", []),
        ("verified", [item]),
    ]
    labels = SentenceLabels(
        reviewers=[f"r{rank}" for rank in range(len(given))],
        labels=[label for label, _ in given],
        notes=['""'] * len(given),
        times=["t"] * len(given),
        evidence=[orjson.dumps(evidence).decode() for _, evidence in given],
        versions=["1"] * len(given),
    )
    assert agreeing_evidence(labels, "verified") == [item]
    assert agreeing_evidence(labels, "disputed") == [other]


def test_fever_evidence_sets() -> None:
    support = {"url": "https://a.example", "stance": "supports"}
    cite = {"url": "", "stance": "refutes", "sentence_ref": "art-1:7"}
    assert fever_evidence("SUPPORTS", [support, cite]) == [[[0, 0, "https://a.example", None]]]
    assert fever_evidence("REFUTES", [support, cite]) == [[[0, 1, "art-1", 7]]]
    assert fever_evidence("REFUTES", [support]) == [[[0, None, None, None]]]
    assert fever_evidence("NOT ENOUGH INFO", [support]) == [[[0, None, None, None]]]


def test_staged_folder_publishes_replaces_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with staged_folder(target) as staged:
        (staged / "manifest.json").write_text(EXPORT_MANIFEST)
        assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    with pytest.raises(RuntimeError), staged_folder(target) as staged:
        (staged / "manifest.json").write_text('{"half": true}')
        raise RuntimeError("crash")
    assert (target / "manifest.json").read_text() == EXPORT_MANIFEST
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    with staged_folder(target) as staged:
        (staged / "manifest.json").write_text('{"new": true}')
    assert (target / "manifest.json").read_text() == '{"new": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_stale_work_folders_of_dead_processes_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "out"
    dead = tmp_path / ".out.tmp-999999999-abcd"
    mine = tmp_path / f".out.tmp-{os.getpid()}-abcd"
    dead.mkdir()
    mine.mkdir()
    assert remove_stale(target) == [dead]
    assert mine.exists() and not dead.exists()


@pytest.mark.parametrize(
    ("manifest", "others", "problem"),
    [
        ('{"files": {}}', {}, "was not written by factcheck-workbench"),
        ("not json", {}, "is not valid JSON"),
        (
            '{"tool": {"name": "factcheck-workbench"}, "files": {"claims.csv": {}}}',
            {"claims.csv": "x", "thesis.docx": "mine"},
            "does not list: thesis.docx",
        ),
        (
            '{"tool": {"name": "factcheck-workbench"}, "files": {"claims.csv": {}}}',
            {},
            "lists are missing: claims.csv",
        ),
    ],
)
def test_only_a_folder_an_export_wrote_is_replaced(
    tmp_path: Path, manifest: str, others: dict[str, str], problem: str
) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "manifest.json").write_text(manifest)
    for name, text in others.items():
        (target / name).write_text(text)
    before = sorted(p.name for p in target.iterdir())
    with pytest.raises(InputError, match=problem) as raised, staged_folder(target):
        pass
    assert "nothing was deleted" in str(raised.value)
    assert sorted(p.name for p in target.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_folder_holding_a_subfolder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out"
    (target / "photos").mkdir(parents=True)
    (target / "manifest.json").write_text(
        '{"tool": {"name": "factcheck-workbench"}, "files": {"photos": {}}}'
    )
    with pytest.raises(InputError, match="holds folders or links"), staged_folder(target):
        pass
    assert (target / "photos").is_dir()


def test_a_folder_with_other_content_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="folder with other content"), staged_folder(tmp_path):
        pass
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is not a folder"), staged_folder(tmp_path / "file"):
        pass


def test_annotation_lines_are_the_bytes_orjson_writes_per_record() -> None:
    names = {7: 'Zoë "q"\\', 3: "ann", 5: "ben\u2028"}
    reviewers = Reviewers(names, lambda name: name)
    item = {"url": "https://x.example/é", "quote": 'q "1"\n', "stance": "supports", "note": ""}
    # (user, label, note, evidence, guideline version) in the database's arbitrary order.
    stored = [
        (7, "verified", "", [item], 2),
        (3, "disputed", "line\u2028\x01\x1f 😀", [], None),
        (5, "verified", "", [item, dict(item, sentence_ref="a:1")], 1),
    ]
    sep = SEPARATOR
    row: SentenceRow = (
        "a/1",
        3,
        0,
        12,
        "Text \t\x7f é.",
        0.5,
        False,
        " ".join(str(user) for user, *_ in stored),
        " ".join(label for _, label, *_ in stored),
        sep.join(orjson.dumps(note).decode() for _, _, note, *_ in stored),
        sep.join("2025-06-05 10:00:00.000000" for _ in stored),
        sep.join(orjson.dumps(evidence).decode() for *_, evidence, _ in stored),
        " ".join(orjson.dumps(version).decode() for *_, version in stored),
        sep.join("null" for _ in stored),
    )
    records = RecordBuilder(reviewers, lambda stored: stored[:10], parse_evidence=True)
    for _ in range(2):  # the second pass uses the cached pieces
        lines, incomplete = records.annotation_lines(records.annotation_lines_head("a/1"), row)
        assert incomplete == 1 == records.incomplete(row)  # the disputed label has no refutation
        expected = b"".join(
            orjson.dumps(
                {
                    "article": "a/1",
                    "sentence": 3,
                    "reviewer": names[user],
                    "label": label,
                    "note": note,
                    "evidence": evidence,
                    "evidence_complete": label == "verified",
                    "guideline_version": version,
                    "sentence_text": "Text \t\x7f é.",
                },
                option=orjson.OPT_APPEND_NEWLINE,
            )
            for user, label, note, evidence, version in sorted(
                stored, key=lambda row: names[row[0]]
            )
        )
        assert lines.encode() == expected
    annotations = records.claim_annotations(records.sentence_labels(row))
    # Code point order: capitals before lower case, whatever the database's collation.
    assert [a["reviewer"] for a in annotations] == ['Zoë "q"\\', "ann", "ben\u2028"]
    by_reviewer = {a["reviewer"]: a for a in annotations}
    assert by_reviewer["ann"] == {
        "reviewer": "ann",
        "label": "disputed",
        "evidence": [],
        "evidence_complete": False,
        "note": "line\u2028\x01\x1f 😀",
        "claim": None,
        "time": "2025-06-05",
        "guideline_version": None,
    }
    assert by_reviewer["ben\u2028"]["evidence"] == [item, dict(item, sentence_ref="a:1")]
    assert by_reviewer["ben\u2028"]["evidence_complete"] is True


def test_pseudonyms_decide_the_reviewer_order() -> None:
    alias = {"ann": "reviewer-b", "bob": "reviewer-a"}
    reviewers = Reviewers({1: "ann", 2: "bob"}, alias.__getitem__)
    row: SentenceRow = ("a", 0, 0, 1, "x", 0.5, False, "1 2", "verified disputed", '""\x1f""')
    row += ("t\x1ft", "[]\x1f[]", "1 null", "null\x1fnull")
    labels = RecordBuilder(reviewers, str).sentence_labels(row)
    assert list(zip(labels.reviewers, labels.labels, strict=True)) == [
        ("reviewer-a", "disputed"),
        ("reviewer-b", "verified"),
    ]


def test_one_label_keeps_its_reviewer() -> None:
    reviewers = Reviewers({4: "cy"}, lambda name: name)
    row: SentenceRow = ("a", 0, 0, 1, "x", 0.5, False, "4", "unsourced", '"n"', "t", "[]", "3")
    row += ("null",)
    records = RecordBuilder(reviewers, str, parse_evidence=True)
    assert records.annotation_lines('{"article":"a","sentence":', row) == (
        '{"article":"a","sentence":0,"reviewer":"cy","label":"unsourced","note":"n",'
        '"evidence":[],"evidence_complete":true,"guideline_version":3,"sentence_text":"x"}\n',
        0,
    )
    assert records.claim_annotations(records.sentence_labels(row)) == [
        {
            "reviewer": "cy",
            "label": "unsourced",
            "evidence": [],
            "evidence_complete": True,
            "note": "n",
            "claim": None,
            "time": "t",
            "guideline_version": 3,
        }
    ]
