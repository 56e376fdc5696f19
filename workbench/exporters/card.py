"""The manifest and the dataset card (README.md) written beside the data files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from workbench import __version__
from workbench.exporters.folder import TOOL_NAME, sha256_of
from workbench.exporters.publisher import BEST_RATING, RATING_VALUES, WORST_RATING, Publisher
from workbench.exporters.records import SCHEMA_VERSION, ExportStats, Record

_POLICY_TEXT = {
    "unanimous": "all of at least {n} reviewers gave the same label",
    "majority": "one label holds a strict majority of at least {n} reviewer labels",
    "adjudicated": "an editor adjudicated the sentence (reviewer labels alone never suffice)",
}


@dataclass(frozen=True, slots=True)
class ExportSettings:
    """The options an export ran with, as recorded in its manifest and card."""

    format: str
    policy: str
    min_reviewers: int
    anonymized: bool
    articles: tuple[str, ...]
    since: str | None
    until: str | None
    raw_csv: bool = False
    # Gold labels still lacking the evidence their verdict asks for are left out.
    require_evidence: bool = False
    # Evidence items published after their article are left out.
    evidence_before_claim: bool = False
    # Who publishes a ClaimReview export (None for every other format).
    publisher: Publisher | None = None

    def as_record(self) -> Record:
        """The manifest's view of the options."""
        extra: Record = {}
        if self.format == "csv":
            extra["csv_formula_cells"] = "raw" if self.raw_csv else "prefixed with '"
        if self.publisher is not None:
            extra["publisher"] = self.publisher.as_record()
        if self.evidence_before_claim:
            extra["evidence_before_claim"] = True
        return {
            "format": self.format,
            "policy": self.policy,
            "min_reviewers": self.min_reviewers,
            "anonymized": self.anonymized,
            "require_evidence": self.require_evidence,
            "filters": {"articles": list(self.articles), "since": self.since, "until": self.until},
            **extra,
        }


def build_manifest(
    folder: Path,
    settings: ExportSettings,
    stats: ExportStats,
    records: dict[str, int],
    digests: Mapping[str, str] | None = None,
) -> Record:
    """manifest.json: options, counts, label distribution, agreement and every file's hash.

    ``digests`` gives the SHA-256 of files hashed while they were written; others are read.
    """
    known = digests or {}
    agreement: Record = stats.agreement()
    files: Record = {}
    for name in sorted(p.name for p in folder.iterdir() if p.is_file()):
        path = folder / name
        entry: Record = {"sha256": known.get(name) or sha256_of(path), "bytes": path.stat().st_size}
        if name in records:
            entry["records"] = records[name]
        files[name] = entry
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        **settings.as_record(),
        "counts": stats.counts(),
        "label_distribution": stats.label_distribution(),
        "agreement": agreement,
        "files": files,
    }


def _table(rows: dict[str, int]) -> list[str]:
    if not rows:
        return ["(none)"]
    lines = ["| value | count |", "|---|---|"]
    lines += [f"| `{key}` | {value:,} |" for key, value in rows.items()]
    return lines


def _csv_cells_note(settings: ExportSettings) -> list[str]:
    if settings.format != "csv":
        return []
    if settings.raw_csv:
        return ["Text cells are written as stored: open claims.csv in a spreadsheet with care."]
    return [
        "A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return has a `'` in",
        "front, so spreadsheets show it as text instead of running it as a formula.",
    ]


def _format_note(settings: ExportSettings) -> list[str]:
    """What a format's consumer needs to know beyond the file names."""
    publisher = settings.publisher
    if publisher is not None:
        ratings = ", ".join(
            f"`{verdict}` {RATING_VALUES[verdict]} = {publisher.ratings[verdict]!r}"
            for verdict in sorted(RATING_VALUES, key=RATING_VALUES.__getitem__)
        )
        return [
            "",
            "## Publisher",
            "",
            f"Reviews by {publisher.name}"
            + (f" ({publisher.url})" if publisher.url else "")
            + f", each at `{publisher.review_url}` filled in.",
            f"Ratings (worst {WORST_RATING}, best {BEST_RATING}): {ratings}.",
            "`datePublished` is the day the gold label was reached; `reviewBody` the rationale.",
        ]
    if settings.format == "averitec":
        return [
            "",
            "## Labels",
            "",
            "`verified` is Supported and `disputed` Refuted, each Conflicting",
            "Evidence/Cherrypicking when its evidence also holds an item of the other stance;",
            "`unsourced` is Not Enough Evidence; `not_a_claim` is left out. One question per",
            "evidence item with a question. Dates are DD-MM-YYYY; `speaker` is not recorded.",
        ]
    return []


def _evidence_note(settings: ExportSettings, counts: Record) -> list[str]:
    lines = [
        "",
        "## Evidence",
        "",
        "A `verified` label is complete with an evidence item that `supports` it, a `disputed`",
        "label with one that `refutes` it; other labels are always complete. A label saved",
        'before its evidence is *incomplete* and carries `"evidence_complete": false`.',
        f"Incomplete reviewer labels: {counts['incomplete_annotations']:,}; incomplete gold "
        f"labels in the data: {counts['incomplete_claims']:,}.",
    ]
    if settings.require_evidence:
        lines.append(
            f"Exported with `--require-evidence`: {counts['incomplete_claims_left_out']:,} "
            "incomplete gold label(s) were left out."
        )
    flagged = counts.get("evidence_after_article", 0)
    if flagged:
        lines.append(
            f"Evidence items (reviewers' and editors') published after their article: {flagged:,}; "
            'each carries `"after_article": true` (it may report a later fact-check).'
        )
    if settings.evidence_before_claim:
        lines.append(
            "Exported with `--evidence-before-claim`: "
            f"{counts.get('evidence_after_article_left_out', 0):,} evidence item(s) (reviewers' "
            "and editors') published after their article were left out; items without a date, "
            "or of an article without one, were kept."
        )
    return lines


# Where each format writes the claim as checked.
_CLAIM_FIELD = {
    "jsonl": "claim",
    "csv": "claim",
    "parquet": "claim",
    "fever": "claim",
    "claimreview": "claimReviewed",
}


def _claim_note(settings: ExportSettings) -> list[str]:
    field = _CLAIM_FIELD.get(settings.format)
    if field is None:
        return []
    return [
        f"The claim as checked (`{field}`) is the editor's restatement of the sentence on an",
        "adjudicated gold label, else the sentence text as written.",
    ]


def dataset_card(
    settings: ExportSettings, stats: ExportStats, files: tuple[str, ...], description: str
) -> str:
    """README.md of an export: what it holds, how gold labels were chosen, how to load it."""
    policy = _POLICY_TEXT[settings.policy].format(n=settings.min_reviewers)
    counts = stats.counts()
    distribution = stats.label_distribution()
    data_file = files[0]
    loader = "parquet" if data_file.endswith(".parquet") else data_file.rsplit(".", 1)[-1]
    options = ""
    if loader == "jsonl":
        loader = "json"
    elif loader == "tsv":
        loader, options = "csv", ', delimiter="\\t"'

    filters = settings.as_record()["filters"]
    lines = [
        "# Fact-check gold-standard dataset",
        "",
        f"Sentence-level fact-check labels exported by {TOOL_NAME} {__version__}.",
        f"Format `{settings.format}`: {description}.",
        "",
        "## Files",
        "",
        *[f"- `{name}`" for name in files],
        "- `manifest.json`: options, counts, label distribution, agreement, SHA-256 of each file",
        "",
        "## Gold labels",
        "",
        "A sentence gets a gold label from an editor's adjudication when there is one;",
        f"otherwise under the `{settings.policy}` policy when {policy}.",
        "Labels: `verified` (evidence supports the claim), `disputed` (evidence contradicts it),",
        "`unsourced` (no attribution, no evidence found), `not_a_claim`.",
        *_claim_note(settings),
        f"Reviewer names are {'replaced by stable pseudonyms' if settings.anonymized else 'kept'}.",
        *_csv_cells_note(settings),
        *_format_note(settings),
        *_evidence_note(settings, counts),
        f"Filters: articles {filters['articles'] or 'all'}, published from "
        f"{settings.since or 'any date'} to {settings.until or 'any date'}.",
        "",
        "## Counts",
        "",
        *[f"- {key}: {value:,}" for key, value in counts.items()],
        "",
        "Gold labels:",
        "",
        *_table(distribution["gold"]),
        "",
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        f'dataset = load_dataset("{loader}", data_files="{data_file}"{options})',
        "```",
        "",
        "Sentence ids are `<article id>:<index>` (0-based, reading order); `start`/`end` are",
        "character offsets into the article body.",
        "",
    ]
    return "\n".join(lines)
