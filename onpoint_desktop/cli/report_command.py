"""``onpoint report``: the report of a round for the client district (.docx, or .pdf
through LibreOffice)."""

from __future__ import annotations

import argparse
from pathlib import Path

from onpoint_desktop.workspace import Workspace


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "report", help="write the report of a round (.docx, or .pdf through LibreOffice)"
    )
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", metavar="ROUND", help="default: the latest round")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT.docx|OUT.pdf",
        type=Path,
        help="file to write; a .pdf is converted by LibreOffice (headless), when installed",
    )
    p.add_argument(
        "--consultant",
        metavar="NAME",
        help=(
            "name on the cover and document author (default: the name set in Preferences, "
            "then $ONPOINT_AUTHOR, then who rated the round)"
        ),
    )
    p.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    from onpoint_desktop.report import write_report

    with Workspace.open(args.db) as ws:
        out = write_report(ws, args.round, args.output, consultant=args.consultant)
        score = ws.score(args.round)
        print(f"Wrote the report of {score.district}, round {score.round}, to {out}.")
    return 0
