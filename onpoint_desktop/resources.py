"""Where the resource files live and how they are read.

Resources are data, not code (``resources/`` at the project root, or inside the frozen
application). ``ONPOINT_RESOURCES`` points somewhere else, e.g. for HQ to try a new
scoring model without a release.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from onpoint_desktop.errors import ResourceError


def resources_dir() -> Path:
    """The folder holding framework, instruments, models, benchmarks and texts."""
    override = os.environ.get("ONPOINT_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(relative: str) -> Path:
    return resources_dir() / relative


def read_json(path: Path) -> Any:
    """Parse a JSON resource, turning every failure into a ResourceError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResourceError(f"Resource file {path} is missing.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"Resource file {path} cannot be read: {exc}.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResourceError(
            f"Resource file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg})."
        ) from None


class Fields:
    """Typed access to a JSON object, with errors that name the file and the key path.

    >>> Fields({"a": 1}, "x.json").int("a")
    1
    """

    def __init__(self, obj: Any, source: str, where: str = "") -> None:
        if not isinstance(obj, dict):
            raise ResourceError(f"{source}: {where or 'the top level'} must be a JSON object.")
        self.obj = obj
        self.source = source
        self.where = where

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, problem: str) -> ResourceError:
        return ResourceError(f"{self.source}: key '{self._key(key)}' {problem}.")

    def get(self, key: str) -> Any:
        if key not in self.obj:
            raise self.fail(key, "is missing")
        return self.obj[key]

    def str(self, key: str, default: str | None = None) -> str:
        if default is not None and key not in self.obj:
            return default
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value

    def number(self, key: str, default: float | None = None) -> float:
        if default is not None and key not in self.obj:
            return default
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, "must be a number")
        return float(value)

    def int(self, key: str, default: int | None = None) -> int:
        if default is not None and key not in self.obj:
            return default
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "must be a whole number")
        return value

    def bool(self, key: str, default: bool | None = None) -> bool:
        if default is not None and key not in self.obj:
            return default
        value = self.get(key)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def list(self, key: str) -> list[Any]:
        value = self.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list")
        return value

    def require_format(self, expected: str) -> None:
        """Refuse a document of another kind or version (its ``format`` key)."""
        found = self.str("format")
        if found != expected:
            raise self.fail("format", f"is '{found[:60]}', expected '{expected}'")

    def sub(self, key: str) -> Fields:
        return Fields(self.get(key), self.source, self._key(key))

    def item(self, key: str, index: int) -> Fields:
        return Fields(self.list(key)[index], self.source, f"{self._key(key)}[{index}]")

    def items(self, key: str) -> list[Fields]:
        return [self.item(key, i) for i in range(len(self.list(key)))]
