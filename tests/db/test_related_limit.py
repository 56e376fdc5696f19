"""The related panel reads a bounded number of linked sentences, best first."""

from __future__ import annotations

from workbench.db import claims as claim_queries
from workbench.db.engine import Database
from workbench.domain.claim_links import ClaimLinkDraft


def test_related_sentences_are_limited_conflicts_and_most_similar_first(
    seeded_db: Database,
) -> None:
    """With more links than the limit, the panel gets the conflicts and then the closest ones."""
    with seeded_db.write() as session:
        hub, *others = claim_queries.sentences_of(
            session, article_ids=["000_b5ddb462525d61c6", "001_905ae90385d1da76"]
        )
        others = [s for s in others if s.article_id != hub.article_id][:30]
        links = [
            ClaimLinkDraft(min(hub.id, s.id), max(hub.id, s.id), 0.5 + i / 100, i == 3, "")
            for i, s in enumerate(others)
        ]
        claim_queries.add_links(session, links=links)
    with seeded_db.read() as session:
        every = claim_queries.related_sentences(session, sentence_id=hub.id, limit=1000)
        found = claim_queries.related_sentences(session, sentence_id=hub.id, limit=5)
    assert len(every) >= len(others) > 5
    assert found == every[:5]
    assert found[0].conflict
    ranks = [(not item.conflict, -item.similarity) for item in every]
    assert ranks == sorted(ranks)
