"""What the app accepts where text enters it, so that whatever it holds can always leave.

A workspace's history is append-only: a value it accepted once is in every bundle it
will ever export. So the limits HQ applies to bundles are applied here, at entry, with a
sentence saying what to change: an evidence note holds at most 20,000 characters; a
district, round, school or person's name at most 200 and no control characters (a note
may hold line breaks and tabs). The CLI prints names from files through :func:`escaped`
so that no control character reaches the terminal.

Files written before these limits may hold longer or odder text; :func:`fitted_name` and
:func:`fitted_note` give the form a bundle carries for them (cut, control characters
replaced), so such a workspace can still be exported.

>>> checked_name("  Cedar Falls  ", "The district name")
'Cedar Falls'
>>> escaped("Cedar\\x1b[2J Falls")
'Cedar\\\\x1b[2J Falls'
"""

from __future__ import annotations

import re

from onpoint_desktop.errors import InputError

MAX_NOTE = 20_000
MAX_NAME = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_NOTE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # keeps \t \n \r


def checked_name(value: str, what: str) -> str:
    """``value`` stripped, or an :class:`InputError` naming ``what`` ("The district name")."""
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise InputError(f"{what} must not be empty.")
    if len(name) > MAX_NAME:
        raise InputError(
            f"{what} has {len(name):,} characters; at most {MAX_NAME} are allowed. "
            "Shorten it and try again; nothing was changed."
        )
    control = _CONTROL.search(name)
    if control:
        raise InputError(
            f"{what} contains a control character ({_shown(control.group())}); names hold "
            "printable characters only. Retype it and try again; nothing was changed."
        )
    return name


def checked_note(value: str | None) -> str | None:
    """An evidence note stripped (None when empty), or an :class:`InputError`."""
    if value is None or not value.strip():
        return None
    note = value.strip()
    if len(note) > MAX_NOTE:
        raise InputError(
            f"The evidence note has {len(note):,} characters; at most {MAX_NOTE:,} are "
            "allowed. Shorten it (or keep the full text in a document and refer to it); "
            "nothing was changed."
        )
    control = _CONTROL_IN_NOTE.search(note)
    if control:
        raise InputError(
            f"The evidence note contains a control character ({_shown(control.group())}); "
            "remove it and try again; nothing was changed."
        )
    return note


def check_schools(names) -> None:
    """Refuse a batch of survey responses whose School values break the name limits
    (:class:`InputError` quoting the first, briefly)."""
    for name in {n for n in names if n}:
        problem = name_problem(name)
        if problem:
            shown = escaped(name[:40]) + ("…" if len(name) > 40 else "")
            raise InputError(
                f"A School value in this file ('{shown}') {problem}: school names hold at most "
                f"{MAX_NAME} printable characters. Fix the School column and import again; "
                "nothing was imported."
            )


def name_problem(value: object) -> str | None:
    """Why ``value`` is not an acceptable name (as a bundle reader says it), or None."""
    if not isinstance(value, str) or not value.strip():
        return "is empty or not text"
    if len(value) > MAX_NAME:
        return f"has {len(value):,} characters (at most {MAX_NAME})"
    if _CONTROL.search(value):
        return "contains a control character"
    return None


def note_problem(value: object) -> str | None:
    """Why ``value`` is not an acceptable evidence note (None is one), or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        return "is not text"
    if len(value) > MAX_NOTE:
        return f"has {len(value):,} characters (at most {MAX_NOTE:,})"
    if _CONTROL_IN_NOTE.search(value):
        return "contains a control character"
    return None


def fitted_name(value: str) -> str:
    """A name from an older file in a form the limits accept (control characters become
    spaces, over-long names are cut and end with "…")."""
    if name_problem(value) is None:
        return value
    name = " ".join(_CONTROL.sub(" ", value).split()) or "(unnamed)"
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def fitted_note(value: str | None) -> str | None:
    """An evidence note from an older file in a form the limits accept."""
    if value is None or note_problem(value) is None:
        return value
    note = _CONTROL_IN_NOTE.sub(" ", value).strip() or None
    if note is None or len(note) <= MAX_NOTE:
        return note
    marker = f" … [cut: the note had {len(note):,} characters]"
    return note[: MAX_NOTE - len(marker)] + marker


def escaped(text: str) -> str:
    """``text`` for a terminal: control characters shown as escapes, never acted on."""
    return _CONTROL.sub(lambda m: _shown(m.group()), text)


def _shown(char: str) -> str:
    return repr(char)[1:-1] if char not in "\u2028\u2029" else f"\\u{ord(char):04x}"
