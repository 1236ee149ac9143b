"""Workspace commands: demo, init, round add/list (and ``round_commands``), rate, board,
areas."""

from __future__ import annotations

import argparse
from pathlib import Path

from onpoint_desktop import framework
from onpoint_desktop.cli.round_commands import register_round_history
from onpoint_desktop.cli.survey_commands import register_round_invited
from onpoint_desktop.english import counted
from onpoint_desktop.errors import InputError
from onpoint_desktop.limits import escaped
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.latest import EXPERT, PERSPECTIVES


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("demo", help="create a ready demo district to explore")
    p.add_argument("db", metavar="DB", type=Path, help="workspace file to create")
    p.set_defaults(run=run_demo)

    p = commands.add_parser("init", help="create a new district workspace")
    p.add_argument("db", metavar="DB", type=Path, help="workspace file to create")
    p.add_argument("--district", required=True, metavar="NAME", help="district name")
    p.set_defaults(run=run_init)

    rounds = commands.add_parser("round", help="assessment rounds of a district")
    sub = rounds.add_subparsers(dest="round_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("add", help="add a round (e.g. 2024-25) at an implementation stage")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("round", metavar="ROUND", help="round id, e.g. 2024-25")
    p.add_argument(
        "--stage", required=True, metavar="STAGE", help="planning, year1, year2 or year3"
    )
    p.add_argument("--label", help="display label (default: the round id)")
    p.add_argument(
        "--from",
        dest="from_round",
        metavar="PREVIOUS",
        help="start from this round: its ratings are carried forward until confirmed",
    )
    p.set_defaults(run=run_round_add)
    p = sub.add_parser("list", help="list the rounds of a district")
    p.add_argument("db", metavar="DB", type=Path)
    p.set_defaults(run=run_round_list)
    p = sub.add_parser(
        "set-model", help="score a round with another installed scoring model (rescores it)"
    )
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("round", metavar="ROUND")
    p.add_argument("model", metavar="MODEL", help="a model id ('onpoint model list DB')")
    p.set_defaults(run=run_round_set_model)
    register_round_invited(sub)
    register_round_history(sub)

    p = commands.add_parser("rate", help="rate a focus area (LEVEL 1-4, or 0 to clear)")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", required=True, metavar="ROUND")
    p.add_argument("area", metavar="AREA", help="focus area id ('onpoint areas' lists them)")
    p.add_argument("level", metavar="LEVEL", help="1 Not started … 4 Established; 0 clears")
    p.add_argument("--note", help="evidence note")
    p.add_argument("--author", help="who rates (default: $ONPOINT_AUTHOR or your user name)")
    p.add_argument(
        "--perspective",
        choices=PERSPECTIVES,
        default=EXPERT,
        help="the consultant's rating (expert, the default; the only one scored) or the "
        "district team's own self-assessment (district)",
    )
    p.set_defaults(run=run_rate)

    p = commands.add_parser("board", help="show the bingo board of a round")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", metavar="ROUND", help="default: the latest round")
    view = p.add_mutually_exclusive_group()
    view.add_argument(
        "--perspective",
        choices=PERSPECTIVES,
        default=EXPERT,
        help="whose ratings to show (default: expert)",
    )
    view.add_argument(
        "--gap", action="store_true", help="expert and district side by side, with the gap"
    )
    p.add_argument("--json", action="store_true", help="print JSON (with --gap)")
    p.set_defaults(run=run_board)

    p = commands.add_parser("areas", help="list the focus areas of the framework")
    p.set_defaults(run=run_areas)


def run_demo(args: argparse.Namespace) -> int:
    from onpoint_desktop.demo import build_demo

    with build_demo(args.db) as ws:
        rounds = ws.rounds()
        print(
            f"Created {escaped(ws.district.name)} in {args.db} with rounds "
            f"{', '.join(r.id for r in rounds)}."
        )
        print(f"Try: onpoint score {args.db}")
    return 0


def run_init(args: argparse.Namespace) -> int:
    with Workspace.create(args.db, args.district) as ws:
        print(f"Created workspace for {escaped(ws.district.name)} in {args.db}.")
        print(f"Next: onpoint round add {args.db} 2024-25 --stage planning")
    return 0


def run_round_add(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        rnd = ws.add_round(args.round, args.stage, args.label, from_round=args.from_round)
        print(
            f"Added round {rnd.id} ({ws.framework.stage_label(rnd.stage)}), scored with "
            f"model {rnd.model_id}."
        )
        if args.from_round:
            carried = len(ws.carried(rnd.id))
            actions = len(ws.actions(rnd.id))
            print(
                f"Carried {counted(carried, 'rating')} and {counted(actions, 'open action')} "
                f"forward from {args.from_round}; confirm the ratings with 'onpoint round "
                f"confirm {args.db} {rnd.id}' or rate them anew."
            )
    return 0


def run_round_list(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        for rnd in ws.rounds():
            rated = len(ws.levels(rnd.id))
            counts = ws.respondent_counts(rnd.id)
            respondents = ", ".join(
                f"{counts.get(role, 0)} {role}s" for role in ws.round_model(rnd.id).roles
            )
            carried = len(ws.carried(rnd.id))
            name = f" '{escaped(rnd.label)}'" if rnd.label != rnd.id else ""
            print(
                f"{escaped(rnd.id):<12} {ws.framework.stage_label(rnd.stage):<9} "
                f"{rated:>2}/{len(ws.framework.areas)} areas rated  {respondents}  "
                f"model {rnd.model_id}" + (f"  {carried} carried" if carried else "") + name
            )
        deleted = ws.deleted_rounds()
        if deleted:
            print(
                "Deleted (kept in the file; 'onpoint round restore' brings one back): "
                + ", ".join(escaped(r) for r in deleted)
            )
    return 0


def run_round_set_model(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        before = ws.score(args.round)
        after = ws.set_round_model(args.round, args.model)
    if before.model.id == after.model.id:
        print(f"Round {args.round} is already scored with {after.model.id}.")
        return 0
    print(
        f"Round {args.round} is now scored with {after.model.id} (was {before.model.id}): "
        f"Onpoint score {_total(before.total)} → {_total(after.total)}."
    )
    return 0


def _total(total: float | None) -> str:
    return "—" if total is None else f"{total:.1f}"


def parse_level(text: str) -> int | None:
    top = framework.framework().max_level
    try:
        level = int(text)
    except ValueError:
        level = -1
    if not 0 <= level <= top:
        raise InputError(f"LEVEL must be a whole number 0–{top} (0 clears), not '{text}'.")
    return level or None


def warn_if_clock_behind(ws: Workspace) -> None:
    """Say so on stderr when this computer's clock is behind the workspace's latest rating."""
    import sys

    from onpoint_desktop.clock import clock_behind_warning

    behind = ws.clock_behind()
    if behind is not None:
        sys.stderr.write(f"onpoint: warning: {clock_behind_warning(behind)}\n")


def run_rate(args: argparse.Namespace) -> int:
    level = parse_level(args.level)
    with Workspace.open(args.db) as ws:
        warn_if_clock_behind(ws)
        ws.rate(args.round, args.area, level, args.note, args.author, args.perspective)
        label = ws.framework.areas[args.area].label
        total = ws.score(args.round).total
        shown = "—" if total is None else f"{total:.1f}"
        if args.perspective != EXPERT:
            print(
                f"{label}: {ws.framework.level_label(level)} in the district's own view "
                f"(not scored). Onpoint score stays {shown}."
            )
        else:
            print(f"{label}: {ws.framework.level_label(level)}. Onpoint score now {shown}.")
    return 0


def run_board(args: argparse.Namespace) -> int:
    with Workspace.open(args.db, backup=False) as ws:  # looks only: nothing to back up
        rnd = ws.get_round(args.round) if args.round else ws.latest_round()
        if rnd is None:
            raise InputError("This district has no rounds yet; add one with 'round add'.")
        if args.gap:
            print(render_gap(ws, rnd.id, as_json=args.json))
            return 0
        if args.json:
            raise InputError("--json goes with --gap; 'onpoint score DB --json' has the board.")
        board = ws.board(rnd.id, args.perspective)
        whose = "" if args.perspective == EXPERT else ", the district's own view"
        print(
            f"{escaped(ws.district.name)}: round {escaped(rnd.id)} "
            f"({ws.framework.stage_label(rnd.stage)}{whose})"
        )
        for category in ws.framework.categories:
            print(f"\n{category.label}")
            for area in category.areas:
                event = board.get(area.id)
                level = ws.framework.level_label(event.level if event else None)
                if event and event.carried:
                    level += " (carried)"
                note = f"  — {escaped(event.note)}" if event and event.note else ""
                print(f"  {area.label:<58} {level}{note}")
    return 0


def render_gap(ws: Workspace, round_id: str, *, as_json: bool = False) -> str:
    """Expert and district levels of each focus area side by side, with the gap."""
    import json

    from onpoint_desktop.evidence.profiles import largest_gaps

    fw = ws.framework
    gaps = ws.perspective_gaps(round_id)
    largest = largest_gaps(gaps)
    if as_json:
        return json.dumps(
            {
                "round": round_id,
                "areas": [
                    {"area": g.area, "expert": g.expert, "district": g.district, "gap": g.gap}
                    for g in gaps
                ],
                "largest_gaps": [g.area for g in largest],
            },
            indent=2,
        )
    by_area = {g.area: g for g in gaps}
    lines = [f"{escaped(ws.district.name)}: round {escaped(round_id)}, expert vs district"]
    for category in fw.categories:
        lines.append(f"\n{category.label:<60} {'Expert':<16} {'District':<16} Gap")
        for area in category.areas:
            g = by_area[area.id]
            lines.append(
                f"  {area.label:<58} {fw.level_label(g.expert):<16} "
                f"{fw.level_label(g.district):<16} {g.gap_text}"
            )
    if largest:
        named = "; ".join(f"{fw.areas[g.area].label} ({g.gap_text})" for g in largest)
        lines.append(f"\nLargest gaps (district minus expert): {named}.")
    elif not any(g.district for g in gaps):
        lines.append(
            "\nNo district self-assessment yet: 'onpoint rate DB --round R AREA LEVEL "
            "--perspective district'."
        )
    return "\n".join(lines)


def run_areas(args: argparse.Namespace) -> int:
    fw = framework.framework()
    for category in fw.categories:
        print(category.label)
        for area in category.areas:
            print(f"  {area.id:<38} {area.label}")
    return 0
