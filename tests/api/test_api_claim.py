"""The claim as checked through the API: saved and listed with a label or a gold label."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.api.conftest import ARTICLE, Api
from workbench.db import queries
from workbench.db.models import Annotation

CLAIM = "Pakistan lost six fighter jets on 7-10 May 2025"


def _text(api: Api, index: int) -> str:
    with api.db.read() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=index)
        assert sentence is not None
        return sentence.text


def test_a_label_saves_and_lists_its_claim_blind_to_others(api: Api) -> None:
    path = f"/labels/{ARTICLE}/1"
    saved = api.call("PUT", "ana", path, json={"label": "unsourced", "claim": f" {CLAIM} "})
    assert saved.status_code == 200, saved.text
    assert saved.json()["claim"] == CLAIM
    mine = api.get("ana", "/labels").json()["items"]
    assert [(i["sentence"], i["claim"]) for i in mine] == [(1, CLAIM)]
    assert CLAIM not in api.get("bob", "/labels").text
    same = api.call("PUT", "ana", path, json={"label": "unsourced", "claim": _text(api, 1)})
    assert same.json()["claim"] is None  # the sentence itself is no restatement
    plain = api.call("PUT", "ana", path, json={"label": "unsourced"})
    assert plain.json()["claim"] is None


def test_a_long_claim_is_422_naming_the_field(api: Api) -> None:
    body = {"label": "unsourced", "claim": "x" * 1_001}
    refused = api.call("PUT", "ana", f"/labels/{ARTICLE}/1", json=body)
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("claim: claim as checked is 1,001 characters")
    with api.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Annotation)) == 0


def test_a_gold_label_saves_and_lists_its_claim(api: Api) -> None:
    path = f"/gold/{ARTICLE}/3"
    body = {"label": "disputed", "rationale": "source holds", "claim": CLAIM}
    made = api.call("PUT", "eve", path, json=body)
    assert made.status_code == 200, made.text
    assert made.json()["claim"] == CLAIM
    listed = api.get("eve", "/gold").json()["items"]
    assert [(i["sentence"], i["claim"]) for i in listed] == [(3, CLAIM)]
    long = api.call("PUT", "eve", path, json={**body, "claim": "y" * 1_001, "expected_version": 1})
    assert long.status_code == 422 and long.json()["detail"].startswith("claim: ")
