"""The agreement report as a readable plain-text table (``workbench agreement`` without --json)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

AC1_NOTE = (
    "When alpha and kappa are low but percent agreement and Gwet's AC1 are high, one label "
    "dominates (skewed prevalence, the kappa paradox): alpha and kappa count most of that "
    "agreement as chance, AC1 does not."
)


def figure(value: float | None) -> str:
    """An agreement figure to three decimals ("n/a" when undefined; never "-0.000")."""
    if value is None:
        return "n/a"
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def interval(bounds: Sequence[float] | None, *, joined: str = ", ") -> str:
    """A 95% interval as ``low, high`` to three decimals ("n/a" when undefined)."""
    return "n/a" if bounds is None else f"{figure(bounds[0])}{joined}{figure(bounds[1])}"


def _interval(bounds: Sequence[float] | None) -> str:
    return "n/a" if bounds is None else f"[{interval(bounds)}]"


def _why(entry: dict[str, Any], key: str) -> str:
    reason = entry.get("reasons", {}).get(key)
    return f"  ({reason})" if reason else ""


def _summary_lines(title: str, entry: dict[str, Any]) -> list[str]:
    lines = [
        title,
        f"  sentences with 2+ labels  {entry['units']}",
        f"  Krippendorff's alpha      {figure(entry['krippendorff_alpha'])}"
        + _why(entry, "krippendorff_alpha"),
        f"  alpha 95% bootstrap       {_interval(entry['krippendorff_alpha_ci95'])}"
        + _why(entry, "krippendorff_alpha_ci95"),
        f"  Fleiss' kappa             {figure(entry['fleiss_kappa'])}"
        f" over {entry['fleiss_units']} sentence(s)" + _why(entry, "fleiss_kappa"),
        f"  Gwet's AC1                {figure(entry['gwet_ac1'])}" + _why(entry, "gwet_ac1"),
        f"  percent agreement         {figure(entry['percent_agreement'])}"
        + _why(entry, "percent_agreement"),
    ]
    for pair, value in entry["pairwise_cohen_kappa"].items():
        lines.append(
            f"  Cohen's kappa {pair:<12}{figure(value)}"
            + _why(entry, f"pairwise_cohen_kappa:{pair}")
        )
    for pair, value in entry["pairwise_gwet_ac1"].items():
        lines.append(
            f"  Gwet's AC1 {pair:<15}{figure(value)}" + _why(entry, f"pairwise_gwet_ac1:{pair}")
        )
    return lines


def format_report(report: dict[str, Any], reviewers: Sequence[dict[str, Any]] = ()) -> str:
    """Plain-text tables of an agreement report and the per-reviewer scores."""
    lines = [f"reviewers: {', '.join(report['reviewers']) or '(none)'}", ""]
    lines += _summary_lines("all labels", report)
    lines += [f"  note: {AC1_NOTE}"]
    lines += [
        "",
        *_summary_lines("claim detection (claim vs not_a_claim)", report["claim_detection"]),
    ]
    lines += ["", *_summary_lines("verdict (among sentences called claims)", report["verdict"])]
    lines += ["", f"{'label':<14}{'count':>7}{'alpha':>9}{'agree':>9}"]
    for label, entry in report["per_label"].items():
        lines.append(
            f"{label:<14}{entry['count']:>7}{figure(entry['krippendorff_alpha']):>9}"
            f"{figure(entry['percent_agreement']):>9}"
        )
    lines += ["", f"{'article':<28}{'units':>6}{'alpha':>9}{'AC1':>9}  95% jackknife interval"]
    for article, entry in report["per_article"].items():
        lines.append(
            f"{article:<28}{entry['units']:>6}{figure(entry['krippendorff_alpha']):>9}"
            f"{figure(entry['gwet_ac1']):>9}  "
            f"{_interval(entry['krippendorff_alpha_ci95'])}" + _why(entry, "krippendorff_alpha")
        )
    if reviewers:
        lines += ["", f"{'reviewer':<16}{'labels':>7}{'k/majority':>12}{'k/gold':>9}"]
        for row in reviewers:
            lines.append(
                f"{row['reviewer']:<16}{row['labeled']:>7}"
                f"{figure(row['kappa_vs_majority']):>12}{figure(row['kappa_vs_gold']):>9}"
            )
    return "\n".join(lines)
