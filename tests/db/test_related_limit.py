"""The related panel reads a bounded number of linked sentences, best first."""

from __future__ import annotations

from sqlalchemy import or_, select

from workbench.db import claims as claim_queries
from workbench.db.engine import Database
from workbench.db.models import ClaimLink
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


def test_related_sentences_rank_by_the_model_score_where_a_link_has_one(
    seeded_db: Database,
) -> None:
    """Conflicts first, then coalesce(score, similarity): a trusted but less similar link rises."""
    with seeded_db.write() as session:
        hub, *others = claim_queries.sentences_of(
            session, article_ids=["000_b5ddb462525d61c6", "001_905ae90385d1da76"]
        )
        linked = {
            key
            for link in claim_queries.links_touching(session, sentence_ids=[hub.id])
            for key in (link.a, link.b)
        }
        others = [s for s in others if s.article_id != hub.article_id and s.id not in linked][:4]
        # Four new links, similarity 0.50, 0.51, 0.52, 0.53; the first is a conflict.
        links = [
            ClaimLinkDraft(min(hub.id, s.id), max(hub.id, s.id), 0.5 + i / 100, i == 0, "")
            for i, s in enumerate(others)
        ]
        claim_queries.add_links(session, links=links)
    with seeded_db.read() as session:
        stored = {
            (link.a, link.b): link
            for link in claim_queries.links_touching(session, sentence_ids=[hub.id])
        }
        ids = {
            (a, b): key
            for a, b, key in session.execute(
                select(ClaimLink.a_sentence_id, ClaimLink.b_sentence_id, ClaimLink.id).where(
                    or_(ClaimLink.a_sentence_id == hub.id, ClaimLink.b_sentence_id == hub.id)
                )
            )
        }
    pair = [(link.a, link.b) for link in links]
    assert all(stored[p].score is None for p in pair)
    conflict, low, mid, high = (f"{s.article_id}:{s.index}" for s in others)
    mine = {conflict, low, mid, high}
    with seeded_db.read() as session:
        before = claim_queries.related_sentences(session, sentence_id=hub.id, limit=1000)
    assert [r.ref for r in before if r.ref in mine] == [conflict, high, mid, low]
    with seeded_db.write() as session:
        # The least similar scores 0.9, the middle one 0.2; the most similar stays unscored
        # (ranked by its similarity, 0.53). The conflict's low score does not move it.
        claim_queries.set_link_scores(
            session, scores={ids[pair[1]]: 0.9, ids[pair[2]]: 0.2, ids[pair[0]]: 0.01}
        )
    with seeded_db.read() as session:
        found = claim_queries.related_sentences(session, sentence_id=hub.id, limit=1000)
        limited = claim_queries.related_sentences(session, sentence_id=hub.id, limit=2)
    assert [r.ref for r in found if r.ref in mine] == [conflict, low, high, mid]
    assert [r.score for r in found if r.ref in mine] == [0.01, 0.9, None, 0.2]
    assert limited == found[:2]  # the LIMITed read ranks the same way
    ranks = [(not r.conflict, -(r.similarity if r.score is None else r.score)) for r in found]
    assert ranks == sorted(ranks)
