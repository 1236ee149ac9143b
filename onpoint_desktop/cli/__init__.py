"""``onpoint``: the headless twin of the GUI (SPEC §6).

Each command group lives in its own module with a ``register(subparsers)`` function.
Errors a user can act on print one line on stderr and exit 1; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from onpoint_desktop import __version__
from onpoint_desktop.errors import OnpointError

COMMAND_MODULES = (
    "onpoint_desktop.cli.workspace_commands",
    "onpoint_desktop.cli.score_command",
    "onpoint_desktop.cli.backup_commands",
    "onpoint_desktop.cli.survey_commands",
    "onpoint_desktop.cli.report_command",
    "onpoint_desktop.cli.sync_commands",
    "onpoint_desktop.cli.hq_commands",
)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line (and name the command's --help)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="onpoint",
        description="Onpoint Desktop from the command line: district workspaces, ratings, "
        "surveys, the Onpoint score, reports and sync bundles.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def _reader_gone() -> int:
    """The reader of our output went away (``onpoint board DB | head``): stop quietly, as
    command-line tools do, instead of a traceback. Whatever is still buffered goes nowhere,
    so Python's own flush at exit cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + 13  # as if killed by SIGPIPE, what shells report for such a writer


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.run(args) or 0
        sys.stdout.flush()  # inside the try: a reader that went away shows up here
        return code
    except BrokenPipeError:
        return _reader_gone()
    except OnpointError as exc:
        sys.stderr.write(f"onpoint: error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("onpoint: interrupted; nothing was changed.\n")
        return 130
