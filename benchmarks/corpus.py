"""A deterministic news-like corpus and reviewer labels for the scale benchmarks.

``write_corpus`` writes articles as JSON Lines in the ingest format (``id``, ``title``, ``body``,
``url``, ``outlet``, ``published``): 20-25 sentences each, about one of a few dozen recurring
stories told by several outlets with differing figures, so many sentences look alike across
articles and claim linking has real work. ``write_labels`` writes the ``import-labels`` format:
five reviewers label every sentence, each agreeing with a latent true label about 80% of the time,
with evidence on ``verified`` (stance ``supports``) and ``disputed`` (stance ``refutes``).

Everything is a pure function of ``(seed, article number)``: the same call writes the same bytes,
and labels for articles ``start..start+n`` can be written without generating the others.
Sentence indices come from the app's own segmenter, so every label names a stored sentence.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from workbench.domain.articles import normalise_text
from workbench.domain.segment import split_sentences

REVIEWERS = ("ana", "ben", "chen", "dana", "eli")
LABELS = ("verified", "disputed", "unsourced", "not_a_claim")
AGREEMENT = 0.8  # chance that one reviewer's label equals the latent truth
OUTLETS = (
    "Harbour Gazette",
    "Northern Ledger",
    "Daily Meridian",
    "Civic Wire",
    "Coastal Times",
    "Valley Courier",
    "Metro Observer",
    "Plains Herald",
)
PLACES = (
    "Riverton",
    "Eastport",
    "Millbrook",
    "Ashford",
    "Kingsbridge",
    "Larkspur",
    "Fairhaven",
    "Oakvale",
    "Stonegate",
    "Westmere",
)
ACTORS = (
    "the mayor",
    "the regional governor",
    "the finance minister",
    "the health authority",
    "the transport agency",
    "the teachers' union",
    "the chamber of commerce",
    "the police commissioner",
    "the water utility",
    "the opposition leader",
)
SUBJECTS = (
    ("the city budget", "budget"),
    ("hospital waiting times", "health"),
    ("the bus fare increase", "transport"),
    ("the river flood defences", "flood"),
    ("the teachers' strike", "strike"),
    ("the housing programme", "housing"),
    ("the new tram line", "tram"),
    ("unemployment figures", "jobs"),
    ("the harbour expansion", "harbour"),
    ("air quality readings", "air"),
    ("the school meals scheme", "schools"),
    ("crime statistics", "crime"),
)
FIRST_NAMES = ("Maria", "John", "Aisha", "Peter", "Lena", "Omar", "Grace", "Tomas", "Nadia", "Ivan")
LAST_NAMES = ("Okafor", "Lindqvist", "Moreau", "Hart", "Nakamura", "Silva", "Brennan", "Kowalski")

# Factual sentences (a claim): figures, dates and actors vary from article to article.
CLAIMS = (
    "{Actor} said {subject} rose by {pct}% in {year}.",
    "According to {actor}, {subject} cost {money} million last year.",
    "{Person}, a spokesperson for {actor}, said {count} residents were affected in {place}.",
    "Official figures show {subject} fell by {pct}% between {month} and {month2}.",
    "{Actor} announced on {weekday} that {count} new jobs would be created in {place}.",
    "The report found that {pct}% of households in {place} were affected by {subject}.",
    "{Actor} confirmed that {subject} would be reviewed before {month} {year}.",
    "Spending on {subject} reached {money} million, up from {money2} million in {year0}.",
    "{Person} told reporters that {count} complaints about {subject} were filed in {month}.",
    "A survey of {count} people found {pct}% support for {subject}.",
    "{Actor} said the measure would save {money} million over {small} years.",
    "Police said {small} people were arrested during protests over {subject} in {place}.",
    "The council voted {small} to {small2} to approve {subject} on {weekday}.",
    "Independent auditors estimated the shortfall in {subject} at {money} million.",
    "{Actor} claimed that {subject} had improved for {small} years in a row.",
    "Data from the statistics office show {count} cases linked to {subject} in {year}.",
)
# Sentences that are not claims: opinion, attribution boilerplate, navigation text.
OTHER = (
    "Critics called the decision a disgrace.",
    "Many residents said they felt ignored.",
    "Read more: our coverage of {subject}.",
    "This is a developing story and will be updated.",
    "It remains to be seen whether the plan will work.",
    "Supporters described {subject} as long overdue.",
    "The debate is expected to continue for weeks.",
    "Sign up for our morning newsletter.",
    "{Person} contributed reporting from {place}.",
    "Few issues divide the city as sharply as {subject}.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
FIRST_DAY = date(2025, 1, 1)


@dataclass(frozen=True)
class Article:
    """One generated article: its ingest record and the latent true label of each sentence."""

    record: dict[str, str]
    sentences: tuple[str, ...]  # the stored sentences, by 0-based index
    truths: tuple[str, ...]  # the latent true label of each


def article_id(number: int) -> str:
    """The id of generated article ``number`` (0-based)."""
    return f"bench-{number:06d}"


def _fill(template: str, rng: random.Random, story: dict[str, str]) -> str:
    year = rng.randint(2019, 2025)
    values = {
        "actor": story["actor"],
        "Actor": story["actor"][0].upper() + story["actor"][1:],
        "subject": story["subject"],
        "place": story["place"],
        "Person": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "pct": str(rng.randint(2, 60)),
        "year": str(year),
        "year0": str(year - 1),
        "money": f"{rng.randint(3, 900)}",
        "money2": f"{rng.randint(3, 900)}",
        "count": f"{rng.randint(12, 9000):,}",
        "small": str(rng.randint(2, 9)),
        "small2": str(rng.randint(1, 8)),
        "month": rng.choice(MONTHS),
        "month2": rng.choice(MONTHS),
        "weekday": rng.choice(WEEKDAYS),
    }
    return template.format(**values)


def _claim_truth(rng: random.Random) -> str:
    return rng.choices(("verified", "disputed", "unsourced"), weights=(5, 3, 2))[0]


def make_article(number: int, seed: int = 13) -> Article:
    """Generate article ``number`` of the corpus drawn with ``seed`` (pure function of both)."""
    rng = random.Random(f"{seed}:{number}")
    subject, topic = SUBJECTS[rng.randrange(len(SUBJECTS))]
    story = {
        "subject": subject,
        "actor": rng.choice(ACTORS),
        "place": rng.choice(PLACES),
    }
    outlet = OUTLETS[number % len(OUTLETS)]
    count = rng.randint(20, 25)
    sentences: list[tuple[str, str]] = []
    for _ in range(count):
        if rng.random() < 0.75:
            sentences.append((_fill(rng.choice(CLAIMS), rng, story), _claim_truth(rng)))
        else:
            sentences.append((_fill(rng.choice(OTHER), rng, story), "not_a_claim"))
    paragraphs, cursor = [], 0
    while cursor < len(sentences):
        size = rng.randint(2, 4)
        paragraphs.append(" ".join(text for text, _ in sentences[cursor : cursor + size]))
        cursor += size
    body = normalise_text("\n\n".join(paragraphs))
    by_text = dict(sentences)
    # The app's segmenter decides the indices; a piece it cut differently counts as unsourced.
    pieces = tuple(span.text for span in split_sentences(body))
    truths = tuple(by_text.get(text, "unsourced") for text in pieces)
    published = FIRST_DAY + timedelta(days=(number * 7 + rng.randrange(7)) % 365)
    ident = article_id(number)
    record = {
        "id": ident,
        "title": f"{story['place']}: {story['actor']} under scrutiny over {subject}",
        "body": body,
        "url": f"https://news.example.org/{topic}/{ident}",
        "outlet": outlet,
        "published": published.isoformat(),
    }
    return Article(record=record, sentences=pieces, truths=truths)


def articles(n_articles: int, seed: int = 13, start: int = 0) -> Iterator[Article]:
    """Articles ``start`` .. ``start + n_articles - 1`` of the corpus drawn with ``seed``."""
    for number in range(start, start + n_articles):
        yield make_article(number, seed)


def write_corpus(path: Path, n_articles: int, seed: int = 13, start: int = 0) -> int:
    """Write articles as ingest-format JSON Lines to ``path``; return the body characters."""
    chars = 0
    with Path(path).open("w", encoding="utf-8") as out:
        for article in articles(n_articles, seed, start):
            chars += len(article.record["body"])
            out.write(json.dumps(article.record, ensure_ascii=False) + "\n")
    return chars


def reviewer_label(truth: str, rng: random.Random) -> str:
    """One reviewer's label: the truth with probability AGREEMENT, else another label."""
    if rng.random() < AGREEMENT:
        return truth
    return rng.choice([label for label in LABELS if label != truth])


def _evidence(label: str, text: str, ident: str, index: int) -> list[dict[str, str]]:
    if label not in ("verified", "disputed"):
        return []
    stance = "supports" if label == "verified" else "refutes"
    words = text.split()
    return [
        {
            "url": f"https://records.example.org/{ident}/{index}",
            "quote": " ".join(words[: min(len(words), 8)]),
            "stance": stance,
        }
    ]


def _article_labels(
    ident: str, sentences: Iterable[tuple[str, str]], rng: random.Random, reviewers: Sequence[str]
) -> Iterator[dict[str, object]]:
    for index, (text, truth) in enumerate(sentences):
        for reviewer in reviewers:
            label = reviewer_label(truth, rng)
            line: dict[str, object] = {
                "article": ident,
                "sentence": index,
                "reviewer": reviewer,
                "label": label,
            }
            evidence = _evidence(label, text, ident, index)
            if evidence:
                line["evidence"] = evidence
            yield line


def label_lines(
    n_articles: int, seed: int = 13, start: int = 0, reviewers: Sequence[str] = REVIEWERS
) -> Iterator[dict[str, object]]:
    """Every reviewer's label on every sentence of the given articles, as import-format objects."""
    for article in articles(n_articles, seed, start):
        ident = article.record["id"]
        rng = random.Random(f"{seed}:labels:{ident}")
        pairs = zip(article.sentences, article.truths, strict=True)
        yield from _article_labels(ident, pairs, rng, reviewers)


def _write_lines(path: Path, lines: Iterable[dict[str, object]]) -> int:
    count = 0
    with Path(path).open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_labels(
    path: Path,
    n_articles: int,
    seed: int = 13,
    start: int = 0,
    reviewers: Sequence[str] = REVIEWERS,
) -> int:
    """Write the labels of articles ``start..start+n_articles-1`` to ``path``; return the count."""
    return _write_lines(path, label_lines(n_articles, seed, start, reviewers))


def write_sentence_labels(
    path: Path,
    found: Iterable[tuple[str, Sequence[str]]],
    seed: int = 13,
    reviewers: Sequence[str] = REVIEWERS,
) -> int:
    """Labels of articles given as ``(id, sentence texts)`` (e.g. the demo corpus), same model."""

    def lines() -> Iterator[dict[str, object]]:
        for ident, texts in found:
            rng = random.Random(f"{seed}:labels:{ident}")
            truths = [_claim_truth(rng) if rng.random() < 0.75 else "not_a_claim" for _ in texts]
            yield from _article_labels(ident, zip(texts, truths, strict=True), rng, reviewers)

    return _write_lines(path, lines())
