"""``/exports``: start an export with the CLI's options, list the finished ones, download files.

Exports are written where the Export page writes them (``$WORKBENCH_EXPORTS_DIR``), in a
folder named after their options; only a finished folder (one with its manifest) is listed.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask

from workbench.api import limits
from workbench.api.auth import Caller, Db
from workbench.api.schemas import DEFAULT_PAGE, ExportIn, Limit, Offset, page
from workbench.domain.labels import Role
from workbench.errors import NotFoundError
from workbench.exporters.folder import MANIFEST
from workbench.services import export as service
from workbench.services.permissions import require_role

router = APIRouter(prefix="/exports", tags=["editors"])
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
ExportName = Annotated[str, PathParam(min_length=1, max_length=200, description="Export folder.")]
FileName = Annotated[str, PathParam(min_length=1, max_length=200, description="File of it.")]


def _folder(name: str) -> Path:
    """The finished export folder ``name``, or 404 (never a path outside the exports folder)."""
    root = service.exports_dir()
    folder = root / name
    if not NAME.fullmatch(name) or not (folder / MANIFEST).is_file():
        raise NotFoundError(f"no export called {name!r}")
    return folder


def _files(folder: Path) -> list[dict[str, Any]]:
    return [
        {"name": path.name, "bytes": path.stat().st_size}
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.name.startswith(".")
    ]


def _summary(folder: Path) -> dict[str, Any]:
    return {"name": folder.name, "files": _files(folder)}


def _require_editor(db: Any, user_id: int) -> None:
    with db.read() as session:
        require_role(session, user_id=user_id, role=Role.EDITOR)


@router.post(
    "",
    summary="Write an export with the options of `workbench export` (editor)",
    status_code=201,
    dependencies=[Depends(limits.accepts(*limits.JSON_TYPES))],
)
def start_export(body: ExportIn, user: Caller, db: Db) -> JSONResponse:
    """Runs to the end, then answers with the folder's name, files and manifest."""
    _require_editor(db, user.id)
    options = service.ExportOptions(
        format=body.format,
        policy=body.policy,
        min_reviewers=body.min_reviewers,
        anonymize=body.anonymize,
        article_ids=tuple(body.articles),
        since=body.since,
        until=body.until,
        raw_csv=body.raw_csv,
        require_evidence=body.require_evidence,
        evidence_before_claim=body.evidence_before_claim,
        org_name=body.org_name,
        org_url=body.org_url,
        review_url=body.review_url,
        ratings=tuple(body.ratings),
    )
    options.settings()  # a bad option is a 422 before any folder is touched
    target = service.exports_dir() / service.folder_name(options)
    result = service.export_dataset(db, out=target, options=options)
    content = {**_summary(result.folder), "manifest": result.manifest}
    return JSONResponse(orjson.loads(orjson.dumps(content)), status_code=201)


@router.get("", summary="The finished exports (editor)")
def list_exports(
    user: Caller, db: Db, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
) -> dict[str, Any]:
    """Export folders by name, each with its files and their sizes."""
    _require_editor(db, user.id)
    root = service.exports_dir()
    names = sorted(
        entry.name
        for entry in (root.iterdir() if root.is_dir() else ())
        if NAME.fullmatch(entry.name) and (entry / MANIFEST).is_file()
    )
    shown = [_summary(root / name) for name in names[offset : offset + limit]]
    return page(shown, total=len(names), limit=limit, offset=offset)


@router.get("/{name}", summary="One export: its files and manifest (editor)")
def get_export(name: ExportName, user: Caller, db: Db) -> Response:
    """The folder's files and its ``manifest.json``."""
    _require_editor(db, user.id)
    folder = _folder(name)
    manifest = orjson.loads((folder / MANIFEST).read_bytes())
    return Response(
        orjson.dumps({**_summary(folder), "manifest": manifest}), media_type="application/json"
    )


@router.get("/{name}/zip", summary="One export as a zip archive (editor)")
def download_zip(name: ExportName, user: Caller, db: Db) -> FileResponse:
    """The folder's files in one zip, as the Export page's download gives it."""
    _require_editor(db, user.id)
    folder = _folder(name)
    # Written to a temporary file and streamed from it, so a large export is never held whole
    # in memory; the file goes once the response has been sent.
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as archive:
        try:
            service.write_zip(folder, archive)
        except BaseException:
            os.unlink(archive.name)
            raise
    return FileResponse(
        archive.name,
        media_type="application/zip",
        filename=f"{folder.name}.zip",
        background=BackgroundTask(os.unlink, archive.name),
    )


@router.get("/{name}/files/{filename}", summary="One file of an export (editor)")
def download_file(name: ExportName, filename: FileName, user: Caller, db: Db) -> FileResponse:
    """A data file, the manifest or the dataset card, as written."""
    _require_editor(db, user.id)
    folder = _folder(name)
    listed = {item["name"] for item in _files(folder)}
    if filename not in listed:
        raise NotFoundError(f"export {name!r} has no file {filename!r}")
    return FileResponse(folder / filename, filename=filename)
