"""``onpoint score``: the Onpoint score of a round, as a table or as JSON (SPEC §6)."""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from onpoint_desktop.errors import InputError
from onpoint_desktop.limits import escaped
from onpoint_desktop.response_rates import response_rates
from onpoint_desktop.scoring import RoundScore, recommendations_for
from onpoint_desktop.workspace import Workspace

if TYPE_CHECKING:
    from onpoint_desktop.compare import Comparison

STATUS_MARK = {"complete": "", "expert-only": "E", "survey-only": "S", "unavailable": ""}


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("score", help="the Onpoint score of a round against the benchmark")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", metavar="ROUND", help="default: the latest round")
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print one JSON object (SPEC §6)")
    shape.add_argument(
        "--by-school",
        action="store_true",
        help="survey sub-scores per school (small groups hidden)",
    )
    p.add_argument(
        "--compare",
        metavar="OTHER",
        help="set the round beside another round: level changes and score differences",
    )
    p.set_defaults(run=run_score)


def run_score(args: argparse.Namespace) -> int:
    with Workspace.open(args.db, backup=False) as ws:  # looks only: nothing to back up
        score = ws.score(args.round)
        comparison = None
        if args.compare:
            from onpoint_desktop.compare import compare_rounds

            comparison = compare_rounds(ws, score.round, args.compare)
        if args.by_school and comparison is not None:
            raise InputError("--compare and --by-school cannot be used together.")
        if args.json:
            data = score.to_json()
            data.update(response_rates(ws, score.round).to_json())
            if comparison is not None:
                data["compare"] = comparison.to_json()
            print(json.dumps(data, indent=2, ensure_ascii=False))
        elif comparison is not None:
            print(render_comparison(ws, comparison))
        elif args.by_school:
            print(render_by_school(ws, score.round))
        else:
            print(render_score(ws, score))
    return 0


def render_comparison(ws: Workspace, comparison: Comparison) -> str:
    """The round beside another: total and components with their differences, then the
    areas whose level changed (▲ up, ▼ down)."""
    now, then = comparison.now, comparison.then
    fw = ws.framework
    lines = [
        f"{escaped(now.district)} — round {escaped(now.round)} ({fw.stage_label(now.stage)}) "
        f"compared with {escaped(then.round)} ({fw.stage_label(then.stage)})",
        "",
        f"{'':<33} {escaped(now.round)[:9]:>9} {escaped(then.round)[:9]:>9} {'Change':>8}",
        f"{'Onpoint score':<33} {_num(now.total, '.1f'):>9} {_num(then.total, '.1f'):>9} "
        f"{_signed(comparison.total_delta):>8}",
    ]
    for c in now.components:
        lines.append(
            f"{c.name:<33} {_num(c.score, '.1f'):>9} {_num(then.value(c.id), '.1f'):>9} "
            f"{_signed(comparison.component_delta(c.id)):>8}"
        )
    lines.append("")
    if not comparison.areas:
        lines.append("No focus area's level changed.")
    else:
        lines.append("Focus areas whose level changed:")
    for change in comparison.areas:
        label = fw.areas[change.area].label
        lines.append(
            f"  {change.mark or ' ':<7} {label:<58} {fw.level_label(change.then)} → "
            f"{fw.level_label(change.now)}"
        )
    return "\n".join(lines)


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def _num(value: float | None, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def render_score(ws: Workspace, score: RoundScore) -> str:
    """A readable table: total with band, components, strengths and focus areas."""
    fw, model, bm = ws.framework, score.model, score.benchmark
    stage_label = fw.stage_label(score.stage)
    stage_bm = bm.stages.get(score.stage)
    lines = [f"{escaped(score.district)} — round {escaped(score.round)} ({stage_label})", ""]
    total = _num(score.total, ".1f")
    if score.total is not None and stage_bm:
        pct = stage_bm.total
        lines.append(
            f"Onpoint score  {total}   {score.total_band} the benchmark "
            f"(p25 {pct.p25:.0f} · median {pct.p50:.0f} · p75 {pct.p75:.0f})"
        )
    else:
        lines.append(f"Onpoint score  {total}")
    n_text = f", {stage_bm.n_districts} districts at {stage_label}" if stage_bm else ""
    lines.append(f"Benchmark      {escaped(bm.label)}, {escaped(bm.date)}{n_text}")
    lines.append(f"Model          {model.id}; complete: {'yes' if score.complete else 'no'}")
    rates = response_rates(ws, score.round)
    if rates.known:
        lines.append("Response rate  " + rates.sentence().removeprefix("Response rate: "))
    lines.append("")
    roles = [(role, f"{role.capitalize()}s") for role in model.roles]
    width = max(9, *(len(title) for _, title in roles))
    header = (
        f"{'Component':<33} {'Score':>6} {'Expert':>7} {'Survey':>7} "
        + "".join(f"{title:>{width}} " for _, title in roles)
        + f" {'Band':<7} {'Median':>6}"
    )
    lines += [header, "-" * len(header)]
    for c in score.components:
        counts = "".join(
            f"{_n(c.role_n.get(role, 0), role in c.held_back_roles, model.min_n):>{width}} "
            for role, _ in roles
        )
        lines.append(
            f"{c.name:<33} {_num(c.score, '.1f'):>6} {_num(c.expert, '.3f'):>7} "
            f"{_num(c.survey, '.3f'):>7} {counts} {c.band or '—':<7} "
            f"{_num(c.median, '.0f'):>6} {STATUS_MARK[c.status]}".rstrip()
        )
    lines.append("")
    lines.append(
        f"E: expert rating only · S: survey only · n<{model.min_n}: too few respondents "
        "to use (not shown, not counted)"
    )
    recs = recommendations_for(score)
    for kind, title in (("strengths", "Strengths"), ("focus_areas", "Focus areas")):
        lines.append("")
        if not recs[kind]:
            lines.append(f"{title}: none against this benchmark")
            continue
        lines.append(f"{title}:")
        for cid, rec in recs[kind]:
            comp = score.component(cid)
            lines.append(f"  {comp.name} ({comp.delta:+.0f} vs median): {rec.title}")
            lines += textwrap.wrap(rec.text, 88, initial_indent="    ", subsequent_indent="    ")
    return "\n".join(lines)


def _school_rate(rate) -> str:
    return "—" if rate is None else rate.cell()


def _n(n: int, held_back: bool, min_n: int) -> str:
    return f"{n} (n<{min_n})" if held_back else str(n)


def render_by_school(ws: Workspace, round_id: str) -> str:
    """Survey sub-scores (200–1,000) per component and school, small groups hidden."""
    model = ws.round_model(round_id)
    breakdown = ws.school_breakdown(round_id)
    title = f"{escaped(ws.district.name)} — round {escaped(round_id)}: survey sub-scores by school"
    if not breakdown.schools:
        return f"{title}\n\nNo survey responses with a school in this round."
    width = max(12, min(22, max(len(s) for s in breakdown.schools)))
    shown = [escaped(s) for s in breakdown.schools]
    names = [s if len(s) <= width else s[: width - 1] + "…" for s in shown]
    header = f"{'Component':<33}" + "".join(f" {n:>{width}}" for n in names)
    lines = [title, "", header, "-" * len(header)]
    for comp in model.components:
        cells = []
        for school in breakdown.schools:
            value = breakdown.of(school, comp.id)
            if value.score is not None:
                cells.append(f"{value.score:.1f}")
            else:
                shown_n = [c.n for c in value.cells.values() if c.n]
                cells.append("hidden" if shown_n else "—")
        lines.append(f"{comp.name:<33}" + "".join(f" {c:>{width}}" for c in cells))
    lines.append("")
    for role in model.roles:
        counts = []
        for school in breakdown.schools:
            n = breakdown.respondents[school][role]
            counts.append("hidden" if n is None else str(n))
        label = f"Respondents ({role}s)"
        lines.append(f"{label:<33}" + "".join(f" {c:>{width}}" for c in counts))
    rates = response_rates(ws, round_id)
    for role in model.role_weights if rates.schools else ():
        cells = [
            _school_rate(rates.schools.get(school, {}).get(role)) for school in breakdown.schools
        ]
        label = f"Response rate ({role}s)"
        lines.append(f"{label:<33}" + "".join(f" {c:>{width}}" for c in cells))
    lines += [
        "",
        f"Hidden: fewer than {model.min_n} respondents of a role answered, or showing the cell "
        "would let the hidden ones be worked out from the district figure.",
    ]
    return "\n".join(lines)
