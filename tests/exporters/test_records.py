"""Pure parts of the export: agreement per sentence, pseudonyms, FEVER evidence, the folder."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from workbench.errors import InputError
from workbench.exporters.fever import fever_evidence
from workbench.exporters.folder import remove_stale, staged_folder
from workbench.exporters.lines import LineParts, annotation_lines
from workbench.exporters.records import Pseudonyms, merged_evidence, observed_agreement


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


def test_merged_evidence_keeps_agreeing_reviewers_items_once() -> None:
    item = {"url": "https://a.example", "quote": "q", "stance": "supports", "note": ""}
    other = {"url": "https://b.example", "quote": "", "stance": "refutes", "note": ""}
    labels = [
        {"label": "verified", "evidence": [item]},
        {"label": "verified", "evidence": [dict(item, note="again")]},
        {"label": "disputed", "evidence": [other]},
    ]
    assert merged_evidence(labels, "verified") == [item]


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
        (staged / "manifest.json").write_text("{}")
        assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    with pytest.raises(RuntimeError), staged_folder(target) as staged:
        (staged / "manifest.json").write_text('{"half": true}')
        raise RuntimeError("crash")
    assert (target / "manifest.json").read_text() == "{}"
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


def test_a_folder_with_other_content_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="folder with other content"), staged_folder(tmp_path):
        pass
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is not a folder"), staged_folder(tmp_path / "file"):
        pass


def test_annotation_lines_are_the_bytes_orjson_writes_per_record() -> None:
    parts = LineParts()
    evidence = {
        2: [{"url": "https://x.example/é", "quote": 'q "1"\n', "stance": "supports", "note": ""}]
    }
    labels = [
        (7, 1, 'Zoë "q"\\', "verified", "", "t"),
        (7, 2, "ann", "disputed", "line\u2028\x01 😀", "t"),
        (7, 3, "ann", "verified", "", "t"),
    ]
    head = b'{"article":' + orjson.dumps("a/1") + b',"sentence":3,"reviewer":'
    tail = b',"sentence_text":' + orjson.dumps("Text \t\x7f é.") + b"}\n"
    chunks: list[bytes] = []
    for _ in range(2):  # the second pass uses the cached pieces
        chunks.clear()
        annotation_lines(parts, chunks, head, tail, labels, evidence)
        expected = b"".join(
            orjson.dumps(
                {
                    "article": "a/1",
                    "sentence": 3,
                    "reviewer": reviewer,
                    "label": label,
                    "note": note,
                    "evidence": evidence.get(annotation, []),
                    "sentence_text": "Text \t\x7f é.",
                },
                option=orjson.OPT_APPEND_NEWLINE,
            )
            for _, annotation, reviewer, label, note, _ in labels
        )
        assert b"".join(chunks) == expected
