"""The calibration section of ``onpoint hq report`` (SPEC §13).

Two parts, each from its one core function: consultants who rated the same district and
round, pair by pair (``hq_calibration.consultant_agreement``), and each calibration case
with every consultant who rated it against HQ's anchor
(``calibration_ratings.case_agreement``). Exact %, within-one %, quadratic-weighted kappa
(κ ≥ 0.70 calibrated), and the areas of widest disagreement, by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from onpoint_desktop.english import counted
from onpoint_desktop.sync.calibration_ratings import case_agreement
from onpoint_desktop.sync.hq_calibration import CALIBRATED, consultant_agreement

if TYPE_CHECKING:
    from onpoint_desktop.framework import Framework
    from onpoint_desktop.sync.hq_store import HQStore

Table = Callable[[Any, Sequence[str], Sequence[Sequence[str]]], None]
VERDICT = {True: "yes", False: "no", None: "too few areas"}


def _kappa(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _widest(fw: Framework, widest: Sequence[tuple[str, float]]) -> str:
    return "; ".join(f"{fw.areas[a].label} ({d:.1f})" for a, d in widest[:3])


def add_calibration_section(doc: Any, hq: HQStore, table: Table) -> None:
    """Append the calibration section to the python-docx ``doc`` (``table`` writes one)."""
    fw = hq.models.framework
    doc.add_heading("Calibration", 1)
    doc.add_paragraph(
        "How alike consultants rate the same evidence. Exact: the share of focus areas "
        "rated the same level; within one: at most one level apart; kappa: Cohen's "
        f"quadratic-weighted kappa (1 is perfect agreement, 0 what chance gives); "
        f"{CALIBRATED:.2f} or more is calibrated. In brackets after each area of widest "
        "disagreement: the mean difference in levels."
    )
    doc.add_heading("Consultants who rated the same district and round", 2)
    pairs = consultant_agreement(hq)
    if pairs:
        table(
            doc,
            ["Consultants", "Rounds", "Areas", "Exact", "Within one", "Kappa", "Calibrated"],
            [
                [
                    f"{g.name_a} and {g.name_b}",
                    str(len(g.rounds)),
                    str(g.areas),
                    f"{100 * g.exact:.0f}%",
                    f"{100 * g.within_one:.0f}%",
                    _kappa(g.kappa),
                    VERDICT[g.calibrated],
                ]
                for g in pairs
            ],
        )
    else:
        doc.add_paragraph("No two consultants have rated the same district and round yet.")
    doc.add_heading("Calibration cases", 2)
    cases = case_agreement(hq)
    if not cases:
        doc.add_paragraph(
            "HQ has not published a calibration case yet ('onpoint hq calibration-case')."
        )
    for case in cases:
        doc.add_paragraph(
            f"{case.name}, published {case.published_at[:10]}: HQ's anchor rates "
            f"{counted(case.anchored_areas, 'focus area')} over its rounds; "
            f"{counted(len(case.raters), 'consultant')} rated it blind."
        )
        if case.raters:
            table(
                doc,
                ["Consultant", "Areas", "Exact", "Within one", "Kappa", "Calibrated"],
                [
                    [
                        r.name,
                        str(r.areas),
                        f"{100 * r.exact:.0f}%",
                        f"{100 * r.within_one:.0f}%",
                        _kappa(r.kappa),
                        VERDICT[r.calibrated],
                    ]
                    for r in case.raters
                ],
            )
            for r in case.raters:
                if r.widest:
                    doc.add_paragraph(
                        f"Widest disagreement with the anchor — {r.name}: {_widest(fw, r.widest)}."
                    )
