"""``onpoint round rename|set-stage|delete|restore|confirm`` (SPEC §11): a round's history,
each change one transaction and one round event."""

from __future__ import annotations

import argparse
from pathlib import Path

from onpoint_desktop.english import counted
from onpoint_desktop.errors import InputError
from onpoint_desktop.limits import escaped
from onpoint_desktop.workspace import Workspace


def register_round_history(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rename", help="give a round another name (its id stays)")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("round", metavar="ROUND")
    p.add_argument("new", metavar="NEW", help="the new name")
    p.set_defaults(run=run_round_rename)

    p = sub.add_parser("set-stage", help="move a round to another implementation stage")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("round", metavar="ROUND")
    p.add_argument("stage", metavar="STAGE", help="planning, year1, year2 or year3")
    p.set_defaults(run=run_round_set_stage)

    p = sub.add_parser("delete", help="delete a round (kept in the file; 'restore' undoes it)")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("round", metavar="ROUND")
    p.add_argument("--yes", action="store_true", help="delete even a round with ratings")
    p.set_defaults(run=run_round_delete)

    p = sub.add_parser("restore", help="bring a deleted round back")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("round", metavar="ROUND")
    p.set_defaults(run=run_round_restore)

    p = sub.add_parser("confirm", help="confirm carried ratings (one area, or all)")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("round", metavar="ROUND")
    p.add_argument("area", metavar="AREA", nargs="?", help="default: every carried rating")
    p.set_defaults(run=run_round_confirm)


def run_round_rename(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        rnd = ws.rename_round(args.round, args.new)
        print(f"Round {escaped(rnd.id)} is now called '{escaped(rnd.label)}' (its id stays).")
    return 0


def run_round_set_stage(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        rnd = ws.set_round_stage(args.round, args.stage)
        total = ws.score(rnd.id).total_band
        band = f"; {total} the benchmark" if total else ""
        print(f"Round {escaped(rnd.id)} is now at {ws.framework.stage_label(rnd.stage)}{band}.")
    return 0


def run_round_delete(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        held = ws.round_holdings(args.round)
        if held and not args.yes:
            raise InputError(
                f"Round {args.round} holds {held}; add --yes to delete it (it stays in the "
                "file, and 'onpoint round restore' brings it back)."
            )
        ws.delete_round(args.round)
        print(f"Deleted round {escaped(args.round)}; 'onpoint round restore' brings it back.")
    return 0


def run_round_restore(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        rnd = ws.restore_round(args.round)
        print(f"Restored round {escaped(rnd.id)}.")
    return 0


def run_round_confirm(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        confirmed = ws.confirm(args.round, args.area)
        left = len(ws.carried(args.round))
        print(
            f"Confirmed {counted(len(confirmed), 'carried rating')}; "
            f"{counted(left, 'carried rating')} left to confirm."
        )
    return 0
