"""JSON from files that may be hostile: nesting depth bounded, numbers finite.

Python's ``json`` parses by recursion, so a few kilobytes of ``[[[[…`` end in a
``RecursionError`` (and a value nested just below that limit in one later, wherever the
value is walked or printed). :func:`loads` refuses both with :class:`UnsafeJSON`, a
``ValueError`` whose message says what was wrong; callers turn it into their own refusal
naming the file. Everything a bundle, a signed document or an HQ key file holds is read
through it.

A document with no more brackets than the depth limit cannot be nested deeper than it,
so the usual small record costs one ``str.count``; only larger documents are walked
(iteratively) after parsing.

>>> loads(b'{"a": [1, 2]}')
{'a': [1, 2]}
>>> loads(b"[" * 5000)
Traceback (most recent call last):
...
onpoint_desktop.sync.safe_json.UnsafeJSON: it is nested deeper than 64 levels
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # far beyond any document the app writes (a bundle manifest is 3 deep)


class UnsafeJSON(ValueError):
    """Text that is not JSON, or JSON the app refuses to hold (too deep, not finite)."""


def _not_finite(constant: str) -> float:
    raise UnsafeJSON(f"it holds the non-number {constant}")


_DECODER = json.JSONDecoder(parse_constant=_not_finite)


def loads(text: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``text`` (UTF-8 bytes or str), refusing deep nesting, NaN and ±Infinity."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        opening = text.count("[") + text.count("{")
        value = _DECODER.decode(text)
    except RecursionError:
        raise UnsafeJSON(f"it is nested deeper than {max_depth} levels") from None
    except UnicodeDecodeError:
        raise UnsafeJSON("it is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise UnsafeJSON(f"it is not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    except ValueError as exc:  # an integer of thousands of digits, or UnsafeJSON itself
        if isinstance(exc, UnsafeJSON):
            raise
        raise UnsafeJSON("it holds a number too large to read") from None
    if opening > max_depth and depth(value) > max_depth:
        raise UnsafeJSON(f"it is nested deeper than {max_depth} levels")
    return value


def depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest
