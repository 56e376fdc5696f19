"""The export page in AppTest: preview figures, export into exports/, zip download, roles."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import orjson
import pytest
from streamlit.testing.v1 import AppTest

from tests.exporters.labeled import A, B
from workbench.config import EXPORTS_DIR_ENV
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.evidence import evidence_of
from workbench.domain.labels import Evidence, Role
from workbench.services import export
from workbench.services.export import ExportOptions
from workbench.services.reviewer_labels import record_label
from workbench.ui import state
from workbench.ui.runtime import SignedIn


@pytest.fixture
def open_page(
    signed_in_page: Callable[[str, SignedIn], AppTest],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Callable[[SignedIn], AppTest]:
    """Factory: the export page signed in as the given account, exports under tmp_path."""
    monkeypatch.setenv(EXPORTS_DIR_ENV, str(tmp_path / "exports"))
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "page-test")
    return partial(signed_in_page, "export.py")


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_preview_export_and_download(
    corpus: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page: Callable[[SignedIn], AppTest],
    tmp_path: Path,
) -> None:
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    assert not at.exception
    metrics = _metrics(at)
    assert int(metrics.pop("Sentences")) > 100
    assert metrics == {"Articles": "5", "Annotations": "14", "Reviewers": "3", "Claims": "3"}
    frame = at.dataframe[0].value
    assert dict(zip(frame["label"], frame["claims"], strict=True)) == {"disputed": 2, "verified": 1}
    # Counting incomplete labels reads every label's evidence: only when the editor asks.
    assert any(
        c.value.startswith("Labels saved before their evidence are not counted") for c in at.caption
    )
    at = at.checkbox(key=state.EXPORT_COUNT_INCOMPLETE).check().run()
    assert (
        "Saved before their evidence (incomplete): 0 reviewer label(s); 0 gold label(s) in "
        "this export." in [c.value for c in at.caption]
    )
    at = at.checkbox(key=state.EXPORT_COUNT_INCOMPLETE).uncheck().run()
    with corpus.write() as session:  # a new label: the cached preview must not be reused
        sentence = queries.sentence_at(session, article_id=B, index=5)
        cy = queries.user_by_name(session, name="cy")
        assert sentence is not None and cy is not None
        record_label(session, user_id=cy.id, sentence_id=sentence.id, label="unsourced")
    assert _metrics(at.run())["Annotations"] == "15"
    at.selectbox(key="wb_export_policy").set_value("majority").run()
    assert _metrics(at)["Claims"] == "5"
    at.selectbox(key="wb_export_format").set_value("fever")
    at.checkbox(key="wb_export_anon").check().run()
    at.button(key="wb_export_run").click().run()
    assert not at.exception and not at.error
    folder = tmp_path / "exports" / "fever-majority-min2-anonymized"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "fever.jsonl", "manifest.json"]
    assert len((folder / "fever.jsonl").read_text().splitlines()) == 4
    download = at.get("download_button")[0]
    assert download.proto.label == "Download zip"
    payload = at.session_state["wb_export_last"]
    assert Path(payload[1]) == folder
    archive = zipfile.ZipFile(io.BytesIO(_zip_bytes(folder)))
    assert sorted(archive.namelist()) == [
        f"{folder.name}/README.md",
        f"{folder.name}/fever.jsonl",
        f"{folder.name}/manifest.json",
    ]


def _zip_bytes(folder: Path) -> bytes:
    from workbench.services.export import zip_folder

    return zip_folder(folder)


def test_reviewers_are_refused(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page: Callable[[SignedIn], AppTest],
) -> None:
    ana = SignedIn(make_user("ana", password=None), "ana", Role.REVIEWER)
    at = open_page(ana)
    assert [e.value for e in at.error] == [
        "This page needs the editor role; your account is a reviewer."
    ]
    assert not at.button


def test_the_page_writes_the_files_the_service_writes(
    corpus: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page: Callable[[SignedIn], AppTest],
    tmp_path: Path,
) -> None:
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    at.button(key="wb_export_run").click().run(timeout=60)
    assert not at.exception and not at.error
    folder = tmp_path / "exports" / "jsonl-unanimous-min2"
    alone = export.export_dataset(corpus, out=tmp_path / "alone", options=ExportOptions())
    for name in ("claims.jsonl", "annotations.jsonl", "articles.jsonl", "manifest.json"):
        assert (folder / name).read_bytes() == (alone.folder / name).read_bytes(), name


def test_incomplete_labels_are_counted_and_can_be_left_out(
    corpus: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page: Callable[[SignedIn], AppTest],
    tmp_path: Path,
) -> None:
    with corpus.write() as session:  # two verdicts saved before their evidence: A:5 gold
        sentence = queries.sentence_at(session, article_id=A, index=5)
        assert sentence is not None
        for name in ("ana", "ben"):
            user = queries.user_by_name(session, name=name)
            assert user is not None
            record_label(session, user_id=user.id, sentence_id=sentence.id, label="verified")
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    at = at.checkbox(key=state.EXPORT_COUNT_INCOMPLETE).check().run()
    assert _metrics(at)["Claims"] == "4"
    captions = [c.value for c in at.caption]
    assert (
        "Saved before their evidence (incomplete): 2 reviewer label(s); 1 gold label(s) in "
        "this export." in captions
    )
    at = at.checkbox(key="wb_export_require_evidence").check().run()
    assert _metrics(at)["Claims"] == "3"
    assert (
        "Saved before their evidence (incomplete): 2 reviewer label(s); 0 gold label(s) in "
        "this export, 1 left out." in [c.value for c in at.caption]
    )
    at.button(key="wb_export_run").click().run()
    assert not at.exception and not at.error
    folder = tmp_path / "exports" / "jsonl-unanimous-min2-complete"
    ids = [orjson.loads(line)["id"] for line in (folder / "claims.jsonl").read_bytes().splitlines()]
    assert f"{A}:5" not in ids and len(ids) == 3


def test_the_page_can_leave_out_evidence_published_after_the_article(
    corpus: Database,
    make_user,  # type: ignore[no-untyped-def]
    open_page: Callable[[SignedIn], AppTest],
    tmp_path: Path,
) -> None:
    later = Evidence(url="https://example.org/later", stance="refutes", published="2025-06-09")
    with corpus.write() as session:  # B:0 is unanimous disputed; B is dated 2025-06-05
        sentence = queries.sentence_at(session, article_id=B, index=0)
        assert sentence is not None
        for name in ("ana", "ben"):
            user = queries.user_by_name(session, name=name)
            assert user is not None
            label = queries.annotation_for(session, sentence_id=sentence.id, user_id=user.id)
            assert label is not None
            evidence = [*evidence_of(label), later]
            record_label(
                session, user_id=user.id, sentence_id=sentence.id, label="disputed",
                evidence=evidence,
            )  # fmt: skip
    eve = SignedIn(make_user("eve", role="editor", password=None), "eve", Role.EDITOR)
    at = open_page(eve)
    at = at.checkbox(key="wb_export_evidence_before_claim").check().run()
    at.button(key="wb_export_run").click().run()
    assert not at.exception and not at.error
    folder = tmp_path / "exports" / "jsonl-unanimous-min2-before-claim"
    manifest = orjson.loads((folder / "manifest.json").read_bytes())
    assert manifest["evidence_before_claim"] is True
    assert manifest["counts"]["evidence_after_article_left_out"] == 2
    claims = [orjson.loads(line) for line in (folder / "claims.jsonl").read_bytes().splitlines()]
    claim = next(c for c in claims if c["id"] == f"{B}:0")
    assert later.url not in [item["url"] for item in claim["evidence"]]
