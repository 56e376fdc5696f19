"""AVeriTeC-style claims: one JSON array of claims with verdict, justification and QA evidence.

Verdicts map as follows (``AVERITEC_LABELS``), from the gold label and the stances of its
evidence:

- ``verified`` -> ``Supported``; with a ``refutes`` item among its evidence as well,
  ``Conflicting Evidence/Cherrypicking``;
- ``disputed`` -> ``Refuted``; with a ``supports`` item as well,
  ``Conflicting Evidence/Cherrypicking``;
- ``unsourced`` -> ``Not Enough Evidence``;
- ``not_a_claim`` is left out.

Each evidence item that carries a ``question`` becomes one question with one answer: the quote
(``Extractive``), else the note (``Abstractive``), else AVeriTeC's ``No answer``. Dates are
AVeriTeC's ``DD-MM-YYYY``. The JSON Schema is ``schemas/averitec.json``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from workbench.exporters.base import DatasetWriter, JsonArrayFile
from workbench.exporters.records import Record

SUPPORTED, REFUTED = "Supported", "Refuted"
NOT_ENOUGH = "Not Enough Evidence"
CONFLICTING = "Conflicting Evidence/Cherrypicking"
AVERITEC_LABELS = (SUPPORTED, REFUTED, NOT_ENOUGH, CONFLICTING)
# The stance that turns a verdict into conflicting evidence when its evidence holds it too.
_CONTRARY = {"verified": ("refutes", SUPPORTED), "disputed": ("supports", REFUTED)}
NO_ANSWER = "No answer could be found."


def averitec_label(label: str, evidence: list[Record]) -> str | None:
    """The AVeriTeC verdict of a gold label and its evidence; None for ``not_a_claim``."""
    if label == "unsourced":
        return NOT_ENOUGH
    contrary = _CONTRARY.get(label)
    if contrary is None:
        return None
    stance, verdict = contrary
    return CONFLICTING if any(item.get("stance") == stance for item in evidence) else verdict


def averitec_date(published: str | None) -> str | None:
    """An ISO date (``2025-06-04``) as AVeriTeC writes dates (``04-06-2025``)."""
    return date.fromisoformat(published[:10]).strftime("%d-%m-%Y") if published else None


def _answer(item: Record) -> Record:
    quote, note = item.get("quote") or "", item.get("note") or ""
    if quote:
        text, kind = quote, "Extractive"
    elif note:
        text, kind = note, "Abstractive"
    else:
        text, kind = NO_ANSWER, "No answer"
    answer: Record = {
        "answer": text,
        "answer_type": kind,
        "source_url": item.get("url") or None,
        "source_medium": "Web text",
    }
    if item.get("published"):
        answer["source_date"] = averitec_date(item["published"])
    if item.get("after_article"):
        answer["after_claim"] = True
    return answer


def averitec_record(claim: Record) -> Record | None:
    """The AVeriTeC object of a claims.jsonl record; None for ``not_a_claim``."""
    evidence: list[Record] = claim["evidence"]
    label = averitec_label(claim["label"], evidence)
    if label is None:
        return None
    article = claim["article"]
    return {
        "claim": claim.get("claim") or claim["sentence"]["text"],
        "label": label,
        "justification": claim.get("rationale") or None,
        "claim_date": averitec_date(article["published"]),
        # Who made the claim is not recorded: the outlet reported it (reporting_source).
        "speaker": None,
        "original_claim_url": article["url"] or None,
        "reporting_source": article["outlet"] or None,
        "questions": [
            {"question": item["question"], "answers": [_answer(item)]}
            for item in evidence
            if item.get("question")
        ],
    }


class AveritecWriter(DatasetWriter):
    """averitec.json: a JSON array with one object per claim; ``not_a_claim`` is left out."""

    name = "averitec"
    description = (
        "AVeriTeC-style JSON: claim, label (Supported / Refuted / Not Enough Evidence / "
        "Conflicting Evidence/Cherrypicking), justification, claim_date, speaker, "
        "original_claim_url, reporting_source, questions with answers"
    )
    files = ("averitec.json",)

    def __init__(self, folder: Path):
        super().__init__(folder)
        self._out = JsonArrayFile(folder / "averitec.json")

    def write_claim(self, record: Record) -> None:
        """Append the AVeriTeC object of a claim, if it is one."""
        converted = averitec_record(record)
        if converted is not None:
            self._out.write(converted)

    def close(self) -> dict[str, int]:
        """Close averitec.json."""
        self.digests[self._out.path.name] = self._out.close()
        return {self._out.path.name: self._out.records}
