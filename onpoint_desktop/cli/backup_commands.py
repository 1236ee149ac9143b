"""``onpoint backups``: list the rolling backups of a workspace, restore one."""

from __future__ import annotations

import argparse
from pathlib import Path

from onpoint_desktop.errors import WorkspaceError
from onpoint_desktop.workspace import backup


def register(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("backups", help="rolling backups of a workspace")
    sub = group.add_subparsers(dest="backups_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("list", help="list the backups of a workspace, newest first")
    p.add_argument("db", metavar="DB", type=Path)
    p.set_defaults(run=run_list)
    p = sub.add_parser("restore", help="replace a (damaged) workspace by its latest good backup")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--from", dest="source", type=Path, help="a specific backup file")
    p.set_defaults(run=run_restore)


def run_list(args: argparse.Namespace) -> int:
    found = backup.find_backups(args.db)
    if not found:
        print(f"No backups of {args.db} on this computer.")
    for b in found:
        state = "ok" if backup.is_sound(b.path) else "DAMAGED"
        print(f"{b.label:<28} {state:<8} {b.path}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    if args.source:
        chosen = args.source
    else:
        good = backup.latest_good_backup(args.db)
        if good is None:
            raise WorkspaceError(f"No usable backup of {args.db} was found on this computer.")
        chosen = good.path
    aside = backup.restore(chosen, args.db)
    print(f"Restored {args.db} from {chosen}.")
    if aside.exists():
        print(f"The file it replaced is kept as {aside}.")
    return 0
