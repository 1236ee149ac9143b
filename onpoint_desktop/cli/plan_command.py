"""``onpoint plan``: the fewest one-level rating changes reaching a benchmark target
(SPEC §11 target planner)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from onpoint_desktop.english import counted
from onpoint_desktop.limits import escaped
from onpoint_desktop.planner import TARGETS, Plan, plan_round
from onpoint_desktop.workspace import Workspace


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "plan", help="the fewest rating changes reaching the stage median or p75"
    )
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", metavar="ROUND", help="default: the latest round")
    p.add_argument("--target", required=True, choices=TARGETS, help="median or p75")
    p.add_argument("--component", metavar="C", help="a component id (default: the total)")
    p.add_argument("--json", action="store_true", help="print one JSON object (SPEC §11)")
    p.set_defaults(run=run_plan)


def run_plan(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        rnd = ws.get_round(args.round) if args.round else ws.latest_round()
        if rnd is None:
            ws.score()  # says there are no rounds yet
            return 1
        plan = plan_round(ws, rnd.id, args.target, args.component)
        if args.json:
            print(json.dumps({"round": rnd.id, **plan.to_json()}, indent=2, ensure_ascii=False))
        else:
            print(render_plan(ws, rnd.id, args.target, plan))
    return 0


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def render_plan(ws: Workspace, round_id: str, which: str, plan: Plan) -> str:
    model = ws.round_model(round_id)
    what = "the Onpoint score" if plan.key == "total" else model.by_id[plan.key].name
    head = (
        f"Round {escaped(round_id)}: {what} is {_num(plan.score_before)}; the stage {which} is "
        f"{plan.target:.0f}."
    )
    if not plan.reachable:
        return (
            f"{head}\nNo rating changes reach it: even every area at the top level gives "
            f"{_num(plan.best_possible)} (the surveys count too)."
        )
    if not plan.changes:
        return f"{head}\nAlready there: no rating change is needed."
    fw = ws.framework
    lines = [
        head,
        f"The fewest changes that reach it: {counted(plan.steps, 'one-level step')}, giving "
        f"{_num(plan.score_after)} ({plan.score_after - plan.score_before:+.1f})."
        if plan.score_before is not None and plan.score_after is not None
        else f"The fewest changes that reach it: {counted(plan.steps, 'one-level step')}.",
        "",
    ]
    for change in plan.changes:
        lines.append(
            f"  {fw.areas[change.area].label:<58} {fw.level_label(change.before)} → "
            f"{fw.level_label(change.after)}"
        )
    return "\n".join(lines)
