"""Text as the report prints it: cleaned of what a Word file cannot hold, and dates in
one format everywhere."""

from __future__ import annotations

import re
from datetime import date, datetime

# XML 1.0 (and so Word) cannot hold C0 control characters other than tab, newline and
# carriage return, nor U+FFFE/U+FFFF or lone surrogates; C1 controls and DEL are noise.
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")


def clean(text: str | None) -> str:
    """``text`` safe for a Word document: vertical tabs, form feeds and other line
    separators become line breaks, other control characters are dropped.

    >>> clean("Seen in May\\x0band June\\x00.")
    'Seen in May\\nand June.'
    >>> clean(None)
    ''
    """
    if not text:
        return ""
    return _UNPRINTABLE.sub("", _LINE_BREAKS.sub("\n", text))


def day_text(day: date | datetime | str) -> str:
    """The report's one date format: ``June 3, 2025``. An ISO date or timestamp string
    is read first; anything else is printed cleaned, as given.

    >>> day_text(date(2025, 6, 3)), day_text("2026-11-29T08:53:12.5Z"), day_text("spring")
    ('June 3, 2025', 'November 29, 2026', 'spring')
    """
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day[:10])
        except ValueError:
            return clean(day)
    return f"{day:%B} {day.day}, {day.year}"
