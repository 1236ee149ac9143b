"""Running ``onpoint`` in-process from tests."""

from __future__ import annotations

from onpoint_desktop.cli import main


def run(capsys, *args):
    """Run ``onpoint ARGS``; its exit code, stdout and stderr."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err
