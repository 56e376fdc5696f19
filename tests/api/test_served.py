"""The API of the served app (``workbench serve``) over HTTP, on SQLite and PostgreSQL.

The same server the browser uses: the API is mounted in Streamlit's ASGI app. The README's
``REST API`` code block is run here, curl by curl, against it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from tests.api.conftest import ARTICLE, ROLES, Api, make_tokens
from workbench.db.engine import Database
from workbench.services.users import create_user

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).text.strip() == "ok":
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not answer /_stcore/health:\n{log.read_text()}")


@pytest.fixture
def served(
    seeded_db: Database, database_url: str, tmp_path: Path
) -> Iterator[Callable[[], tuple[str, Api]]]:
    """Factory: ``workbench serve`` on the seeded test database (no browser); URL and client."""
    processes: list[subprocess.Popen[bytes]] = []
    clients: list[httpx.Client] = []
    env = dict(
        os.environ,
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",
        WORKBENCH_EXPORTS_DIR=str(tmp_path / "exports"),
        WORKBENCH_API_MAX_BODY_MB="1",
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )

    def start() -> tuple[str, Api]:
        with seeded_db.write() as session:
            ids = {
                name: create_user(session, name=name, role=role, password="correct horse").id
                for name, role in ROLES.items()
            }
        port = _free_port()
        log = tmp_path / "server.log"
        command = [str(BIN / "workbench"), "--db", database_url, "serve", "--port", str(port)]
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
        processes.append(process)
        url = f"http://localhost:{port}"
        _wait_healthy(url, process, log)
        client = httpx.Client(base_url=url, timeout=60)
        clients.append(client)
        return url, Api(client, make_tokens(seeded_db, ids), seeded_db, prefix="/api/v1")

    yield start
    for client in clients:
        client.close()
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_served_api_every_area_every_role(served: Callable[[], tuple[str, Api]]) -> None:
    url, api = served()
    assert api.get(None, "/openapi.json").json()["info"]["title"] == "Fact-check workbench API"
    docs = api.get(None, "/docs")
    assert docs.status_code == 200 and "/api/v1/openapi.json" in docs.text
    assert '"/api/v1/docs-static/swagger-ui-bundle.js"' in docs.text  # from the package
    assert api.get(None, "/docs-static/swagger-ui-bundle.js").status_code == 200
    assert docs.headers["x-frame-options"] == "DENY"  # the app's middleware covers the API
    assert httpx.get(f"{url}/_stcore/health").text == "ok"  # Streamlit still serves its own
    assert api.get(None, "/me").status_code == 401
    assert api.get("wb_forged", "/me").json() == {"detail": "invalid or revoked access token"}
    for name, role in ROLES.items():
        assert api.get(name, "/me").json() == {"name": name, "role": role}

    assert api.get("ana", "/articles", params={"limit": 2}).json()["total"] == 5
    sentences = api.get("ana", f"/articles/{ARTICLE}").json()["sentences"]
    assert sentences[1]["id"] == f"{ARTICLE}:1"
    put = api.call("PUT", "ana", f"/labels/{ARTICLE}/1", json={"label": "unsourced", "note": "ana"})
    assert put.status_code == 200, put.text
    assert api.get("bob", "/labels").json()["total"] == 0  # blind review
    assert api.get("ana", "/labels").json()["total"] == 1
    bob = api.call("PUT", "bob", f"/labels/{ARTICLE}/1", json={"label": "unsourced"})
    assert bob.status_code == 200

    assert api.get("ana", "/agreement").status_code == 403
    assert api.get("eve", "/agreement").json()["units"] == 1
    assert api.get("eve", "/gold").json()["total"] == 0
    export = api.call("POST", "eve", "/exports", json={"format": "csv"})
    assert export.status_code == 201, export.text
    name = export.json()["name"]
    assert api.get("eve", f"/exports/{name}/zip").content[:2] == b"PK"

    assert api.get("eve", "/users").status_code == 403
    assert api.get("root", "/users").json()["total"] == 4
    assign = api.call(
        "POST", "root", "/assignments", json={"articles": [ARTICLE], "users": ["bob"]}
    )
    assert assign.json()["added"] == [{"article": ARTICLE, "user": "bob"}]

    ndjson = {"Content-Type": "application/x-ndjson"}
    record = orjson.dumps({"id": "served-1", "body": "Prices rose by 3% in May, the office said."})
    assert api.call("POST", "eve", "/articles", content=record, headers=ndjson).status_code == 403
    added = api.call("POST", "root", "/articles", content=record + b"\n", headers=ndjson)
    assert added.status_code == 201 and added.json()["added"] == ["served-1"]

    # hostile input through the real server
    huge = b'{"id": "x", "body": "' + b"word " * 300_000 + b'"}'
    too_big = api.call("POST", "root", "/articles", content=huge, headers=ndjson)
    assert too_big.status_code == 413 and "larger than" in too_big.json()["detail"]

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 50_000

    streamed = api.call("POST", "root", "/articles", content=chunks(), headers=ndjson)
    assert streamed.status_code == 413
    wrong = api.call(
        "PUT", "ana", f"/labels/{ARTICLE}/2", content=b"{}", headers={"Content-Type": "text/plain"}
    )
    assert wrong.status_code == 415
    broken = api.call(
        "PUT",
        "ana",
        f"/labels/{ARTICLE}/2",
        content=b"{",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 422 and broken.json()["detail"].startswith("body: invalid JSON")
    assert api.get("ana", "/articles/nope").json() == {"detail": "no article with id 'nope'"}
    assert api.get("ana", "/articles/%2e%2e").status_code == 400  # Streamlit's path guard
    assert api.get("ana", "/labels", params={"limit": 10_000}).status_code == 422
    with api.db.read() as session:
        from workbench.db import queries

        assert "x" not in queries.all_article_ids(session)


def _readme_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- api-examples -->\n```sh\n(.*?)```", text, re.S)
    assert found, "README.md has no api-examples code block"
    return found.group(1)


def test_readme_curl_examples_run(served: Callable[[], tuple[str, Api]], tmp_path: Path) -> None:
    url, api = served()
    block = _readme_block()
    assert block.count("curl ") >= 12
    work = tmp_path / "readme"
    work.mkdir()
    env = dict(os.environ, WB=url, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env["WORKBENCH_DATABASE_URL"] = api.db.engine.url.render_as_string(hide_password=False)
    script = "set -euo pipefail\n" + block
    done = subprocess.run(
        ["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    outputs = [
        orjson.loads(line) for line in done.stdout.replace("}{", "}\n{").splitlines() if line
    ]
    assert outputs[0] == {"name": "root", "role": "admin"}
    assert any(o.get("added") == ["cms-1"] for o in outputs if isinstance(o, dict))
    claims = [orjson.loads(line) for line in (work / "claims.jsonl").read_bytes().splitlines()]
    assert [(c["id"], c["label"]) for c in claims] == [("cms-1:1", "disputed")]
