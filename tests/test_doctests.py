"""The examples in the core's docstrings are true (every module with a ``>>>`` example)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "onpoint_desktop"
MODULES = sorted(
    ".".join(path.relative_to(CORE.parent).with_suffix("").parts)
    for path in CORE.rglob("*.py")
    if ">>>" in path.read_text(encoding="utf-8")
)


def test_examples_are_found():
    assert "onpoint_desktop.breakdown" in MODULES and len(MODULES) >= 5


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    failures, tried = doctest.testmod(importlib.import_module(name))
    assert tried > 0 and failures == 0
