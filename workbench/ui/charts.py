"""Altair chart builders for the agreement page: pure functions DataFrame -> alt.Chart."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbench.domain.labels import LABELS

LABEL_COLOURS = ["#2e7d32", "#c62828", "#ef6c00", "#78909c"]
DIVERGING = alt.Scale(scheme="redyellowgreen", domain=[-1, 1])


def kappa_heatmap(pairs: pd.DataFrame) -> alt.LayerChart:
    """Pairwise Cohen's kappa as a reviewer x reviewer heatmap (columns a, b, kappa, units)."""
    base = alt.Chart(pairs).encode(
        x=alt.X("a:N", title="reviewer", sort="ascending"),
        y=alt.Y("b:N", title="reviewer", sort="ascending"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("kappa:Q", scale=DIVERGING, title="Cohen's kappa"),
        tooltip=[
            alt.Tooltip("a:N"),
            alt.Tooltip("b:N"),
            alt.Tooltip("kappa:Q", format=".3f"),
            alt.Tooltip("units:Q", title="sentences both labeled"),
        ],
    )
    text = base.mark_text(fontSize=12).encode(text=alt.Text("kappa:Q", format=".2f"))
    return alt.LayerChart(layer=[cells, text], title="Pairwise Cohen's kappa")


ARTICLE_ROWS = 30  # rows of the per-article chart: what a person reads, whatever the database


def article_alpha_chart(articles: pd.DataFrame, *, rows: int = ARTICLE_ROWS) -> alt.LayerChart:
    """Alpha per article with its 95% interval, and AC1 as a tick (article, alpha, lo, hi, ac1,
    units).

    At most ``rows`` articles: beyond that, the lowest and the highest alphas, half each. An AC1
    tick far right of its alpha point marks an article whose labels are dominated by one label.
    """
    defined = articles.dropna(subset=["alpha"]).sort_values(["alpha", "article"])
    if len(defined) > rows:
        defined = pd.concat([defined.head(rows // 2), defined.tail(rows - rows // 2)])
    order = list(defined["article"])[::-1]  # highest alpha on top, in every layer
    base = alt.Chart(defined).encode(y=alt.Y("article:N", title="article", sort=order))
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X(
            "lo:Q",
            title="Krippendorff's alpha (point, 95% interval); Gwet's AC1 (tick)",
            scale=alt.Scale(domain=[-1, 1]),
        ),
        x2="hi:Q",
    )
    tooltip = [
        alt.Tooltip("article:N"),
        alt.Tooltip("alpha:Q", format=".3f"),
        alt.Tooltip("lo:Q", format=".3f", title="95% low"),
        alt.Tooltip("hi:Q", format=".3f", title="95% high"),
        alt.Tooltip("ac1:Q", format=".3f", title="Gwet's AC1"),
        alt.Tooltip("units:Q", title="sentences"),
    ]
    points = base.mark_point(filled=True, size=70).encode(x="alpha:Q", tooltip=tooltip)
    ticks = base.mark_tick(color="#6a1b9a", thickness=2).encode(x="ac1:Q", tooltip=tooltip)
    return alt.LayerChart(
        layer=[bars, points, ticks], title="Alpha per article (95% jackknife interval) and AC1"
    )


def label_distribution_chart(distribution: pd.DataFrame) -> alt.Chart:
    """How often each reviewer used each label (columns reviewer, label, count)."""
    chart: alt.Chart = (
        alt.Chart(distribution)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="labels given", stack="normalize"),
            y=alt.Y("reviewer:N", title="reviewer"),
            color=alt.Color(
                "label:N", scale=alt.Scale(domain=list(LABELS), range=LABEL_COLOURS), title="label"
            ),
            order=alt.Order("label_order:Q"),
            tooltip=["reviewer:N", "label:N", "count:Q"],
        )
        .transform_calculate(label_order=_label_order())
        .properties(title="Label distribution per reviewer")
    )
    return chart


def _label_order() -> str:
    cases = " : ".join(f"datum.label === '{label}' ? {i}" for i, label in enumerate(LABELS))
    return f"{cases} : {len(LABELS)}"


def confusion_chart(table: pd.DataFrame, a: str, b: str) -> alt.LayerChart:
    """Confusion matrix of two reviewers (columns a_label, b_label, count)."""
    base = alt.Chart(table).encode(
        x=alt.X("b_label:N", title=f"{b}'s label", sort=list(LABELS)),
        y=alt.Y("a_label:N", title=f"{a}'s label", sort=list(LABELS)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("count:Q", scale=alt.Scale(scheme="blues"), title="sentences"),
        tooltip=["a_label:N", "b_label:N", "count:Q"],
    )
    text = base.mark_text(fontSize=13).encode(text="count:Q")
    return alt.LayerChart(layer=[cells, text], title=f"{a} vs {b}")


def agreement_over_time_chart(series: pd.DataFrame) -> alt.Chart:
    """Alpha and percent agreement per period (columns period, alpha, percent_agreement, units)."""
    chart: alt.Chart = (
        alt.Chart(series)
        .transform_fold(["alpha", "percent_agreement"], as_=["measure", "value"])
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title="period of the latest label"),
            y=alt.Y("value:Q", title="agreement", scale=alt.Scale(domain=[-1, 1])),
            color=alt.Color("measure:N", title=None),
            tooltip=[
                alt.Tooltip("period:T"),
                alt.Tooltip("measure:N"),
                alt.Tooltip("value:Q", format=".3f"),
                alt.Tooltip("units:Q", title="sentences"),
            ],
        )
        .properties(title="Agreement over time")
    )
    return chart


def warm() -> None:
    """Build one chart's spec: Altair compiles its schema validator on the first one."""
    frame = pd.DataFrame({"a": ["x"], "b": ["x"], "kappa": [1.0], "units": [1]})
    kappa_heatmap(frame).to_dict()
