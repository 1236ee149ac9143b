"""Quick commands stay quick: ``rate``, ``score``, ``board`` and ``areas`` never load the
libraries other commands need (SPEC §14; issue 12: ``onpoint rate`` imported pandas).

Each command runs in-process in a fresh interpreter (``cli.main``), which then reports its
own ``sys.modules``: the test's imports do not count.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import subprocess
import sys

import pytest

from onpoint_desktop import cli

HEAVY = ("pandas", "matplotlib", "cryptography", "numpy", "docx", "openpyxl", "PySide6")

PROBE = """
import json, sys
from onpoint_desktop.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in json.loads({heavy!r}) if m in sys.modules)
print("HEAVY=" + json.dumps(heavy))
sys.exit(code)
"""


def _loaded_by(*argv: str, watched: tuple[str, ...] = HEAVY) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=json.dumps(watched)), *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("HEAVY="))
    return json.loads(line.removeprefix("HEAVY="))


@pytest.fixture(scope="module")
def district(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("quick") / "d.onpoint.db"
    shutil.copy(demo_db, path)
    return str(path)


@pytest.mark.parametrize(
    "argv",
    [
        ("rate", "{db}", "--round", "2024-25", "it_support_plan", "3", "--note", "Help desk"),
        ("rate", "{db}", "--round", "2024-25", "it_support_plan", "0"),
        ("score", "{db}"),
        ("score", "{db}", "--json"),
        ("score", "{db}", "--round", "2022-23", "--by-school"),
        ("board", "{db}"),
        ("areas",),
    ],
    ids=lambda argv: " ".join(a for a in argv if a != "{db}"),
)
def test_quick_commands_load_no_heavy_library(district, argv):
    assert _loaded_by(*(a.format(db=district) for a in argv)) == []


def test_every_command_is_in_the_lazy_table():
    """``cli.COMMANDS`` says which module registers each command; a command missing from
    it still works (every module is then loaded) but loses the quick start."""
    registered = {}
    for module in cli.COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        commands = parser.add_subparsers()
        importlib.import_module(module).register(commands)
        for name in commands.choices:
            registered[name] = module.rsplit(".", 1)[1]
    assert registered == cli.COMMANDS


def test_a_command_outside_the_table_still_runs(capsys):
    assert cli.main(["areas"]) == 0
    parser = cli.build_parser("no-such-command")
    assert set(parser._subparsers._group_actions[0].choices) == set(cli.COMMANDS)


# What only other commands need: opening a workspace to rate or score loads none of it
# (bench/cli.py: rate and score ≤ 0.2 s).
NOT_FOR_RATE_OR_SCORE = (
    "onpoint_desktop.evidence.instruments",
    "onpoint_desktop.evidence.profiles",
    "onpoint_desktop.breakdown",
    "onpoint_desktop.compare",
    "difflib",
    "platformdirs",
)


@pytest.mark.parametrize(
    "argv",
    [("rate", "{db}", "--round", "2024-25", "it_support_plan", "2"), ("score", "{db}")],
    ids=["rate", "score"],
)
def test_rate_and_score_load_only_what_they_use(district, argv, tmp_path, monkeypatch):
    monkeypatch.setenv("ONPOINT_HOME", str(tmp_path))
    argv = tuple(a.format(db=district) for a in argv)
    loaded = _loaded_by(*argv, watched=NOT_FOR_RATE_OR_SCORE)
    expected = ["platformdirs"] if argv[0] == "rate" else []  # rate takes a rolling backup
    assert loaded == expected
