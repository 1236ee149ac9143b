"""The walkthrough profile chart: for each Core Four element, one 100% bar per group of
classrooms (all classrooms, then each school shown), split by level, with n beside the
group. Levels use the report's sequential scale (``palette``), "Not observed" a light
grey; shares of 10% or more are printed on their segment."""

from __future__ import annotations

from onpoint_desktop.report import palette
from onpoint_desktop.report.charts import (
    WIDTH_IN,
    Chart,
    LegendEntry,
    add_rectangles,
    chart_style,
    new_figure,
    render,
)
from onpoint_desktop.report.visit_content import VisitEvidence

NOT_OBSERVED = "E6E6E6"
BAR = 0.2  # inches per group bar
PANEL_GAP = 0.36  # inches for an element's title


def level_colours(levels: int) -> list[str]:
    """Hex colours (no '#') for levels 0..levels-1: grey, then the level scale."""
    return [NOT_OBSERVED, *palette.level_fills(levels - 1).values()]


def walkthrough_chart(visit: VisitEvidence) -> Chart:
    profile = visit.walkthroughs
    inst = profile.instrument
    groups = (profile.overall, *profile.schools)
    colours = level_colours(len(inst.levels))
    panel = PANEL_GAP + BAR * len(groups)
    height = panel * len(inst.elements) + 0.2
    with chart_style():
        fig = new_figure(WIDTH_IN, height)
        for index, element in enumerate(inst.elements):
            top = 1 - (index * panel + PANEL_GAP - 0.08) / height
            bottom = 1 - ((index + 1) * panel - 0.04) / height
            ax = fig.add_axes((0.32, bottom, 0.64, top - bottom))
            ax.grid(False)
            for side in ("left", "bottom"):
                ax.spines[side].set_visible(False)
            boxes: dict[int, list] = {level: [] for level in range(len(inst.levels))}
            for y, group in enumerate(groups):
                start = 0.0
                for level, share in enumerate(group.element(element.id).shares):
                    boxes[level].append((start, y - 0.36, start + share, y + 0.36))
                    if share >= 0.1:
                        ink = palette.text_on(colours[level])
                        ax.text(
                            start + share / 2, y, f"{share:.0%}", ha="center", va="center",
                            fontsize=7, color=f"#{ink}",
                        )  # fmt: skip
                    start += share
            for level, rects in boxes.items():
                add_rectangles(
                    ax, rects, facecolors=f"#{colours[level]}", edgecolors="white", linewidths=0.5
                )
            ax.set_xlim(0, 1)
            ax.set_ylim(len(groups) - 0.5, -0.5)
            ax.set_xticks([])
            ax.set_yticks(
                range(len(groups)), [f"{g.label} (n = {g.n})" for g in groups], fontsize=7.5
            )
            ax.get_yticklabels()[0].set_fontweight("bold")
            ax.tick_params(axis="y", length=0)
            ax.set_title(element.label, loc="left", fontsize=9, fontweight="bold", pad=3, x=-0.47)
        legend = tuple(
            LegendEntry("■", colours[level], f"{level} {label}") for level, label in inst.levels
        )
        return render(fig, _alt(visit), legend, panels=len(inst.elements))


def _alt(visit: VisitEvidence) -> str:
    profile = visit.walkthroughs
    inst = profile.instrument
    parts = []
    for element in inst.elements:
        shares = profile.overall.element(element.id).shares
        words = ", ".join(
            f"{share:.0%} {label}" for share, (_, label) in zip(shares, inst.levels, strict=True)
        )
        parts.append(f"{element.label}: {words}")
    return (
        f"Stacked bar chart: the Core Four levels seen in {profile.n} classrooms, overall and "
        f"for {len(profile.schools)} groups of schools. Overall, " + "; ".join(parts) + "."
    )
