"""The consultant's name as set in Preferences, read without Qt.

The desktop app keeps its settings in an INI file in the per-user config folder
(``ui/settings.py``, ``QSettings`` in INI format: ``[author]`` ``name=...``). The CLI and
the report read the same file here, so a name set in Preferences is the name on every
report, whichever front-end writes it.
"""

from __future__ import annotations

import configparser

from onpoint_desktop import paths

SETTINGS_FILE = "settings.ini"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(value: str) -> str:
    """A QSettings INI string as Qt writes it: backslash escapes (``\\\\``, ``\\"``,
    ``\\xHHHH``), double quotes around parts holding a comma, a leading ``@`` doubled.

    >>> _unquote('"Zoë O\\'Brien, PhD"'), _unquote('@@home \\\\"q\\\\"'), _unquote("@ByteArray(x)")
    ("Zoë O'Brien, PhD", '@home "q"', '')
    """
    text, out, i = value.strip(), [], 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            i += 1
            continue
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "x":
                digits = ""
                while i + 2 + len(digits) < len(text) and len(digits) < 4:
                    candidate = text[i + 2 + len(digits)]
                    if candidate not in "0123456789abcdefABCDEF":
                        break
                    digits += candidate
                out.append(chr(int(digits, 16)) if digits else "x")
                i += 2 + len(digits)
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    result = "".join(out)
    if result.startswith("@@"):
        return result[1:].strip()
    if result.startswith("@"):
        return ""  # a typed value (@ByteArray, @Variant...), never a name
    return result.strip()


def preferred_author() -> str | None:
    """The name set in Preferences, or None when none is set (or the file is unreadable)."""
    path = paths.config_dir() / SETTINGS_FILE
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read(path, encoding="utf-8")
        value = parser.get("author", "name", fallback="")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    return _unquote(value) or None


def consultant_name(explicit: str | None = None, fallback: str | None = None) -> str:
    """Who the report names as its consultant (and its document author).

    In order: the name given explicitly (``--consultant``, the GUI's Preferences), the
    name set in Preferences, ``$ONPOINT_AUTHOR``, ``fallback`` (e.g. who rated the
    round), and only then the login name.
    """
    import os

    from onpoint_desktop.workspace.records import default_author

    for name in (
        explicit,
        preferred_author(),
        os.environ.get("ONPOINT_AUTHOR"),
        fallback,
    ):
        if name and name.strip():
            return name.strip()
    return default_author()
