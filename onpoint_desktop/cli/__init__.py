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

# Which module registers each command. Only the module of the command being run is
# imported, so a quick command (``rate``, ``score``) never pays for the libraries another
# command needs (pandas for surveys, cryptography for bundles, matplotlib for reports).
# A command missing here still works: every module is then registered
# (tests/test_cli_imports.py checks this table against the modules).
COMMANDS = {
    "demo": "workspace_commands",
    "init": "workspace_commands",
    "round": "workspace_commands",
    "rate": "workspace_commands",
    "board": "workspace_commands",
    "areas": "workspace_commands",
    "score": "score_command",
    "plan": "plan_command",
    "model": "model_commands",
    "backups": "backup_commands",
    "import-survey": "survey_commands",
    "inspect-survey": "survey_commands",
    "survey": "survey_commands",
    "report": "report_command",
    "bundle": "sync_commands",
    "hq-key": "sync_commands",
    "benchmark": "sync_commands",
    "hq": "hq_commands",
    "action": "action_commands",
    "notes": "action_commands",
    "walkthrough": "evidence_commands",
    "conditions": "evidence_commands",
    "calibration": "calibration_commands",
}
COMMAND_MODULES = tuple(f"onpoint_desktop.cli.{m}" for m in dict.fromkeys(COMMANDS.values()))


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line (and name the command's --help)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``onpoint`` parser; with ``command`` (a known one), only that command's module is
    imported and registered."""
    parser = _Parser(
        prog="onpoint",
        description="Onpoint Desktop from the command line: district workspaces, ratings, "
        "surveys, the Onpoint score, reports and sync bundles.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    modules = COMMAND_MODULES
    if command in COMMANDS:
        modules = (f"onpoint_desktop.cli.{COMMANDS[command]}",)
    for name in modules:
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
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv else None)
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
