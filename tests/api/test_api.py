"""The API in process (TestClient) on SQLite and PostgreSQL: every endpoint, every role."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from tests.api.conftest import ARTICLE, Api
from workbench.api import editorial
from workbench.db.models import AccessToken, Annotation, Article, GoldLabel, User
from workbench.services import export as export_service
from workbench.services.agreement import compute_agreement
from workbench.services.users import set_active

GOOD_EVIDENCE = {"url": "https://example.org/report", "quote": "4%", "stance": "refutes"}


def _count(api: Api, model: type) -> int:
    with api.db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _json_error(response, status: int) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


# Authentication and roles


def test_no_bad_or_revoked_token_is_401(api: Api) -> None:
    assert "Bearer" in _json_error(api.get(None, "/me"), 401)
    assert api.get(None, "/me").headers["www-authenticate"] == "Bearer"
    assert _json_error(api.get("wb_not-a-real-token", "/me"), 401) == (
        "invalid or revoked access token"
    )
    assert _json_error(api.get("x" * 5000, "/me"), 401)
    wrong_scheme = api.client.get("/me", headers={"Authorization": f"Basic {api.tokens['ana']}"})
    _json_error(wrong_scheme, 401)
    with api.db.write() as session:
        token = session.scalars(select(AccessToken).order_by(AccessToken.id)).first()
        assert token is not None
        from workbench.services.tokens import revoke_token

        revoke_token(session, actor_id=token.user_id, token_id=token.id)
    assert _json_error(api.get("ana", "/me"), 401) == "invalid or revoked access token"


def test_me_names_each_role(api: Api) -> None:
    for name, role in {"ana": "reviewer", "eve": "editor", "root": "admin"}.items():
        assert api.get(name, "/me").json() == {"name": name, "role": role}


def test_deactivated_account_token_stops_and_stays_stopped(api: Api) -> None:
    assert api.get("bob", "/me").status_code == 200
    with api.db.write() as session:
        set_active(session, name="bob", active=False)
    _json_error(api.get("bob", "/me"), 401)
    with api.db.write() as session:
        set_active(session, name="bob", active=True)
    _json_error(api.get("bob", "/me"), 401)  # deactivation revoked it


def test_role_change_applies_to_the_next_request(api: Api) -> None:
    assert api.get("eve", "/agreement").status_code == 200
    with api.db.write() as session:
        eve = session.scalar(select(User).where(User.name == "eve"))
        assert eve is not None
        eve.role = "reviewer"
    assert "needs the editor role" in _json_error(api.get("eve", "/agreement"), 403)


@pytest.mark.parametrize(
    ("method", "path", "least"),
    [
        ("GET", "/agreement", "editor"),
        ("GET", "/gold", "editor"),
        ("GET", "/exports", "editor"),
        ("GET", "/users", "admin"),
        ("GET", "/assignments", "admin"),
    ],
)
def test_wrong_role_is_403(api: Api, method: str, path: str, least: str) -> None:
    refused = ["ana"] if least == "editor" else ["ana", "eve"]
    for who in refused:
        assert f"needs the {least} role" in _json_error(api.call(method, who, path), 403)
    assert api.call(method, "root", path).status_code == 200


# Articles


def test_article_list_pages_and_filters(api: Api) -> None:
    first = api.get("ana", "/articles", params={"limit": 2}).json()
    assert (first["total"], first["limit"], first["offset"], len(first["items"])) == (5, 2, 0, 2)
    rest = api.get("ana", "/articles", params={"limit": 2, "offset": 4}).json()
    assert len(rest["items"]) == 1
    ids = [item["id"] for item in first["items"]] + [item["id"] for item in rest["items"]]
    assert len(set(ids)) == 3
    found = api.get("ana", "/articles", params={"q": "004_"}).json()
    assert [item["id"] for item in found["items"]] == ["004_2be8afc61ee91103"]
    assert found["total"] == 1
    assert set(first["items"][0]) == {
        "id",
        "title",
        "outlet",
        "published",
        "sentences",
        "labeled_by_you",
        "assigned_to_you",
    }


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"limit": "x"}, {"offset": -1}])
def test_page_bounds_are_422_naming_the_parameter(api: Api, params: dict[str, object]) -> None:
    response = api.get("ana", "/articles", params=params)
    detail = _json_error(response, 422)
    assert detail.startswith(f"{next(iter(params))}: ")
    assert response.json()["errors"][0]["field"] == next(iter(params))


def test_one_article_has_its_sentences_and_no_labels(api: Api) -> None:
    article = api.get("ana", f"/articles/{ARTICLE}").json()
    body = article["body"]
    assert article["sentences"] and all(
        body[s["start"] : s["end"]] == s["text"] for s in article["sentences"]
    )
    assert [s["index"] for s in article["sentences"]] == list(range(len(article["sentences"])))
    assert "label" not in orjson.dumps(article["sentences"]).decode()
    assert "no article with id 'nope'" in _json_error(api.get("ana", "/articles/nope"), 404)
    assert _json_error(api.get("ana", "/articles/" + "x" * 201), 422).startswith("article_id:")


JSONL = (
    b'{"id": "api-1", "title": "Council budget", "body": "The council said the budget grew by '
    b'4% in 2024. Officials did not respond.", "outlet": "Gazette", "published": "2025-06-04"}\n'
    b'{"id": "api-2", "title": "Port traffic", "body": "Port traffic fell by 7% in May, the '
    b'authority said.", "outlet": "Gazette"}\n'
)


def test_ingest_jsonl_then_again_is_duplicates(api: Api) -> None:
    headers = {"Content-Type": "application/x-ndjson"}
    first = api.call("POST", "root", "/articles", content=JSONL, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json() == {"added": ["api-1", "api-2"], "duplicates": 0, "errors": []}
    again = api.call("POST", "root", "/articles", content=JSONL, headers=headers)
    assert (again.status_code, again.json()["duplicates"], again.json()["added"]) == (200, 2, [])
    assert api.get("ana", "/articles/api-1").json()["outlet"] == "Gazette"


def test_ingest_csv(api: Api) -> None:
    csv = b"id,title,body\ncsv-1,Rates,The bank raised rates by 0.5 points on Tuesday.\n"
    response = api.call(
        "POST", "root", "/articles", content=csv, headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 201 and response.json()["added"] == ["csv-1"]


def test_ingest_bad_line_stores_nothing_and_names_the_line(api: Api) -> None:
    before = _count(api, Article)
    bad = JSONL + b'{"id": "api-3", "title": "no body"}\n'
    response = api.call(
        "POST",
        "root",
        "/articles",
        content=bad,
        params={"name": "feed"},
        headers={"Content-Type": "application/x-ndjson"},
    )
    detail = _json_error(response, 422)
    assert detail.startswith("nothing stored: feed.jsonl:3: ")
    assert response.json()["errors"][0]["line"] == 3
    assert response.json()["added"] == []
    assert _count(api, Article) == before


def test_ingest_refusals(api: Api) -> None:
    ndjson = {"Content-Type": "application/x-ndjson"}
    assert "admin" in _json_error(
        api.call("POST", "eve", "/articles", content=JSONL, headers=ndjson), 403
    )
    wrong = api.call(
        "POST", "root", "/articles", content=JSONL, headers={"Content-Type": "text/plain"}
    )
    assert "Content-Type must be" in _json_error(wrong, 415)
    _json_error(api.call("POST", "root", "/articles", content=JSONL), 415)
    named = api.call(
        "POST", "root", "/articles", content=JSONL, params={"name": "../x"}, headers=ndjson
    )
    assert _json_error(named, 422).startswith("name: ")
    binary = api.call("POST", "root", "/articles", content=b"\x00\x01\x02", headers=ndjson)
    assert _json_error(binary, 422).startswith("nothing stored: upload.jsonl")


# Labels


def _put(api: Api, who: str, index: int, body: object, **kwargs: object):  # type: ignore[no-untyped-def]
    return api.call("PUT", who, f"/labels/{ARTICLE}/{index}", json=body, **kwargs)


def test_put_list_delete_own_label_with_evidence(api: Api) -> None:
    saved = _put(api, "ana", 1, {"label": "disputed", "note": "n", "evidence": [GOOD_EVIDENCE]})
    assert saved.status_code == 200, saved.text
    assert saved.json()["evidence_complete"] is True
    early = _put(api, "ana", 2, {"label": "verified"}).json()
    assert early["evidence_complete"] is False  # saved before its evidence: incomplete
    mine = api.get("ana", "/labels", params={"article": ARTICLE}).json()
    assert [(i["sentence"], i["label"]) for i in mine["items"]] == [
        (1, "disputed"),
        (2, "verified"),
    ]
    assert mine["items"][0]["evidence"] == [{**GOOD_EVIDENCE, "note": ""}]
    assert api.call("DELETE", "ana", f"/labels/{ARTICLE}/2").status_code == 204
    assert api.get("ana", "/labels").json()["total"] == 1
    _json_error(api.call("DELETE", "ana", f"/labels/{ARTICLE}/2"), 404)


def test_blind_review_a_reviewer_never_reads_another_reviewers_labels(api: Api) -> None:
    _put(api, "ana", 1, {"label": "unsourced", "note": "ana's secret note"})
    assert api.get("bob", "/labels").json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    for path in ("/labels", f"/labels?article={ARTICLE}", f"/articles/{ARTICLE}", "/articles"):
        assert "ana's secret note" not in api.get("bob", path).text
        assert "unsourced" not in api.get("bob", path).text
    _json_error(api.call("DELETE", "bob", f"/labels/{ARTICLE}/1"), 404)
    assert api.get("ana", "/labels").json()["total"] == 1  # bob's delete touched nothing


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"label": "maybe"}, "label"),
        ({"label": "verified", "evidence": [{"url": "javascript:alert(1)"}]}, "evidence[0]"),
        (
            {"label": "verified", "evidence": [{"url": "https://x.org", "stance": "meh"}]},
            "evidence[0]",
        ),
        ({"label": "not_a_claim", "evidence": [GOOD_EVIDENCE]}, "evidence"),
        ({"label": "verified", "note": "x" * 10_001}, "note"),
        ({"label": "verified", "colour": "red"}, "colour"),
        ({"note": "no label"}, "label"),
        ({"label": 5}, "label"),
        ([1, 2], "body"),
    ],
)
def test_bad_label_input_is_422_naming_the_field(api: Api, body: object, field: str) -> None:
    detail = _json_error(_put(api, "ana", 1, body), 422)
    assert detail.startswith(f"{field}: "), detail
    assert _count(api, Annotation) == 0


def test_bad_json_wrong_type_and_bad_ids(api: Api) -> None:
    raw = {"Content-Type": "application/json"}
    broken = api.call("PUT", "ana", f"/labels/{ARTICLE}/1", content=b'{"label": ', headers=raw)
    assert _json_error(broken, 422).startswith("body: invalid JSON")
    form = api.call(
        "PUT",
        "ana",
        f"/labels/{ARTICLE}/1",
        content=b"label=verified",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert "Content-Type must be application/json" in _json_error(form, 415)
    assert _json_error(_put(api, "ana", -1, {"label": "verified"}), 422).startswith("index: ")
    assert _json_error(api.call("PUT", "ana", f"/labels/{ARTICLE}/x", json={}), 422)
    assert "has no sentence 9999" in _json_error(_put(api, "ana", 9999, {"label": "verified"}), 404)
    no_article = api.call("PUT", "ana", "/labels/nope/0", json={"label": "verified"})
    assert "no article" in _json_error(no_article, 404)
    assert _count(api, Annotation) == 0


def _import(api: Api, who: str, lines: list[dict[str, object]], **params: str):  # type: ignore[no-untyped-def]
    content = b"".join(orjson.dumps(line) + b"\n" for line in lines)
    return api.call(
        "POST",
        who,
        "/labels/import",
        content=content,
        params=params,
        headers={"Content-Type": "application/x-ndjson"},
    )


def _line(reviewer: str, sentence: int, label: str = "unsourced") -> dict[str, object]:
    return {"article": ARTICLE, "sentence": sentence, "reviewer": reviewer, "label": label}


def test_admin_import_is_all_or_nothing(api: Api) -> None:
    bad = _import(api, "root", [_line("carla", 1), _line("carla", 2, "maybe"), _line("dan", 999)])
    assert bad.status_code == 422
    lines = [(e["source"], e["line"]) for e in bad.json()["errors"]]
    assert lines == [("request.jsonl", 2), ("request.jsonl", 3)]
    assert _count(api, Annotation) == 0
    good = _import(api, "root", [_line("carla", 1), _line("ana", 2, "verified")])
    assert good.status_code == 200, good.text
    assert good.json()["labels"] == 2 and good.json()["created_reviewers"] == ["carla"]
    assert len(good.json()["warnings"]) == 1  # verified without evidence: incomplete


def test_reviewer_imports_only_own_lines(api: Api) -> None:
    refused = _import(api, "ana", [_line("ana", 1), _line("bob", 2)])
    assert "reviewer 'bob' is not you" in _json_error(refused, 422)
    assert _count(api, Annotation) == 0
    assert _import(api, "ana", [_line("ana", 1)]).json()["labels"] == 1
    empty = api.call(
        "POST",
        "ana",
        "/labels/import",
        content=b"",
        headers={"Content-Type": "application/x-ndjson"},
    )
    assert "file is empty" in _json_error(empty, 422)
    wrong = api.call("POST", "ana", "/labels/import", json=[_line("ana", 1)])
    _json_error(wrong, 415)


# Editors: agreement, gold labels, exports


def test_agreement_is_the_cli_document(api: Api) -> None:
    _import(
        api,
        "root",
        [_line("ana", 1), _line("bob", 1), _line("ana", 2), _line("bob", 2, "not_a_claim")],
    )
    report = api.get("eve", "/agreement").json()
    for key in (
        "reviewers",
        "labels",
        "units",
        "krippendorff_alpha",
        "krippendorff_alpha_ci95",
        "fleiss_kappa",
        "gwet_ac1",
        "percent_agreement",
        "pairwise_cohen_kappa",
        "pairwise_gwet_ac1",
        "per_label",
        "per_article",
        "claim_detection",
        "verdict",
    ):
        assert key in report, key
    assert report["units"] == 2
    one = api.get("eve", "/agreement", params={"article": ARTICLE}).json()
    assert list(one["per_article"]) == [ARTICLE]
    _json_error(api.get("eve", "/agreement", params={"article": "nope"}), 404)


def test_agreement_is_computed_once_per_change_of_the_labels(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[str | None] = []

    def counted(session: Any, *, article_id: str | None = None) -> Any:
        computed.append(article_id)
        return compute_agreement(session, article_id=article_id)

    monkeypatch.setattr(editorial, "compute_agreement", counted)
    editorial.agreement_document.cache_clear()
    _import(api, "root", [_line("ana", 1), _line("bob", 1)])
    first = api.get("eve", "/agreement").content
    assert api.get("eve", "/agreement").content == first
    assert computed == [None]  # the second request was served from the cache
    _import(api, "root", [_line("ana", 2), _line("bob", 2, "not_a_claim")])
    assert api.get("eve", "/agreement").json()["units"] == 2
    assert computed == [None, None]  # a saved label is a new audit id: computed afresh
    api.get("eve", "/agreement", params={"article": ARTICLE})
    assert computed == [None, None, ARTICLE]
    _json_error(api.get("ana", "/agreement"), 403)  # the role is checked before the cache


def test_gold_put_list_and_conflict(api: Api) -> None:
    path = f"/gold/{ARTICLE}/3"
    body = {"label": "disputed", "rationale": "source holds", "evidence": [GOOD_EVIDENCE]}
    _json_error(api.call("PUT", "ana", path, json=body), 403)
    made = api.call("PUT", "eve", path, json=body)
    assert made.status_code == 200 and made.json()["version"] == 1
    stale = api.call("PUT", "eve", path, json={**body, "label": "verified"})
    assert "nothing was overwritten" in _json_error(stale, 409)
    fresh = api.call("PUT", "eve", path, json={**body, "expected_version": 1, "label": "unsourced"})
    assert fresh.json()["version"] == 2
    listed = api.get("eve", "/gold").json()
    assert [(i["sentence"], i["label"], i["editor"]) for i in listed["items"]] == [
        (3, "unsourced", "eve")
    ]
    assert _json_error(
        api.call("PUT", "eve", path, json={**body, "rationale": ""}), 422
    ).startswith("rationale: ")
    assert _count(api, GoldLabel) == 1


def test_exports_start_list_download(api: Api) -> None:
    _import(api, "root", [_line("ana", 1), _line("bob", 1)])
    _json_error(api.call("POST", "ana", "/exports", json={}), 403)
    started = api.call("POST", "eve", "/exports", json={"policy": "unanimous", "anonymize": True})
    assert started.status_code == 201, started.text
    name = started.json()["name"]
    assert name == "jsonl-unanimous-min2-anonymized"
    assert started.json()["manifest"]["counts"]["claims"] == 1
    assert [e["name"] for e in api.get("eve", "/exports").json()["items"]] == [name]
    files = {f["name"] for f in api.get("eve", f"/exports/{name}").json()["files"]}
    assert {"claims.jsonl", "manifest.json", "README.md"} <= files
    claims = api.get("eve", f"/exports/{name}/files/claims.jsonl")
    assert (
        claims.status_code == 200
        and orjson.loads(claims.content.splitlines()[0])["label"] == "unsourced"
    )
    spooled = set(Path(tempfile.gettempdir()).glob("*.zip"))
    archive = api.get("eve", f"/exports/{name}/zip")
    assert archive.headers["content-type"] == "application/zip"
    assert f'filename="{name}.zip"' in archive.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(archive.content)) as unpacked:
        assert sorted(unpacked.namelist()) == sorted(f"{name}/{file}" for file in files)
        folder = export_service.exports_dir() / name
        assert unpacked.read(f"{name}/claims.jsonl") == (folder / "claims.jsonl").read_bytes()
    assert archive.content == export_service.zip_folder(folder)  # the Export page's zip
    assert set(Path(tempfile.gettempdir()).glob("*.zip")) == spooled  # its file is gone
    for path in (
        f"/exports/{name}/files/secret.txt",
        "/exports/nope",
        "/exports/..",
        f"/exports/{name}/files/..%2Fmanifest.json",
        "/exports/.hidden/zip",
    ):
        assert api.get("eve", path).status_code == 404, path


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "xml"}, "unknown format"),
        ({"policy": "vibes"}, "unknown policy"),
        ({"since": "June"}, "--since"),
        ({"min_reviewers": 0}, "min_reviewers: "),
        ({"out": "/tmp"}, "out: "),
        ({"format": "claimreview"}, "set WORKBENCH_CLAIMREVIEW_ORG_NAME or pass --org-name"),
        (
            {"format": "claimreview", "org_name": "Desk", "review_url": "https://d.example/{x}"},
            "--review-url: review URL template has unknown placeholder(s) {x}",
        ),
    ],
)
def test_bad_export_options_are_422(api: Api, body: dict[str, object], field: str) -> None:
    assert field in _json_error(api.call("POST", "eve", "/exports", json=body), 422)
    assert api.get("eve", "/exports").json()["total"] == 0


def test_claimreview_export_takes_its_publisher(api: Api) -> None:
    _import(api, "root", [_line("ana", 1, "disputed"), _line("bob", 1, "disputed")])
    body = {
        "format": "claimreview",
        "org_name": "Desk Check",
        "review_url": "https://desk.example/reviews/{article}-{index}",
        "ratings": ["disputed=Wrong"],
    }
    started = api.call("POST", "eve", "/exports", json=body)
    assert started.status_code == 201, started.text
    assert started.json()["manifest"]["publisher"]["name"] == "Desk Check"
    name = started.json()["name"]
    review = orjson.loads(api.get("eve", f"/exports/{name}/files/claimreview.jsonl").content)
    assert review["reviewRating"]["alternateName"] == "Wrong"
    assert review["author"] == {"@type": "Organization", "name": "Desk Check"}


# Admins: users and assignments


def test_users_list_create_change(api: Api) -> None:
    listed = api.get("root", "/users", params={"limit": 2}).json()
    assert listed["total"] == 4 and [u["name"] for u in listed["items"]] == ["ana", "bob"]
    made = api.call(
        "POST", "root", "/users", json={"name": "dora", "role": "editor", "password": "long enough"}
    )
    assert made.status_code == 201 and made.json()["role"] == "editor"
    assert "already exists" in _json_error(
        api.call("POST", "root", "/users", json={"name": "dora", "password": "long enough"}), 409
    )
    assert "at least 8" in _json_error(
        api.call("POST", "root", "/users", json={"name": "finn", "password": "short"}), 422
    )
    # all or nothing: a good role change with a bad password changes nothing
    mixed = api.call("PATCH", "root", "/users/dora", json={"role": "admin", "password": "short"})
    _json_error(mixed, 422)
    assert api.get("root", "/users", params={"q": "dora"}).json()["items"][0]["role"] == "editor"
    changed = api.call("PATCH", "root", "/users/dora", json={"role": "reviewer", "active": False})
    assert (changed.json()["role"], changed.json()["active"]) == ("reviewer", False)
    assert "own role" in _json_error(
        api.call("PATCH", "root", "/users/root", json={"role": "editor"}), 403
    )
    _json_error(api.call("PATCH", "root", "/users/nobody", json={"active": True}), 404)
    _json_error(api.call("PATCH", "root", "/users/dora", json={}), 422)
    _json_error(
        api.call("POST", "eve", "/users", json={"name": "x", "password": "long enough"}), 403
    )


def test_assignments_add_list_remove(api: Api) -> None:
    added = api.call(
        "POST", "root", "/assignments", json={"articles": [ARTICLE], "users": ["ana", "bob"]}
    )
    assert added.status_code == 200 and len(added.json()["added"]) == 2
    again = api.call("POST", "root", "/assignments", json={"articles": [ARTICLE], "users": ["ana"]})
    assert again.json() == {"added": [], "already": [{"article": ARTICLE, "user": "ana"}]}
    assert api.get("root", "/assignments").json()["total"] == 2
    assert api.get("ana", "/articles").json()["items"][0]["assigned_to_you"] is True
    assert api.call("DELETE", "root", f"/assignments/{ARTICLE}/bob").status_code == 204
    _json_error(api.call("DELETE", "root", f"/assignments/{ARTICLE}/bob"), 404)
    missing = api.call(
        "POST", "root", "/assignments", json={"articles": ["nope"], "users": ["ana"]}
    )
    assert "no article" in _json_error(missing, 404)
    _json_error(
        api.call("POST", "root", "/assignments", json={"articles": [], "users": ["ana"]}), 422
    )
    _json_error(
        api.call("POST", "eve", "/assignments", json={"articles": [ARTICLE], "users": ["ana"]}), 403
    )


# Hostile bodies and the documents


def test_oversized_bodies_are_413_and_store_nothing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_API_MAX_BODY_MB", "1")
    big = b'{"id": "big", "body": "' + b"word " * 250_000 + b'"}\n'
    ndjson = {"Content-Type": "application/x-ndjson"}
    declared = api.call("POST", "root", "/articles", content=big, headers=ndjson)
    assert "larger than 1,000,000 bytes" in _json_error(declared, 413)

    def chunks():  # no Content-Length: the bytes are counted as they arrive
        for _ in range(30):
            yield b"x" * 50_000

    streamed = api.call("POST", "root", "/articles", content=chunks(), headers=ndjson)
    _json_error(streamed, 413)
    label = api.call(
        "PUT",
        "ana",
        f"/labels/{ARTICLE}/1",
        content=b'{"note": "' + b"x" * 1_100_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    _json_error(label, 413)
    _json_error(
        api.call(
            "POST", "root", "/articles", content=b"", headers={**ndjson, "Content-Length": "abc"}
        ),
        400,
    )
    assert _count(api, Article) == 5 and _count(api, Annotation) == 0


def test_openapi_and_docs(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    assert spec["info"]["title"] == "Fact-check workbench API"
    assert {
        "/articles",
        "/labels/{article_id}/{index}",
        "/labels/import",
        "/agreement",
        "/gold",
        "/exports",
        "/users",
        "/assignments",
    } <= set(spec["paths"])
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    docs = api.client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', docs.text)
    assert len(assets) == 3 and all(url.startswith("/docs-static/") for url in assets), assets
    for url in assets:  # served by the process itself: the docs need no internet access
        assert api.client.get(url).status_code == 200, url


def test_evidence_dates_through_labels_and_exports(api: Api) -> None:
    with api.db.write() as session:
        article = session.get(Article, ARTICLE)
        assert article is not None
        article.published = "2025-06-04"
    later = {**GOOD_EVIDENCE, "published": "2025-06-09"}
    earlier = {**GOOD_EVIDENCE, "url": "https://example.org/earlier", "published": "2025-06-01"}
    bad = _put(api, "ana", 1, {"label": "disputed", "evidence": [{**later, "published": "June"}]})
    assert _json_error(bad, 422) == (
        "evidence[0]: evidence published must be a date as YYYY-MM-DD, e.g. 2024-03-01; got 'June'"
    )
    for who in ("ana", "bob"):
        saved = _put(api, who, 1, {"label": "disputed", "evidence": [earlier, later]})
        assert saved.status_code == 200, saved.text
    mine = api.get("ana", "/labels", params={"article": ARTICLE}).json()["items"][0]
    assert [item.get("published") for item in mine["evidence"]] == ["2025-06-01", "2025-06-09"]
    flagged = api.call("POST", "eve", "/exports", json={})
    assert flagged.status_code == 201, flagged.text
    assert flagged.json()["manifest"]["counts"]["evidence_after_article"] == 2
    started = api.call("POST", "eve", "/exports", json={"evidence_before_claim": True})
    assert started.status_code == 201, started.text
    name = started.json()["name"]
    assert name == "jsonl-unanimous-min2-before-claim"
    manifest = started.json()["manifest"]
    assert manifest["evidence_before_claim"] is True
    assert manifest["counts"]["evidence_after_article_left_out"] == 2
    claim = orjson.loads(api.get("eve", f"/exports/{name}/files/claims.jsonl").content)
    assert [item["url"] for item in claim["evidence"]] == ["https://example.org/earlier"]
