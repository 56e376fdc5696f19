"""Evidence as the database keeps it, for reviewer labels and gold labels alike.

Each owner stores its evidence twice, written together here and nowhere else: the JSON column
``evidence_json`` (``encode_evidence``; every reader decodes it with ``decode_evidence``) and
one ``evidence_items`` row per item (kept for the queries that search single items).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from workbench.db.models import Annotation, EvidenceItem, GoldLabel
from workbench.domain.labels import Evidence, decode_evidence, encode_evidence


def evidence_columns(position: int, item: Evidence) -> dict[str, Any]:
    """The ``evidence_items`` columns of one item (its owner's id column not included)."""
    return {"position": position, **asdict(item)}


def store_evidence(owner: Annotation | GoldLabel, evidence: Sequence[Evidence]) -> None:
    """Replace the evidence of a label or gold label: its rows and its JSON column."""
    owner.evidence = [EvidenceItem(**evidence_columns(i, item)) for i, item in enumerate(evidence)]
    owner.evidence_json = encode_evidence(evidence)


def evidence_of(owner: Annotation | GoldLabel) -> tuple[Evidence, ...]:
    """The stored evidence of a label or gold label, in order."""
    return decode_evidence(owner.evidence_json)
