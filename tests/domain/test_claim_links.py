"""Claim facts, conflicts and cross-article links, and their floor on the labeled pair set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.domain.bylines import article_sentences
from workbench.domain.claim_facts import extract_facts, find_conflict
from workbench.domain.claim_links import (
    COMMON_TERM_SENTENCES,
    LINKS_PER_SENTENCE,
    ClaimLinkDraft,
    ClaimText,
    cap_links,
    content_tokens,
    is_linkable,
    link_claims,
    query_terms,
    rank_candidates,
    shortlist,
)
from workbench.domain.segment import Span
from workbench.services.readers import read_path

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "tests" / "data" / "claim_pairs.jsonl"


def conflict(a: str, b: str) -> str | None:
    """The conflict reason between two sentences, or None."""
    return find_conflict(extract_facts(a), extract_facts(b))


def test_casualty_figures_that_differ_conflict_with_a_readable_reason() -> None:
    a = "The April 22 Pahalgam terror attack killed 13 civilians, including tourists."
    b = "The April 22 Pahalgam terrorist attack claimed 26 lives."
    assert conflict(a, b) == "13 vs 26 killed"
    assert conflict(b, "It erupted after the killing of 26 tourists in Pahalgam.") is None


def test_same_count_of_different_owners_conflicts() -> None:
    a = "Reports indicate that 6 PAF fighter jets were destroyed by Indian missiles."
    b = "Pakistan responded, downing six Indian Air Force fighter jets."
    assert conflict(a, b) == "Pakistan's vs India's fighter jets"


def test_bounds_allow_ranges() -> None:
    assert (
        conflict("Over 10 drones were shot down.", "Officials said 12 drones were shot down.")
        is None
    )
    assert conflict(
        "Over 10 drones were shot down.", "Officials said 4 drones were shot down."
    ) == ("10 vs 4 drones")


def test_weekday_against_a_full_date() -> None:
    a = "He made the statement at a press conference at the UN headquarters on Tuesday."
    b = "Speaking at a press event at the United Nations on June 4, 2025, he said so."
    assert conflict(a, b) == "Tuesday vs June 4, 2025 (a Wednesday)"
    assert conflict(b, a) == "June 4, 2025 (a Wednesday) vs Tuesday"
    assert conflict("They met on Wednesday.", b) is None


def test_different_dates_conflict_and_the_same_date_does_not() -> None:
    assert conflict("The ceasefire began on May 10.", "The ceasefire began on May 12.") == (
        "May 10 vs May 12"
    )
    assert conflict("The ceasefire began on May 10.", "A truce held from May 10.") is None


def test_dates_of_two_different_events_do_not_conflict() -> None:
    attack = (
        "The operation was a response to the April 22 Pahalgam terror attack, which killed 13 "
        "civilians, including tourists."
    )
    strikes = (
        "The call for cooperation comes after India’s Operation Sindoor, a series of precision "
        "strikes targeting terror infrastructure in Pakistan-occupied Kashmir (PoK) on May 7, 2025."
    )
    dateline = (
        "New York, June 4, 2025: In a striking turn of tone, Pakistan’s former Foreign Minister "
        "Bilawal Bhutto made a public appeal for dialogue."
    )
    assert conflict(attack, strikes) is None
    assert conflict(dateline, strikes) is None
    # The same event dated twice still conflicts, whatever else the sentences say.
    assert conflict("The Pahalgam attack on April 22 shocked India.", strikes) is None
    assert conflict(
        "The Pahalgam terror attack on April 22 killed tourists.",
        "The Pahalgam terror attack on April 23 killed tourists.",
    ) == ("April 22 vs April 23")


def test_who_is_credited_with_the_ceasefire() -> None:
    us = "A US-brokered ceasefire agreement came into effect on May 10"
    direct = "Hostilities subsided after military-level talks on May 10."
    trump = "The conflict has been halted with the personal involvement of President Trump."
    assert conflict(direct, us) == "credited to direct talks vs the US"
    assert conflict(trump, us) is None


def test_no_facts_no_conflict() -> None:
    assert conflict("Dialogue is the only path to peace.", "Peace needs dialogue.") is None


def test_tokens_fold_synonyms_names_and_number_words() -> None:
    tokens = content_tokens("Bilawal Bhutto-Zardari said six jets were downed by the U.S.")
    assert "bhutto" in tokens and "6" in tokens and "jet" in tokens and "destroy" in tokens
    assert "us" in tokens and "said" not in tokens


def test_fragments_boilerplate_and_unattributed_opinion_are_not_linked() -> None:
    assert not is_linkable("Comments")
    assert not is_linkable("Comments are closed, but trackbacks and pingbacks are open.")
    assert not is_linkable("However, voices like these are crucial to changing the narrative.")
    assert is_linkable("He said cooperation could significantly reduce terrorism in South Asia.")


def test_links_join_different_articles_only_oriented_by_article_id() -> None:
    quote = "Bhutto said ISI and RAW could work together to reduce terrorism in South Asia."
    corpus = [
        ClaimText(
            1, "b-article", "ISI and RAW working together would reduce terrorism, Bhutto said."
        ),
        ClaimText(2, "b-article", "The weather in Islamabad was warm and dry all week long."),
    ]
    new = [
        ClaimText(3, "a-article", quote),
        ClaimText(
            4, "a-article", "Bhutto told reporters ISI and RAW could cut terrorism together."
        ),
    ]
    links = link_claims(new, corpus)
    assert [(link.a, link.b) for link in links] == [(3, 1), (4, 1)]
    assert all(not link.conflict and link.reason == "" for link in links)
    assert link_claims(new, []) == [] and link_claims([], corpus) == []


def _seed_spans(path: Path) -> list[Span]:
    """The sentences of one seed file as ingest stores them (metadata lines left out)."""
    return article_sentences(read_path(path)[0].body)


def _seed_links() -> dict[tuple[str, str], tuple[bool, str]]:
    """Link the seed articles one at a time, as ingest does."""
    corpus: list[ClaimText] = []
    refs: dict[int, str] = {}
    found: dict[tuple[str, str], tuple[bool, str]] = {}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        new = []
        for span in _seed_spans(path):
            key = len(refs) + 1
            refs[key] = f"{path.stem}:{span.index}"
            new.append(ClaimText(key, path.stem, span.text))
        for link in link_claims(new, corpus):
            found[(refs[link.a], refs[link.b])] = (link.conflict, link.reason)
        corpus += new
    return found


@pytest.fixture(scope="module")
def labeled_pairs() -> list[dict[str, object]]:
    """The labeled evaluation pairs of tests/data/claim_pairs.jsonl."""
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]


def test_labeled_pairs_quote_the_seed_sentences_exactly(
    labeled_pairs: list[dict[str, object]],
) -> None:
    texts = {}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for span in _seed_spans(path):
            texts[f"{path.stem}:{span.index}"] = span.text
    assert len(labeled_pairs) >= 40
    for pair in labeled_pairs:
        assert str(pair["a"]) < str(pair["b"])
        assert texts[str(pair["a"])] == pair["a_text"] and texts[str(pair["b"])] == pair["b_text"]
        assert pair["same_claim"] or not pair["conflict"]


def test_links_on_the_labeled_pairs_reach_a_sane_floor(
    labeled_pairs: list[dict[str, object]],
) -> None:
    found = _seed_links()
    tp = fp = fn = ctp = cfp = cfn = 0
    for pair in labeled_pairs:
        predicted = found.get((str(pair["a"]), str(pair["b"])))
        linked, flagged = predicted is not None, bool(predicted and predicted[0])
        tp += linked and bool(pair["same_claim"])
        fp += linked and not pair["same_claim"]
        fn += not linked and bool(pair["same_claim"])
        ctp += flagged and bool(pair["conflict"])
        cfp += flagged and not pair["conflict"]
        cfn += not flagged and bool(pair["conflict"])
    assert tp / (tp + fp) >= 0.6 and tp / (tp + fn) >= 0.7, (tp, fp, fn)
    assert ctp / (ctp + cfp) >= 0.8 and ctp / (ctp + cfn) >= 0.5, (ctp, cfp, cfn)
    pahalgam = found[("002_106eb614b3e40071:22", "003_12a4aa04524d7b45:8")]
    assert pahalgam == (True, "13 vs 26 killed")


def test_shortlist_keeps_small_corpora_and_trims_large_ones_by_shared_words() -> None:
    new = [ClaimText(1, "a", "The ceasefire between India and Pakistan held on May 10.")]
    corpus = [
        ClaimText(2, "b", "Football results from the weekend league were announced."),
        ClaimText(3, "c", "India and Pakistan agreed a ceasefire on May 10."),
        ClaimText(4, "d", "The ceasefire held."),
    ]
    assert shortlist(new, corpus) == corpus
    assert shortlist(new, corpus, limit=2) == [corpus[1], corpus[2]]
    assert shortlist(new, corpus, limit=1) == [corpus[1]]


def test_cached_char_tfidf_matches_sklearn_on_the_same_texts() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from workbench.domain.char_tfidf import char_tfidf

    texts = [
        "pahalgam attack kill 13 people",
        "pahalgam attack kill 26 people",
        "ceasefire broker us",
        "pahalgam attack kill 13 people",
    ]
    expected = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    reference = expected.fit_transform(texts)
    for _ in range(2):  # the second call reads the cached counts
        ours = char_tfidf(texts)
        assert np.allclose((ours @ ours.T).toarray(), (reference @ reference.T).toarray())


def _draft(a: int, b: int, similarity: float) -> ClaimLinkDraft:
    return ClaimLinkDraft(a, b, similarity, False, "")


def test_cap_links_keeps_each_sentence_within_its_cap_displacing_the_weakest() -> None:
    articles = {1: "a", **{key: f"o{key}" for key in range(10, 20)}, 2: "b", 3: "c"}
    stored = [_draft(1, 10 + n, 0.3 + n / 100) for n in range(LINKS_PER_SENTENCE)]
    added, dropped = cap_links([_draft(1, 19, 0.9), _draft(2, 3, 0.5)], stored, articles)
    assert added == [_draft(1, 19, 0.9), _draft(2, 3, 0.5)]
    assert dropped == [_draft(1, 10, 0.3)]  # sentence 1 was full: its weakest link goes
    assert cap_links([_draft(1, 19, 0.2)], stored, articles) == ([], [])  # too weak to enter


def test_cap_links_takes_one_link_to_each_other_article_before_a_second() -> None:
    articles = {1: "a", 2: "b", 3: "b", 4: "c"}
    added, _ = cap_links(
        [_draft(1, 2, 0.9), _draft(1, 3, 0.8), _draft(1, 4, 0.3)], [], articles, per_sentence=2
    )
    assert added == [_draft(1, 2, 0.9), _draft(1, 4, 0.3)]


def _scored(a: int, b: int, similarity: float, score: float | None) -> ClaimLinkDraft:
    return ClaimLinkDraft(a, b, similarity, False, "", score)


def test_cap_links_ranks_by_the_model_score_over_similarity() -> None:
    articles = {1: "a", 2: "b", 3: "c", 4: "d"}
    likely, similar = _scored(1, 2, 0.2, 0.95), _scored(1, 3, 0.6, 0.55)
    added, _ = cap_links([similar, likely], [], articles, per_sentence=1)
    assert added == [likely]  # the less similar link the model trusts more is kept
    # A full sentence's stored link goes when a new one scores higher, whatever the similarity.
    stored = [_scored(1, 3, 0.6, 0.55)]
    added, dropped = cap_links([likely], stored, articles, per_sentence=1)
    assert (added, dropped) == ([likely], stored)
    # An unscored link (made before any model) ranks by its similarity on the same scale.
    old = _scored(1, 4, 0.7, None)
    added, dropped = cap_links([similar], [old], articles, per_sentence=1)
    assert (added, dropped) == ([], [])
    assert [link.rank for link in (likely, similar, old)] == [0.95, 0.55, 0.7]


def test_cap_links_keeps_one_link_per_other_article_first_when_ranked_by_score() -> None:
    articles = {1: "a", 2: "b", 3: "b", 4: "c"}
    drafts = [_scored(1, 2, 0.3, 0.9), _scored(1, 3, 0.3, 0.8), _scored(1, 4, 0.9, 0.6)]
    added, _ = cap_links(drafts, [], articles, per_sentence=2)
    assert added == [drafts[0], drafts[2]]  # article b's second link waits behind c's first


def test_query_terms_are_the_rarest_shared_terms_and_candidates_share_most() -> None:
    frequency = {"rare": 2, "mid": 40, "alone": 1, "common": COMMON_TERM_SENTENCES + 1}
    assert query_terms(["common", "mid", "alone", "rare"], frequency) == ["rare", "mid"]
    postings = {"rare": [7, 5], "mid": [9, 7, 5, 3]}
    assert rank_candidates(["rare", "mid"], postings, exclude={5}, limit=2) == [7, 9]
