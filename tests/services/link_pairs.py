"""Reviewers' link decisions on the demo links, from the hand-labeled pairs (tests/data)."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.db.engine import Database
from workbench.services import link_decisions
from workbench.services.related_claims import links_listing

PAIRS = Path(__file__).resolve().parents[1] / "data" / "claim_pairs.jsonl"


def labeled_pairs() -> dict[tuple[str, str], bool]:
    """The hand-labeled pairs of the demo links: (a, b) -> same claim."""
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    return {(row["a"], row["b"]): bool(row["same_claim"]) for row in rows}


def decide_labeled_links(db: Database, users: list[int], *, flip_one: bool = False) -> int:
    """Every reviewer decides each stored link that the labeled pairs settle; returns pairs."""
    truth = labeled_pairs()
    with db.read() as session:
        listing = [(str(link["a"]), str(link["b"])) for link in links_listing(session)]
    decided = 0
    with db.write() as session:
        for a, b in listing:
            if (a, b) not in truth:
                continue
            article, _, index = a.rpartition(":")
            for n, user in enumerate(users):
                same = truth[(a, b)]
                if flip_one and n == 0:
                    same = not same  # outvoted by the others
                link_decisions.decide_link(
                    session,
                    user_id=user,
                    article_id=article,
                    index=int(index),
                    ref=b,
                    same_claim=same,
                )
            decided += 1
    return decided
